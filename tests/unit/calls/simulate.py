"""Drive a flow the way the service does: events in, directives and transcript out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from proxycall.core.agents import default_registry
from proxycall.core.agents.spec import AgentSpec
from proxycall.core.calls import CallOutcome, CallStatus, derive_outcome
from proxycall.core.flows import FlowStep, Utterance, advance_flow, start_flow
from proxycall.core.parsers.result import Value
from proxycall.core.voice import (
    AnsweredBy,
    CallEvent,
    Directive,
    Hangup,
    Heard,
    HeardNothing,
    Interpreted,
    Listen,
)

REGISTRY = default_registry()
START = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)  # Friday 10:30 am in Brisbane
SECONDS_PER_TURN = 8


@dataclass
class Call:
    """Everything one simulated call produced."""

    spec: AgentSpec
    steps: list[FlowStep] = field(default_factory=list)
    transcript: list[Utterance] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    interpretations: int = 0
    events: int = 0

    @property
    def last(self) -> FlowStep:
        return self.steps[-1]

    def said(self) -> list[str]:
        return [line.text for line in self.transcript if line.speaker == "assistant"]

    def heard(self) -> list[str]:
        return [line.text for line in self.transcript if line.speaker == "callee"]

    def outcome(self, place_name: str | None = None) -> CallOutcome:
        """The outcome the service would derive once the line closed normally."""
        state = self.last.state
        return derive_outcome(
            self.spec,
            self.last.facts,
            CallStatus.COMPLETED,
            AnsweredBy(state.answered_by),
            self.last.end_reason,
            callee_spoke=state.callee_spoke,
            place_name=place_name,
        )


def event_for(action: str | None) -> CallEvent:
    """A callee action as the adapter would report it: speech, "#1" keys, None silence."""
    if action is None:
        return HeardNothing()
    if action.startswith("#"):
        return Heard(digits=action[1:])
    return Heard(speech=action)


def run_call(
    agent: str,
    values: Mapping[str, Value],
    actions: Sequence[str | None],
    *,
    answered_by: AnsweredBy = AnsweredBy.HUMAN,
    llm: Mapping[str, str] | None = None,
    start: datetime = START,
    seconds_per_turn: int = SECONDS_PER_TURN,
) -> Call:
    """Play `actions` against the agent's flow until it finishes or the callee runs out."""
    spec = REGISTRY.get(agent)
    assert spec is not None
    call = Call(spec)
    now = start
    _record(call, start_flow(spec, values, answered_by, now))
    for action in actions:
        if call.last.finished:
            break
        now += timedelta(seconds=seconds_per_turn)
        call.events += 1
        step = advance_flow(spec, values, call.last.state, event_for(action), now)
        _record(call, step)
        if step.needs_interpretation is not None:
            call.interpretations += 1
            reading = (llm or {}).get(step.needs_interpretation.answer)
            field_name = step.needs_interpretation.field
            _record(call, advance_flow(spec, values, step.state,
                                       Interpreted(field_name, reading), now))  # fmt: skip
    return call


def _record(call: Call, step: FlowStep) -> None:
    call.steps.append(step)
    call.transcript.extend(step.transcript)
    call.directives.extend(step.directives)


def listen_timeouts(call: Call) -> list[int]:
    """The silence timeout of every Listen, in order."""
    return [d.timeout_seconds for d in call.directives if isinstance(d, Listen)]


def ends_with_hangup(call: Call) -> bool:
    """The finished call's last directive hangs up."""
    return bool(call.directives) and isinstance(call.directives[-1], Hangup)
