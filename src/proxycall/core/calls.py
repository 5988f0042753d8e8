"""The call status machine and the call outcome: status ≠ reached a human ≠ task done.

A call's telephony status only moves forward; Twilio's callbacks arrive late, twice or out of
order, so `advance` ignores anything that is not a step forward. The outcome is derived from the
facts the flow collected, never from the telephony status alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from proxycall.core.agents.spec import AgentSpec, InputType, OutcomeField, PhoneFlow
from proxycall.core.parsers.result import Value
from proxycall.core.render import render_lines, render_template, render_value
from proxycall.core.voice import AnsweredBy


class CallStatus(StrEnum):
    """Twilio's call statuses, in its words, plus our pre-dial `scheduled`."""

    SCHEDULED = "scheduled"  # ours: waiting for its time (hours policy or `scheduledFor`)
    QUEUED = "queued"
    INITIATED = "initiated"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"
    CANCELED = "canceled"


TERMINAL: frozenset[CallStatus] = frozenset(
    {
        CallStatus.COMPLETED,
        CallStatus.BUSY,
        CallStatus.NO_ANSWER,
        CallStatus.FAILED,
        CallStatus.CANCELED,
    }
)

_TERMINAL_RANK = 5
_RANK: Mapping[CallStatus, int] = {
    CallStatus.SCHEDULED: 0,
    CallStatus.QUEUED: 1,
    CallStatus.INITIATED: 2,
    CallStatus.RINGING: 3,
    CallStatus.IN_PROGRESS: 4,
    **{status: _TERMINAL_RANK for status in TERMINAL},
}


def rank(status: CallStatus) -> int:
    """Position of a status in the forward order (every terminal status shares the last)."""
    return _RANK[status]


def is_terminal(status: CallStatus) -> bool:
    """True once the call can no longer change."""
    return status in TERMINAL


@dataclass(frozen=True)
class Transition:
    """The result of applying a reported status: `stale` means it arrived out of order."""

    new_status: CallStatus
    changed: bool
    stale: bool


def advance(current: CallStatus, reported: CallStatus) -> Transition:
    """Apply a reported status: forward only; repeats and late arrivals change nothing."""
    if reported == current:
        return Transition(current, changed=False, stale=False)
    if is_terminal(current) or rank(reported) <= rank(current):
        # A different status at the same or a lower rank arrived after a later one.
        return Transition(current, changed=False, stale=True)
    return Transition(reported, changed=True, stale=False)


class EndReason(StrEnum):
    """Why a call ended; one code per way of ending, stable for the API and the metrics."""

    COMPLETED = "completed"  # the flow ran to its closing
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    CANCELED = "canceled"
    LOST_CONTACT = "lost_contact"  # the provider stopped reporting; the watchdog ended it
    MAX_TURNS = "max_turns"
    MAX_DURATION = "max_duration"
    MAX_MISUNDERSTANDINGS = "max_misunderstandings"
    NO_RESPONSE = "no_response"  # the callee stayed silent after a gentle re-prompt
    CALLEE_HUNG_UP = "callee_hung_up"
    VOICEMAIL_LEFT = "voicemail_left"  # a message was left on an answering machine
    VOICEMAIL_SKIPPED = "voicemail_skipped"  # an answering machine; nothing worth leaving
    FAX = "fax"
    POLICY_BLOCKED = "policy_blocked"
    CALLS_PAUSED = "calls_paused"
    KILL_SWITCH = "kill_switch"
    SHIFT_STARTED = "shift_started"  # the sick call came too late to be useful
    DEADLINE_PASSED = "deadline_passed"  # not dialled: the task's moment came first
    CANCELED_BY_PERSON = "canceled_by_person"  # the person cancelled it before it was dialled
    CANCELED_BY_OPERATOR = "canceled_by_operator"  # `proxycall calls cancel`


