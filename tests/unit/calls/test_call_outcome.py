"""The outcome in three parts: telephony status, a human reached, and the task result."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.calls.tables import load

from proxycall.core.agents import default_registry
from proxycall.core.agents.spec import PhoneFlow
from proxycall.core.calls import (
    CallStatus,
    EndReason,
    TaskResult,
    derive_outcome,
    reached_human,
)
from proxycall.core.voice import AnsweredBy

REGISTRY = default_registry()
CASES = load("outcomes.yaml")


def _derive(case: dict[str, Any]):  # type: ignore[no-untyped-def]
    spec = REGISTRY.get(case["agent"])
    assert spec is not None
    answered = AnsweredBy(case["answered_by"]) if case["answered_by"] else None
    return derive_outcome(
        spec,
        case["facts"],
        CallStatus(case["status"]),
        answered,
        EndReason(case["end"]) if case["end"] else None,
        callee_spoke=case.get("callee_spoke", False),
        place_name=case.get("place"),
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['agent']}-{c['end']}-{c['result']}")
def test_outcome_table(case: dict[str, Any]) -> None:
    outcome = _derive(case)
    assert outcome.task_result.value == case["result"]
    if "summary" in case:
        assert outcome.summary == case["summary"]
    assert outcome.summary.count("\n") == 0
    assert "{" not in outcome.summary


@pytest.mark.parametrize(
    ("answered", "spoke", "expected"),
    [
        (AnsweredBy.HUMAN, False, True),
        (AnsweredBy.MACHINE, True, False),
        (AnsweredBy.FAX, False, False),
        (AnsweredBy.UNKNOWN, True, True),
        (AnsweredBy.UNKNOWN, False, False),
        (None, False, False),
    ],
)
def test_reached_human(answered: AnsweredBy | None, spoke: bool, expected: bool) -> None:
    assert reached_human(answered, spoke) is expected


facts_values = st.dictionaries(
    st.sampled_from(["in_stock", "quantity_available", "price", "restock_date", "booked",
                     "booked_time", "cancelled", "fee_mentioned", "notes"]),
    st.sampled_from(["YES", "NO", 3, "249.00", "2026-12-01", "19:30", "x"]),
)  # fmt: skip


@given(
    st.sampled_from([s for s in REGISTRY.agents.values() if s.flow is PhoneFlow.DIALOG]),
    facts_values,
    st.sampled_from(list(EndReason)),
)
def test_a_voicemail_never_answers_a_question(spec: Any, facts: dict[str, Any], end: Any) -> None:
    outcome = derive_outcome(spec, facts, CallStatus.COMPLETED, AnsweredBy.MACHINE, end)
    assert outcome.task_result is not TaskResult.SUCCESS
