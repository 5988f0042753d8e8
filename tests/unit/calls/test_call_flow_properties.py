"""Properties of every flow over any callee: bounded, honest, nothing lost, no LLM in the script."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.calls.simulate import ends_with_hangup, run_call
from tests.unit.calls.tables import load

from proxycall.core.calls import EndReason
from proxycall.core.flows import MAX_DURATION_SECONDS, MAX_TURNS, FlowState
from proxycall.core.voice import AnsweredBy

VALUES: dict[str, dict[str, Any]] = load("conversations.yaml")["values"]
DIALOG_AGENTS = ["STOCK_CHECKER", "RESTAURANT_RESERVATION", "CANCEL_APPOINTMENT"]
PHRASES = [
    "yes", "no", "yeah we've got five", "nah", "one sec", "let me check", "hang on",
    "which model?", "what name?", "how many people?", "what time was it?", "sorry?",
    "are you a robot?", "who is this?", "thanks, bye", "ok", "no worries", "hmm",
    "not sure", "we can do 7:30 instead", "$249", "no fee", "next Tuesday", "maybe",
    "I'll let the manager know", "say that again", "yep, cancelled, no fee", "the 3rd",
    "about a dozen", "we're fully booked", "bear with me", "#1", "#9", "what?", "",
]  # fmt: skip
actions = st.lists(
    st.one_of(
        st.none(),
        st.sampled_from(PHRASES),
        st.text(max_size=40),
        st.lists(st.sampled_from(PHRASES), min_size=2, max_size=3).map(", ".join),
    ),
    min_size=MAX_TURNS + 2,
    max_size=MAX_TURNS + 6,
)
llm_readings = st.dictionaries(st.text(max_size=20), st.sampled_from(["yes", "no", "5", "x"]))
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}:\d{2}\b")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DIALOG_AGENTS), actions, st.sampled_from(list(AnsweredBy)))
def test_every_dialog_ends_within_max_turns(
    agent: str, script: list[str | None], answered: AnsweredBy
) -> None:
    call = run_call(agent, VALUES[agent], script, answered_by=answered)
    assert call.last.finished
    assert ends_with_hangup(call)
    assert call.events <= MAX_TURNS
    assert call.last.state.turns <= MAX_TURNS
    assert call.last.end_reason is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions, st.sampled_from(list(AnsweredBy)))
def test_the_script_never_needs_an_llm_and_always_ends(
    script: list[str | None], answered: AnsweredBy
) -> None:
    call = run_call("SICK_CALLER", VALUES["SICK_CALLER"], script, answered_by=answered)
    assert all(step.needs_interpretation is None for step in call.steps)
    assert call.interpretations == 0
    assert call.last.finished
    assert call.events <= MAX_TURNS


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["SICK_CALLER", *DIALOG_AGENTS]), actions, llm_readings)
def test_nothing_heard_is_lost_and_nothing_raw_is_said(
    agent: str, script: list[str | None], llm: dict[str, str]
) -> None:
    call = run_call(agent, VALUES[agent], script, llm=llm)
    assert call.heard() == [line for a in script[: call.events] if (line := _as_heard(a))]
    for line in call.said():
        assert "{" not in line and not ISO.search(line)
    for step in call.steps:
        stored = json.loads(json.dumps(step.state.to_json()))
        assert FlowState.from_json(stored) == step.state


def _as_heard(action: str | None) -> str:
    """What the transcript must show for one callee action ("" when it was silence)."""
    if action is None:
        return ""
    if action.startswith("#"):
        digits = action[1:].strip()
        return f"(pressed {digits})" if digits else ""
    return action.strip()


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["SICK_CALLER", *DIALOG_AGENTS]), actions)
def test_slow_calls_end_at_the_time_limit(agent: str, script: list[str | None]) -> None:
    call = run_call(agent, VALUES[agent], script, seconds_per_turn=MAX_DURATION_SECONDS // 4)
    assert call.last.finished
    assert call.events <= 4  # 4 events take MAX_DURATION_SECONDS: nothing goes past it


def test_a_slow_but_willing_callee_meets_the_time_limit() -> None:
    call = run_call(
        "STOCK_CHECKER",
        VALUES["STOCK_CHECKER"],
        ["one sec", "sorry, which model?", "hang on", "still looking"],
        seconds_per_turn=MAX_DURATION_SECONDS // 4,
    )
    assert call.last.end_reason is EndReason.MAX_DURATION
    assert "I have to end the call now" in " ".join(call.said())
    assert call.heard() == ["one sec", "sorry, which model?", "hang on", "still looking"]