_STATUS_END_REASON: Mapping[CallStatus, EndReason] = {
    CallStatus.COMPLETED: EndReason.COMPLETED,
    CallStatus.BUSY: EndReason.BUSY,
    CallStatus.NO_ANSWER: EndReason.NO_ANSWER,
    CallStatus.FAILED: EndReason.FAILED,
    CallStatus.CANCELED: EndReason.CANCELED,
}


def end_reason_for_status(status: CallStatus) -> EndReason | None:
    """The default end reason for a terminal status the flow did not explain itself."""
    return _STATUS_END_REASON.get(status)


class TaskResult(StrEnum):
    """Did the person get what the task was for."""

    SUCCESS = "SUCCESS"  # every key fact known and favourable (or the message was left)
    PARTIAL = "PARTIAL"  # something useful learned, but not the thing asked for
    FAILED = "FAILED"  # nobody reached, a clear no, or only a machine for a question
    UNKNOWN = "UNKNOWN"  # a person was reached but the answer never became clear


@dataclass(frozen=True)
class CallOutcome:
    """The task part of a call's outcome: the result, the facts found, one line for people."""

    task_result: TaskResult
    facts: dict[str, Value] = field(default_factory=dict)
    summary: str = ""
    next_steps: tuple[str, ...] = ()  # from the agent's declared summary, when one applies


def reached_human(answered_by: AnsweredBy | None, callee_spoke: bool) -> bool:
    """A person was reached: detection said so, or someone spoke to us on an unclear line."""
    if answered_by is AnsweredBy.HUMAN:
        return True
    if answered_by in (AnsweredBy.MACHINE, AnsweredBy.FAX):
        return False
    return callee_spoke


def derive_outcome(
    spec: AgentSpec,
    facts: Mapping[str, Value],
    status: CallStatus,
    answered_by: AnsweredBy | None,
    end_reason: EndReason | None,
    *,
    callee_spoke: bool = False,
    place_name: str | None = None,
    values: Mapping[str, Value] | None = None,
) -> CallOutcome:
    """The task result and summary from what was actually said, for any agent."""
    known = {name: value for name, value in facts.items() if value not in ("", None)}
    human = reached_human(answered_by, callee_spoke)
    result = _task_result(spec, known, human, answered_by, end_reason, status)
    declared = _declared_summary(spec, known, values or {}, place_name)
    if declared is None:
        return CallOutcome(result, dict(known),
                       _summary(spec, known, human, end_reason, place_name, result))
    summary, steps = declared
    return CallOutcome(result, dict(known), summary, steps)


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def _declared_summary(
    spec: AgentSpec, facts: Mapping[str, Value], values: Mapping[str, Value],
    place_name: str | None,
) -> tuple[str, tuple[str, ...]] | None:
    """The agent's own wording for the result ("JB Hi-Fi Chermside has 5 in stock")."""
    if not facts:
        return None
    merged: dict[str, Value] = {**values, **facts}
    if place_name and "place_name" not in merged:
        merged["place_name"] = place_name
    for summary in spec.summaries:
        when = summary.when
        if when is not None and str(facts.get(when.slot)) not in when.values:
            continue
        lead = _SENTENCE_END.split(summary.template.strip())[0]
        if render_template(lead, merged, spec) is None:
            continue  # the lead sentence carries the news: without it, try the next wording
        rendered = render_template(summary.template, merged, spec)
        if rendered:
            return rendered, tuple(render_lines(summary.next_steps, merged, spec))
    return None


def key_facts(spec: AgentSpec) -> tuple[OutcomeField, ...]:
    """The facts a task needs: its declared success facts, else its required outcome fields."""
    if spec.success_facts:
        by_name = {f.name: f for f in spec.outcome}
        return tuple(by_name[name] for name in spec.success_facts if name in by_name)
    return tuple(f for f in spec.outcome if not f.optional)


_EMPTY: tuple[Value, ...] = ("NO", 0, "0", "0.00")


