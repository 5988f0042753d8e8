"""The watch period: the rollout log's figures from /admin/metrics or log lines, and thresholds."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ANOMALY_LIMIT = 0  # any [V2-ANOMALY] line is a breach
SICK_LLM_RATE_LIMIT = 25.0  # SICK_CALLER llm_rate must stay below this percentage
FALLBACK_RATE_LIMIT = 5.0  # fallback_rate must stay below this percentage
LOG_READ_LIMIT_BYTES = 8 * 1024 * 1024  # at most this much new log text per sample

OK, BREACH = "OK", "BREACH"
_PAIR = re.compile(r"(\w+)=(\{[^}]*\}|\S+)")
_FALLBACK_KEYS = ("fallback", "fallback_used", "degraded")
_REPLAY_KEYS = ("replay", "idempotent_replay", "idempotency_hit", "idempotent")
_TRUE = {"true", "yes", "1"}


@dataclass(frozen=True)
class WatchFigures:
    """The rollout log's watch-table figures for one moment of the watch."""

    anomalies: int = 0
    sick_llm_rate: float = 0.0
    fallback_rate: float = 0.0
    idempotency_hits: int = 0
    total: int = 0
    sick_total: int = 0
    anomaly_kinds: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        data = asdict(self)
        data["anomaly_kinds"] = list(self.anomaly_kinds)
        return data


@dataclass(frozen=True)
class MetricRow:
    """One row of the rollout log's watch table."""

    metric: str
    observed: str
    threshold: str
    status: str

    def as_dict(self) -> dict[str, str]:
        """The row as JSON-ready data."""
        return asdict(self)


def evaluate(figures: WatchFigures) -> list[MetricRow]:
    """The rollout log's watch table for these figures, with OK/BREACH per row."""
    sick = f"{figures.sick_llm_rate:.1f}%"
    if figures.sick_total:
        sick += f" (of {figures.sick_total} SICK_CALLER requests)"
    return [
        MetricRow("[V2-ANOMALY] count", str(figures.anomalies), str(ANOMALY_LIMIT),
                  OK if figures.anomalies <= ANOMALY_LIMIT else BREACH),
        MetricRow("llm_rate %", sick, f"<{SICK_LLM_RATE_LIMIT:g}% for SICK_CALLER",
                  OK if figures.sick_llm_rate < SICK_LLM_RATE_LIMIT else BREACH),
        MetricRow("fallback_rate %", f"{figures.fallback_rate:.1f}%", f"<{FALLBACK_RATE_LIMIT:g}%",
                  OK if figures.fallback_rate < FALLBACK_RATE_LIMIT else BREACH),
        MetricRow("idempotency_hits", str(figures.idempotency_hits), "Normal", OK),
    ]


def interval_line(elapsed: float, duration: float, figures: WatchFigures,
                  rows: Iterable[MetricRow]) -> str:
    """One plain line per sample, for a log, CI or `| tee` (no terminal to redraw)."""
    states = " ".join(f"{row.metric.split(' ')[0]}={row.observed.split(' ')[0]}[{row.status}]"
                      for row in rows)
    return f"[watch {elapsed:.0f}/{duration:.0f} s] requests={figures.total} {states}"


def summary_lines(figures: WatchFigures, rows: Iterable[MetricRow], samples: int) -> list[str]:
    """The closing summary: requests seen, each figure against its threshold, PASS or FAIL."""
    rows = list(rows)
    lines = [f"Watch summary: {figures.total} requests seen "
             f"({figures.sick_total} SICK_CALLER) over {samples} samples"]
    lines += [f"  {row.metric}: {row.observed} (threshold {row.threshold}) {row.status}"
              for row in rows]
    lines.append("RESULT: " + ("PASS" if all(row.status == OK for row in rows) else "FAIL"))
    return lines


def breaches(rows: Iterable[MetricRow]) -> list[str]:
    """A reason per breached row ("fallback_rate % 12.0% (threshold <5%)")."""
    return [f"{r.metric} {r.observed} (threshold {r.threshold})" for r in rows
            if r.status == BREACH]


def figures_from_metrics(body: Mapping[str, Any]) -> WatchFigures:
    """The figures from a GET /admin/metrics body."""
    overall = body.get("overall") or {}
    sick = (body.get("agents") or {}).get("SICK_CALLER") or {}
    anomaly_list = body.get("anomalies") or []
    kinds = tuple(str(a.get("kind")) for a in anomaly_list if isinstance(a, Mapping))
    count = int(overall.get("anomalies", len(anomaly_list)) or 0)
    return WatchFigures(
        anomalies=max(count, len(anomaly_list)),
        sick_llm_rate=float(sick.get("llmRate", 0.0) or 0.0),
        fallback_rate=float(overall.get("fallbackRate", 0.0) or 0.0),
        idempotency_hits=int(overall.get("idempotencyHits", 0) or 0),
        total=int(overall.get("total", 0) or 0),
        sick_total=int(sick.get("total", 0) or 0),
        anomaly_kinds=kinds,
    )


def parse_pairs(line: str) -> dict[str, str]:
    """The key=value fields of a bracketed log line."""
    return {key: value for key, value in _PAIR.findall(line)}


