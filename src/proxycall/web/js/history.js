// History: the person's tasks (GET /v2/conversations) and calls (GET /calls).

import { api } from "./api.js";
import { h, humanize, icon, ICONS, loading, mount, showError, when, whenFull } from "./dom.js";

const TASK_STATUS = { ACTIVE: "In progress", COMPLETE: "Confirmed" };
const CALL_TONE = { completed: "good", busy: "bad", "no-answer": "bad", failed: "bad", canceled: "bad" };

function titleOf(session, agentType, fallback) {
  return fallback || session.agents.find((a) => a.agentType === agentType)?.title || humanize(agentType);
}

function row({ href, agentType, title, detail, badge, tone, time }) {
  return h("li", {},
    h("a", { class: "history-row", href },
      h("span", { class: "agent-icon agent-icon-small" }, icon(ICONS[agentType] ?? ICONS.phone)),
      h("span", { class: "history-text" },
        h("span", { class: "history-title", text: title }),
        detail ? h("span", { class: "history-detail", text: detail }) : null),
      h("span", { class: "history-side" },
        h("span", { class: `badge badge-${tone}`, text: badge }),
        h("time", { class: "history-time", datetime: time ?? "", text: time ? when(time) : "" }))));
}

const CALL_BADGE = { scheduled: "Scheduled", queued: "Calling", initiated: "Calling",
  ringing: "Calling", "in-progress": "Calling", completed: "Done", canceled: "Cancelled" };

/** What happened, in words: when a scheduled call will go, or the outcome once it went. */
function callWords(call) {
  if (call.status === "scheduled") {
    return call.scheduledFor ? `Scheduled for ${whenFull(call.scheduledFor)}` : "Scheduled";
  }
  if (!call.terminal) return "Calling now";
  return call.summary || humanize(call.status);
}

function section(id, title, items, empty) {
  return h("section", { class: "history-section", "aria-labelledby": id },
    h("h2", { id, class: "section-title", text: title }),
    items.length ? h("ul", { class: "history-list", role: "list" }, items)
      : h("p", { class: "empty", text: empty }));
}

/** Renders the history screen. */
export function renderHistory(session) {
  let cancelled = false;
  mount(h("section", { class: "screen", "aria-labelledby": "history-title" },
    h("h1", { id: "history-title", text: "History" }), loading()));
  (async () => {
    try {
      const [convos, calls] = await Promise.all([api.conversations(), api.calls()]);
      if (cancelled) return;
      // A task's call, from the calls list when the task list doesn't name it.
      const callOf = new Map((calls?.calls ?? []).map((call) => [call.conversationId, call]));
      const taskRows = (convos?.conversations ?? []).map((c) => row({
        href: `#/c/${encodeURIComponent(c.conversationId)}`,
        agentType: c.agentType,
        title: titleOf(session, c.agentType, c.title),
        detail: c.status === "ACTIVE" ? `Next: ${humanize(c.nextAction)}`
          : callOf.has(c.conversationId) ? callWords(callOf.get(c.conversationId))
            : "Ready to call",
        badge: TASK_STATUS[c.status] ?? humanize(c.status),
        tone: c.status === "COMPLETE" ? "good" : "neutral",
        time: c.updatedAt,
      }));
      const callRows = (calls?.calls ?? []).map((c) => row({
        href: `#/call/${encodeURIComponent(c.callId)}`,
        agentType: c.agentType,
        title: c.business ? `${titleOf(session, c.agentType)} — ${c.business}`
          : titleOf(session, c.agentType),
        detail: callWords(c),
        badge: CALL_BADGE[c.status] ?? humanize(c.status),
        tone: c.terminal ? CALL_TONE[c.status] ?? "neutral" : "live",
        time: c.createdAt,
      }));
      mount(h("section", { class: "screen", "aria-labelledby": "history-title" },
        h("h1", { id: "history-title", text: "History" }),
        h("div", { class: "history-grid" },
          section("tasks-title", "Tasks", taskRows, "No tasks yet. Start one from New task."),
          section("calls-title", "Calls", callRows, "No calls yet."))));
    } catch (error) {
      if (!cancelled && error.status !== 401) showError(error, { actionLabel: "Try again",
        onAction: () => renderHistory(session) });
    }
  })();
  return () => { cancelled = true; };
}
