// The live call screen: status and transcript from /call/status, then the result card.

import { api, newId } from "./api.js";
import { startConversation } from "./store.js";
import { h, humanize, icon, ICONS, mount, showError, when, whenFull } from "./dom.js";

const POLL_MS = 1000;
const SCHEDULED_POLL_MS = 15000;
const STEPS = ["Preparing", "Ringing", "Talking", "Done"];
const STATUS_TEXT = {
  scheduled: "Scheduled",
  canceled: "Cancelled",
  queued: "Getting ready",
  initiated: "Dialling",
  ringing: "Ringing",
  "in-progress": "On the call",
  completed: "Call finished",
  busy: "Line busy",
  "no-answer": "No answer",
  failed: "Call failed",
};

function stepIndex(status, terminal) {
  if (terminal) return 3;
  if (status === "in-progress") return 2;
  if (status === "ringing" || status === "initiated") return 1;
  return 0;
}

function tone(status, terminal) {
  if (!terminal) return "live";
  return status === "completed" ? "good" : "bad";
}

/** Renders the call screen and polls until the call is terminal; returns a cleanup. */
export function renderCall(callId, session) {
  let stopped = false;
  let timer = null;
  let shownLines = 0;
  const pill = h("span", { class: "pill pill-live", role: "status", "data-testid": "call-status" },
    h("span", { class: "pill-dot", "aria-hidden": "true" }), h("span", { text: "Connecting" }));
  const steps = h("ol", { class: "steps", "aria-label": "Call progress" },
    STEPS.map((step) => h("li", { text: step })));
  const subtitle = h("p", { class: "muted call-sub", text: "" });
  const transcript = h("ol", { class: "transcript", role: "log", "aria-live": "polite",
    "aria-label": "Call transcript" });
  const waiting = h("p", { class: "muted transcript-empty", text: "The transcript appears here as the call happens." });
  const result = h("div", { class: "result-host" });
  const controls = h("div", { class: "scheduled-controls", hidden: true,
    "data-testid": "scheduled-controls" });
  const transcriptTitle = h("h2", { id: "transcript-title", class: "card-title card-title-small",
    text: "Live transcript" });

  mount(h("section", { class: "screen call-screen", "aria-labelledby": "call-title" },
    h("div", { class: "call-head" },
      h("a", { class: "icon-button", href: "#/history", "aria-label": "Back to history" }, icon(ICONS.back)),
      h("h1", { id: "call-title", text: "Your call" }), pill),
    subtitle, steps, controls, result,
    h("section", { class: "card transcript-card", "aria-labelledby": "transcript-title" },
      transcriptTitle, waiting, transcript)));

  function update(status) {
    const terminal = Boolean(status.terminal);
    pill.className = `pill pill-${tone(status.status, terminal)}`;
    pill.lastChild.textContent = STATUS_TEXT[status.status] ?? humanize(status.status);
    pill.dataset.status = status.status;
    const at = stepIndex(status.status, terminal);
    [...steps.children].forEach((li, i) => {
      li.className = i < at ? "done" : i === at ? "current" : "";
      if (i === at) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    const agent = session.agents.find((a) => a.agentType === status.agentType);
    const scheduled = status.status === "scheduled";
    const bits = [agent?.title,
      scheduled && status.scheduledFor ? `Scheduled for ${whenFull(status.scheduledFor)}` : null,
      !scheduled && status.createdAt ? `Started ${when(status.createdAt)}` : null,
      status.durationSeconds ? `${Math.round(status.durationSeconds)} s on the line` : null];
    subtitle.textContent = bits.filter(Boolean).join(" · ");
    controls.hidden = !scheduled;
    if (scheduled && !controls.childElementCount) controls.append(...scheduledControls());
    const lines = status.transcript ?? [];
    for (const line of lines.slice(shownLines)) transcript.append(transcriptLine(line));
    shownLines = Math.max(shownLines, lines.length);
    waiting.hidden = shownLines > 0;
    if (terminal) {
      transcriptTitle.textContent = "Transcript";
      waiting.textContent = "Nothing was said on this call.";
      waiting.hidden = shownLines > 0;
    }
  }

  async function poll() {
    if (stopped) return;
    let wait = POLL_MS;
    try {
      const status = await api.callStatus(callId);
      if (stopped) return;
      update(status);
      if (status.terminal) return showResult();
      if (status.status === "scheduled") wait = SCHEDULED_POLL_MS; // hours away, maybe
    } catch (error) {
      if (stopped || error.status === 401) return;
      if (error.status === 404) { showError(error); return; }
      // Transient: keep polling; the status endpoint always reaches a terminal state.
    }
    timer = setTimeout(poll, wait);
  }

  /** Cancel, or move to another time, a call that has not been dialled yet. */
  function scheduledControls() {
    const time = h("input", { type: "datetime-local", "aria-label": "New time for the call" });
    const move = h("form", { class: "reschedule-form", hidden: true,
      onsubmit: async (event) => {
        event.preventDefault();
        if (!time.value) { time.focus(); return; }
        try {
          update(await api.rescheduleCall(callId, new Date(time.value).toISOString()));
          move.hidden = true;
        } catch (error) { showError(error); }
      } }, time, h("button", { class: "btn btn-secondary btn-small", type: "submit",
      text: "Move the call" }));
    const cancel = h("button", { class: "btn btn-ghost btn-small", type: "button",
      text: "Cancel call", onclick: async () => {
        if (!window.confirm("Cancel this call? It will not be made.")) return;
        try {
          const status = await api.cancelCall(callId);
          update(status);
          controls.hidden = true;
          if (status.terminal) showResult();
        } catch (error) { showError(error); }
      } });
    const change = h("button", { class: "btn btn-ghost btn-small", type: "button",
      text: "Change time", onclick: () => { move.hidden = false; time.focus(); } });
    return [h("div", { class: "ops-row" }, change, cancel), move];
  }

  async function showResult() {
    result.replaceChildren(h("p", { class: "muted", text: "Writing up the result…" }));
    try {
      const card = await api.callResult(callId);
      if (!stopped) result.replaceChildren(resultCard(card));
    } catch (error) {
      result.replaceChildren();
      if (!stopped && error.status !== 401) showError(error, { actionLabel: "Try again", onAction: showResult });
    }
  }

  poll();
  return () => { stopped = true; clearTimeout(timer); };
}

function transcriptLine(line) {
  const ours = line.speaker === "assistant";
  return h("li", { class: `line ${ours ? "line-ours" : "line-theirs"}` },
    h("span", { class: "line-speaker", text: ours ? "proxycall" : "Them" }),
    h("p", { class: "line-text", text: line.text }));
}

function factRows(facts) {
  if (!facts) return [];
  if (Array.isArray(facts)) {
    return facts.map((f) => typeof f === "object"
      ? [f.label ?? f.name ?? f.field ?? "", f.display ?? f.value ?? ""] : ["", f]);
  }
  return Object.entries(facts).map(([key, value]) => [humanize(key),
    value && typeof value === "object" ? value.display ?? value.value ?? JSON.stringify(value) : value]);
}

const RESULTS = {
  SUCCESS: ["Done", "good"],
  PARTIAL: ["Partly done", "warn"],
  FAILED: ["Not done", "bad"],
  UNKNOWN: ["Unclear", "neutral"],
};

const capitalise = (text) => (text ? text[0].toUpperCase() + text.slice(1) : text);

/** Next steps: the ones a click can do are buttons; the rest plain text that looks like text. */
function nextStepsBlock(card) {
  const actions = card.nextActions ?? [];
  const labels = new Set(actions.map((a) => a.label.replace(/\.$/, "")));
  const plain = (card.nextSteps ?? []).filter((s) => !labels.has(s.replace(/\.$/, "")));
  if (!actions.length && !plain.length) return null;
  return [h("h3", { class: "brief-heading", text: "Next steps" }),
    actions.length ? h("div", { class: "next-actions" }, actions.map((action) =>
      h("button", { class: "btn btn-secondary", type: "button", text: action.label,
        onclick: () => {
          const id = `web-${newId()}`;
          startConversation(id, action.agentType, action.slots);
          location.hash = `#/c/${id}`;
        } }))) : null,
    plain.length ? h("ul", { class: "next-steps", role: "list" },
      plain.map((s) => h("li", { text: s }))) : null];
}

/** The result card from /call/result/format. */
export function resultCard(card) {
  const facts = factRows(card.extractedFacts)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => [k, capitalise(String(v))]);
  // Bullets that only repeat a fact row ("Acknowledged: Yes") are shown once, in the table.
  const factLines = new Set(facts.map(([k, v]) => `${k}: ${v}`.toLowerCase()));
  const bullets = (card.bullets ?? []).filter((b) => !factLines.has(String(b).toLowerCase()));
  const [defaultLabel, resultTone] = RESULTS[card.taskResult] ?? [null, "good"];
  const resultLabel = card.resultLabel ?? defaultLabel; // "Not in stock" says more than "Done"
  return h("section", { class: `card result-card result-${resultTone}`, "aria-labelledby": "result-title",
    "data-testid": "result-card", "data-task-result": card.taskResult ?? "" },
    h("div", { class: "result-top" },
      h("p", { class: "card-eyebrow", text: "Result" }),
      resultLabel ? h("span", { class: `badge badge-${resultTone}`, text: resultLabel }) : null),
    h("h2", { id: "result-title", class: "card-title", text: card.title }),
    card.summary ? h("p", { class: "result-summary", text: card.summary }) : null,
    bullets.length ? h("ul", { class: "result-bullets", role: "list" },
      bullets.map((b) => h("li", { text: b }))) : null,
    facts.length ? h("dl", { class: "facts" }, facts.map(([k, v]) => h("div", { class: "fact" },
      h("dt", { text: k }), h("dd", { text: String(v) })))) : null,
    nextStepsBlock(card),
    h("div", { class: "card-actions" },
      h("a", { class: "btn btn-primary", href: "#/" }, "Start another task"),
      h("a", { class: "btn btn-secondary", href: "#/history" }, "History")));
}
