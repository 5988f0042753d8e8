"""The Google Places adapter against the local fake of Google Places API (New)."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from proxycall.adapters.places.bundled import BundledPlaces
from proxycall.adapters.places.fake_google import (
    FAKE_API_KEY,
    FakeGooglePlaces,
    FakeGoogleServer,
    google_id_for,
)
from proxycall.adapters.places.google import (
    DETAILS_FIELD_MASK,
    SEARCH_FIELD_MASK,
    GooglePlaces,
)
from proxycall.core.places import LatLng, Places, PlacesUnavailable, is_open

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # as in conftest.py: Thursday 11:00 in Brisbane


def clock() -> datetime:
    return NOW


WRONG_KEY = "wrong-key-must-never-leak-7f3a9c"
CHERMSIDE_JB = google_id_for("bundled:jb-hifi-chermside")


def test_it_satisfies_the_port(asgi_google: GooglePlaces) -> None:
    port: Places = asgi_google
    assert port.name == "google"
    assert FAKE_API_KEY not in repr(asgi_google)


async def test_search_over_a_real_socket(
    socket_google: GooglePlaces, fake: FakeGooglePlaces
) -> None:
    result = await socket_google.search("jb hifi", area="Chermside")
    assert result.radius_km == 25.0
    first = result.candidates[0]
    assert first.place_id == CHERMSIDE_JB
    assert first.name == "JB Hi-Fi Chermside"
    assert first.open_now is True
    assert first.distance_meters is not None and first.distance_meters < 2_000
    assert [c.distance_meters for c in result.candidates] == sorted(
        c.distance_meters or 0 for c in result.candidates
    )
    search = fake.requests[-1]
    assert search.path == "/v1/places:searchText"
    assert search.headers["x-goog-api-key"] == FAKE_API_KEY
    assert search.headers["x-goog-fieldmask"] == SEARCH_FIELD_MASK
    assert search.body["textQuery"] == "jb hifi"
    circle = search.body["locationBias"]["circle"]
    assert circle["center"] == {"latitude": -27.3858, "longitude": 153.031}
    assert circle["radius"] == 25_000.0


async def test_search_asks_only_for_the_fields_it_uses(fake: FakeGooglePlaces) -> None:
    fields = set(SEARCH_FIELD_MASK.split(","))
    assert fields == {
        "places.id",
        "places.displayName",
        "places.formattedAddress",
        "places.location",
        "places.currentOpeningHours.openNow",
    }
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=fake.app)) as client:
        raw = await client.post(
            "http://fake/v1/places:searchText",
            json={"textQuery": "jb hifi"},
            headers={"X-Goog-Api-Key": FAKE_API_KEY, "X-Goog-FieldMask": SEARCH_FIELD_MASK},
        )
    assert raw.status_code == 200
    place = raw.json()["places"][0]
    assert set(place) == {
        "id",
        "displayName",
        "formattedAddress",
        "location",
        "currentOpeningHours",
    }
    assert place["currentOpeningHours"] == {"openNow": True}


async def test_search_near_a_point_and_without_a_location(asgi_google: GooglePlaces) -> None:
    near = await asgi_google.search("bunnings", area=None, near=LatLng(-33.87, 151.21))
    assert near.radius_km == 25.0
    assert near.candidates[0].name == "Bunnings Chatswood"
    anywhere = await asgi_google.search("nandos", area=None, near=None)
    assert anywhere.radius_km is None
    assert {c.name for c in anywhere.candidates} >= {"Nando's Chermside", "Nando's Bondi Junction"}
    assert all(c.distance_meters is None for c in anywhere.candidates)


async def test_search_widens_the_radius(asgi_google: GooglePlaces) -> None:
    result = await asgi_google.search("JB", area="Gold Coast")
    assert result.radius_km == 100.0
    assert result.candidates
    assert all(50_000 < (c.distance_meters or 0) <= 100_000 for c in result.candidates)


async def test_search_agrees_with_the_bundled_directory(asgi_google: GooglePlaces) -> None:
    bundled = BundledPlaces(clock=clock)
    for query, area in [
        ("harvey norman", "Parramatta"),
        ("kmart", "Box Hill"),
        ("coles", "Richmond VIC"),
    ]:
        theirs = await asgi_google.search(query, area=area)
        ours = await bundled.search(query, area=area)
        assert [c.name for c in theirs.candidates] == [c.name for c in ours.candidates]
        assert [c.open_now for c in theirs.candidates] == [c.open_now for c in ours.candidates]


async def test_details_over_a_real_socket(
    socket_google: GooglePlaces, fake: FakeGooglePlaces
) -> None:
    details = await socket_google.details(CHERMSIDE_JB)
    assert details is not None
    assert details.name == "JB Hi-Fi Chermside"
    assert details.phone_e164 == "+61755501001"
    assert details.timezone == "Australia/Brisbane"
    assert details.opening_hours is not None
    assert details.opening_hours.to_dict()["thu"] == [{"open": "09:00", "close": "21:00"}]
    request = fake.requests[-1]
    assert request.path == f"/v1/places/{CHERMSIDE_JB}"
    assert request.headers["x-goog-api-key"] == FAKE_API_KEY
    assert request.headers["x-goog-fieldmask"] == DETAILS_FIELD_MASK
    assert set(DETAILS_FIELD_MASK.split(",")) == {
        "id",
        "displayName",
        "formattedAddress",
        "location",
        "nationalPhoneNumber",
        "internationalPhoneNumber",
        "regularOpeningHours",
        "utcOffsetMinutes",
    }


async def test_details_of_recorded_oddities(asgi_google: GooglePlaces) -> None:
    broken_hill = await asgi_google.details("ChIJrecordedNationalOnly01")
    assert broken_hill is not None
    assert broken_hill.phone_e164 == "+61855502001"  # from nationalPhoneNumber only
    assert broken_hill.timezone == "Australia/Broken_Hill"  # NSW, but on SA time
    market = await asgi_google.details("ChIJrecordedNoPhone000002")
    assert market is not None
    assert market.phone_e164 is None  # NO_PHONE
    assert market.opening_hours is not None
    assert market.opening_hours.to_dict()["sat"] == [{"open": "18:00", "close": "01:30"}]
    pharmacy = await asgi_google.details("ChIJrecordedAlwaysOpen003")
    assert pharmacy is not None
    assert pharmacy.timezone == "Australia/Sydney"
    assert is_open(pharmacy.opening_hours, NOW) is True


async def test_details_of_an_unknown_id_is_none(
    asgi_google: GooglePlaces, fake: FakeGooglePlaces
) -> None:
    assert await asgi_google.details("ChIJdoesNotExist0000000") is None  # Google: 404
    asked = len(fake.requests)
    assert await asgi_google.details("../v1/places:searchText") is None
    assert await asgi_google.details("bundled:jb-hifi-chermside") is None
    assert await asgi_google.details("") is None
    assert len(fake.requests) == asked  # refused before any request


async def test_geocode_takes_the_first_result_and_caches_it(
    asgi_google: GooglePlaces, fake: FakeGooglePlaces
) -> None:
    point = await asgi_google.geocode("Fortitude Valley")
    assert point is not None
    assert (point.lat, point.lng) == (-27.457, 153.034)
    assert point.formatted_address == "Fortitude Valley QLD 4006, Australia"
    asked = len(fake.requests)
    assert await asgi_google.geocode("fortitude  valley") == point
    assert len(fake.requests) == asked
    assert await asgi_google.geocode("Atlantis") is None


async def test_an_area_that_does_not_geocode_falls_back_to_the_point(
    asgi_google: GooglePlaces,
) -> None:
    result = await asgi_google.search("kmart", area="Atlantis", near=LatLng(-37.8136, 144.9631))
    assert result.candidates[0].name == "Kmart Melbourne City"


# --- failures -----------------------------------------------------------------------------


def _assert_no_key(exc: BaseException, key: str, logs: str) -> None:
    chain: BaseException | None = exc
    while chain is not None:
        assert key not in str(chain)
        assert key not in repr(chain)
        chain = chain.__cause__ or chain.__context__
    assert key not in logs


async def test_a_wrong_key_is_unavailable_and_never_shown(
    server: FakeGoogleServer, http_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    google = GooglePlaces(WRONG_KEY, http_client, clock, base_url=server.base_url)
    with pytest.raises(PlacesUnavailable, match="rejected the API key") as raised:
        await google.search("jb hifi", area=None)
    _assert_no_key(raised.value, WRONG_KEY, caplog.text)
    with pytest.raises(PlacesUnavailable, match=r"rejected the API key \(HTTP 403\)"):
        await google.details(CHERMSIDE_JB)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (503, r"unavailable \(HTTP 503\)"),
        (500, r"unavailable \(HTTP 500\)"),
        (429, r"rate limiting"),
        (401, r"rejected the API key"),
    ],
)
async def test_provider_failures_are_unavailable(
    socket_google: GooglePlaces,
    fake: FakeGooglePlaces,
    status: int,
    message: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.fail_with(status)
    with pytest.raises(PlacesUnavailable, match=message) as raised:
        await socket_google.search("jb hifi", area="Chermside")
    with pytest.raises(PlacesUnavailable, match=message):
        await socket_google.details(CHERMSIDE_JB)
    _assert_no_key(raised.value, FAKE_API_KEY, caplog.text)
    fake.fail_with(None)
    assert (await socket_google.search("jb hifi", area="Chermside")).candidates


async def test_a_slow_provider_times_out(
    server: FakeGoogleServer, fake: FakeGooglePlaces, http_client: httpx.AsyncClient
) -> None:
    fake.delay_seconds = 1.0
    google = GooglePlaces(
        FAKE_API_KEY, http_client, clock, base_url=server.base_url, timeout_seconds=0.1
    )
    with pytest.raises(PlacesUnavailable, match=r"no answer within 0\.1 s") as raised:
        await google.details(CHERMSIDE_JB)
    assert isinstance(raised.value.__cause__, httpx.TimeoutException)


async def test_an_unreachable_provider_is_unavailable(http_client: httpx.AsyncClient) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    google = GooglePlaces(FAKE_API_KEY, http_client, clock, base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(PlacesUnavailable, match="could not be reached") as raised:
        await google.geocode("Chermside")
    _assert_no_key(raised.value, FAKE_API_KEY, "")


async def test_a_garbled_answer_is_unavailable() -> None:
    async def garbage(request: object) -> PlainTextResponse:
        return PlainTextResponse("<html>proxy error</html>")

    app = Starlette(routes=[Route("/v1/places:searchText", garbage, methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        google = GooglePlaces(FAKE_API_KEY, client, clock, base_url="http://garbage")
        with pytest.raises(PlacesUnavailable, match="malformed JSON"):
            await google.search("jb hifi", area=None)


def test_a_key_is_required() -> None:
    with pytest.raises(ValueError, match="key"):
        GooglePlaces("", httpx.AsyncClient(), clock)


# --- the fake itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "google_status"),
    [
        ({"X-Goog-FieldMask": "*"}, 400, "INVALID_ARGUMENT"),
        ({"X-Goog-Api-Key": FAKE_API_KEY}, 400, "INVALID_ARGUMENT"),
        ({"X-Goog-Api-Key": WRONG_KEY, "X-Goog-FieldMask": "*"}, 403, "PERMISSION_DENIED"),
        ({"X-Goog-Api-Key": FAKE_API_KEY, "X-Goog-FieldMask": "*"}, 200, None),
    ],
)
async def test_the_fake_checks_key_and_field_mask(
    server: FakeGoogleServer,
    http_client: httpx.AsyncClient,
    headers: dict[str, str],
    status: int,
    google_status: str | None,
) -> None:
    response = await http_client.get(f"{server.base_url}/v1/places/{CHERMSIDE_JB}", headers=headers)
    assert response.status_code == status
    if google_status is None:
        assert response.json()["displayName"] == {
            "text": "JB Hi-Fi Chermside",
            "languageCode": "en",
        }
    else:
        assert response.json()["error"]["status"] == google_status
        assert response.json()["error"]["code"] == status


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=80), area=st.none() | st.text(max_size=30))
def test_google_search_never_raises_for_any_text(
    fake: FakeGooglePlaces, query: str, area: str | None
) -> None:
    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=fake.app)) as client:
            google = GooglePlaces(FAKE_API_KEY, client, clock, base_url="http://fake-google")
            result = await google.search(query, area=area, near=LatLng(-27.47, 153.02))
            assert len(result.candidates) <= 10

    asyncio.run(run())
