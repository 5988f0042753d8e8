"""Per-minute counters: events fold into minute rows; a 15-minute window spans 15 of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from proxycall.adapters.db.conversations import first_whole_minute
from proxycall.adapters.db.turn_path import tally
from proxycall.core.stores import EngineEventRecord

AT = datetime(2026, 12, 5, 2, 7, 30, tzinfo=UTC)


def _event(at: datetime, *, ai_used: bool = False, kind: str = "request",
           agent: str = "SICK_CALLER") -> EngineEventRecord:
    return EngineEventRecord(at=at, kind=kind, engine="v2", agent_type=agent,
                             conversation_id="c", action="ASK_QUESTION", ai_used=ai_used,
                             fallback=False, replay=False)


def test_events_in_one_minute_fold_into_one_row() -> None:
    counted = tally([_event(AT), _event(AT + timedelta(seconds=20), ai_used=True),
                     _event(AT + timedelta(seconds=40))])
    assert [(row[0].minute, row[4], row[5]) for row in counted.minutes] == [(7, 2, 1), (8, 1, 0)]
    assert counted.totals == [("request", "SICK_CALLER", "ASK_QUESTION", 3, 1, 0, 0)]


def test_counter_rows_come_in_key_order() -> None:
    """Two processes' writers take the counter rows' locks in the same order."""
    events = [_event(AT + timedelta(minutes=2), agent="B"), _event(AT, agent="B"),
              _event(AT, agent="A", kind="anomaly")]
    counted = tally(events)
    assert counted.minutes == sorted(counted.minutes)
    assert [row[:3] for row in counted.totals] == [("anomaly", "A", "ASK_QUESTION"),
                                                  ("request", "B", "ASK_QUESTION")]


def test_a_15_minute_window_covers_15_minute_rows() -> None:
    start = first_whole_minute(AT - timedelta(minutes=15))
    minutes = {(AT - timedelta(minutes=k)).replace(second=0, microsecond=0) for k in range(20)}
    assert len([m for m in minutes if start <= m <= AT]) == 15
    aligned = AT.replace(second=0)
    assert first_whole_minute(aligned) == aligned
