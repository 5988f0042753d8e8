"""The call policy as the call service applies it: the number to dial, the destination check, when.

Shared by the service (at start) and the worker (at the moment a scheduled call is dialed).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from proxycall.adapters.db.conversations import StoredConversation
from proxycall.core.agents.spec import AgentSpec, PhoneSource
from proxycall.core.parsers.result import Value
from proxycall.core.policy import OpeningHours, check_destination, next_allowed, sick_call_allowed
from proxycall.errors import Conflict, DestinationBlocked
from proxycall.services.calls.dialing import CallDeps

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def stored_values(stored: StoredConversation) -> dict[str, Value]:
    return dict(stored.state.get("values") or {})


def call_values(stored: StoredConversation) -> dict[str, Value]:
    """What the call flow reads: the confirmed values, and the callee's timezone for dates the
    business says ("next Tuesday" is their Tuesday)."""
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


def refuse_destination(deps: CallDeps, number: str) -> None:
    """Raise DestinationBlocked when the destination policy refuses the number."""
    config = deps.config
    decision = check_destination(number, allowed_countries=config.allowed_countries,
                                 own_numbers=config.own_numbers, blocked=config.blocked_numbers)
    if not decision.allowed:
        raise DestinationBlocked(decision.message, details={"reason": decision.reason})


def callee_timezone(stored: StoredConversation) -> str:
    """The callee's timezone: the place's when known, else the conversation's."""
    place = stored.state.get("place") or {}
    return str(place.get("timezone") or stored.timezone)


def opening_hours(stored: StoredConversation) -> OpeningHours | None:
    """The place's opening hours in the policy's shape, or None when unknown."""
    hours = (stored.state.get("place") or {}).get("openingHours")
    if not hours:
        return None
    return {
        index: [(str(p["open"]), str(p["close"])) for p in hours.get(day) or ()]
        for index, day in enumerate(_WEEKDAYS)
    }


def allowed_time(deps: CallDeps, spec: AgentSpec, stored: StoredConversation,
                 start: datetime) -> datetime:
    """The first instant from `start` the call may be made; Conflict if there is none."""
    values = stored_values(stored)
    timing = spec.timing
    day = values.get(timing.deadline_date_slot or "")
    clock_time = values.get(timing.deadline_time_slot or "")
    if day and clock_time:
        decision = sick_call_allowed(start, str(day), str(clock_time), stored.timezone)
        if not decision.allowed:
            raise Conflict(decision.message, code=decision.reason)
    if not timing.business_hours:
        return start
    config = deps.config
    at = next_allowed(start, callee_timezone(stored), config.call_window,
                      opening_hours(stored), config.check_opening_hours)
    if at is None:
        raise Conflict("There is no time in the next two weeks when this place can be called.",
                       code="no_call_time")
    return at


def aware(moment: datetime, timezone: str) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))

