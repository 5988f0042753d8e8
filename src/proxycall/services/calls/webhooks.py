"""The provider's webhooks: status callbacks move the status forward; voice and gather run the flow.

Each webhook is one locked read-modify-write of the call row (see CallStore.mutate), so a
duplicate, late or concurrent callback can never move a call backwards or lose a line of the
transcript. Only an answer the parsers could not read goes to the LLM, outside the lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from proxycall import logs
from proxycall.core.agents.spec import AgentSpec
from proxycall.core.calls import CallStatus, is_terminal
from proxycall.core.flows import FlowState, FlowStep, advance_flow, start_flow
from proxycall.core.flows.state import ASSISTANT, Interpretation
from proxycall.core.llm import LlmUnavailable
from proxycall.core.stores import Change, NewEvent, StoredCall
from proxycall.core.telephony import Gathered, ProviderReport, TelephonyError
from proxycall.core.voice import (
    CallAnswered,
    CallEvent,
    Directive,
    Hangup,
    Heard,
    HeardNothing,
    Interpreted,
    Listen,
)
from proxycall.services.calls.dialing import CallDeps, provider_extras, settle, status_change

MAX_SID_LENGTH = 64  # the column's width; a longer provider id is never stored
HANG_UP: list[Directive] = [Hangup()]


@dataclass
class _FlowReply:
    """What a flow mutation hands back out of the lock."""

    directives: list[Directive] = field(default_factory=list)
    interpretation: Interpretation | None = None


def _provider_fields(call: StoredCall, report: ProviderReport, now: datetime) -> dict[str, Any]:
    """The columns a webhook's report fills (the adapter already bounded every value)."""
    fields: dict[str, Any] = {
        "answered_by": report.answered_by.value if report.answered_by else None,
        "duration_seconds": report.duration_seconds,
        "cost": report.cost,
        "cost_currency": report.cost_currency,
        "last_provider_event_at": now,
    }
    sid = report.call_sid or ""
    if call.provider_sid is None and 0 < len(sid) <= MAX_SID_LENGTH:
        fields["provider_sid"] = sid
    return fields


def _foreign(call: StoredCall, report: ProviderReport) -> bool:
    """A signed webhook about another provider call than the one this row dialed."""
    return bool(call.provider_sid and report.call_sid and report.call_sid != call.provider_sid)


async def on_status(deps: CallDeps, call_id: str, report: ProviderReport) -> None:
    """Record a status callback; only a step forward changes the call."""
    call = await deps.store.get(call_id)
    if call is None or _foreign(call, report):
        logs.warning("call_status_ignored", call_id=call_id, reason="unknown call")
        return
    reported = report.status
    spec = deps.spec(call.agent_type)
    now = deps.clock()

    def apply(current: StoredCall) -> Change:
        if reported is None:
            return Change(values={"last_provider_event_at": now}, events=[NewEvent(
                kind="note", at=now,
                payload={"unknownStatus": report.status_word})])
        change = status_change(spec, current, reported, now, source="status_callback",
                               extra=_provider_fields(current, report, now))
        if report.unreadable:
            change.events.append(NewEvent(kind="note", at=now,
                                          payload={"unreadableFields": list(report.unreadable)}))
        return change

    updated = await deps.store.mutate(call_id, apply)
    if updated is not None and is_terminal(CallStatus(updated.status)) and updated.cost is None:
        await fetch_cost(deps, updated)


async def fetch_cost(deps: CallDeps, call: StoredCall) -> None:
    """Ask the provider what an ended call cost (callbacks may not carry the price)."""
    if call.provider_sid is None:
        return
    try:
        provider = await deps.telephony.fetch_call(call.provider_sid)
    except TelephonyError as exc:
        logs.warning("call_cost_unavailable", call_id=call.id, error=type(exc).__name__)
        return
    extras = {k: v for k, v in provider_extras(provider).items()
              if v is not None and k != "answered_by"}
    if extras:
        await deps.store.mutate(call.id, lambda _current: Change(values=extras))


