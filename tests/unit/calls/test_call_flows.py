"""Whole conversations for every agent and every kind of callee, from the data table."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.calls.simulate import Call, ends_with_hangup, listen_timeouts, run_call
from tests.unit.calls.tables import load

from proxycall.core.calls import reached_human
from proxycall.core.voice import AnsweredBy

TABLE = load("conversations.yaml")
VALUES: dict[str, dict[str, Any]] = TABLE["values"]


def _play(case: dict[str, Any]) -> Call:
    values = VALUES[case.get("values", case["agent"])]
    answered = AnsweredBy(case.get("answered_by", "human"))
    return run_call(case["agent"], values, case["callee"], answered_by=answered,
                    llm=case.get("llm"))  # fmt: skip


@pytest.mark.parametrize("case", TABLE["calls"], ids=lambda c: c["name"])
def test_conversation(case: dict[str, Any]) -> None:
    call = _play(case)
    expect = case["expect"]
    assert call.last.finished, call.said()
    assert ends_with_hangup(call)
    place = VALUES[case.get("values", case["agent"])].get("place_name")
    outcome = call.outcome(place_name=place)
    actual = {
        "end": lambda: call.last.end_reason.value if call.last.end_reason else None,
        "facts": lambda: call.last.facts,
        "result": lambda: outcome.task_result.value,
        "summary": lambda: outcome.summary,
        "interpretations": lambda: call.interpretations,
        "listen_timeouts": lambda: listen_timeouts(call),
        "turns": lambda: call.last.state.turns,
        "reached_human": lambda: reached_human(_answered(call), call.last.state.callee_spoke),
    }
    for key, read in actual.items():
        if key in expect:
            assert read() == expect[key], key
    _check_phrases(" ".join(call.said()), expect)


def _check_phrases(said: str, expect: dict[str, Any]) -> None:
    for phrase in expect.get("said", []):
        assert phrase in said
    for phrase in expect.get("not_said", []):
        assert phrase not in said
    for phrase, times in expect.get("said_times", {}).items():
        assert said.count(phrase) == times


@pytest.mark.parametrize("case", TABLE["calls"], ids=lambda c: c["name"])
def test_no_callee_utterance_is_lost(case: dict[str, Any]) -> None:
    call = _play(case)
    spoken = [a if not a.startswith("#") else f"(pressed {a[1:]})"
              for a in case["callee"][: call.events] if a is not None]  # fmt: skip
    assert call.heard() == [a.strip() for a in spoken]


def test_the_sick_script_never_asks_for_an_llm() -> None:
    for case in TABLE["calls"]:
        if case["agent"] == "SICK_CALLER":
            call = _play(case)
            assert call.interpretations == 0
            assert all(step.needs_interpretation is None for step in call.steps)


def _answered(call: Call) -> AnsweredBy:
    return AnsweredBy(call.last.state.answered_by)
