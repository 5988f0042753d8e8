"""Outcomes worth trusting: nothing is claimed that the callee did not clearly say.

The sick script records an acknowledgement only for a clear one (never a "yeah" beside a
question or a hedge), and a business call whose callee never answers (questions, hedges,
mumbles, holds, silence) records no fact and is never a success — with no LLM configured.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.calls.simulate import START, run_call
from tests.unit.calls.tables import load

from proxycall.core.calls import CallStatus, EndReason, TaskResult, derive_outcome
from proxycall.core.flows import close_flow
from proxycall.core.voice import AnsweredBy

VALUES: dict[str, dict[str, Any]] = load("conversations.yaml")["values"]
DIALOG_AGENTS = ["STOCK_CHECKER", "RESTAURANT_RESERVATION", "CANCEL_APPOINTMENT"]
OPENERS = ["yeah", "yes", "okay", "ok", "right", "sure", "mm", "um", "sorry", "yep"]
QUESTIONS = [
    "what's this about?", "who is this?", "who?", "what?", "which model?", "when is he back?",
    "what time was it?", "is he okay?", "what name was it?", "how many people?",
    "what was that?", "what is this regarding?", "are you a robot?",
]  # fmt: skip
HEDGES = ["not sure", "maybe", "I guess", "dunno", "no idea", "not sure, maybe", "probably"]
MUMBLES = ["hmm", "mm", "uh", "um… hmm", "eh?", "uh… hang on… what?", "one sec", "hang on"]

asked = st.builds(lambda opener, question: f"{opener}, {question}",
                  st.sampled_from(OPENERS), st.sampled_from(QUESTIONS))  # fmt: skip
hedged = st.builds(lambda opener, hedge: f"{opener}… {hedge}",
                   st.sampled_from(OPENERS), st.sampled_from(HEDGES))  # fmt: skip
non_answers = st.lists(
    st.one_of(st.none(), asked, hedged, st.sampled_from(QUESTIONS + HEDGES + MUMBLES)),
    min_size=1,
    max_size=20,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(non_answers)
def test_the_sick_script_never_hears_an_acknowledgement_that_was_not_given(
    script: list[str | None],
) -> None:
    call = run_call("SICK_CALLER", VALUES["SICK_CALLER"], script)
    assert call.interpretations == 0
    assert call.last.facts.get("acknowledged") != "YES", call.heard()
    assert call.last.facts.get("acknowledged", "NO") == "NO"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DIALOG_AGENTS), non_answers)
def test_a_business_that_never_answers_gives_no_fact_and_no_success(
    agent: str, script: list[str | None]
) -> None:
    call = run_call(agent, VALUES[agent], script)  # no LLM: every Interpreted carries None
    assert {k: v for k, v in call.last.facts.items() if k != "notes"} == {}, call.heard()
    step = call.last
    reason = step.end_reason or EndReason.CALLEE_HUNG_UP  # a callee who ran out hung up
    outcome = derive_outcome(call.spec, step.facts, CallStatus.COMPLETED, AnsweredBy.HUMAN,
                             reason, callee_spoke=step.state.callee_spoke)  # fmt: skip
    assert outcome.task_result is not TaskResult.SUCCESS


def test_a_hang_up_after_what_is_this_about_keeps_the_truth() -> None:
    values = VALUES["SICK_CALLER"]
    call = run_call("SICK_CALLER", values, ["yeah, what's this about?"])
    assert not call.last.finished
    said = " ".join(call.said())
    assert said.count("I'm an automated assistant calling on behalf of Richard.") == 1
    assert said.count("Richard is unwell") == 2  # the honest answer is the message again

    closed = close_flow(call.last.state, EndReason.CALLEE_HUNG_UP, START)
    assert closed.finished and closed.directives == [] and closed.transcript == []
    assert closed.end_reason is EndReason.CALLEE_HUNG_UP
    assert closed.facts == {"message_delivered": "YES", "delivered_to": "person",
                            "acknowledged": "NO"}  # fmt: skip
    outcome = derive_outcome(
        call.spec, closed.facts, CallStatus.COMPLETED, AnsweredBy.HUMAN,
        EndReason.CALLEE_HUNG_UP, callee_spoke=True, values=values,
    )  # fmt: skip
    assert outcome.task_result is TaskResult.SUCCESS  # the message was played in full
    assert "acknowledged" not in outcome.summary
    assert outcome.summary.startswith("Told Bunnings that Richard won't make the shift on ")


def test_hanging_up_during_the_first_message_delivers_nothing() -> None:
    call = run_call("SICK_CALLER", VALUES["SICK_CALLER"], [])
    closed = close_flow(call.last.state, EndReason.CALLEE_HUNG_UP, START)
    assert closed.facts == {}
    outcome = derive_outcome(call.spec, closed.facts, CallStatus.COMPLETED, AnsweredBy.HUMAN,
                             EndReason.CALLEE_HUNG_UP)  # fmt: skip
    assert outcome.task_result is not TaskResult.SUCCESS


def test_a_clear_acknowledgement_after_a_question_is_still_taken() -> None:
    call = run_call("SICK_CALLER", VALUES["SICK_CALLER"],
                    ["yeah, what's this about?", "oh right, no worries, I'll let the boss know"])
    assert call.last.facts["acknowledged"] == "YES"
    assert call.last.end_reason is EndReason.COMPLETED
