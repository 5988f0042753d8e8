"""The console's watch charts as SVG files for the rollout report (no dependency, no network).

Each chart is a line per series over the window's buckets, the rollout log's threshold as a dashed
line, and every kill-switch flip as a vertical mark; the same pictures as /ops draws.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

WIDTH, HEIGHT, PAD = 480, 200, 34
COLOURS = ("#4338ca", "#0e9384", "#c4320a", "#7a5af8", "#667085")


def _points(values: list[float], top: float) -> str:
    span = max(1, len(values) - 1)
    return " ".join(
        f"{PAD + i * (WIDTH - PAD - 8) / span:.1f},"
        f"{HEIGHT - PAD - (v / top) * (HEIGHT - PAD - 12):.1f}"
        for i, v in enumerate(values))


def svg_chart(title: str, series: dict[str, list[float]], *, threshold: float | None,
              flips: list[dict[str, Any]], start: str, end: str, unit: str = "") -> str:
    """One chart as a standalone SVG document."""
    values = [v for line in series.values() for v in line]
    top = max([1.0, threshold or 0.0, *values]) * 1.15
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>',
             '<rect width="100%" height="100%" fill="#ffffff"/>',
             f'<text x="{PAD}" y="14" font-size="13" font-family="sans-serif">'
             f'{escape(title)}</text>',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - 8}" y2="{HEIGHT - PAD}" '
             'stroke="#c7c7d1"/>',
             f'<text x="2" y="30" font-size="10" font-family="sans-serif">{top:.0f}{unit}</text>']
    for colour, (name, line) in zip(COLOURS * 4, series.items(), strict=False):
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{_points(line, top)}"><title>{escape(name)}</title></polyline>')
    if threshold is not None:
        y = HEIGHT - PAD - (threshold / top) * (HEIGHT - PAD - 12)
        parts.append(f'<line x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" '
                     'stroke="#b42318" stroke-dasharray="6 4"/>')
    first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    width = max(1.0, (last - first).total_seconds())
    for flip in flips:
        at = datetime.fromisoformat(str(flip["at"]))
        x = PAD + (at - first).total_seconds() / width * (WIDTH - PAD - 8)
        state = "on" if flip.get("active") else "off"
        parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{HEIGHT - PAD}" '
                     f'stroke="#f79009" stroke-width="2"><title>kill switch {state}'
                     f'{": " + escape(str(flip["reason"])) if flip.get("reason") else ""}'
                     '</title></line>')
    legend = " · ".join(series) + (f" · threshold {threshold:g}{unit}" if threshold is not None
                                   else "")
    parts.append(f'<text x="{PAD}" y="{HEIGHT - 10}" font-size="11" font-family="sans-serif" '
                 f'fill="#555">{escape(legend)}</text></svg>')
    return "\n".join(parts)


def write_charts(series_body: dict[str, Any], folder: Path) -> list[Path]:
    """The four watch charts of one window (GET /admin/metrics/series) written as SVG files."""
    buckets = series_body["buckets"]
    thresholds = series_body["thresholds"]
    window = series_body["window"]
    agents = sorted({name for row in buckets for name in row["requests"]}) or ["(none)"]
    kinds = sorted({name for row in buckets for name in row["anomalies"]}) or ["(none)"]
    common = {"flips": series_body["flips"], "start": series_body["from"],
              "end": series_body["to"]}
    charts = {
        f"requests-{window}.svg": svg_chart(
            f"Requests by agent ({window})",
            {a: [float(r["requests"].get(a, 0)) for r in buckets] for a in agents},
            threshold=None, **common),
        f"llm-rate-{window}.svg": svg_chart(
            f"SICK_CALLER llm_rate ({window})",
            {"llm_rate %": [float(r["llmRateSickCaller"]) for r in buckets]},
            threshold=thresholds["llmRateSickCaller"], unit="%", **common),
        f"fallback-rate-{window}.svg": svg_chart(
            f"fallback_rate ({window})",
            {"fallback_rate %": [float(r["fallbackRate"]) for r in buckets]},
            threshold=thresholds["fallbackRate"], unit="%", **common),
        f"anomalies-{window}.svg": svg_chart(
            f"Anomalies by kind ({window})",
            {k: [float(r["anomalies"].get(k, 0)) for r in buckets] for k in kinds},
            threshold=thresholds["anomalies"], **common),
    }
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, svg in charts.items():
        path = folder / name
        path.write_text(svg, encoding="utf-8")
        written.append(path)
    return written