async def on_voice(deps: CallDeps, call_id: str, report: ProviderReport) -> list[Directive]:
    """The call was answered (or the provider re-asked): open the flow, return what to do."""
    call = await deps.store.get(call_id)
    if call is None or _foreign(call, report):
        return HANG_UP
    spec = deps.spec(call.agent_type)
    reported = report.status or CallStatus.IN_PROGRESS
    answered = report.answered_by
    now = deps.clock()
    out = _FlowReply()

    def apply(current: StoredCall) -> Change:
        change = status_change(spec, current, reported, now, source="voice",
                               extra=_provider_fields(current, report, now))
        status = CallStatus(change.values.get("status", current.status))
        if is_terminal(status):
            out.directives = HANG_UP
            return change
        if current.flow_state is None:
            step = start_flow(spec, current.values, answered, now)
        elif answered is not None:  # a later verdict of answering-machine detection
            state = FlowState.from_json(current.flow_state)
            step = advance_flow(spec, current.values, state, CallAnswered(answered), now)
        else:
            step = _prompt_again(FlowState.from_json(current.flow_state))
        _record(spec, current, change, step, out)
        return change

    await deps.store.mutate(call_id, apply)
    return out.directives or HANG_UP


def _prompt_again(state: FlowState) -> FlowStep:
    """The provider asked for the document again: repeat the last prompt, say nothing new."""
    directives: list[Directive] = (
        HANG_UP if state.finished else [Listen(prompt=tuple(state.last_prompt))])
    return FlowStep(state=state, directives=directives, transcript=[], finished=state.finished)


async def on_gather(deps: CallDeps, call_id: str, gathered: Gathered) -> list[Directive]:
    """The callee spoke, pressed keys or stayed silent: one flow step (and maybe one LLM read)."""
    call = await deps.store.get(call_id)
    report = gathered.report
    if call is None or _foreign(call, report):
        return HANG_UP
    heard: CallEvent = (Heard(gathered.speech, gathered.digits, gathered.confidence)
                        if gathered.speech or gathered.digits else HeardNothing())
    out = await _flow_step(deps, call_id, report, heard, llm_used=False)
    if out.interpretation is not None:
        value, used = await _interpret(deps, call, out.interpretation)
        event = Interpreted(out.interpretation.field, value)
        out = await _flow_step(deps, call_id, report, event, llm_used=used)
    return out.directives or HANG_UP


async def _flow_step(deps: CallDeps, call_id: str, report: ProviderReport, event: CallEvent,
                     *, llm_used: bool) -> _FlowReply:
    now = deps.clock()
    out = _FlowReply()

    def apply(current: StoredCall) -> Change | None:
        spec = deps.spec(current.agent_type)
        change = Change(values=_known(_provider_fields(current, report, now)))
        change.values["updated_at"] = now
        if llm_used:
            change.values["llm_calls"] = current.llm_calls + 1
        if current.flow_state is None or is_terminal(CallStatus(current.status)):
            out.directives = HANG_UP
            if isinstance(event, Heard):  # keep what was said, even after the end
                change.events.append(_line("callee", event.speech or event.digits, now))
            return change
        state = FlowState.from_json(current.flow_state)
        step = advance_flow(spec, current.values, state, event, now)
        _record(spec, current, change, step, out)
        return change

    await deps.store.mutate(call_id, apply)
    return out


def _record(spec: AgentSpec, current: StoredCall, change: Change, step: FlowStep,
            out: _FlowReply) -> None:
    """Store the step's state and transcript lines, settle the outcome, keep the directives."""
    change.values["flow_state"] = step.state.to_json()
    change.events.extend(_line(u.speaker, u.text, u.at) for u in step.transcript)
    settle(spec, current, change)
    out.interpretation = step.needs_interpretation
    out.directives = list(step.directives)
    if not out.directives and out.interpretation is None:
        out.directives = _prompt_again(step.state).directives


def _line(speaker: str, text: str, at: datetime) -> NewEvent:
    kind = "said" if speaker == ASSISTANT else "heard"
    return NewEvent(kind=kind, at=at, speaker=speaker, text=text)


async def _interpret(deps: CallDeps, call: StoredCall,
                     need: Interpretation) -> tuple[str | int | None, bool]:
    """Ask the LLM (when configured) to restate an answer; None when it cannot."""
    if deps.extractor is None:
        return None, False
    try:
        reading = await deps.extractor.read_answer(need.question, need.answer, need.field,
                                                   need.expects)
    except LlmUnavailable as exc:
        logs.anomaly("llm_failure", call_id=call.id, where="call", error=str(exc)[:80])
        return None, True
    return reading.text, True


def _known(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
