// The operator console: kill switch and calls paused with confirmation, the seed's watch figures
// as charts with their thresholds and the kill-switch flips, the latest smoke run, the
// [STARTUP] lines and recent anomalies. Live: figures refresh every few seconds.

import { request, takeTokenFromUrl, token } from "./api.js";
import { h } from "./dom.js";

const REFRESH_MS = 5000;
const main = document.getElementById("main");
let windowName = "15m";
let timer = null;

const get = (path) => request("GET", path);
const put = (path, body) => request("PUT", path, body);

function card(title, ...children) {
  return h("section", { class: "ops-card", "aria-label": title }, h("h2", { text: title }),
    ...children);
}

/** An SVG line chart of `series` (arrays of numbers) with an optional threshold and flip marks. */
function chart(title, buckets, series, { threshold = null, unit = "", flips = [], from, to }) {
  const width = 320; const height = 150; const pad = 26;
  const values = series.flatMap((s) => s.values);
  const top = Math.max(1, threshold ?? 0, ...values) * 1.15;
  const x = (i) => pad + (buckets.length <= 1 ? 0 : (i * (width - pad - 6)) / (buckets.length - 1));
  const y = (v) => height - pad - (v / top) * (height - pad - 8);
  const ns = "http://www.w3.org/2000/svg";
  const el = (tag, attrs) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  };
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title} over the last ${windowName}` });
  svg.append(el("line", { class: "axis", x1: pad, y1: height - pad, x2: width - 6, y2: height - pad }));
  svg.append(el("line", { class: "axis", x1: pad, y1: 8, x2: pad, y2: height - pad }));
  const label = el("text", { x: 2, y: 14 }); label.textContent = `${Math.round(top)}${unit}`;
  svg.append(label);
  series.forEach((s, n) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    svg.append(el("polyline", { class: `series series-${n + 1}`, points, "data-series": s.name }));
  });
  if (threshold !== null) {
    const line = el("line", { class: "threshold", x1: pad, x2: width - 6, y1: y(threshold),
      y2: y(threshold), "data-threshold": threshold });
    svg.append(line);
  }
  const start = Date.parse(from); const span = Math.max(1, Date.parse(to) - start);
  for (const flip of flips) {
    const at = pad + ((Date.parse(flip.at) - start) / span) * (width - pad - 6);
    const mark = el("line", { class: "flip", x1: at, x2: at, y1: 8, y2: height - pad,
      "data-flip": flip.active ? "on" : "off" });
    const tip = el("title", {}); tip.textContent = `Kill switch ${flip.active ? "on" : "off"}` +
      (flip.reason ? `: ${flip.reason}` : "");
    mark.append(tip);
    svg.append(mark);
  }
  const legend = h("p", { class: "ops-legend", text: series.map((s) => s.name).join(" · ") +
    (threshold !== null ? ` · threshold ${threshold}${unit}` : "") });
  return h("figure", { class: "ops-card ops-chart", "data-chart": title },
    h("h2", { text: title }), svg, legend);
}

function charts(data) {
  const b = data.buckets;
  const agents = [...new Set(b.flatMap((row) => Object.keys(row.requests)))].sort();
  const kinds = [...new Set(b.flatMap((row) => Object.keys(row.anomalies)))].sort();
  const common = { flips: data.flips, from: data.from, to: data.to };
  return h("div", { class: "ops-grid" },
    chart("Requests by agent", b, (agents.length ? agents : ["(none)"]).map((name) => ({
      name, values: b.map((row) => row.requests[name] ?? 0) })), common),
    chart("SICK_CALLER llm_rate", b, [{ name: "llm_rate %",
      values: b.map((row) => row.llmRateSickCaller) }],
    { ...common, threshold: data.thresholds.llmRateSickCaller, unit: "%" }),
    chart("fallback_rate", b, [{ name: "fallback_rate %", values: b.map((row) => row.fallbackRate) }],
      { ...common, threshold: data.thresholds.fallbackRate, unit: "%" }),
    chart("Anomalies by kind", b, (kinds.length ? kinds : ["(none)"]).map((name) => ({
      name, values: b.map((row) => row.anomalies[name] ?? 0) })),
    { ...common, threshold: data.thresholds.anomalies }));
}

function switchCard(title, active, onLabel, offLabel, flip) {
  const state = h("span", { class: `ops-state ${active ? "on" : "off"}`,
    "data-testid": `${title.toLowerCase().replace(/\s+/g, "-")}-state`,
    text: active ? onLabel : offLabel });
  const reason = h("input", { type: "text", maxlength: 500, placeholder: "Reason (recorded)",
    "aria-label": `Reason for changing ${title.toLowerCase()}` });
  const button = h("button", { class: "btn btn-secondary btn-small", type: "button",
    text: active ? `Turn ${title.toLowerCase()} off` : `Turn ${title.toLowerCase()} on`,
    onclick: async () => {
      const why = reason.value.trim();
      if (!why) { reason.focus(); reason.setAttribute("aria-invalid", "true"); return; }
      if (!window.confirm(`${active ? "Turn off" : "Turn on"} ${title.toLowerCase()}? ` +
        `Reason: ${why}`)) return;
      await flip(!active, why);
      await refresh();
    } });
  return card(title, h("p", {}, state), h("div", { class: "ops-row" }, reason, button));
}

function smokeCard(records) {
  const latest = records[0];
  if (!latest) return card("Latest smoke run", h("p", { class: "muted", text: "No smoke run yet." }));
  const rows = latest.data?.rows ?? [];
  return card("Latest smoke run", h("p", { text: `${latest.createdAt} — ${latest.data?.passed ?
    "PASS" : "see rows"}` }),
  h("table", { class: "ops-table" }, rows.slice(0, 30).map((row) =>
    h("tr", {}, h("td", { text: row.name ?? row.check ?? "" }),
      h("td", { text: row.result ?? row.status ?? "" })))));
}

async function refresh() {
  const [engine, paused, series, startup, smoke] = await Promise.all([
    get("/admin/kill-switch"), get("/admin/calls-paused"),
    get(`/admin/metrics/series?window=${windowName}`), get("/admin/startup"),
    get("/admin/rollout/records?kind=smoke")]);
  const picker = h("div", { class: "ops-row", role: "group", "aria-label": "Window" },
    ["15m", "1h", "24h"].map((name) => h("button", {
      class: `btn btn-small ${name === windowName ? "btn-secondary" : "btn-ghost"}`,
      type: "button", text: name, "aria-pressed": String(name === windowName),
      onclick: () => { windowName = name; refresh(); } })));
  const anomalies = series.recentAnomalies;
  main.replaceChildren(
    h("h1", { text: "Operator console" }),
    h("div", { class: "ops-grid" },
      switchCard("Kill switch", engine.effective, "ON — /v2 answered by v1", "off — v2 answers",
        (active, reason) => put("/admin/kill-switch", { active, reason })),
      switchCard("Calls paused", paused.paused, "PAUSED — no new dialling", "off — calls go out",
        (value, reason) => put("/admin/calls-paused", { paused: value, reason }))),
    picker,
    charts(series),
    h("div", { class: "ops-grid" },
      smokeCard(smoke.records ?? []),
      card("Start-up", h("pre", { class: "ops-lines", text: startup.lines.join("\n") })),
      card("Recent anomalies", anomalies.length
        ? h("table", { class: "ops-table" }, anomalies.slice(0, 20).map((a) =>
          h("tr", {}, h("td", { text: a.at }), h("td", { text: a.kind }),
            h("td", { text: a.conversationId }))))
        : h("p", { class: "muted", text: "None in this window." }))));
}

async function start() {
  const fromLink = takeTokenFromUrl();
  if (fromLink) token.set(fromLink);
  try {
    const me = await get("/me");
    if (!me.isAdmin) throw Object.assign(new Error("forbidden"), { status: 403 });
    await refresh();
    timer = setInterval(() => refresh().catch(() => {}), REFRESH_MS);
  } catch (error) {
    clearInterval(timer);
    main.replaceChildren(h("section", { class: "ops-card ops-denied", role: "alert" },
      h("h1", { text: "This console needs the admin token" }),
      h("p", { text: error.status === 403 ? "You are signed in as a person, not an operator."
        : "Open the operator link printed when proxycall started." })));
  }
}

start();
