"""The operator console's figures: the rollout watch as time series, flips, anomalies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from proxycall.core.stores import (
    EngineEventRecord,
    EventRepository,
    MinuteCounts,
    RecordRepository,
)

WINDOWS = {"15m": (15, 60), "1h": (60, 120), "24h": (24 * 60, 1800)}  # minutes, bucket seconds
MAX_ANOMALIES = 5_000  # a chart is a picture: past this the oldest anomalies are left out
# The rollout log's watch thresholds (ROLLOUT_LOG.md §2.5), drawn on the charts.
THRESHOLDS = {"anomalies": 0.0, "llmRateSickCaller": 25.0, "fallbackRate": 5.0}


def _rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _bucket_rows(minutes: list[MinuteCounts], anomalies: list[EngineEventRecord],
                 start: datetime, size: int, count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"at": (start + timedelta(seconds=size * i)).isoformat(), "requests": {}, "total": 0,
         "llm": 0, "fallbacks": 0, "sickTotal": 0, "sickLlm": 0, "anomalies": {}}
        for i in range(count)]

    def row_at(moment: datetime) -> dict[str, Any]:
        return rows[min(count - 1, max(0, int((moment - start).total_seconds() // size)))]

    for counted in minutes:
        row = row_at(counted.minute)
        row["total"] += counted.requests
        row["requests"][counted.agent_type] = (row["requests"].get(counted.agent_type, 0)
                                               + counted.requests)
        row["llm"] += counted.llm
        row["fallbacks"] += counted.fallbacks
        if counted.agent_type == "SICK_CALLER":
            row["sickTotal"] += counted.requests
            row["sickLlm"] += counted.llm
    for event in anomalies:
        row = row_at(event.at)
        row["anomalies"][event.anomaly_kind] = row["anomalies"].get(event.anomaly_kind, 0) + 1
    for row in rows:
        row["llmRate"] = _rate(row["llm"], row["total"])
        row["fallbackRate"] = _rate(row["fallbacks"], row["total"])
        row["llmRateSickCaller"] = _rate(row["sickLlm"], row["sickTotal"])
    return rows


def window_start(now: datetime, minutes: int) -> datetime:
    """The window's first whole minute: it ends with the minute now is in.

    The request figures are per-minute counter rows, so the buckets start on a minute and each
    row falls in one bucket whole.
    """
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1 - minutes)


class OpsConsole:
    """Reads what the console draws; every figure comes from the store, so any process answers."""

    def __init__(self, events: EventRepository, records: RecordRepository,
                 clock: Callable[[], datetime]) -> None:
        self._events = events
        self._records = records
        self._clock = clock

    async def series(self, window: str) -> dict[str, Any]:
        """Per-bucket figures over the window, the thresholds, and the kill-switch flips."""
        minutes, size = WINDOWS[window]
        now = self._clock()
        start = window_start(now, minutes)
        counted = await self._events.minute_counts(start)
        newest_first = await self._events.anomalies(start, MAX_ANOMALIES)
        count = max(1, int(minutes * 60 // size))
        flips = [
            {"at": data.get("at"), "active": data.get("active"), "by": data.get("by"),
             "reason": data.get("reason")}
            for data in await self._flip_records()
            if data.get("at") and str(data["at"]) >= start.isoformat()]
        recent = [{"at": e.at.isoformat(), "kind": e.anomaly_kind,
                   "agent": e.agent_type, "conversationId": e.conversation_id}
                  for e in newest_first[:50]]
        return {"window": window, "from": start.isoformat(), "to": now.isoformat(),
                "bucketSeconds": size,
                "buckets": _bucket_rows(counted, newest_first, start, size, count),
                "thresholds": THRESHOLDS, "flips": flips, "recentAnomalies": recent,
                "truncated": len(newest_first) >= MAX_ANOMALIES}

    async def _flip_records(self) -> list[dict[str, Any]]:
        records = (await self._records.list("note"))[:200]
        return [dict(r["data"]) for r in records
                if isinstance(r.get("data"), dict) and r["data"].get("event") == "kill_switch"]
