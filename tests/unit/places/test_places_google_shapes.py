"""Google's JSON ↔ our types, and the timezone of an Australian place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxycall.adapters.places.google_shapes import (
    UnexpectedShape,
    candidate_from_google,
    hours_from_google,
    hours_to_google,
    phone_from_google,
)
from proxycall.adapters.places.timezones import (
    state_from_address,
    state_from_point,
    zone_for_place,
)
from proxycall.core.places import WEEKDAYS, LatLng, OpeningHours, Period, is_open

SUMMER = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # daylight saving in NSW/VIC/SA/TAS
WINTER = datetime(2026, 6, 25, 1, 0, tzinfo=UTC)


def _point(day: int, hour: int, minute: int = 0) -> dict[str, int]:
    return {"day": day, "hour": hour, "minute": minute}


def test_google_weekdays_start_on_sunday() -> None:
    hours = hours_from_google(
        {"periods": [{"open": _point(0, 10), "close": _point(0, 16)}]}  # Sunday
    )
    assert hours is not None
    assert hours.to_dict()["sun"] == [{"open": "10:00", "close": "16:00"}]
    assert all(hours.to_dict()[day] == [] for day in WEEKDAYS[:6])


def test_a_period_past_midnight_stays_on_its_opening_day() -> None:
    hours = hours_from_google({"periods": [{"open": _point(5, 18), "close": _point(6, 2, 30)}]})
    assert hours is not None
    assert hours.to_dict()["fri"] == [{"open": "18:00", "close": "02:30"}]
    assert hours.to_dict()["sat"] == []


def test_a_period_without_close_is_open_around_the_clock() -> None:
    hours = hours_from_google({"periods": [{"open": _point(0, 0)}]})
    assert hours is not None
    assert all(day == (Period("00:00", "00:00"),) for day in hours.days)


def test_a_period_over_several_days_is_split_at_midnights() -> None:
    hours = hours_from_google({"periods": [{"open": _point(1, 9), "close": _point(3, 17)}]})
    assert hours is not None
    assert hours.days[0] == (Period("09:00", "24:00"),)  # Monday
    assert hours.days[1] == (Period("00:00", "24:00"),)
    assert hours.days[2] == (Period("00:00", "17:00"),)  # Wednesday


@pytest.mark.parametrize("opening", [None, {}, {"periods": []}, {"openNow": True}])
def test_no_periods_means_unknown_hours(opening: dict[str, object] | None) -> None:
    assert hours_from_google(opening) is None


def test_malformed_periods_are_refused() -> None:
    with pytest.raises(UnexpectedShape):
        hours_from_google({"periods": [{"open": _point(9, 10), "close": _point(9, 12)}]})
    with pytest.raises(KeyError):
        hours_from_google({"periods": [{"open": {"hour": 9}, "close": _point(1, 12)}]})


_TIMES = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
_DAY = st.lists(st.builds(Period, _TIMES, _TIMES | st.just("24:00")), max_size=2)
_HOURS = st.lists(_DAY, min_size=7, max_size=7).map(
    lambda days: OpeningHours(days=tuple(tuple(d) for d in days))
)


@given(_HOURS, st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
def test_hours_survive_a_round_trip_through_google(hours: OpeningHours, at: datetime) -> None:
    again = hours_from_google({"periods": hours_to_google(hours)})
    if not any(hours.days):
        assert again is None
        return
    assert is_open(again, at) == is_open(hours, at)


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ({"internationalPhoneNumber": "+61 7 5550 1001"}, "+61755501001"),
        ({"nationalPhoneNumber": "(02) 7010 2003"}, "+61270102003"),
        ({"nationalPhoneNumber": "0491 570 156"}, "+61491570156"),
        (
            {"internationalPhoneNumber": "call us", "nationalPhoneNumber": "1300 975 707"},
            "+611300975707",
        ),
        ({"internationalPhoneNumber": "+61 1"}, None),
        ({"nationalPhoneNumber": ""}, None),
        ({}, None),
    ],
)
def test_phone_is_e164_or_none(place: dict[str, str], expected: str | None) -> None:
    assert phone_from_google(place, "AU") == expected


def test_candidate_needs_a_location_and_a_name() -> None:
    place = {
        "id": "ChIJx",
        "displayName": {"text": "Kmart Chermside"},
        "location": {"latitude": -27.3858, "longitude": 153.031},
    }
    candidate = candidate_from_google(place, LatLng(-27.3858, 153.031))
    assert candidate.distance_meters == 0
    assert candidate.open_now is None  # no currentOpeningHours: unknown
    assert candidate.formatted_address == ""
    with pytest.raises(UnexpectedShape):
        candidate_from_google({"id": "ChIJx", "displayName": {"text": "x"}}, None)
    with pytest.raises(UnexpectedShape):
        candidate_from_google({"id": "ChIJx", "location": place["location"]}, None)


@pytest.mark.parametrize(
    ("address", "state"),
    [
        ("Shop 1, Westfield Chermside, Gympie Rd, Chermside QLD 4032, Australia", "QLD"),
        ("500 Oxford St, Bondi Junction NSW 2022, Australia", "NSW"),
        ("Canberra ACT 2600, Australia", "ACT"),
        ("Gold Coast QLD, Australia", "QLD"),
        ("1 Queen St, Auckland 1010, New Zealand", None),
        ("", None),
    ],
)
def test_state_from_address(address: str, state: str | None) -> None:
    assert state_from_address(address) == state


@pytest.mark.parametrize(
    ("lat", "lng", "state"),
    [
        (-27.4698, 153.0251, "QLD"),  # Brisbane
        (-28.0167, 153.4000, "QLD"),  # Gold Coast
        (-28.1770, 153.5410, "NSW"),  # Tweed Heads, over the border
        (-16.9186, 145.7781, "QLD"),  # Cairns
        (-33.8688, 151.2093, "NSW"),
        (-31.9530, 141.4530, "NSW"),  # Broken Hill
        (-35.2809, 149.1300, "ACT"),
        (-37.8136, 144.9631, "VIC"),
        (-34.2080, 142.1240, "VIC"),  # Mildura
        (-42.8821, 147.3272, "TAS"),
        (-34.9285, 138.6007, "SA"),
        (-31.9523, 115.8613, "WA"),
        (-12.4634, 130.8456, "NT"),
        (-23.6980, 133.8807, "NT"),  # Alice Springs
        (-36.8485, 174.7633, None),  # Auckland
    ],
)
def test_state_from_point(lat: float, lng: float, state: str | None) -> None:
    assert state_from_point(lat, lng) == state


@pytest.mark.parametrize(
    ("address", "lat", "lng", "offset", "at", "zone"),
    [
        ("Chermside QLD 4032, Australia", -27.39, 153.03, 600, SUMMER, "Australia/Brisbane"),
        ("Sydney NSW 2000, Australia", -33.87, 151.21, 660, SUMMER, "Australia/Sydney"),
        ("Sydney NSW 2000, Australia", -33.87, 151.21, 600, WINTER, "Australia/Sydney"),
        ("no state here", -27.39, 153.03, 600, SUMMER, "Australia/Brisbane"),  # by the point
        ("no state here", -37.81, 144.96, 660, SUMMER, "Australia/Melbourne"),
        ("Argent St, Broken Hill NSW 2880", -31.95, 141.47, 630, SUMMER, "Australia/Broken_Hill"),
        ("Adelaide SA 5000, Australia", -34.93, 138.60, 630, SUMMER, "Australia/Adelaide"),
        ("Perth WA 6000, Australia", -31.95, 115.86, None, SUMMER, "Australia/Perth"),
        ("Nowhere", 0.0, 0.0, 7, SUMMER, "UTC"),
        ("Nowhere", 0.0, 0.0, None, SUMMER, "UTC"),
    ],
)
def test_zone_for_place(
    address: str, lat: float, lng: float, offset: int | None, at: datetime, zone: str
) -> None:
    assert zone_for_place(address, lat, lng, offset, at) == zone


def test_zone_outside_australia_matches_the_offset() -> None:
    zone = zone_for_place("Auckland 1010, New Zealand", -36.85, 174.76, 780, SUMMER)
    assert SUMMER.astimezone(ZoneInfo(zone)).utcoffset() == timedelta(minutes=780)
