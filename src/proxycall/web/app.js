// proxycall web app: sign-in, routing between screens, and the signed-in session.

import { api, onUnauthorized, takeTokenFromUrl, token } from "./js/api.js";
import { loading, mount, showError } from "./js/dom.js";
import { renderSignIn } from "./js/signin.js";
import { renderAgents } from "./js/agents.js";
import { renderChat } from "./js/chat.js";
import { renderCall } from "./js/call.js";
import { renderHistory } from "./js/history.js";

/** What every screen may read: who is signed in and the agents they can use. */
export const session = { me: null, agents: [] };

let signedIn = false;
let leaveScreen = null; // cleanup of the current screen (stops polling)

function setNav(active) {
  const nav = document.getElementById("topnav");
  nav.hidden = !signedIn;
  for (const link of nav.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function route() {
  leaveScreen?.();
  leaveScreen = null;
  if (!signedIn) return;
  const path = location.hash.replace(/^#/, "") || "/";
  const [, section, id] = path.split("/");
  let cleanup;
  if (section === "c" && id) {
    setNav("");
    cleanup = renderChat(decodeURIComponent(id), session);
  } else if (section === "call" && id) {
    setNav("history");
    cleanup = renderCall(decodeURIComponent(id), session);
  } else if (section === "history") {
    setNav("history");
    cleanup = renderHistory(session);
  } else {
    setNav("tasks");
    cleanup = renderAgents(session);
  }
  leaveScreen = typeof cleanup === "function" ? cleanup : null;
}

function showSignIn(reason) {
  leaveScreen?.();
  leaveScreen = null;
  signedIn = false;
  setNav("");
  renderSignIn({ reason, onToken: (value) => signIn(value) });
}

/** Validates a token with GET /me; on success the app opens at the current route. */
async function signIn(value) {
  if (value) token.set(value);
  if (!token.get()) return showSignIn("missing");
  mount(loading("Signing you in…"));
  try {
    const me = await api.me(); // first: a bad token answers 401 once, with the reason shown
    const registry = await api.agents();
    session.me = me;
    document.getElementById("ops-link").hidden = !me.isAdmin; // operators only
    session.agents = registry?.agents ?? [];
    signedIn = true;
    route();
  } catch (error) {
    if (error.status === 401) return; // onUnauthorized already showed the sign-in screen
    signedIn = false;
    mount(loading("Can't reach proxycall…"));
    showError(error, { actionLabel: "Try again", onAction: () => signIn(), timeout: 0 });
  }
}

onUnauthorized(() => {
  const had = Boolean(token.get());
  token.clear();
  showSignIn(had ? "rejected" : "missing");
});

document.getElementById("signout").addEventListener("click", () => {
  token.clear();
  session.me = null;
  history.replaceState(null, "", location.pathname);
  showSignIn("signed-out");
});

window.addEventListener("hashchange", () => {
  const fromLink = takeTokenFromUrl();
  if (fromLink) signIn(fromLink);
  else route();
});

signIn(takeTokenFromUrl());
