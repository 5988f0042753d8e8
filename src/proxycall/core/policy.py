"""Before dialing: which numbers may be called, and when (call window, opening hours, shifts).

Checked when a card is confirmed and again at the moment of dialing. Every refusal carries a
stable snake_case code (for the API and the metrics) and a sentence for people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import phonenumbers

from proxycall.core.errors import SetupError

DEFAULT_ALLOWED_COUNTRIES = frozenset({"AU"})
DEFAULT_CALL_WINDOW = "mon-fri 09:00-20:00; sat 09:00-17:00"
SEARCH_DAYS = 14  # how far ahead next_allowed looks before giving up

_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
# Emergency and special-service numbers by calling code, as national digits (no trunk prefix).
_EMERGENCY: Mapping[int, frozenset[str]] = {
    61: frozenset({"000", "112", "106"}),
    1: frozenset({"911", "988", "112", "211", "311", "411", "511", "611", "711", "811"}),
}
_EMERGENCY_ANYWHERE = frozenset({"000", "112", "911", "999", "110", "119", "106", "988"})


@dataclass(frozen=True)
class PolicyDecision:
    """Allowed or not, with a stable code and a sentence a person can read."""

    allowed: bool
    reason: str = "ok"
    message: str = ""


ALLOWED = PolicyDecision(True, "ok", "The call is allowed.")
_EMERGENCY_REFUSAL = PolicyDecision(
    False, "emergency_number", "Emergency and special-service numbers are never called."
)


def _refuse(reason: str, message: str) -> PolicyDecision:
    return PolicyDecision(False, reason, message)


def _digits(text: str) -> str:
    return re.sub(r"[\s\-().]", "", text)


def check_destination(
    e164: str,
    *,
    allowed_countries: Iterable[str] = DEFAULT_ALLOWED_COUNTRIES,
    own_numbers: Iterable[str] = (),
    blocked: Iterable[str] = (),
) -> PolicyDecision:
    """May this number be dialed: E.164, not emergency, not premium, allowed country, not ours."""
    compact = _digits(e164)
    if compact.lstrip("+") in _EMERGENCY_ANYWHERE:
        return _EMERGENCY_REFUSAL
    if not _E164.match(compact):
        return _refuse("not_e164", "The number must be in international format, like +61…")
    try:
        number = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        return _refuse("not_e164", "The number could not be read as an international number.")
    code = number.country_code or 0
    national = compact[1 + len(str(code)) :]
    special = _special_number(code, national, number)
    if special is not None:
        return special
    region = phonenumbers.region_code_for_country_code(code)
    allowed = {country.upper() for country in allowed_countries}
    if region not in allowed:
        return _refuse("country_not_allowed", f"Calls to this country ({region}) are not allowed.")
    if not phonenumbers.is_valid_number(number):
        return _refuse("not_e164", "That is not a number that can be dialed.")
    if compact in {_digits(own) for own in own_numbers}:
        return _refuse("own_number", "That is the service's own number.")
    if _is_blocked(compact, blocked):
        return _refuse("blocked_by_operator", "An operator has blocked calls to this number.")
    return ALLOWED


def _special_number(
    code: int, national: str, number: phonenumbers.PhoneNumber
) -> PolicyDecision | None:
    """Emergency, premium-rate and short-code numbers, whatever the country allow-list says."""
    stripped = national.lstrip("0") or "0"
    emergency = _EMERGENCY.get(code, frozenset())
    if national in emergency or stripped in emergency or national.startswith("000"):
        return _EMERGENCY_REFUSAL
    region = phonenumbers.region_code_for_country_code(code)
    if region != "ZZ" and phonenumbers.is_emergency_number(national, region):
        return _EMERGENCY_REFUSAL
    if code == 1 and re.match(r"^[2-9]11", national):
        return _refuse("emergency_number", "N11 service numbers are never called.")
    if _is_premium(code, national, number):
        return _refuse("premium_number", "Premium-rate and short-code numbers are never called.")
    return None


def _is_premium(code: int, national: str, number: phonenumbers.PhoneNumber) -> bool:
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.PREMIUM_RATE:
        return True
    if code == 61:
        # 190x is premium; 13xx (6 digits), 1300 and 1800 are ordinary business numbers.
        return national.startswith("19") or (len(national) < 6 and not national.startswith("13"))
    if code == 1:
        return national[:3] in {"900", "976"} or national[3:6] == "976" or len(national) < 10
    return False


def _is_blocked(compact: str, blocked: Iterable[str]) -> bool:
    for entry in blocked:
        cleaned = _digits(entry)
        if cleaned.endswith("*") and compact.startswith(cleaned[:-1]):
            return True  # an operator may block a whole prefix: "+61491570*"
        if cleaned == compact:
            return True
    return False


# --- Hours: the call window and the place's opening hours. ---

Period = tuple[int, int]  # minutes from local midnight, [start, end)
OpeningHours = Mapping[int, Sequence[tuple[str, str]]]  # weekday (0=Mon) -> [("HH:MM","HH:MM")]

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    "daily": tuple(range(7)),
    "everyday": tuple(range(7)),
    "weekdays": tuple(range(5)),
    "weekends": (5, 6),
}
_ENTRY = re.compile(r"^(?P<days>[a-z,\-\s]+?)\s+(?P<periods>\d.*)$")


class CallWindowError(SetupError, ValueError):
    """A call window string could not be read; the message says what was wrong."""


@dataclass(frozen=True)
class CallWindow:
    """When calls may be made, per local weekday; `always` ignores the periods."""

    periods: Mapping[int, tuple[Period, ...]] = field(default_factory=dict)
    always: bool = False

    def contains(self, weekday: int, minute: int) -> bool:
        """True when the local weekday and minute of day are inside the window."""
        if self.always:
            return True
        return any(start <= minute < end for start, end in self.periods.get(weekday, ()))


def parse_call_window(text: str) -> CallWindow:
    """Read "mon-fri 09:00-20:00; sat 09:00-17:00" or "always"; raise CallWindowError if bad."""
    cleaned = text.strip().lower()
    if cleaned in {"always", "any", "24/7"}:
        return CallWindow(always=True)
    if not cleaned:
        raise CallWindowError("the call window is empty; use 'mon-fri 09:00-20:00' or 'always'")
    periods: dict[int, list[Period]] = {}
    for entry in filter(None, (part.strip() for part in cleaned.split(";"))):
        match = _ENTRY.match(entry)
        if not match:
            raise CallWindowError(f"call window entry {entry!r} is not 'DAYS HH:MM-HH:MM'")
        for day in _parse_days(match["days"]):
            periods.setdefault(day, []).extend(_parse_periods(match["periods"], entry))
    return CallWindow({day: tuple(sorted(spans)) for day, spans in periods.items()})


def _parse_days(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if part in _DAY_ALIASES:
            days.extend(_DAY_ALIASES[part])
        elif "-" in part:
            first, _, last = (p.strip() for p in part.partition("-"))
            start, end = _day_index(first), _day_index(last)
            days.extend(
                range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            )
        else:
            days.append(_day_index(part))
    return tuple(days)


def _day_index(name: str) -> int:
    key = name[:3]
    if len(name) < 3 or key not in _DAY_NAMES:
        raise CallWindowError(f"{name!r} is not a day (use mon, tue, wed, thu, fri, sat, sun)")
    return _DAY_NAMES.index(key)


def _parse_periods(text: str, entry: str) -> list[Period]:
    spans: list[Period] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        start_text, sep, end_text = part.partition("-")
        if not sep:
            raise CallWindowError(f"{part!r} in {entry!r} is not a range like 09:00-17:00")
        start, end = _minute(start_text.strip()), _minute(end_text.strip())
        if end <= start:
            raise CallWindowError(f"{part!r} in {entry!r} ends before it starts")
        spans.append((start, end))
    return spans


def _minute(text: str) -> int:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if (
        not match
        or int(match[1]) > 24
        or int(match[2]) > 59
        or (int(match[1]) == 24 and int(match[2]) != 0)
    ):
        raise CallWindowError(f"{text!r} is not a time like 09:00")
    return int(match[1]) * 60 + int(match[2])


def is_open(opening_hours: OpeningHours, weekday: int, minute: int) -> bool:
    """True when the place is open at this local weekday and minute (late closes allowed)."""
    for open_text, close_text in opening_hours.get(weekday, ()):
        start, end = _minute(open_text), _minute(close_text)
        if end == 0 and start == 0:
            return True  # "00:00"-"00:00": open all day
        if start <= minute < end or (end <= start and minute >= start):
            return True
    for open_text, close_text in opening_hours.get((weekday - 1) % 7, ()):
        start, end = _minute(open_text), _minute(close_text)
        if 0 < end <= start and minute < end:
            return True  # yesterday's late session runs past midnight
    return False


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def allowed_at(
    moment_utc: datetime,
    callee_tz: str | tzinfo,
    window: CallWindow,
    opening_hours: OpeningHours | None = None,
    check_opening_hours: bool = True,
) -> bool:
    """True when a call may be made at this instant."""
    local = moment_utc.astimezone(_zone(callee_tz))
    minute = local.hour * 60 + local.minute
    if not window.contains(local.weekday(), minute):
        return False
    if check_opening_hours and opening_hours is not None:
        return is_open(opening_hours, local.weekday(), minute)
    return True


def next_allowed(
    now_utc: datetime,
    callee_tz: str | tzinfo,
    window: CallWindow,
    opening_hours: OpeningHours | None = None,
    check_opening_hours: bool = True,
) -> datetime | None:
    """Now if a call is allowed now, else the next allowed instant (UTC); None within 14 days."""
    if now_utc.tzinfo is None:
        raise ValueError("next_allowed needs an aware datetime (UTC)")
    zone = _zone(callee_tz)
    args = (zone, window, opening_hours, check_opening_hours)
    if allowed_at(now_utc, *args):
        return now_utc
    for candidate in _candidates(now_utc, zone, window, opening_hours, check_opening_hours):
        if candidate > now_utc and allowed_at(candidate, *args):
            return candidate
    return None


def _candidates(
    now_utc: datetime,
    zone: tzinfo,
    window: CallWindow,
    opening_hours: OpeningHours | None,
    check_opening_hours: bool,
) -> list[datetime]:
    """Every instant where allowed time can begin: window and opening starts, days ahead."""
    today = now_utc.astimezone(zone).date()
    starts: set[datetime] = set()
    for offset in range(-1, SEARCH_DAYS + 1):
        day = today + timedelta(days=offset)
        minutes = [0] if window.always else [s for s, _ in window.periods.get(day.weekday(), ())]
        if check_opening_hours and opening_hours is not None:
            minutes += [_minute(o) for o, _ in opening_hours.get(day.weekday(), ())]
        for minute in minutes:
            # A local start inside a DST gap maps to the first instant after it, which is checked.
            clock = time(min(minute, 1439) // 60, min(minute, 1439) % 60)
            starts.add(datetime.combine(day, clock, tzinfo=zone).astimezone(UTC))
    return sorted(starts)


def sick_call_allowed(
    now_utc: datetime, shift_date: date | str, shift_start: time | str, tz: str | tzinfo
) -> PolicyDecision:
    """A sick call ignores the window; it is refused only once the shift has started."""
    day = date.fromisoformat(shift_date) if isinstance(shift_date, str) else shift_date
    start = time.fromisoformat(shift_start) if isinstance(shift_start, str) else shift_start
    shift_utc = datetime.combine(day, start, tzinfo=_zone(tz)).astimezone(UTC)
    if now_utc >= shift_utc:
        return _refuse("shift_started", "The shift has already started, so the call won't help.")
    return ALLOWED


def call_deadline(day: date | str, clock: time | str, tz: str | tzinfo,
                  lead_minutes: int = 0) -> datetime:
    """The last useful moment to call (UTC): `lead_minutes` before the task's own moment."""
    when = date.fromisoformat(day) if isinstance(day, str) else day
    at = time.fromisoformat(clock) if isinstance(clock, str) else clock
    moment = datetime.combine(when, at, tzinfo=_zone(tz)).astimezone(UTC)
    return moment - timedelta(minutes=lead_minutes)


@dataclass(frozen=True)
class CallTime:
    """When a call may go: `at` (UTC), or why it cannot help (`problem`, a stable code)."""

    at: datetime | None
    problem: str | None = None  # deadline_passed | no_time_before_deadline | no_call_time
    deadline: datetime | None = None


def when_to_call(
    start_utc: datetime, now_utc: datetime, *, deadline: datetime | None, business_hours: bool,
    callee_tz: str | tzinfo, window: CallWindow, hours: OpeningHours | None,
    check_opening_hours: bool,
) -> CallTime:
    """The first allowed instant from `start_utc` that still comes before the deadline."""
    if deadline is not None and now_utc >= deadline:
        return CallTime(None, "deadline_passed", deadline)
    if deadline is not None and start_utc >= deadline:
        return CallTime(None, "no_time_before_deadline", deadline)
    if not business_hours:
        return CallTime(start_utc, None, deadline)
    at = next_allowed(start_utc, callee_tz, window, hours, check_opening_hours)
    if at is None:
        return CallTime(None, "no_call_time", deadline)
    if deadline is not None and at >= deadline:
        return CallTime(at, "no_time_before_deadline", deadline)
    return CallTime(at, None, deadline)
