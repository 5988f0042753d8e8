"""The pure places core: name matching, distance, opening hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxycall.core.places import (
    LatLng,
    OpeningHours,
    Period,
    haversine_meters,
    is_open,
    name_key,
    name_match_score,
    name_matches,
    next_open,
    normalise_name,
    radius_steps,
)

BRISBANE = ZoneInfo("Australia/Brisbane")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("jb hifi", "JB Hi-Fi"),
        ("JB Hi Fi", "JB Hi-Fi"),
        ("JB", "JB Hi-Fi"),
        ("jb-hifi", "JB Hi-Fi"),
        ("JBHIFI", "JB Hi-Fi"),
        ("bunnings", "Bunnings Warehouse"),
        ("bunnings warehouse", "Bunnings Warehouse"),
        ("harvey norman", "Harvey Norman"),
        ("Harvey Normans", "Harvey Norman"),
        ("nandos", "Nando's"),
        ("NANDO'S", "Nando's"),
        ("good guys", "The Good Guys"),
        ("the good guys store", "The Good Guys"),
        ("office works", "Officeworks"),
        ("k-mart", "Kmart"),
        ("big w", "Big W"),
        ("norman", "Harvey Norman"),
        ("Café Crème", "Cafe Creme"),
    ],
)
def test_forgiving_names_match(query: str, name: str) -> None:
    assert name_matches(query, name)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("coles", "Woolworths"),
        ("j", "JB Hi-Fi"),
        ("hifi", "Harvey Norman"),
        ("", "JB Hi-Fi"),
        ("the", "The Good Guys"),
        ("!!!", "Kmart"),
        ("big", "Bunnings Warehouse"),
    ],
)
def test_unrelated_names_do_not_match(query: str, name: str) -> None:
    assert not name_matches(query, name)


def test_scores_rank_exact_over_prefix_over_contains() -> None:
    exact = name_match_score("jb hi-fi", "JB Hi-Fi")
    prefix = name_match_score("jb", "JB Hi-Fi")
    contains = name_match_score("norman", "Harvey Norman")
    assert exact == 1.0
    assert exact > prefix > contains > 0.0


def test_normalise_name_drops_apostrophes_accents_and_punctuation() -> None:
    assert normalise_name("  Nando’s — Café & Grill!  ") == "nandos cafe and grill"
    assert name_key("The JB Hi-Fi store") == "jbhifi"


@given(st.text())
def test_name_functions_never_raise(text: str) -> None:
    assert isinstance(name_key(text), str)
    assert 0.0 <= name_match_score(text, "JB Hi-Fi") <= 1.0


def test_haversine_brisbane_to_sydney_is_about_730_km() -> None:
    brisbane = LatLng(-27.4698, 153.0251)
    sydney = LatLng(-33.8688, 151.2093)
    assert 725_000 < haversine_meters(brisbane, sydney) < 735_000
    assert haversine_meters(sydney, brisbane) == pytest.approx(haversine_meters(brisbane, sydney))
    assert haversine_meters(sydney, sydney) == 0.0


@given(st.floats(-90, 90), st.floats(-180, 180), st.floats(-90, 90), st.floats(-180, 180))
def test_haversine_is_bounded_by_half_the_earth(a: float, b: float, c: float, d: float) -> None:
    distance = haversine_meters(LatLng(a, b), LatLng(c, d))
    assert 0.0 <= distance <= 20_016_000


def _hours(**days: list[list[str]]) -> OpeningHours:
    return OpeningHours.from_mapping(days)


RETAIL = _hours(
    mon=[["09:00", "17:30"]],
    tue=[["09:00", "17:30"]],
    wed=[["09:00", "17:30"]],
    thu=[["09:00", "21:00"]],
    fri=[["09:00", "17:30"]],
    sat=[["09:00", "17:00"]],
)  # closed on Sunday
LATE_BAR = _hours(fri=[["17:00", "02:00"]], sat=[["17:00", "02:00"]])
SPLIT = _hours(tue=[["11:30", "14:30"], ["17:00", "22:00"]])
MIDNIGHT = _hours(mon=[["07:00", "00:00"]])
ALL_DAY = _hours(wed=[["00:00", "00:00"]], thu=[["00:00", "24:00"]])


# 2026-11-23 is a Monday.
def _at(day: int, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2026, 11, 23, hour, minute, tzinfo=BRISBANE) + timedelta(days=day)


@pytest.mark.parametrize(
    ("hours", "day", "hhmm", "expected"),
    [
        (RETAIL, 0, "08:59", False),
        (RETAIL, 0, "09:00", True),
        (RETAIL, 0, "17:29", True),
        (RETAIL, 0, "17:30", False),
        (RETAIL, 3, "20:30", True),
        (RETAIL, 6, "12:00", False),  # closed day
        (LATE_BAR, 4, "16:59", False),
        (LATE_BAR, 4, "23:30", True),
        (LATE_BAR, 5, "01:59", True),  # Friday's period, past midnight
        (LATE_BAR, 5, "02:00", False),
        (LATE_BAR, 6, "01:00", True),  # Saturday's period runs into Sunday
        (LATE_BAR, 0, "01:00", False),  # nothing on Sunday night
        (SPLIT, 1, "15:00", False),
        (SPLIT, 1, "17:15", True),
        (MIDNIGHT, 0, "23:59", True),
        (MIDNIGHT, 1, "00:00", False),
        (MIDNIGHT, 1, "00:30", False),
        (ALL_DAY, 2, "00:00", True),
        (ALL_DAY, 2, "23:59", True),
        (ALL_DAY, 3, "23:59", True),
        (ALL_DAY, 4, "00:00", False),
    ],
)
def test_is_open(hours: OpeningHours, day: int, hhmm: str, expected: bool) -> None:
    assert is_open(hours, _at(day, hhmm)) is expected


def test_is_open_unknown_hours_is_none() -> None:
    assert is_open(None, _at(0, "10:00")) is None
    assert next_open(None, _at(0, "10:00")) is None


def test_next_open_is_now_when_open() -> None:
    assert next_open(RETAIL, _at(0, "10:00")) == _at(0, "10:00")


@pytest.mark.parametrize(
    ("hours", "day", "hhmm", "expected_day", "expected_hhmm"),
    [
        (RETAIL, 0, "07:00", 0, "09:00"),
        (RETAIL, 0, "18:00", 1, "09:00"),
        (RETAIL, 5, "18:00", 7, "09:00"),  # Saturday evening → Monday (Sunday closed)
        (SPLIT, 1, "15:00", 1, "17:00"),
        (SPLIT, 1, "22:30", 8, "11:30"),  # a week later
        (LATE_BAR, 5, "03:00", 5, "17:00"),
    ],
)
def test_next_open(
    hours: OpeningHours, day: int, hhmm: str, expected_day: int, expected_hhmm: str
) -> None:
    assert next_open(hours, _at(day, hhmm)) == _at(expected_day, expected_hhmm)


def test_next_open_never_open_is_none() -> None:
    assert next_open(_hours(), _at(0, "10:00")) is None


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_next_open_is_open_and_not_before(moment: datetime) -> None:
    for hours in (RETAIL, LATE_BAR, SPLIT, MIDNIGHT, ALL_DAY):
        opening = next_open(hours, moment)
        assert opening is not None
        assert moment <= opening < moment + timedelta(days=8)
        assert is_open(hours, opening) is True


@pytest.mark.parametrize(
    "bad",
    [
        {"mon": [["9:00", "17:00"]]},
        {"mon": [["09:00", "25:00"]]},
        {"mon": [["24:00", "17:00"]]},
        {"mon": [["09:00"]]},
        {"funday": [["09:00", "17:00"]]},
    ],
)
def test_malformed_hours_are_refused(bad: dict[str, list[list[str]]]) -> None:
    with pytest.raises(ValueError):
        OpeningHours.from_mapping(bad)


def test_hours_wire_shape_lists_every_day() -> None:
    wire = SPLIT.to_dict()
    assert list(wire) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert wire["tue"] == [{"open": "11:30", "close": "14:30"}, {"open": "17:00", "close": "22:00"}]
    assert wire["mon"] == []
    assert SPLIT.days[1][0] == Period("11:30", "14:30")


def test_radius_steps_widen_only_by_default() -> None:
    assert radius_steps(None) == (25.0, 50.0, 100.0)
    assert radius_steps(5.0) == (5.0,)
