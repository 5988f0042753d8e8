"""Destination safety, the call window, opening hours and the sick-call rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.calls.tables import load

from proxycall.core.policy import (
    DEFAULT_CALL_WINDOW,
    CallWindow,
    CallWindowError,
    allowed_at,
    check_destination,
    is_open,
    next_allowed,
    parse_call_window,
    sick_call_allowed,
)

DESTINATIONS = load("destinations.yaml")
WINDOWS = load("windows.yaml")
SYDNEY = "Australia/Sydney"
OWN = {"+61255501234"}
BLOCKED = {"+61412345678", "+6175550*"}


@pytest.mark.parametrize("case", DESTINATIONS, ids=lambda c: c["number"] or "empty")
def test_destination_table(case: dict[str, str]) -> None:
    decision = check_destination(case["number"], own_numbers=OWN, blocked=BLOCKED)
    assert decision.reason == case["reason"]
    assert decision.allowed == (case["reason"] == "ok")
    assert decision.message


def test_other_countries_when_allowed() -> None:
    assert check_destination("+14155550123", allowed_countries={"AU", "US"}).allowed
    assert check_destination("+1911", allowed_countries={"AU", "US"}).reason == "emergency_number"
    assert check_destination("+19005551234", allowed_countries={"US"}).reason == "premium_number"


@pytest.mark.parametrize("case", WINDOWS["good"], ids=lambda c: c["text"])
def test_window_parses(case: dict[str, object]) -> None:
    window = parse_call_window(str(case["text"]))
    expected = {int(k): [tuple(p) for p in v] for k, v in case["periods"].items()}  # type: ignore[attr-defined]
    assert {k: list(v) for k, v in window.periods.items()} == expected
    assert not window.always


@pytest.mark.parametrize("text", WINDOWS["always"])
def test_window_always(text: str) -> None:
    assert parse_call_window(text).always


@pytest.mark.parametrize("text", WINDOWS["bad"])
def test_window_refuses_malformed(text: str) -> None:
    with pytest.raises(CallWindowError):
        parse_call_window(text)


def _utc(local: str, tz: str = SYDNEY) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


DEFAULT = parse_call_window(DEFAULT_CALL_WINDOW)


@pytest.mark.parametrize(
    ("now_local", "expected_local"),
    [
        ("2026-11-27T10:00", "2026-11-27T10:00"),  # Friday morning: now
        ("2026-11-27T08:59", "2026-11-27T09:00"),  # just before opening
        ("2026-11-27T20:00", "2026-11-28T09:00"),  # Friday after 8 pm -> Saturday 9 am
        ("2026-11-28T17:30", "2026-11-30T09:00"),  # Saturday evening -> Monday (Sunday shut)
        ("2026-11-29T12:00", "2026-11-30T09:00"),  # Sunday -> Monday
    ],
)
def test_next_allowed_default_window(now_local: str, expected_local: str) -> None:
    assert next_allowed(_utc(now_local), SYDNEY, DEFAULT) == _utc(expected_local)


HARDWARE = {d: [("07:00", "17:00")] for d in range(5)} | {5: [("10:00", "16:00")]}
LATE_BAR = {4: [("18:00", "02:00")], 5: [("18:00", "02:00")]}


def test_next_allowed_waits_for_the_place_to_open() -> None:
    now = _utc("2026-11-28T09:00")  # Saturday 9 am: window open, shop opens at 10
    assert next_allowed(now, SYDNEY, DEFAULT, HARDWARE, True) == _utc("2026-11-28T10:00")
    assert next_allowed(now, SYDNEY, DEFAULT, HARDWARE, False) == now
    assert next_allowed(now, SYDNEY, DEFAULT, None, True) == now


def test_next_allowed_closes_at_the_earlier_of_window_and_hours() -> None:
    now = _utc("2026-11-28T16:30")  # shop shut at 16:00, window to 17:00 -> Monday 9 am
    assert next_allowed(now, SYDNEY, DEFAULT, HARDWARE, True) == _utc("2026-11-30T09:00")


def test_late_opening_past_midnight() -> None:
    assert is_open(LATE_BAR, 5, 60)  # Saturday 1 am: Friday's session
    assert not is_open(LATE_BAR, 5, 3 * 60)
    assert is_open(LATE_BAR, 4, 23 * 60)
    always = CallWindow(always=True)
    assert next_allowed(_utc("2026-11-28T03:00"), SYDNEY, always, LATE_BAR) == _utc(
        "2026-11-28T18:00"
    )


def test_never_open_gives_none() -> None:
    sunday_only = {6: [("10:00", "12:00")]}
    assert next_allowed(_utc("2026-11-28T03:00"), SYDNEY, DEFAULT, sunday_only) is None
    assert next_allowed(_utc("2026-11-28T03:00"), SYDNEY, CallWindow()) is None


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        next_allowed(datetime(2026, 11, 28, 9), SYDNEY, DEFAULT)


def test_sick_call_rule() -> None:
    five_thirty = _utc("2026-11-28T05:30")  # outside the window, before a 6 am shift
    assert sick_call_allowed(five_thirty, "2026-11-28", "06:00", SYDNEY).allowed
    late = sick_call_allowed(_utc("2026-11-28T06:00"), "2026-11-28", "06:00", SYDNEY)
    assert (late.allowed, late.reason) == (False, "shift_started")
    assert not sick_call_allowed(_utc("2026-11-29T01:00"), "2026-11-28", "23:00", SYDNEY).allowed


windows = st.sampled_from(
    [
        DEFAULT_CALL_WINDOW,
        "always",
        "sun 02:00-03:00",  # around the Sydney DST change
        "mon 00:00-00:30; wed 23:30-24:00",
        "daily 09:00-09:01",
        "sat-sun 10:00-12:00, 14:00-15:00",
    ]
)
zones = st.sampled_from([SYDNEY, "Australia/Perth", "Australia/Adelaide", "America/New_York"])
opening = st.one_of(st.none(), st.just(HARDWARE), st.just(LATE_BAR))
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(moments, zones, windows, opening, st.booleans())
def test_next_allowed_is_never_early_and_inside(
    now: datetime, tz: str, text: str, hours: dict[int, list[tuple[str, str]]] | None, check: bool
) -> None:
    window = parse_call_window(text)
    found = next_allowed(now, tz, window, hours, check)
    if found is None:
        probe = now
        while probe < now + timedelta(days=7):
            assert not allowed_at(probe, tz, window, hours, check)
            probe += timedelta(minutes=15)
        return
    assert found >= now
    assert allowed_at(found, tz, window, hours, check)
    assert found - now <= timedelta(days=15)
    if found > now:  # nothing allowed a minute before (it is the *next* allowed instant)
        assert not allowed_at(max(now, found - timedelta(minutes=1)), tz, window, hours, check)
