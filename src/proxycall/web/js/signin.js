// The sign-in screen: explains the start-up link and accepts a pasted token.

import { h, icon, ICONS, mount } from "./dom.js";

const REASONS = {
  missing: null,
  rejected: "That sign-in link or token didn't work. It may be mistyped, or from another proxycall.",
  "signed-out": "You're signed out.",
};

/** Renders the screen; `onToken(value)` is called with what the person pasted. */
export function renderSignIn({ reason = "missing", onToken }) {
  const input = h("input", {
    id: "token-input", name: "token", type: "password", autocomplete: "off",
    autocapitalize: "off", spellcheck: "false", required: true,
    "aria-describedby": "token-help",
  });
  const form = h("form", {
    class: "signin-form",
    onsubmit: (event) => {
      event.preventDefault();
      const value = extractToken(input.value);
      if (value) onToken(value);
      else input.focus();
    },
  },
  h("label", { for: "token-input", class: "field-label", text: "Access token" }),
  input,
  h("p", { id: "token-help", class: "field-help",
    text: "Paste the whole link or just the part after “token=”." }),
  h("button", { class: "btn btn-primary btn-block", type: "submit" }, "Sign in"));

  const notice = REASONS[reason];
  mount(h("section", { class: "screen screen-narrow signin", "aria-labelledby": "signin-title" },
    h("div", { class: "signin-badge" }, icon(ICONS.phone)),
    h("h1", { id: "signin-title", text: "Sign in to proxycall" }),
    notice ? h("p", { class: `banner ${reason === "rejected" ? "banner-error" : "banner-info"}`,
      role: reason === "rejected" ? "alert" : "status" },
    reason === "rejected" ? icon(ICONS.alert) : null, h("span", { text: notice })) : null,
    h("p", { class: "lead",
      text: "Open the sign-in link that was printed when the proxycall service started. " +
        "It looks like this:" }),
    h("p", { class: "code-sample" }, h("code", { text: `${location.origin}/#token=…` })),
    h("p", { class: "muted", text: "Running it yourself? Look in the terminal where you started proxycall. " +
      "You can also paste the link or token here:" }),
    form));
}

/** Accepts a bare token or a whole link containing `#token=…`. */
function extractToken(raw) {
  const text = raw.trim();
  const match = text.match(/[#&?]token=([^&\s]+)/);
  if (!match) return text;
  try { return decodeURIComponent(match[1]); } catch { return match[1]; }
}
