// The chat screen: messages, the composer, and the panel for the current step.

import { api, newId, withRetry } from "./api.js";
import { h, icon, ICONS, loading, mount, showError, toast } from "./dom.js";
import { renderComposer } from "./composer.js";
import { renderPlacePicker, sharedLocation } from "./places.js";
import { renderBrief, renderConfirmCard } from "./cards.js";
import { getConversation, knownType, resumeConversation } from "./store.js";

const TIMEZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Renders the chat for `id`, resuming it from the server when this tab doesn't have it. */
export function renderChat(id, session) {
  const convo = getConversation(id);
  if (convo) return mountChat(convo, session);
  let cancelled = false;
  let cleanup = null;
  mount(loading("Opening your task…"));
  (async () => {
    try {
      const [last, list, calls] = await Promise.all([api.conversation(id), api.conversations(),
        api.calls().catch(() => null)]);
      if (cancelled) return;
      const entry = list?.conversations?.find((c) => c.conversationId === id);
      const agentType = entry?.agentType ?? knownType(id);
      const resumed = resumeConversation(id, agentType, last);
      resumed.callId = entry?.callId ??
        calls?.calls?.find((c) => c.conversationId === id)?.callId ?? null;
      cleanup = mountChat(resumed, session);
    } catch (error) {
      if (cancelled || error.status === 401) return;
      showError(error);
      location.hash = "#/history";
    }
  })();
  return () => { cancelled = true; cleanup?.(); };
}

function agentOf(session, agentType) {
  return session.agents.find((a) => a.agentType === agentType) ?? { title: "Task", description: "" };
}

function mountChat(convo, session) {
  const agent = agentOf(session, convo.agentType);
  const log = h("div", { class: "chat-log", role: "log", "aria-live": "polite",
    "aria-relevant": "additions", "aria-label": "Conversation" });
  const panel = h("div", { class: "chat-panel" });
  const typing = h("div", { class: "typing", hidden: true, "aria-hidden": "true" },
    h("span"), h("span"), h("span"));
  const composerHost = h("div", { class: "composer-host" });
  const scroller = h("div", { class: "chat-scroll" }, log, typing, panel);

  const view = {
    alive: true,
    addItem(item) { log.append(renderItem(item)); scrollDown(); },
    setBusy(busy) {
      screen.dataset.state = busy ? "busy" : "idle";
      typing.hidden = !busy;
      panel.inert = busy;
      panel.setAttribute("aria-busy", String(busy));
      const sendButton = composerHost.querySelector("button[type=submit]");
      if (sendButton) sendButton.disabled = busy;
      for (const chip of composerHost.querySelectorAll(".chip")) chip.disabled = busy;
      if (busy) scrollDown();
    },
    showStep() {
      // Observable progress for tests and assistive tech: responses received, current step.
      screen.dataset.turns = String(convo.turns ?? 0);
      screen.dataset.nextAction = convo.last?.nextAction ?? "";
      renderStep(convo, { panel, composerHost, send: (m) => send(convo, m) });
      scrollDown();
    },
  };
  // New messages: show the end. A new panel taller than the view: show its top instead,
  // with the message that introduced it, so a card is read from its title.
  const scrollDown = () => requestAnimationFrame(() => {
    const end = scroller.scrollHeight - scroller.clientHeight;
    const panelTop = panel.offsetTop - 72;
    const tallPanel = panel.childElementCount > 0 && panel.offsetHeight > scroller.clientHeight - 72;
    scroller.scrollTop = tallPanel ? Math.min(end, Math.max(0, panelTop)) : end;
  });

  const screen = h("section", { class: "chat", "aria-labelledby": "chat-title",
    dataset: { state: "idle", turns: String(convo.turns ?? 0), nextAction: convo.last?.nextAction ?? "" } },
    h("div", { class: "chat-head" },
      h("a", { class: "icon-button", href: "#/", "aria-label": "Back to tasks" }, icon(ICONS.back)),
      h("span", { class: "agent-icon agent-icon-small" }, icon(ICONS[convo.agentType] ?? ICONS.phone)),
      h("div", { class: "chat-head-text" },
        h("h1", { id: "chat-title", text: agent.title }),
        h("p", { class: "chat-head-desc", text: agent.description }))),
    scroller, composerHost);
  mount(screen);

  convo.view = view;
  for (const item of convo.items) log.append(renderItem(item));
  if (convo.fresh) {
    convo.fresh = false;
    send(convo, convo.prefill ? { text: "", slots: convo.prefill } : { text: "" });
  } else if (convo.last) {
    if (convo.resumed && !convo.items.length) {
      push(convo, { kind: "notice", text: "Picking up where you left off." });
      if (convo.last.assistantMessage) push(convo, { kind: "assistant", text: convo.last.assistantMessage });
    }
    view.showStep();
  }
  if (convo.busy) view.setBusy(true);
  return () => { view.alive = false; if (convo.view === view) convo.view = null; };
}