def _task_result(
    spec: AgentSpec,
    facts: Mapping[str, Value],
    human: bool,
    answered_by: AnsweredBy | None,
    end_reason: EndReason | None,
    status: CallStatus,
) -> TaskResult:
    machine = answered_by in (AnsweredBy.MACHINE, AnsweredBy.FAX)
    if spec.flow is PhoneFlow.DIALOG and machine:
        return TaskResult.FAILED  # a question needs an answer; a machine gives none
    needed = key_facts(spec)
    missing = [f for f in needed if f.name not in facts]
    negative = [f for f in needed if f.type is InputType.YES_NO and facts.get(f.name) == "NO"]
    if needed and not missing and (not negative or spec.informational):
        return TaskResult.SUCCESS
    # Something useful besides the no: an offered time, a restock date (not a "no fee").
    extras = [
        name
        for name, value in facts.items()
        if name not in {f.name for f in needed} and name != "notes" and value not in _EMPTY
    ]
    if negative:
        return TaskResult.PARTIAL if extras else TaskResult.FAILED
    if facts:
        return TaskResult.PARTIAL
    if human or end_reason is EndReason.LOST_CONTACT:
        return TaskResult.UNKNOWN
    if status in TERMINAL or machine:
        return TaskResult.FAILED
    return TaskResult.UNKNOWN


_NOT_REACHED: Mapping[EndReason, str] = {
    EndReason.BUSY: "The line was busy",
    EndReason.NO_ANSWER: "Nobody answered",
    EndReason.FAILED: "The call could not be connected",
    EndReason.CANCELED: "The call was cancelled before it connected",
    EndReason.LOST_CONTACT: "We lost contact with the call; the result is unknown",
    EndReason.VOICEMAIL_SKIPPED: "Reached voicemail; no message was left",
    EndReason.VOICEMAIL_LEFT: "Reached voicemail and left a message",
    EndReason.FAX: "Reached a fax machine",
    EndReason.POLICY_BLOCKED: "The call was not made: the number is not allowed",
    EndReason.CALLS_PAUSED: "The call was not made: outbound calls are paused",
    EndReason.KILL_SWITCH: "The call was not made: calls are switched off",
    EndReason.SHIFT_STARTED: "The call was not made: the shift had already started",
}

_ENDED_EARLY: Mapping[EndReason, str] = {
    EndReason.CALLEE_HUNG_UP: "they hung up before we finished",
    EndReason.MAX_TURNS: "the call went on too long without an answer",
    EndReason.MAX_DURATION: "the call reached its time limit",
    EndReason.MAX_MISUNDERSTANDINGS: "we couldn't understand their answers",
    EndReason.NO_RESPONSE: "they stopped responding",
}


def _summary(
    spec: AgentSpec,
    facts: Mapping[str, Value],
    human: bool,
    end_reason: EndReason | None,
    place_name: str | None,
    result: TaskResult,
) -> str:
    parts = [_fact_phrase(spec, f, facts[f.name]) for f in spec.outcome if f.name in facts]
    not_reached = _NOT_REACHED.get(end_reason) if end_reason else None
    why = _ENDED_EARLY.get(end_reason) if end_reason else None
    if not parts:
        if not_reached:
            return not_reached + "."
        if human:
            return "Spoke to someone but got no clear answer" + (f" ({why})." if why else ".")
        return "Nobody was reached" + (f" ({why})." if why else ".")
    line = "; ".join(parts)
    if why and human and result is not TaskResult.SUCCESS:
        line += f" (ended early: {why})"
    prefix = f"{place_name}: " if place_name else ""
    return prefix + line[0].upper() + line[1:] + "."


def _fact_phrase(spec: AgentSpec, outcome_field: OutcomeField, value: Value) -> str:
    label = outcome_field.label.lower()
    if outcome_field.type is InputType.YES_NO and value in ("YES", "NO"):
        return label if value == "YES" else f"{label}: no"
    return f"{label}: {render_value(spec, outcome_field.name, value)}"
