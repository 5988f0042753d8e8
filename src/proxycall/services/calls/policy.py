"""The call policy as the call service applies it: the number to dial, the destination check, when.

Shared by the service (at start) and the worker (at the moment a scheduled call is dialed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from proxycall.core.agents.spec import AgentSpec, PhoneSource
from proxycall.core.errors import Conflict, DeadlineMissed, DestinationBlocked
from proxycall.core.parsers.result import Value
from proxycall.core.policy import (
    OpeningHours,
    PolicyDecision,
    call_deadline,
    check_destination,
    when_to_call,
)
from proxycall.core.render import display_date, display_time
from proxycall.core.stores import StoredConversation
from proxycall.services.calls.dialing import CallConfig, CallDeps

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TOO_LATE = ("deadline_passed", "no_time_before_deadline")
# (spec, values, place, conversation timezone) -> a warning for the card, or None
CardTiming = Callable[[AgentSpec, Mapping[str, Value], Mapping[str, Any] | None, str],
                      dict[str, str] | None]


def stored_values(stored: StoredConversation) -> dict[str, Value]:
    """The conversation's confirmed values as typed values."""
    return dict(stored.state.get("values") or {})


def call_values(stored: StoredConversation) -> dict[str, Value]:
    """What the call flow reads: the confirmed values and the callee's timezone.

    The timezone is for dates the business says ("next Tuesday" is their Tuesday).
    """
    return {**stored_values(stored), "place_timezone": callee_timezone(stored)}


def phone_number(spec: AgentSpec, values: dict[str, Value]) -> str:
    """The number to dial, from the confirmed values only (never from a request)."""
    if spec.phone.source is PhoneSource.DIRECT_SLOT and spec.phone.direct_slot:
        number = values.get(spec.phone.direct_slot) or values.get("place_phone")
    else:
        number = values.get("place_phone")
    if not number:
        raise Conflict("The confirmed task has no phone number to call.", code="no_phone")
    return str(number)


def destination_check(config: CallConfig) -> Callable[[str], PolicyDecision]:
    """The one destination policy: what the call service dials by and the card warns about."""

    def check(number: str) -> PolicyDecision:
        return check_destination(number, allowed_countries=config.allowed_countries,
                                 own_numbers=config.own_numbers, blocked=config.blocked_numbers)

    return check


def refuse_destination(deps: CallDeps, number: str) -> None:
    """Raise DestinationBlocked when the destination policy refuses the number."""
    decision = destination_check(deps.config)(number)
    if not decision.allowed:
        raise DestinationBlocked(decision.message, details={"reason": decision.reason})


def callee_timezone(stored: StoredConversation) -> str:
    """The callee's timezone: the place's when known, else the conversation's."""
    return place_timezone(stored.state.get("place"), stored.timezone)


def place_timezone(place: Mapping[str, Any] | None, fallback: str) -> str:
    """The place's timezone when known, else `fallback` (the conversation's)."""
    return str((place or {}).get("timezone") or fallback)


def opening_hours(stored: StoredConversation) -> OpeningHours | None:
    """The place's opening hours in the policy's shape, or None when unknown."""
    return hours_of(stored.state.get("place"))


def hours_of(place: Mapping[str, Any] | None) -> OpeningHours | None:
    """Opening hours as the conversation state keeps them, in the policy's shape."""
    hours = (place or {}).get("openingHours")
    if not hours:
        return None
    return {
        index: [(str(p["open"]), str(p["close"])) for p in hours.get(day) or ()]
        for index, day in enumerate(_WEEKDAYS)
    }


def deadline(spec: AgentSpec, stored: StoredConversation) -> datetime | None:
    """The last useful moment to call (UTC) from the agent's declaration, or None."""
    return deadline_of(spec, stored_values(stored), stored.timezone)


def deadline_of(spec: AgentSpec, values: Mapping[str, Value], timezone: str) -> datetime | None:
    """The deadline from the task's values (in the conversation's timezone), or None."""
    timing = spec.timing
    day = values.get(timing.deadline_date_slot or "")
    clock_time = values.get(timing.deadline_time_slot or "")
    if not (day and clock_time):
        return None
    return call_deadline(str(day), str(clock_time), timezone, timing.deadline_lead_minutes)


def card_timing(config: CallConfig, clock: Callable[[], datetime]) -> CardTiming:
    """What the card says about time: a warning when the call could not come in time."""

    def check(spec: AgentSpec, values: Mapping[str, Value], place: Mapping[str, Any] | None,
              timezone: str) -> dict[str, str] | None:
        now = clock()
        verdict = when_to_call(
            now, now, deadline=deadline_of(spec, values, timezone),
            business_hours=spec.timing.business_hours,
            callee_tz=place_timezone(place, timezone), window=config.call_window,
            hours=hours_of(place), check_opening_hours=config.check_opening_hours)
        if verdict.deadline is None or verdict.problem not in _TOO_LATE:
            return None
        passed = verdict.problem == "deadline_passed"
        return {"code": str(verdict.problem), "deadline": verdict.deadline.isoformat(),
                "message": too_late_message(spec, timezone, verdict.deadline, passed)}

    return check


def allowed_time(deps: CallDeps, spec: AgentSpec, stored: StoredConversation,
                 start: datetime) -> datetime:
    """The first instant from `start` the call may be made, before its deadline.

    Raises DeadlineMissed when the deadline has passed (deadline_passed) or no allowed calling
    time comes before it (no_time_before_deadline); Conflict when no time comes at all.
    """
    config = deps.config
    verdict = when_to_call(
        start, deps.clock(), deadline=deadline(spec, stored),
        business_hours=spec.timing.business_hours, callee_tz=callee_timezone(stored),
        window=config.call_window, hours=opening_hours(stored),
        check_opening_hours=config.check_opening_hours)
    if verdict.problem == "no_call_time" or (verdict.at is None and verdict.deadline is None):
        raise Conflict("There is no time in the next two weeks when this place can be called.",
                       code="no_call_time")
    if verdict.problem is not None and verdict.deadline is not None:
        details = {"deadline": verdict.deadline.isoformat()}
        if verdict.at is not None:
            details["firstAllowed"] = verdict.at.isoformat()
        raise DeadlineMissed(
            too_late_message(spec, stored.timezone, verdict.deadline,
                             verdict.problem == "deadline_passed"),
            code=verdict.problem, details=details)
    assert verdict.at is not None
    return verdict.at


def too_late_message(spec: AgentSpec, timezone: str, last: datetime, passed: bool) -> str:
    """Say plainly why the call cannot help, with the deadline in the person's time."""
    local = last.astimezone(ZoneInfo(timezone))
    when = f"{display_date(local.date().isoformat())} at {display_time(local.strftime('%H:%M'))}"
    if passed:
        return f"It's too late for this call to help: it had to be made by {when}."
    if spec.timing.business_hours:
        return (f"They can't be called before {when}, the last moment the call would help "
                "(they're closed or outside calling hours until then).")
    return f"The call would come after {when}, the last moment it would help."


def aware(moment: datetime, timezone: str) -> datetime:
    """A moment as an aware datetime (a naive one is taken in `timezone`)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))

