// Choose a task: one card per agent from GET /v2/agents.

import { newId } from "./api.js";
import { h, icon, ICONS, mount } from "./dom.js";
import { startConversation } from "./store.js";

/** Renders the task picker. */
export function renderAgents(session) {
  const first = (session.me?.name ?? "").trim().split(/\s+/)[0];
  const cards = session.agents.map((agent) =>
    h("li", {},
      h("button", {
        class: "agent-card", type: "button", dataset: { agent: agent.agentType },
        onclick: () => {
          const id = `web-${newId()}`;
          startConversation(id, agent.agentType);
          location.hash = `#/c/${id}`;
        },
      },
      h("span", { class: "agent-icon" }, icon(ICONS[agent.agentType] ?? ICONS.phone)),
      h("span", { class: "agent-text" },
        h("span", { class: "agent-title", text: agent.title }),
        h("span", { class: "agent-desc", text: agent.description })),
      icon(ICONS.chevron, "icon agent-chevron"))));

  mount(h("section", { class: "screen", "aria-labelledby": "agents-title" },
    h("p", { class: "eyebrow", text: first && first !== "admin" ? `Hi ${first}` : "Hi there" }),
    h("h1", { id: "agents-title", text: "What should I call about?" }),
    h("p", { class: "lead", text: "Pick a task. I'll ask a few quick questions, show you " +
      "exactly what I'll say, and only call once you confirm." }),
    cards.length
      ? h("ul", { class: "agent-grid", role: "list" }, cards)
      : h("p", { class: "banner banner-info", text: "No tasks are available right now." })));
}
