// Small DOM helpers: element builder, toasts, formatting. Text is always set as text, never HTML.

/**
 * h("button", {class: "btn", onclick: fn, "aria-label": "x"}, "text", childNode, [more])
 * Attributes named on* become listeners; `text` sets textContent; null/false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "text") {
      el.textContent = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key in el && typeof value !== "string") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An inline icon from one or more path strings (24×24, stroked), hidden from screen readers. */
export function icon(paths, cls = "icon") {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", cls);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of [].concat(paths)) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

export const ICONS = {
  SICK_CALLER: ["M9 12h6M12 9v6", "M4 7a3 3 0 0 1 3-3h10a3 3 0 0 1 3 3v10a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3z"],
  STOCK_CHECKER: ["M3 7l9-4 9 4-9 4z", "M3 7v10l9 4 9-4V7", "M12 11v10"],
  RESTAURANT_RESERVATION: ["M7 3v8M4 3v5a3 3 0 0 0 6 0V3M7 11v10", "M17 3c-2 2-3 5-3 8h3v10"],
  CANCEL_APPOINTMENT: ["M4 6h16v14H4z", "M4 10h16M8 3v4M16 3v4", "M9.5 13.5l5 5M14.5 13.5l-5 5"],
  phone: ["M8.5 4.5 6.7 3.4a2 2 0 0 0-2.5.5L3 5.6c-.6 1 .1 3.7 2.9 7.5 2.8 3.7 6.3 6.9 9.5 8.1 1.3.5 2.3.3 2.9-.4l1.4-1.6a2 2 0 0 0 0-2.6l-1.5-1.4a2 2 0 0 0-2.5-.2l-1.2.8c-1.8-1-3.6-2.8-4.9-4.8l.9-1.3a2 2 0 0 0 0-2.4z"],
  send: ["M4 12l16-8-6 16-2.5-6.5z", "M11.5 13.5 20 4"],
  back: ["M15 5l-7 7 7 7"],
  pin: ["M12 21s-7-6.2-7-11.5A7 7 0 0 1 19 9.5C19 14.8 12 21 12 21z", "M12 12a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z"],
  locate: ["M12 3v3M12 18v3M3 12h3M18 12h3", "M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10z"],
  search: ["M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4"],
  check: ["M5 12.5l4.5 4.5L19 7.5"],
  alert: ["M12 8v5M12 16.5v.5", "M10.3 3.9 2.6 17.5A2 2 0 0 0 4.3 20.5h15.4a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"],
  clock: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 7v5l3 2"],
  chevron: ["M9 5l7 7-7 7"],
};

/** Shows a short message; errors stay until dismissed, others fade after a few seconds. */
export function toast(message, { kind = "info", actionLabel, onAction, timeout } = {}) {
  const host = document.getElementById("toasts");
  const close = () => { item.classList.add("leaving"); setTimeout(() => item.remove(), 200); };
  const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    icon(kind === "error" ? ICONS.alert : ICONS.check),
    h("p", { class: "toast-text", text: message }),
    actionLabel ? h("button", { class: "btn btn-small btn-light", type: "button",
      onclick: () => { close(); onAction?.(); } }, actionLabel) : null,
    h("button", { class: "toast-close", type: "button", "aria-label": "Dismiss", onclick: close }, "×"));
  host.append(item);
  const ms = timeout ?? (kind === "error" ? 9000 : 4000);
  if (ms > 0) setTimeout(close, ms);
  return close;
}

/** Shows an ApiError (or any error) to the person in plain words. */
export function showError(error, options = {}) {
  const message = error?.message && error.name === "ApiError" ? error.message
    : "Something went wrong. Please try again.";
  return toast(message, { kind: "error", ...options });
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayTimeFmt = new Intl.DateTimeFormat(undefined, {
  weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit",
});
const fullFmt = new Intl.DateTimeFormat(undefined, {
  weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit",
  timeZoneName: "short",
});

/** "9:41 am" today, "Mon 2 Feb, 9:41 am" otherwise. */
export function when(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const today = new Date();
  return date.toDateString() === today.toDateString() ? timeFmt.format(date) : dayTimeFmt.format(date);
}

/** "Monday 2 February, 9:00 am AEST" — in the person's own time zone. */
export function whenFull(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : fullFmt.format(date);
}

/** Distance for a place list: "850 m" or "3.2 km". */
export function distance(meters) {
  if (meters === null || meters === undefined || Number.isNaN(Number(meters))) return "";
  const m = Number(meters);
  return m < 1000 ? `${Math.round(m / 10) * 10} m` : `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} km`;
}

/** "in-progress" → "In progress"; "NO_ANSWER" → "No answer". */
export function humanize(word) {
  const text = String(word ?? "").replace(/[-_]+/g, " ").trim().toLowerCase();
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}

/** Replaces the main region's content and moves focus to its heading for screen readers. */
export function mount(...children) {
  const main = document.getElementById("main");
  main.replaceChildren(...children.flat());
  main.removeAttribute("aria-busy");
  const heading = main.querySelector("h1");
  (heading ?? main).setAttribute("tabindex", "-1");
  (heading ?? main).focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

/** A centred loading line while a screen fetches. */
export function loading(label = "Loading…") {
  return h("div", { class: "boot", "aria-busy": "true" },
    h("span", { class: "spinner", "aria-hidden": "true" }), h("span", { text: label }));
}
