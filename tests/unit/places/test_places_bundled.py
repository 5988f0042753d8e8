"""The bundled directory adapter: data integrity, forgiving search, radius widening, details."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxycall.adapters.places import BundledPlaces, all_places
from proxycall.core.places import LatLng, Places

# 2026-11-26 is a Thursday; 01:00 UTC is 11:00 in Brisbane, 12:00 in Sydney and Melbourne (DST).
THURSDAY_MORNING = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
# 15:30 UTC Saturday 28th = 01:30 Sunday in Brisbane.
SUNDAY_SMALL_HOURS = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)

FICTION = re.compile(
    r"^\+61("
    r"[2378](5550|7010)\d{4}"
    r"|4915(70006|7015[6-9]|70110|70313|70737|71266|71491|71804|72549|72665|72983|73770"
    r"|73087|74118|74632|75254|75789|76398|76801|77426|77644|78957|78148|78888|79212"
    r"|79760|79455)"
    r"|1800160401|1[83]0097570[7-9]|1[83]0097571[01]"
    r")$"
)
CHAINS = (
    "JB Hi-Fi",
    "Bunnings",
    "Harvey Norman",
    "Officeworks",
    "Kmart",
    "Coles",
    "Woolworths",
    "Big W",
    "The Good Guys",
)
STATE_ZONES = {"QLD": "Australia/Brisbane", "NSW": "Australia/Sydney", "VIC": "Australia/Melbourne"}


@pytest.fixture
def places() -> BundledPlaces:
    return BundledPlaces(clock=lambda: THURSDAY_MORNING)


def test_it_satisfies_the_port(places: BundledPlaces) -> None:
    port: Places = places
    assert port.name == "bundled"


# --- the data file ------------------------------------------------------------------------


def test_every_phone_is_from_the_acma_fiction_ranges() -> None:
    phones = [p.details.phone_e164 for p in all_places() if p.details.phone_e164]
    assert len(phones) >= 100
    bad = [phone for phone in phones if not FICTION.match(phone)]
    assert bad == []
    assert len(set(phones)) == len(phones), "each number maps to one callee"


def test_some_places_have_no_phone() -> None:
    assert 1 <= sum(p.details.phone_e164 is None for p in all_places()) <= 3


def test_ids_follow_the_deterministic_scheme() -> None:
    ids = [p.details.place_id for p in all_places()]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"bundled:[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert "bundled:jb-hifi-chermside" in ids


def test_timezones_follow_the_state() -> None:
    for place in all_places():
        assert place.details.timezone == STATE_ZONES[place.state]
        assert place.state in place.details.formatted_address


@pytest.mark.parametrize("chain", CHAINS)
def test_every_chain_is_in_each_big_city(chain: str) -> None:
    states = {p.state for p in all_places() if p.brand.startswith(chain)}
    assert states == {"QLD", "NSW", "VIC"}


def test_places_sit_in_australia() -> None:
    for place in all_places():
        assert -44 < place.details.lat < -10
        assert 112 < place.details.lng < 154


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["jb hifi", "JB Hi Fi", "JB", "jb hi-fi", "JB HI-FI store"])
async def test_forgiving_queries_find_jb_hifi_nearest_first(
    places: BundledPlaces, query: str
) -> None:
    result = await places.search(query, area="Chermside", near=None)
    assert result.radius_km == 25.0
    assert result.candidates[0].place_id == "bundled:jb-hifi-chermside"
    assert all(c.name.startswith("JB Hi-Fi") for c in result.candidates)
    distances = [c.distance_meters for c in result.candidates]
    assert all(d is not None for d in distances)
    assert distances == sorted(distances)  # type: ignore[type-var]
    assert all(d <= 25_000 for d in distances)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bunnings warehouse", "Bunnings"),
        ("harvey norman", "Harvey Norman"),
        ("nandos", "Nando's"),
        ("good guys", "The Good Guys"),
        ("woolies", "Woolworths"),
        ("smile dental", "Smile Dental"),
    ],
)
async def test_chain_names_are_found_near_a_point(
    places: BundledPlaces, query: str, expected: str
) -> None:
    sydney = LatLng(-33.8688, 151.2093)
    result = await places.search(query, area=None, near=sydney)
    assert result.candidates, query
    assert all(c.name.startswith(expected) for c in result.candidates)
    assert all("NSW" in c.formatted_address for c in result.candidates)


async def test_an_exact_store_name_comes_first(places: BundledPlaces) -> None:
    result = await places.search("JB Hi-Fi Carindale", area="Chermside")
    assert result.candidates[0].place_id == "bundled:jb-hifi-carindale"
    assert len(result.candidates) > 1


async def test_a_category_finds_clinics(places: BundledPlaces) -> None:
    result = await places.search("dentist", area="Chermside")
    assert [c.name for c in result.candidates] == ["Smile Dental Chermside"]


async def test_radius_widens_to_100_km_when_nothing_is_near(places: BundledPlaces) -> None:
    result = await places.search("JB Hi-Fi", area="Gold Coast")
    assert result.radius_km == 100.0
    assert result.candidates
    assert all(50_000 < c.distance_meters <= 100_000 for c in result.candidates)  # type: ignore[operator]


async def test_radius_widens_to_50_km(places: BundledPlaces) -> None:
    caboolture = LatLng(-27.085, 152.951)  # ~35 km north of Chermside, the nearest Bunnings
    result = await places.search("bunnings", area=None, near=caboolture)
    assert result.radius_km == 50.0
    assert result.candidates[0].place_id == "bundled:bunnings-chermside"
    assert all(25_000 < c.distance_meters <= 50_000 for c in result.candidates)  # type: ignore[operator]


async def test_nothing_within_100_km_is_empty_with_the_radius(places: BundledPlaces) -> None:
    result = await places.search("Harvey Norman", area="Perth")
    assert result.candidates == []
    assert result.radius_km == 100.0


async def test_a_given_radius_is_not_widened(places: BundledPlaces) -> None:
    result = await places.search("JB Hi-Fi", area="Gold Coast", radius_km=25)
    assert result.candidates == []
    assert result.radius_km == 25


async def test_no_location_returns_all_matches_by_name(places: BundledPlaces) -> None:
    result = await places.search("coles", area=None, near=None)
    assert result.radius_km is None
    assert len(result.candidates) == 10  # capped
    assert all(c.distance_meters is None for c in result.candidates)
    names = [c.name.lower() for c in result.candidates]
    assert names == sorted(names)


async def test_an_area_that_does_not_geocode_falls_back_to_the_point(
    places: BundledPlaces,
) -> None:
    melbourne = LatLng(-37.8136, 144.9631)
    result = await places.search("kmart", area="Atlantis", near=melbourne)
    assert result.candidates[0].place_id == "bundled:kmart-melbourne"


async def test_a_named_area_wins_over_the_point(places: BundledPlaces) -> None:
    melbourne = LatLng(-37.8136, 144.9631)
    result = await places.search("kmart", area="Parramatta", near=melbourne)
    assert result.candidates[0].place_id == "bundled:kmart-parramatta"


async def test_other_countries_and_empty_queries_find_nothing(places: BundledPlaces) -> None:
    assert (await places.search("JB Hi-Fi", area="Chermside", country="NZ")).candidates == []
    assert (await places.search("   ", area="Chermside")).candidates == []
    assert (await places.search("zzzz qqqq", area="Chermside")).candidates == []


async def test_open_now_uses_the_injected_clock_and_local_time() -> None:
    morning = BundledPlaces(clock=lambda: THURSDAY_MORNING)
    small_hours = BundledPlaces(clock=lambda: SUNDAY_SMALL_HOURS)
    for places, pizza, nandos in ((morning, False, True), (small_hours, True, False)):
        result = await places.search("pizza", area="Fortitude Valley")
        assert result.candidates[0].name == "Bella Napoli Pizzeria"
        assert result.candidates[0].open_now is pizza  # Sat 17:00-02:00: past midnight
        chicken = await places.search("nandos", area="Chermside")
        assert chicken.candidates[0].open_now is nandos


async def test_open_now_is_none_when_hours_are_unknown(places: BundledPlaces) -> None:
    result = await places.search("rosewood grill", area="Parramatta")
    assert result.candidates[0].open_now is None


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(), area=st.one_of(st.none(), st.text()), radius=st.none() | st.floats(0, 1e6))
def test_search_never_raises(query: str, area: str | None, radius: float | None) -> None:
    places = BundledPlaces(clock=lambda: THURSDAY_MORNING)
    near = LatLng(-27.47, 153.02)
    result = places.search_now(query, area=area, near=near, radius_km=radius)
    assert len(result.candidates) <= 10


# --- details and geocode -------------------------------------------------------------------


async def test_details_of_a_known_place(places: BundledPlaces) -> None:
    details = await places.details("bundled:jb-hifi-chermside")
    assert details is not None
    assert details.name == "JB Hi-Fi Chermside"
    assert details.phone_e164 is not None and FICTION.match(details.phone_e164)
    assert details.timezone == "Australia/Brisbane"
    assert details.opening_hours is not None
    assert "Chermside QLD 4032" in details.formatted_address
    ZoneInfo(details.timezone)


async def test_details_of_an_unknown_id_is_none(places: BundledPlaces) -> None:
    assert await places.details("bundled:nowhere") is None
    assert await places.details("") is None
    assert await places.details("ChIJN1t_tDeuEmsRUsoyG83frY4") is None


async def test_a_place_without_a_phone_says_so(places: BundledPlaces) -> None:
    result = await places.search("valley barber", area="Fortitude Valley")
    details = await places.details(result.candidates[0].place_id)
    assert details is not None
    assert details.phone_e164 is None  # the API answers NO_PHONE


@pytest.mark.parametrize(
    ("area", "lat", "address"),
    [
        ("Chermside", -27.3858, "Chermside QLD 4032, Australia"),
        ("chermside, qld 4032", -27.3858, "Chermside QLD 4032, Australia"),
        ("Fortitude Valley, Brisbane", -27.457, "Fortitude Valley QLD 4006, Australia"),
        ("Brisbane", -27.4698, "Brisbane City QLD 4000, Australia"),
        ("Sydney CBD", -33.8688, "Sydney NSW 2000, Australia"),
        ("Richmond VIC", -37.818, "Richmond VIC 3121, Australia"),
        ("gold coast", -28.0167, "Gold Coast QLD, Australia"),
        ("Hobart", -42.8821, "Hobart TAS 7000, Australia"),
    ],
)
async def test_geocode(places: BundledPlaces, area: str, lat: float, address: str) -> None:
    point = await places.geocode(area)
    assert point is not None
    assert point.lat == pytest.approx(lat)
    assert point.formatted_address == address


@pytest.mark.parametrize("area", ["Atlantis", "", "Richmond NSW", "Chermside QLD 4032 NZ!"])
async def test_geocode_unknown(places: BundledPlaces, area: str) -> None:
    if area.endswith("NZ!"):
        assert await places.geocode("Chermside", country="NZ") is None
    else:
        assert await places.geocode(area) is None
