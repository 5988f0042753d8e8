"""The operator console's figures: the rollout watch as time series, flips, anomalies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from proxycall.core.stores import EventRepository, RecordRepository, TimelineEvent

WINDOWS = {"15m": (15, 60), "1h": (60, 120), "24h": (24 * 60, 1800)}  # minutes, bucket seconds
MAX_EVENTS = 50_000  # a chart is a picture: past this the oldest part of a window is left out
# The rollout log's watch thresholds (ROLLOUT_LOG.md §2.5), drawn on the charts.
THRESHOLDS = {"anomalies": 0.0, "llmRateSickCaller": 25.0, "fallbackRate": 5.0}


def _rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _bucket_rows(events: list[TimelineEvent], start: datetime, size: int,
                 count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"at": (start + timedelta(seconds=size * i)).isoformat(), "requests": {}, "total": 0,
         "llm": 0, "fallbacks": 0, "sickTotal": 0, "sickLlm": 0, "anomalies": {}}
        for i in range(count)]
    for event in events:
        index = min(count - 1, max(0, int((event.at - start).total_seconds() // size)))
        row = rows[index]
        if event.kind == "anomaly":
            row["anomalies"][event.anomaly] = row["anomalies"].get(event.anomaly, 0) + 1
            continue
        row["total"] += 1
        row["requests"][event.agent] = row["requests"].get(event.agent, 0) + 1
        row["llm"] += event.ai_used
        row["fallbacks"] += event.fallback
        if event.agent == "SICK_CALLER":
            row["sickTotal"] += 1
            row["sickLlm"] += event.ai_used
    for row in rows:
        row["llmRate"] = _rate(row["llm"], row["total"])
        row["fallbackRate"] = _rate(row["fallbacks"], row["total"])
        row["llmRateSickCaller"] = _rate(row["sickLlm"], row["sickTotal"])
    return rows


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
        start = now - timedelta(minutes=minutes)
        events = await self._events.timeline(start, MAX_EVENTS)
        count = max(1, int(minutes * 60 // size))
        flips = [
            {"at": data.get("at"), "active": data.get("active"), "by": data.get("by"),
             "reason": data.get("reason")}
            for data in await self._flip_records()
            if data.get("at") and str(data["at"]) >= start.isoformat()]
        anomalies = [{"at": e.at.isoformat(), "kind": e.anomaly, "agent": e.agent,
                      "conversationId": e.conversation_id}
                     for e in events if e.kind == "anomaly"][-50:]
        return {"window": window, "from": start.isoformat(), "to": now.isoformat(),
                "bucketSeconds": size, "buckets": _bucket_rows(events, start, size, count),
                "thresholds": THRESHOLDS, "flips": flips, "recentAnomalies": anomalies[::-1],
                "truncated": len(events) >= MAX_EVENTS}

    async def _flip_records(self) -> list[dict[str, Any]]:
        records = (await self._records.list("note"))[:200]
        return [dict(r["data"]) for r in records
                if isinstance(r.get("data"), dict) and r["data"].get("event") == "kill_switch"]
