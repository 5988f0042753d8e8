// The confirmation card (exactly as the API sends it) and the brief with the start button.

import { api, newId, withRetry } from "./api.js";
import { h, icon, ICONS, showError, whenFull } from "./dom.js";

/**
 * The card on CONFIRM: title, lines as sent, the destination policy's warning when the number
 * won't be dialled (so the person can change it before confirming), confirm and change buttons.
 */
export function renderConfirmCard(card, { warning, onConfirm, onReject }) {
  return h("section", { class: "card confirm-card", "aria-labelledby": "confirm-title",
    "data-testid": "confirmation-card",
    "data-card-id": card.cardId ?? "" },
  h("p", { class: "card-eyebrow", text: "Check the details" }),
  h("h2", { id: "confirm-title", class: "card-title", text: card.title }),
  h("ul", { class: "confirm-lines", role: "list" },
    (card.lines ?? []).map(cardLine)),
  warning ? destinationWarning(warning) : null,
  h("div", { class: "card-actions" },
    h("button", { class: "btn btn-primary", type: "button", onclick: onConfirm },
      icon(ICONS.phone), h("span", { text: card.confirmLabel || "Confirm" })),
    h("button", { class: "btn btn-secondary", type: "button", onclick: onReject },
      card.rejectLabel || "Change something")));
}

function destinationWarning(warning) {
  return h("div", { class: "banner banner-warn", role: "note", "data-testid": "destination-warning",
    "data-reason": warning.reason ?? "" }, icon(ICONS.alert),
  h("span", { text: `I can't call this number. ${warning.message ?? ""} ` +
    "Change it to one I can call." }));
}

/** One line exactly as sent; a leading "Label:" is only styled, its text is unchanged. */
function cardLine(line) {
  const match = /^([^:]{1,24}):\s(.+)$/s.exec(line);
  if (!match) return h("li", { text: line });
  return h("li", {}, h("span", { class: "line-label", text: `${match[1]}:` }), " ",
    h("span", { class: "line-value", text: match[2] }));
}

function list(tag, items, cls) {
  return h(tag, { class: cls, role: "list" }, (items ?? []).map((item) => h("li", { text: item })));
}

function startError(error) {
  if (error.code === "destination_blocked") {
    // The reason is shown only when it is words: a code ("premium_number") means nothing to a person.
    const reason = error.details?.reason ?? error.details;
    const words = typeof reason === "string" && !/^[a-z0-9_]+$/.test(reason) &&
      !error.message.includes(reason);
    return `I can't call that number. ${error.message}${words ? ` (${reason})` : ""}`;
  }
  if (error.code === "calls_paused") {
    return "Calls are paused right now by the operator. Your task is saved — try again a bit later.";
  }
  return error.message;
}

const callHref = (callId) => `#/call/${encodeURIComponent(callId)}`;

/**
 * After COMPLETE: `card` is the brief (objective, script, checklist) for the chat; `actions` is
 * the bar that replaces the composer, so "Start call" and its outcome stay in view.
 */
export function renderBrief(convo) {
  const body = h("div", { class: "brief-body" },
    h("p", { class: "muted", text: "Preparing the call…" }));
  const card = h("section", { class: "card brief-card", "aria-labelledby": "brief-title",
    "data-testid": "brief" },
  h("p", { class: "card-eyebrow", text: "Confirmed" }),
  h("h2", { id: "brief-title", class: "card-title", text: "Here's the plan" }),
  body);

  const status = h("div", { class: "brief-status", "aria-live": "polite" });
  const startButton = h("button", { class: "btn btn-primary btn-block", type: "button",
    onclick: () => start() }, icon(ICONS.phone), h("span", { text: "Start call" }));
  const viewLink = (label) => h("a", { class: "btn btn-primary btn-block",
    href: callHref(convo.callId) }, label);
  const actions = h("div", { class: "call-actions" }, status,
    convo.callId ? viewLink("View the call") : startButton);

  function showScheduled(call) {
    status.replaceChildren(h("div", { class: "banner banner-info", role: "status",
      "data-testid": "scheduled" }, icon(ICONS.clock),
    h("span", { text: `Scheduled: I'll call on ${whenFull(call.scheduledFor)}. ` +
      "It's outside the hours I can call them (their calling hours and opening times)." })));
    startButton.replaceWith(viewLink("View the scheduled call"));
  }

  async function start() {
    convo.callKey ??= newId(); // the same key on every retry: one call per task
    startButton.disabled = true;
    status.replaceChildren(h("p", { class: "muted", text: "Starting the call…" }));
    try {
      const call = await withRetry(() => api.startCall({
        conversationId: convo.id, idempotencyKey: convo.callKey }));
      convo.callId = call.callId;
      if (call.status === "scheduled") showScheduled(call);
      else location.hash = callHref(call.callId);
    } catch (error) {
      startButton.disabled = false;
      if (error.status === 401) return;
      status.replaceChildren(h("div", { class: "banner banner-error", role: "alert",
        "data-error-code": error.code }, icon(ICONS.alert), h("span", { text: startError(error) })));
    }
  }

  (async () => {
    try {
      const brief = await api.brief(convo.id);
      body.replaceChildren(
        h("h3", { class: "brief-heading", text: "Goal" }),
        h("p", { class: "brief-objective", text: brief.objective }),
        h("h3", { class: "brief-heading", text: "What I'll say" }),
        list("ol", brief.scriptPreview, "script-preview"),
        h("h3", { class: "brief-heading", text: "I'll make sure to" }),
        h("ul", { class: "checklist", role: "list" }, (brief.confirmationChecklist ?? []).map(
          (item) => h("li", {}, icon(ICONS.check), h("span", { text: item })))));
    } catch (error) {
      body.replaceChildren(h("p", { class: "muted", text: "Couldn't load the call plan." }));
      if (error.status !== 401) showError(error);
    }
  })();
  return { card, actions };
}
