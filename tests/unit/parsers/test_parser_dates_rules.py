"""The documented weekday rules, on every day of a week, and the caller-owned timezone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from proxycall.core.parsers import Ambiguous, ParseContext, Parsed, parse_date

WEEK = [date(2026, 11, 23) + timedelta(days=n) for n in range(7)]  # Monday .. Sunday
NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _ctx(today: date) -> ParseContext:
    return ParseContext(today=today, now=time(10, 15))


@pytest.mark.parametrize("today", WEEK, ids=lambda d: d.strftime("%A"))
@pytest.mark.parametrize("name", NAMES)
def test_bare_and_this_weekday_is_the_coming_one_today_included(today: date, name: str) -> None:
    ahead = (NAMES.index(name) - today.weekday()) % 7
    expected = Parsed((today + timedelta(days=ahead)).isoformat())
    assert parse_date(name, _ctx(today)) == expected
    assert parse_date(f"this {name}", _ctx(today)) == expected
    assert parse_date(f"on {name.capitalize()}", _ctx(today)) == expected


@pytest.mark.parametrize("today", WEEK, ids=lambda d: d.strftime("%A"))
@pytest.mark.parametrize("name", NAMES)
def test_next_weekday_is_next_week_and_asks_when_this_week_is_possible(
    today: date, name: str
) -> None:
    ahead = (NAMES.index(name) - today.weekday()) % 7
    coming = today + timedelta(days=ahead)
    result = parse_date(f"next {name}", _ctx(today))
    if ahead == 0:
        assert result == Parsed((today + timedelta(days=7)).isoformat())
    elif coming.weekday() > today.weekday():  # still this Monday-to-Sunday week
        assert isinstance(result, Ambiguous)
        assert result.options == (coming.isoformat(), (coming + timedelta(days=7)).isoformat())
    else:
        assert result == Parsed(coming.isoformat())
        next_monday = today + timedelta(days=7 - today.weekday())
        assert next_monday <= coming < next_monday + timedelta(days=7)


def test_tomorrow_is_the_callers_tomorrow_not_the_servers() -> None:
    # 11 pm in Brisbane is 13:00 UTC the same day; the caller passes the Brisbane date.
    server_utc = datetime(2026, 11, 27, 13, 0, tzinfo=ZoneInfo("UTC"))
    local = server_utc.astimezone(ZoneInfo("Australia/Brisbane"))
    assert local.hour == 23
    ctx = ParseContext(today=local.date(), now=local.time())
    assert parse_date("tomorrow", ctx) == Parsed("2026-11-28")
    # At 1 am Brisbane the UTC date is still yesterday; tomorrow follows the person's day.
    early = datetime(2026, 11, 27, 15, 30, tzinfo=ZoneInfo("UTC")).astimezone(
        ZoneInfo("Australia/Brisbane"))
    assert early.date() == date(2026, 11, 28)
    assert parse_date("tomorrow", ParseContext(early.date(), early.time())) == Parsed("2026-11-29")
