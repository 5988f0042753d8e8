"""Generated: a date written with its weekday ("Monday 14 December", "Sat 19 Dec", "Fri 11/12",
"Wednesday the 9th") gives exactly that date, and a time beside it exactly that time — the day
number is never an hour. Every date of the next 400 days, every spelling, through the whole-
message understanding as a person's opener is read (and the date parser alone)."""

from __future__ import annotations

import calendar
from datetime import date, time, timedelta

import pytest

from proxycall.core.agents import default_registry
from proxycall.core.conversation import NeedsClarification, SetSlot
from proxycall.core.parsers.dates import parse_date
from proxycall.core.parsers.result import ParseContext, Parsed
from proxycall.core.understanding.reader import understand

TODAY = date(2026, 12, 5)  # a Saturday
CTX = ParseContext(today=TODAY, now=time(10, 0), region="AU")
SPEC = default_registry().get("RESTAURANT_RESERVATION")
DAYS = [TODAY + timedelta(days=n) for n in range(1, 401)]
TIMES = [("at 7pm", "19:00"), ("at 7:30 pm", "19:30"), ("at 8.15pm", "20:15"),
         ("at 19:00", "19:00"), ("6pm", "18:00"), ("at 12 noon", "12:00")]


def ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def spellings(day: date) -> list[str]:
    """Weekday full and short, with and without a comma or 'the', day plain or ordinal, month
    full, short or numeric day-first."""
    full, short = calendar.day_name[day.weekday()], calendar.day_abbr[day.weekday()]
    month, mon = calendar.month_name[day.month], calendar.month_abbr[day.month]
    n, nth = str(day.day), ordinal(day.day)
    forms = [f"{full} {n} {month}", f"{short} {n} {mon}", f"{full}, {nth} {month}",
             f"{full} the {nth} of {month}", f"{short} {nth} {mon}", f"{full} {n}/{day.month}",
             f"{short} {n}/{day.month}"]
    if day - TODAY > timedelta(days=300):
        forms = [f"{full} {n} {month} {day.year}", f"{short} {n}/{day.month}/{day.year}"]
    return forms


def cases() -> list[tuple[date, str]]:
    return [(day, text) for day in DAYS for text in spellings(day)]


@pytest.mark.parametrize(("day", "text"), cases()[::7] + cases()[-14:],
                         ids=lambda value: str(value))
def test_the_date_parser_reads_a_weekday_with_its_date(day: date, text: str) -> None:
    assert parse_date(text, CTX) == Parsed(day.isoformat())


def test_every_spelling_with_every_time_in_a_whole_message() -> None:
    """All 400 days × every spelling × every time form, read as an opener."""
    wrong = []
    for number, (day, text) in enumerate(cases()):
        said, expected = TIMES[number % len(TIMES)]
        message = f"book a table for 2 at Sushi Train on {text} {said}"
        got = {c.slot: c.value for c in understand(SPEC, message, None, {}, CTX)
               if isinstance(c, SetSlot)}
        if (got.get("date"), got.get("time")) != (day.isoformat(), expected):
            wrong.append((message, got.get("date"), got.get("time")))
    assert wrong == [], f"{len(wrong)} misread, e.g. {wrong[:5]}"


@pytest.mark.parametrize("day", DAYS[:300:23], ids=str)  # spelled without a year
def test_a_weekday_that_does_not_match_its_date_is_asked(day: date) -> None:
    other = calendar.day_name[(day.weekday() + 1) % 7]
    commands = understand(SPEC, f"book for {other} {day.day} "
                                f"{calendar.month_name[day.month]} at 7pm", None, {}, CTX)
    asked = [c for c in commands if isinstance(c, NeedsClarification) and c.slot == "date"]
    assert asked, commands
    assert day.isoformat() in asked[0].options
    assert not any(isinstance(c, SetSlot) and c.slot == "date" for c in commands)
