"""The flow API the service relies on: state round trips, late events, ends it did not choose."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.unit.calls.simulate import START
from tests.unit.calls.tables import load

from proxycall.core.agents import default_registry
from proxycall.core.calls import EndReason
from proxycall.core.flows import FlowState, advance_flow, close_flow, start_flow
from proxycall.core.voice import (
    AnsweredBy,
    CallAnswered,
    Hangup,
    Heard,
    HeardNothing,
    Interpreted,
    Listen,
    Pause,
    Say,
)

REGISTRY = default_registry()
VALUES: dict[str, dict[str, Any]] = load("conversations.yaml")["values"]
AGENTS = ["SICK_CALLER", "STOCK_CHECKER", "RESTAURANT_RESERVATION", "CANCEL_APPOINTMENT"]


def _spec(agent: str) -> Any:
    spec = REGISTRY.get(agent)
    assert spec is not None
    return spec


@pytest.mark.parametrize("agent", AGENTS)
def test_every_call_opens_as_an_automated_assistant_and_waits(agent: str) -> None:
    step = start_flow(_spec(agent), VALUES[agent], AnsweredBy.HUMAN, START)
    assert "automated assistant" in step.transcript[0].text
    assert isinstance(step.directives[-1], Listen)
    assert not step.finished
    assert step.needs_interpretation is None


def test_the_input_state_is_never_changed() -> None:
    spec = _spec("STOCK_CHECKER")
    first = start_flow(spec, VALUES["STOCK_CHECKER"], AnsweredBy.HUMAN, START)
    before = first.state.to_json()
    advance_flow(spec, VALUES["STOCK_CHECKER"], first.state, Heard("yes, 5"), START)
    assert first.state.to_json() == before


def test_state_refuses_bad_types() -> None:
    state = start_flow(_spec("SICK_CALLER"), VALUES["SICK_CALLER"], None, START).state
    data = state.to_json()
    with pytest.raises(ValueError):
        FlowState.from_json({**data, "turns": "three"})
    with pytest.raises(ValueError):
        FlowState.from_json({**data, "facts": {"in_stock": ["YES"]}})
    assert FlowState.from_json({**data, "unknown": 1}) == state


def test_a_late_machine_verdict_switches_the_sick_call_to_voicemail() -> None:
    spec = _spec("SICK_CALLER")
    first = start_flow(spec, VALUES["SICK_CALLER"], AnsweredBy.UNKNOWN, START)
    later = START + timedelta(seconds=3)
    step = advance_flow(spec, VALUES["SICK_CALLER"], first.state,
                        CallAnswered(AnsweredBy.MACHINE), later)  # fmt: skip
    assert isinstance(step.directives[0], Pause)
    assert isinstance(step.directives[-1], Hangup)
    assert step.facts == {"message_delivered": "YES", "delivered_to": "voicemail"}
    assert step.end_reason is EndReason.VOICEMAIL_LEFT
    assert step.state.started_at == first.state.started_at


def test_a_machine_verdict_after_the_callee_spoke_changes_nothing() -> None:
    spec = _spec("STOCK_CHECKER")
    values = VALUES["STOCK_CHECKER"]
    first = start_flow(spec, values, AnsweredBy.UNKNOWN, START)
    second = advance_flow(spec, values, first.state, Heard("one sec"), START)
    third = advance_flow(spec, values, second.state, CallAnswered(AnsweredBy.MACHINE), START)
    assert third.directives == []
    assert not third.finished
    assert third.state == second.state


def test_speech_after_the_goodbye_is_kept() -> None:
    spec = _spec("SICK_CALLER")
    values = VALUES["SICK_CALLER"]
    first = start_flow(spec, values, AnsweredBy.HUMAN, START)
    done = advance_flow(spec, values, first.state, Heard("ok thanks"), START)
    assert done.finished
    late = advance_flow(spec, values, done.state, Heard("oh and tell him to rest up"), START)
    assert [line.text for line in late.transcript] == ["oh and tell him to rest up"]
    assert late.directives == [Hangup()]
    assert late.finished


def test_close_flow_records_a_hang_up() -> None:
    spec = _spec("CANCEL_APPOINTMENT")
    values = VALUES["CANCEL_APPOINTMENT"]
    first = start_flow(spec, values, AnsweredBy.HUMAN, START)
    closed = close_flow(first.state, EndReason.CALLEE_HUNG_UP, START)
    assert closed.finished
    assert closed.end_reason is EndReason.CALLEE_HUNG_UP
    assert closed.directives == []
    assert not first.state.finished


def test_an_interpretation_is_revalidated_by_the_parser() -> None:
    spec = _spec("RESTAURANT_RESERVATION")
    values = VALUES["RESTAURANT_RESERVATION"]
    first = start_flow(spec, values, AnsweredBy.HUMAN, START)
    asked = advance_flow(spec, values, first.state, Heard("let me talk to the chef about it"),
                         START)  # fmt: skip
    assert asked.needs_interpretation is not None
    assert asked.needs_interpretation.field == "booked"
    assert asked.directives == []
    wrong_field = advance_flow(spec, values, asked.state, Interpreted("party", "yes"), START)
    assert "booked" not in wrong_field.facts
    good = advance_flow(spec, values, asked.state, Interpreted("booked", "yes"), START)
    assert good.facts == {"booked": "YES"}
    assert good.finished
    refused = advance_flow(spec, values, asked.state, Interpreted("booked", "perhaps"), START)
    assert refused.facts == {}
    assert isinstance(refused.directives[-1], Listen)
    assert refused.state.misunderstandings == 1


def test_silence_then_gentle_prompt_not_hang_up() -> None:
    spec = _spec("STOCK_CHECKER")
    values = VALUES["STOCK_CHECKER"]
    first = start_flow(spec, values, AnsweredBy.HUMAN, START)
    quiet = advance_flow(spec, values, first.state, HeardNothing(), START)
    assert not quiet.finished
    assert isinstance(quiet.directives[-1], Listen)
    assert not any(isinstance(d, Hangup | Say) for d in quiet.directives)
