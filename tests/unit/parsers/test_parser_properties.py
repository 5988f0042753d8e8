"""Properties every parser holds for any input: never raises, never past, E.164 round-trips."""

from __future__ import annotations

from datetime import date, time, timedelta

import phonenumbers
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from proxycall.core.agents import default_registry
from proxycall.core.parsers import (
    Ambiguous,
    ParseContext,
    Parsed,
    Rejected,
    forget_readings,
    parse_date,
    parse_number,
    parse_phone,
    parse_slot,
)
from proxycall.core.understanding.reader import understand

REGISTRY = default_registry()
ALL_SLOTS = [slot for spec in REGISTRY.agents.values() for slot in spec.slots]
WORDS = st.sampled_from([
    "tomorrow", "next", "friday", "the", "5th", "9am", "at", "0412", "345", "678", "for", "4",
    "half", "past", "a", "couple", "yeah", "nah", "not", "sure", "sick", "Bunnings", "I'm",
    "change", "time", "to", "$", "31/2", "oh", "double", ",", ".", "?", "triple", "zero", "-3",
])
PHRASES = st.lists(WORDS, max_size=12).map(" ".join)
TEXTS = st.one_of(st.text(max_size=200), PHRASES)
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, today=DAYS)
def test_parse_slot_never_raises(text: str, today: date) -> None:
    ctx = ParseContext(today=today, now=time(10, 15))
    for slot in ALL_SLOTS:
        result = parse_slot(slot, text, ctx)
        assert isinstance(result, Parsed | Rejected | Ambiguous)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, today=DAYS, now=st.times(), then=st.times())
def test_a_reading_depends_on_the_date_not_the_time_of_day(text: str, today: date, now: time,
                                                            then: time) -> None:
    """What the readings cache rests on: its key has the date and region, not the time."""
    for slot in ALL_SLOTS:
        forget_readings()
        first = parse_slot(slot, text, ParseContext(today=today, now=now))
        forget_readings()
        assert parse_slot(slot, text, ParseContext(today=today, now=then)) == first
        assert parse_slot(slot, text, ParseContext(today=today, now=then)) == first  # cached


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, today=DAYS)
def test_understand_never_raises(text: str, today: date) -> None:
    ctx = ParseContext(today=today, now=time(10, 15))
    for spec in REGISTRY.agents.values():
        for asked in (None, *spec.slot_names):
            commands = understand(spec, text, asked, {}, ctx)
            assert isinstance(commands, list)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, today=DAYS)
def test_a_date_is_never_before_today(text: str, today: date) -> None:
    result = parse_date(text, ParseContext(today=today, now=time(10, 15)))
    values = [result.value] if isinstance(result, Parsed) else []
    values += list(result.options) if isinstance(result, Ambiguous) else []
    for value in values:
        assert date.fromisoformat(str(value)) >= today


@settings(max_examples=200, deadline=None)
@given(offset=st.integers(min_value=0, max_value=400), today=DAYS)
def test_a_written_date_resolves_to_that_day(offset: int, today: date) -> None:
    target = today + timedelta(days=offset)
    ctx = ParseContext(today=today, now=time(10, 15))
    assert parse_date(target.isoformat(), ctx) == Parsed(target.isoformat())
    if offset < 300:  # within ten months a day-first date without year is the same day
        assert parse_date(f"{target.day}/{target.month}", ctx) == Parsed(target.isoformat())


@settings(max_examples=200, deadline=None)
@given(ago=st.integers(min_value=1, max_value=60), today=DAYS)
def test_a_day_and_month_just_gone_is_refused(ago: int, today: date) -> None:
    gone = today - timedelta(days=ago)
    ctx = ParseContext(today=today, now=time(10, 15))
    if gone.year == today.year:
        assert isinstance(parse_date(f"{gone.day}/{gone.month}", ctx), Rejected)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_a_number_is_never_below_one(text: str) -> None:
    result = parse_number(text)
    if isinstance(result, Parsed):
        assert isinstance(result.value, int) and result.value >= 1


MOBILE = st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"04{n:08d}")
STYLES = [
    lambda d: d,
    lambda d: f"{d[:4]} {d[4:7]} {d[7:]}",
    lambda d: f"{d[:4]}-{d[4:7]}-{d[7:]}",
    lambda d: f"{d[:4]}.{d[4:7]}.{d[7:]}",
    lambda d: f"+61{d[1:]}",
    lambda d: f"+61 {d[1:4]} {d[4:7]} {d[7:]}",
    lambda d: f"61{d[1:]}",
    lambda d: f"call them on {d[:4]} {d[4:7]} {d[7:]} please",
]


@settings(max_examples=200, deadline=None)
@given(digits=MOBILE)
def test_e164_round_trips_in_every_style(digits: str) -> None:
    assume(phonenumbers.is_valid_number(phonenumbers.parse(digits, "AU")))  # unallocated ranges
    results = {style(digits): parse_phone(style(digits), "AU") for style in STYLES}
    expected = Parsed("+61" + digits[1:])
    for written, result in results.items():
        assert result == expected, written
    assert parse_phone(expected.value, "AU") == expected  # type: ignore[arg-type]


LANDLINE = st.tuples(st.sampled_from("2378"), st.integers(0, 9999)).map(
    lambda t: (t[0], f"5550{t[1]:04d}")
)


@settings(max_examples=100, deadline=None)
@given(parts=LANDLINE)
def test_landline_round_trips(parts: tuple[str, str]) -> None:
    area, local = parts
    expected = Parsed(f"+61{area}{local}")
    for written in (f"(0{area}) {local[:4]} {local[4:]}", f"0{area} {local}",
                    f"+61 {area} {local[:4]} {local[4:]}"):
        assert parse_phone(written, "AU") == expected, written
