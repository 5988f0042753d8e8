// The composer: quick-reply chips for the current question and a text box that is always there.

import { h, icon, ICONS } from "./dom.js";

const INPUTS = {
  PHONE: { type: "tel", inputmode: "tel", autocomplete: "tel", placeholder: "e.g. 0412 345 678" },
  NUMBER: { type: "text", inputmode: "numeric", autocomplete: "off", placeholder: "e.g. 2" },
  DATE: { type: "text", inputmode: "text", autocomplete: "off", placeholder: "e.g. tomorrow, Friday, 3 March" },
  TIME: { type: "text", inputmode: "text", autocomplete: "off", placeholder: "e.g. 9am, 2:30pm" },
};
const TEXT_INPUT = { type: "text", inputmode: "text", autocomplete: "off", placeholder: "Type a message" };
const YES_NO = [{ value: "yes", label: "Yes" }, { value: "no", label: "No" }];

/** A chip from a string or an object; what is sent (value) may differ from what is shown. */
function toChip(option) {
  if (option === null || option === undefined) return null;
  if (typeof option !== "object") return { value: String(option), label: String(option) };
  const value = option.value ?? option.message ?? option.text ?? option.label;
  const label = option.label ?? option.text ?? option.title ?? value;
  return value === undefined || value === null ? null : { value: String(value), label: String(label) };
}

/** Chips for a question: its quick replies, its choices, and yes/no when nothing else is given. */
export function chipsFor(question) {
  if (!question) return [];
  const choices = (question.choices ?? []).map(toChip).filter(Boolean);
  const same = (a, b) => a.value.toLowerCase() === b.value.toLowerCase() ||
    a.label.toLowerCase() === b.label.toLowerCase();
  // Quick replies keep their order; one naming a choice sends the choice's value.
  const chips = (question.quickReplies ?? []).map(toChip).filter(Boolean)
    .map((chip) => choices.find((choice) => same(choice, chip)) ?? chip);
  chips.push(...choices);
  if (question.inputType === "YES_NO" && !chips.length) chips.push(...YES_NO);
  const seen = new Set();
  // A choice may come both as a quick reply (its label) and as a choice: show it once.
  return chips.filter((chip) => {
    const keys = [chip.value.toLowerCase(), chip.label.toLowerCase()];
    if (keys.some((key) => seen.has(key))) return false;
    keys.forEach((key) => seen.add(key));
    return true;
  });
}

/**
 * Renders the composer for the last response. `onSend(text, display)` sends a reply; a chip
 * sends its value and shows its label. The draft and focus survive a re-render.
 */
export function renderComposer(last, { onSend, previous }) {
  const question = last?.question ?? null;
  const spec = INPUTS[question?.inputType] ?? TEXT_INPUT;
  const input = h("input", {
    id: "reply", name: "reply", type: spec.type, inputmode: spec.inputmode,
    autocomplete: spec.autocomplete, placeholder: spec.placeholder, enterkeyhint: "send",
    maxlength: "2000", "data-input-type": question?.inputType ?? "TEXT",
  });
  if (previous?.draft) input.value = previous.draft;
  const chips = chipsFor(question);
  const chipRow = chips.length ? h("div", { class: "chips", role: "group",
    "aria-label": "Quick replies" }, chips.map((chip) => h("button", {
    class: "chip", type: "button", dataset: { value: chip.value },
    onclick: () => onSend(chip.value, chip.label),
  }, chip.label))) : null;
  const form = h("form", {
    class: "composer",
    onsubmit: (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return input.focus();
      input.value = "";
      onSend(text, text);
    },
  },
  chipRow,
  h("div", { class: "composer-row" },
    h("label", { for: "reply", class: "sr-only",
      text: question?.text ? `Your reply to: ${question.text}` : "Your message" }),
    input,
    h("button", { class: "send-button", type: "submit", "aria-label": "Send" }, icon(ICONS.send))));
  if (previous?.focus) queueMicrotask(() => input.focus({ preventScroll: true }));
  return form;
}
