"""Reading one answer into facts, and recognising what a callee's sentence is doing."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.calls.simulate import START
from tests.unit.calls.tables import load

from proxycall.core.agents import default_registry
from proxycall.core.flows import intents
from proxycall.core.flows.answers import read_answer

REGISTRY = default_registry()
VALUES: dict[str, dict[str, Any]] = load("conversations.yaml")["values"]
ANSWERS = load("answers.yaml")
INTENTS = load("intents.yaml")
CHECKS = {
    "hold": intents.is_hold,
    "repeat": intents.is_repeat_request,
    "identity": intents.is_identity_question,
    "acknowledgement": intents.is_acknowledgement,
    "goodbye": intents.is_goodbye,
    "question": intents.is_question,
    "about": intents.is_about_question,
    "unclear": intents.is_unclear,
    "only_asks": intents.only_asks,
}


@pytest.mark.parametrize("case", ANSWERS, ids=lambda c: f"{c['agent']}:{c['step']}:{c['text']}")
def test_read_answer(case: dict[str, Any]) -> None:
    spec = REGISTRY.get(case["agent"])
    assert spec is not None and spec.dialog is not None
    step = next(s for s in spec.dialog.steps if s.name == case["step"])
    reading = read_answer(
        spec, VALUES[case["agent"]], case.get("known", {}), step, case["text"], START
    )
    assert reading.facts == case["facts"]


CASES = [
    (kind, text, expected)
    for kind in CHECKS
    for expected in (True, False)
    for text in INTENTS[kind]["is" if expected else "is_not"]
]


@pytest.mark.parametrize(("kind", "text", "expected"), CASES)
def test_intent(kind: str, text: str, expected: bool) -> None:
    assert CHECKS[kind](text) is expected


def test_key_one_asks_for_a_repeat() -> None:
    assert intents.is_repeat_request("", "1")
    assert not intents.is_repeat_request("", "2")


@pytest.mark.parametrize("case", INTENTS["answers"], ids=lambda c: f"{c['agent']}:{c['text']}")
def test_business_questions_are_answered_from_confirmed_values(case: dict[str, Any]) -> None:
    spec = REGISTRY.get(case["agent"])
    assert spec is not None
    assert intents.answer_question(spec, VALUES[case["agent"]], case["text"]) == case["answer"]
