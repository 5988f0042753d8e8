"""The phone flows: what the call says and how it reads what it hears, from the declaration.

The service calls `start_flow` when the call is answered and `advance_flow` with each event the
telephony adapter reports, storing `FlowStep.state.to_json()` in the call row in between. When
a step carries `needs_interpretation`, the service asks an LLM (if one is configured) and calls
`advance_flow` again with an `Interpreted` event (value None when there is no LLM or no reading);
it must not answer the provider until then. `close_flow` records an end the flow did not choose
(the callee hung up, the watchdog). Pure: `now` is passed in, nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from proxycall.core.agents.spec import AgentSpec, PhoneFlow
from proxycall.core.calls import EndReason
from proxycall.core.flows.dialog import advance_dialog, start_dialog
from proxycall.core.flows.script import advance_script, start_script
from proxycall.core.flows.state import (
    HOLD_TIMEOUT_SECONDS,
    LISTEN_TIMEOUT_SECONDS,
    MAX_CONSECUTIVE_MISUNDERSTANDINGS,
    MAX_DURATION_SECONDS,
    MAX_REPEATS,
    MAX_TURNS,
    FlowState,
    FlowStep,
    Interpretation,
    Reply,
    Utterance,
    finish,
)
from proxycall.core.parsers.result import Value
from proxycall.core.voice import AnsweredBy, CallAnswered, CallEvent, Hangup, Heard

__all__ = [
    "HOLD_TIMEOUT_SECONDS",
    "LISTEN_TIMEOUT_SECONDS",
    "MAX_CONSECUTIVE_MISUNDERSTANDINGS",
    "MAX_DURATION_SECONDS",
    "MAX_REPEATS",
    "MAX_TURNS",
    "FlowState",
    "FlowStep",
    "Interpretation",
    "Utterance",
    "advance_flow",
    "close_flow",
    "start_flow",
]


def start_flow(
    spec: AgentSpec,
    values: Mapping[str, Value],
    answered_by: AnsweredBy | None,
    now: datetime,
) -> FlowStep:
    """The call was answered: open it (a person, or a machine gets the voicemail version)."""
    state = FlowState(
        agent_type=spec.type,
        started_at=now.isoformat(),
        answered_by=(answered_by or AnsweredBy.UNKNOWN).value,
    )
    if spec.flow is PhoneFlow.DETERMINISTIC_SCRIPT:
        return start_script(spec, values, state, now)
    return start_dialog(spec, values, state, now)


def advance_flow(
    spec: AgentSpec,
    values: Mapping[str, Value],
    state: FlowState,
    event: CallEvent,
    now: datetime,
) -> FlowStep:
    """One provider event through the flow; the given state is not changed."""
    current = FlowState.from_json(state.to_json())
    if current.finished:
        return _after_the_end(current, event, now)
    if isinstance(event, CallAnswered):
        return _answered_again(spec, values, current, event, now)
    if spec.flow is PhoneFlow.DETERMINISTIC_SCRIPT:
        return advance_script(spec, values, current, event, now)
    return advance_dialog(spec, values, current, event, now)


def close_flow(state: FlowState, reason: EndReason, now: datetime) -> FlowStep:
    """Record an end the flow did not choose (callee hung up, lost contact); says nothing."""
    current = FlowState.from_json(state.to_json())
    current.pending_answer = None
    finish(current, reason)
    return Reply(now).step(current)


def _after_the_end(state: FlowState, event: CallEvent, now: datetime) -> FlowStep:
    """Speech that still arrives after our goodbye is kept; the call stays over."""
    reply = Reply(now)
    if isinstance(event, Heard) and (event.speech.strip() or event.digits.strip()):
        reply.heard(event.speech.strip() or f"(pressed {event.digits.strip()})")
    reply.directives.append(Hangup())
    return reply.step(state)


def _answered_again(
    spec: AgentSpec,
    values: Mapping[str, Value],
    state: FlowState,
    event: CallAnswered,
    now: datetime,
) -> FlowStep:
    """A late answering-machine verdict: switch to the voicemail version if nobody spoke yet."""
    machine = event.answered_by in (AnsweredBy.MACHINE, AnsweredBy.FAX)
    if machine and not state.callee_spoke and state.turns == 0:
        restarted = start_flow(spec, values, event.answered_by, now)
        restarted.state.started_at = state.started_at
        return restarted
    return Reply(now).step(state)