def _percent(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return None


@dataclass
class LogFigures:
    """Figures computed from [V2-SUMMARY], [V2-METRICS] and [V2-ANOMALY] lines, fed in order."""

    total: int = 0
    sick_total: int = 0
    sick_llm: int = 0
    fallbacks: int = 0
    replays: int = 0
    has_fallback_field: bool = False
    has_replay_field: bool = False
    anomaly_kinds: list[str] = field(default_factory=list)
    last_metrics: dict[str, str] = field(default_factory=dict)
    last_metrics_line: str = ""

    def feed(self, line: str) -> None:
        """Count one log line (other lines are ignored)."""
        if "[V2-SUMMARY]" in line:
            self._summary(parse_pairs(line.split("[V2-SUMMARY]", 1)[1]))
        elif "[V2-METRICS]" in line:
            self.last_metrics_line = line.split("[V2-METRICS]", 1)[1]
            self.last_metrics = parse_pairs(self.last_metrics_line)
        elif "[V2-ANOMALY]" in line:
            pairs = parse_pairs(line.split("[V2-ANOMALY]", 1)[1])
            self.anomaly_kinds.append(pairs.get("kind", "unknown"))

    def _summary(self, pairs: Mapping[str, str]) -> None:
        self.total += 1
        if pairs.get("agent") == "SICK_CALLER":
            self.sick_total += 1
            self.sick_llm += pairs.get("ai_used", "").lower() in _TRUE
        fallback = [pairs[k].lower() for k in _FALLBACK_KEYS if k in pairs]
        if fallback:
            self.has_fallback_field = True
            self.fallbacks += any(v in _TRUE for v in fallback)
        replay = [pairs[k].lower() for k in _REPLAY_KEYS if k in pairs]
        if replay:
            self.has_replay_field = True
            self.replays += any(v in _TRUE for v in replay)

    def figures(self) -> WatchFigures:
        """The watch figures: counted from summaries, else taken from the last metrics line."""
        metrics = self.last_metrics
        sick_rate = 100.0 * self.sick_llm / self.sick_total if self.sick_total else (
            self._metrics_sick_rate() or 0.0)
        if self.has_fallback_field or not metrics:
            fallback = 100.0 * self.fallbacks / self.total if self.total else 0.0
        else:
            fallback = _percent(metrics.get("fallback_rate")) or 0.0
        if self.has_replay_field or not metrics:
            hits = self.replays
        else:
            hits = int(metrics.get("idempotency_hits", "0") or 0)
        total = self.total or int(metrics.get("total", "0") or 0)
        return WatchFigures(len(self.anomaly_kinds), round(sick_rate, 1), round(fallback, 1),
                            hits, total, self.sick_total, tuple(self.anomaly_kinds))

    def _metrics_sick_rate(self) -> float | None:
        # the server writes llm_rate[SICK_CALLER]=12.0%; SICK_CALLER=12.0% is read as well
        match = re.search(r"SICK_CALLER\]?[=:]\s*(\d+(?:\.\d+)?)%?", self.last_metrics_line)
        return float(match[1]) if match else None


def figures_from_lines(lines: Iterable[str]) -> WatchFigures:
    """The watch figures of a whole log text."""
    counter = LogFigures()
    for line in lines:
        counter.feed(line)
    return counter.figures()


class LogTail:
    """Reads a log file's new lines on every sample (from its end, or from its start)."""

    def __init__(self, path: Path, from_start: bool) -> None:
        self.path = path
        self.counter = LogFigures()
        self._offset = 0 if from_start else path.stat().st_size
        self._partial = ""

    def sample(self) -> WatchFigures:
        """Feed the lines written since the last sample and return the figures so far."""
        with self.path.open("r", encoding="utf-8", errors="replace") as handle:
            handle.seek(self._offset)
            text = handle.read(LOG_READ_LIMIT_BYTES)
            self._offset = handle.tell()
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()  # an unfinished last line waits for the next sample
        for line in lines:
            self.counter.feed(line)
        return self.counter.figures()


@dataclass
class WatchOutcome:
    """What one watch period saw."""

    figures: WatchFigures
    rows: list[MetricRow]
    breaches: list[str]
    first_breach_at: float | None  # seconds into the watch
    samples: int
    stopped_early: bool


def run_watch(sample: Callable[[], WatchFigures], duration_s: float, interval_s: float, *,
              on_tick: Callable[[float, WatchFigures, list[MetricRow]], None] | None = None,
              stop_on_breach: bool = False,
              clock: Callable[[], float] = time.monotonic,
              sleep: Callable[[float], None] = time.sleep) -> WatchOutcome:
    """Sample the figures every `interval_s` for `duration_s` (bounded), keeping every breach."""
    start = clock()
    seen: list[str] = []
    first_at: float | None = None
    figures, rows, samples = WatchFigures(), evaluate(WatchFigures()), 0
    for _ in range(math.ceil(duration_s / max(interval_s, 0.01)) + 1):
        figures = sample()
        rows, samples, elapsed = evaluate(figures), samples + 1, clock() - start
        found = breaches(rows)
        for reason in found:
            metric = reason.split(" ", 1)[0]
            if not any(old.startswith(metric) for old in seen):
                seen.append(reason)
        if found and first_at is None:
            first_at = elapsed
        if on_tick:
            on_tick(min(elapsed, duration_s), figures, rows)
        if (found and stop_on_breach) or elapsed >= duration_s:
            return WatchOutcome(figures, rows, seen, first_at, samples,
                                bool(found and stop_on_breach) and elapsed < duration_s)
        sleep(min(interval_s, duration_s - elapsed))
    return WatchOutcome(figures, rows, seen, first_at, samples, False)
