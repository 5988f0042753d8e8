"""Per-minute counters: events fold into minute rows; a 15-minute window spans 15 of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from proxycall.adapters.db.conversations import first_whole_minute, minute_counts
from proxycall.adapters.db.models import EngineEvent

AT = datetime(2026, 12, 5, 2, 7, 30, tzinfo=UTC)


def _event(at: datetime, *, ai_used: bool = False, kind: str = "request") -> EngineEvent:
    return EngineEvent(at=at, kind=kind, engine="v2", agent_type="SICK_CALLER",
                       conversation_id="c", action="ASK_QUESTION", ai_used=ai_used,
                       fallback=False, replay=False)


def test_events_in_one_minute_fold_into_one_row() -> None:
    rows = minute_counts([_event(AT), _event(AT + timedelta(seconds=20), ai_used=True),
                          _event(AT + timedelta(seconds=40))])
    assert sorted((r["minute"].minute, r["requests"], r["llm"]) for r in rows) == [
        (7, 2, 1), (8, 1, 0)]


def test_a_15_minute_window_covers_15_minute_rows() -> None:
    start = first_whole_minute(AT - timedelta(minutes=15))
    minutes = {(AT - timedelta(minutes=k)).replace(second=0, microsecond=0) for k in range(20)}
    assert len([m for m in minutes if start <= m <= AT]) == 15
    aligned = AT.replace(second=0)
    assert first_whole_minute(aligned) == aligned