function push(convo, item) {
  convo.items.push(item);
  convo.view?.addItem(item);
}

function renderItem(item) {
  if (item.kind === "user") {
    return h("div", { class: "msg msg-user" }, h("p", { class: "bubble", text: item.text }));
  }
  if (item.kind === "invalid") {
    return h("div", { class: "msg msg-invalid", "data-testid": "validation-error" },
      h("p", { class: "bubble" }, icon(ICONS.alert), h("span", { text: item.text })));
  }
  if (item.kind === "notice") {
    return h("p", { class: "msg-notice", text: item.text });
  }
  return h("div", { class: "msg msg-assistant" },
    h("span", { class: "msg-avatar", "aria-hidden": "true" }, icon(ICONS.phone)),
    h("p", { class: "bubble" }, h("span", { class: "sr-only", text: "proxycall: " }),
      h("span", { text: item.text })));
}

/**
 * Sends one turn. `message` = {text, display, slots, clientAction}. A new idempotency key per
 * send; automatic and manual retries reuse the same body, so the server applies it once.
 */
export async function send(convo, message) {
  if (convo.busy) return;
  const body = {
    conversationId: convo.id,
    agentType: convo.agentType,
    userMessage: message.text ?? "",
    idempotencyKey: newId(),
    timezone: TIMEZONE,
  };
  if (message.slots) body.slots = message.slots;
  if (message.clientAction) body.clientAction = message.clientAction;
  if (convo.last?.question?.field) body.currentQuestionSlotName = convo.last.question.field;
  const here = sharedLocation();
  if (here) body.location = here;
  if (message.display) push(convo, { kind: "user", text: message.display });
  await deliver(convo, body);
}

async function deliver(convo, body) {
  convo.busy = true;
  convo.view?.setBusy(true);
  try {
    const response = await withRetry(() => api.next(body));
    receive(convo, response);
  } catch (error) {
    if (error.code === "conversation_complete") {
      toast("This task is already confirmed.", { kind: "info" });
      try { receive(convo, await api.conversation(convo.id)); } catch (e) { showError(e); }
    } else if (error.status !== 401) {
      showError(error, { actionLabel: "Try again", onAction: () => deliver(convo, body) });
    }
  } finally {
    convo.busy = false;
    convo.view?.setBusy(false);
  }
}

function receive(convo, response) {
  convo.last = response;
  convo.turns = (convo.turns ?? 0) + 1;
  const invalid = response.validationError?.message;
  if (invalid) push(convo, { kind: "invalid", text: invalid });
  const said = response.assistantMessage;
  // A re-ask that opens like the validation message would say the same thing twice.
  if (said && !(invalid && sameOpening(said, invalid))) push(convo, { kind: "assistant", text: said });
  convo.view?.showStep();
}

function sameOpening(a, b, words = 5) {
  const start = (text) => text.toLowerCase().replace(/[^\p{L}\p{N}\s']/gu, " ").split(/\s+/)
    .filter(Boolean).slice(0, words).join(" ");
  return start(a) === start(b);
}

/** The panel and composer for the last response's nextAction. */
function renderStep(convo, { panel, composerHost, send: sendTurn }) {
  const last = convo.last ?? {};
  const action = last.nextAction;
  const active = document.activeElement;
  const oldInput = composerHost.querySelector("input");
  const finePointer = matchMedia("(pointer: fine)").matches;
  const previous = {
    draft: oldInput?.value ?? "",
    // Keep typing flowing: refocus when the box had focus; with a mouse and keyboard also
    // after a chip, unless the person was working in the panel (place search, card).
    focus: active === oldInput || (finePointer && !panel.contains(active)),
  };
  panel.replaceChildren();
  if (action === "FIND_PLACE") {
    panel.append(renderPlacePicker(last.placeSearchParams ?? {},
      (place) => sendTurn({ slots: { place_id: place.placeId }, display: `Call ${place.name}` }),
      (number) => sendTurn({ text: `Their number is ${number}`, display: number })));
  } else if (action === "CONFIRM" && last.confirmationCard) {
    const card = last.confirmationCard;
    panel.append(renderConfirmCard(card, {
      warning: last.destinationWarning,
      onConfirm: () => sendTurn({ clientAction: "CONFIRM", display: card.confirmLabel }),
      onReject: () => sendTurn({ clientAction: "REJECT", display: card.rejectLabel }),
    }));
  }
  // After COMPLETE the conversation is closed (409 on anything more): the composer gives way
  // to the brief's "Start call" bar.
  if (action === "COMPLETE") {
    const brief = renderBrief(convo);
    panel.append(brief.card);
    composerHost.replaceChildren(brief.actions);
  } else {
    composerHost.replaceChildren(renderComposer(last, {
      previous,
      onSend: (text, display) => sendTurn({ text, display: display ?? text }),
    }));
  }
}
