"""The call status machine: forward only, terminal is final, repeats and stale events ignored."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.calls.tables import load

from proxycall.core.calls import (
    TERMINAL,
    CallStatus,
    EndReason,
    advance,
    end_reason_for_status,
    is_terminal,
    rank,
)

TRANSITIONS = load("transitions.yaml")


@pytest.mark.parametrize(("current", "reported", "new", "changed", "stale"), TRANSITIONS)
def test_advance_table(current: str, reported: str, new: str, changed: bool, stale: bool) -> None:
    result = advance(CallStatus(current), CallStatus(reported))
    assert (result.new_status, result.changed, result.stale) == (CallStatus(new), changed, stale)


def test_statuses_use_twilio_words() -> None:
    assert {s.value for s in CallStatus} == {
        "scheduled", "queued", "initiated", "ringing", "in-progress",
        "completed", "busy", "no-answer", "failed", "canceled",
    }  # fmt: skip
    assert {
        CallStatus.COMPLETED, CallStatus.BUSY, CallStatus.NO_ANSWER,
        CallStatus.FAILED, CallStatus.CANCELED,
    } == TERMINAL  # fmt: skip


def test_end_reason_for_terminal_statuses() -> None:
    assert end_reason_for_status(CallStatus.NO_ANSWER) is EndReason.NO_ANSWER
    assert end_reason_for_status(CallStatus.BUSY) is EndReason.BUSY
    assert end_reason_for_status(CallStatus.RINGING) is None


@given(st.lists(st.sampled_from(list(CallStatus)), max_size=30))
def test_never_moves_backward_and_terminal_is_final(events: list[CallStatus]) -> None:
    status = CallStatus.SCHEDULED
    terminal_at: CallStatus | None = None
    for event in events:
        result = advance(status, event)
        assert rank(result.new_status) >= rank(status)
        assert result.changed == (result.new_status != status)
        assert not (result.changed and result.stale)
        if terminal_at is not None:
            assert result.new_status == terminal_at
            assert not result.changed
        status = result.new_status
        if is_terminal(status) and terminal_at is None:
            terminal_at = status


@given(st.permutations(list(CallStatus)))
def test_any_order_ends_at_the_first_terminal_seen_or_furthest(order: list[CallStatus]) -> None:
    status = CallStatus.SCHEDULED
    for event in order:
        status = advance(status, event).new_status
    first_terminal = next(s for s in order if s in TERMINAL)
    assert status == first_terminal
