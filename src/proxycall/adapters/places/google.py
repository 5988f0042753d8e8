"""The `Places` port over Google Places API (New), with plain httpx.

- search: `POST /v1/places:searchText`, asking (field mask) only for id, name, address,
  location and whether it is open now. With a centre (a geocoded `area`, else `near`) the request
  carries a `locationBias` circle, and distances are measured here; the 25 → 50 → 100 km radius
  steps are applied to the one answer (Google ranks nearby results first), not by asking again.
- details: `GET /v1/places/{id}` with name, address, location, both phone formats, the regular
  opening hours and the UTC offset. The timezone comes from `timezones.zone_for_place`.
- geocode: searchText with the area's name; the first result's location (Google's own ranking
  puts the locality itself first for a suburb or city name). Results are cached per process.

Failures become `PlacesUnavailable`: 401/403 (or 400 API_KEY_INVALID) = key rejected, 429 = rate
limited, 5xx, timeouts and connection errors = down. The API key travels only in the
`X-Goog-Api-Key` header: never in a URL, a log line or an exception message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import httpx

from proxycall.adapters.places.google_shapes import (
    UnexpectedShape,
    candidate_from_google,
    details_from_google,
    geopoint_from_google,
)
from proxycall.core.places import (
    MAX_CANDIDATES,
    Candidate,
    GeoPoint,
    LatLng,
    PlaceDetails,
    PlacesUnavailable,
    SearchResult,
    radius_steps,
)

GOOGLE_PLACES_BASE_URL = "https://places.googleapis.com"
REQUEST_TIMEOUT_SECONDS = 5.0
SEARCH_PAGE_SIZE = 20  # more than we show, so the radius filter has something to keep
LOCATION_BIAS_MAX_METERS = 50_000.0  # Google refuses a larger bias circle
GEOCODE_CACHE_SIZE = 256
SEARCH_FIELD_MASK = ",".join(
    (
        "places.id",
        "places.displayName",
        "places.formattedAddress",
        "places.location",
        "places.currentOpeningHours.openNow",
    )
)
GEOCODE_FIELD_MASK = "places.id,places.formattedAddress,places.location"
DETAILS_FIELD_MASK = ",".join(
    (
        "id",
        "displayName",
        "formattedAddress",
        "location",
        "nationalPhoneNumber",
        "internationalPhoneNumber",
        "regularOpeningHours",
        "utcOffsetMinutes",
    )
)
_PLACE_ID = re.compile(r"^[A-Za-z0-9_-]{1,512}$")  # also keeps path tricks out of the URL

log = logging.getLogger("proxycall.places.google")
T = TypeVar("T")


class GooglePlaces:
    """Google Places API (New) behind the `Places` port; `client` and `clock` are injected."""

    name = "google"

    def __init__(
        self,
        api_key: str,
        client: httpx.AsyncClient,
        clock: Callable[[], datetime],
        *,
        base_url: str = GOOGLE_PLACES_BASE_URL,
        timeout_seconds: float = REQUEST_TIMEOUT_SECONDS,
        language: str = "en",
    ) -> None:
        if not api_key:
            raise ValueError("a Google Places API key is required")
        self._key = api_key
        self._client = client
        self._clock = clock
        self._base_url = base_url.rstrip("/")
        self._timeout = httpx.Timeout(timeout_seconds)
        self._language = language
        self._geocoded: dict[tuple[str, str], GeoPoint | None] = {}

    def __repr__(self) -> str:  # the key stays out of reprs in tracebacks and debuggers
        return f"GooglePlaces(base_url={self._base_url!r})"

    async def search(
        self,
        query: str,
        *,
        area: str | None = None,
        near: LatLng | None = None,
        country: str = "AU",
        radius_km: float | None = None,
    ) -> SearchResult:
        """Places matching `query`, nearest first, at most MAX_CANDIDATES."""
        if not query.strip():
            return SearchResult(candidates=[], radius_km=None)
        centre = near
        if area and area.strip():
            point = await self.geocode(area, country)
            if point is not None:
                centre = LatLng(point.lat, point.lng)
        steps = radius_steps(radius_km)
        body: dict[str, Any] = {
            "textQuery": query.strip(),
            "regionCode": country,
            "languageCode": self._language,
            "pageSize": SEARCH_PAGE_SIZE,
        }
        if centre is not None:
            radius_m = min(steps[0] * 1000.0, LOCATION_BIAS_MAX_METERS)
            body["locationBias"] = {
                "circle": {
                    "center": {"latitude": centre.lat, "longitude": centre.lng},
                    "radius": max(radius_m, 1.0),
                }
            }
        payload = await self._request("POST", "/v1/places:searchText", SEARCH_FIELD_MASK, body)
        candidates = self._read(
            lambda: [candidate_from_google(p, centre) for p in _places(payload)]
        )
        return _within_radius(candidates, centre, steps)

    async def details(self, place_id: str) -> PlaceDetails | None:
        """One place by Google id; None for an id Google does not know (or could not be one)."""
        if not _PLACE_ID.match(place_id):
            return None
        payload = await self._request(
            "GET", f"/v1/places/{place_id}", DETAILS_FIELD_MASK, None, missing_ok=True
        )
        if payload is None:
            return None
        return self._read(lambda: details_from_google(payload, "AU", self._clock()))

    async def geocode(self, area: str, country: str = "AU") -> GeoPoint | None:
        """The first searchText result's location for an area name; None when nothing found."""
        key = (" ".join(area.lower().split()), country.upper())
        if not key[0]:
            return None
        if key in self._geocoded:
            return self._geocoded[key]
        body = {"textQuery": area.strip(), "regionCode": country, "pageSize": 1}
        payload = await self._request("POST", "/v1/places:searchText", GEOCODE_FIELD_MASK, body)
        places = _places(payload)
        point = self._read(lambda: geopoint_from_google(places[0])) if places else None
        if len(self._geocoded) >= GEOCODE_CACHE_SIZE:
            self._geocoded.clear()
        self._geocoded[key] = point
        return point

    async def _request(
        self,
        method: str,
        path: str,
        field_mask: str,
        body: Mapping[str, Any] | None,
        *,
        missing_ok: bool = False,
    ) -> dict[str, Any] | None:
        """One call to Google; its JSON body, None for 404/unknown id when `missing_ok`."""
        headers = {"X-Goog-Api-Key": self._key, "X-Goog-FieldMask": field_mask}
        try:
            response = await self._client.request(
                method, self._base_url + path, headers=headers, json=body, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            raise _unavailable("timed out", f"no answer within {self._timeout.read} s") from exc
        except httpx.HTTPError as exc:
            raise _unavailable(
                "unreachable", f"could not be reached ({type(exc).__name__})"
            ) from exc
        if response.status_code == httpx.codes.OK:
            try:
                data = response.json()
            except ValueError as exc:
                raise _unavailable("bad_json", "answered with malformed JSON") from exc
            if not isinstance(data, dict):
                raise _unavailable("bad_json", "answered with JSON that is not an object")
            return data
        error = _error_of(response)
        if missing_ok and _is_unknown_id(response.status_code, error):
            return None
        raise _status_error(response.status_code, error)

    def _read(self, convert: Callable[[], T]) -> T:
        """Run a JSON → type conversion; a malformed answer is the provider's failure."""
        try:
            return convert()
        except (KeyError, TypeError, ValueError, IndexError, UnexpectedShape) as exc:
            raise _unavailable("bad_shape", "answered with an unexpected shape") from exc


def _places(payload: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    places = (payload or {}).get("places") or []  # Google omits "places" when nothing matched
    if not isinstance(places, list):
        raise _unavailable("bad_shape", "answered with an unexpected shape")
    return places


def _within_radius(
    candidates: list[Candidate], centre: LatLng | None, steps: tuple[float, ...]
) -> SearchResult:
    if centre is None:
        return SearchResult(candidates=candidates[:MAX_CANDIDATES], radius_km=None)
    ordered = sorted(candidates, key=lambda c: (c.distance_meters or 0, c.name))
    for step in steps:
        within = [c for c in ordered if (c.distance_meters or 0) <= step * 1000.0]
        if within:
            return SearchResult(candidates=within[:MAX_CANDIDATES], radius_km=step)
    return SearchResult(candidates=[], radius_km=steps[-1])


def _error_of(response: httpx.Response) -> Mapping[str, Any]:
    """Google's `{"error": {"code", "message", "status", "details"}}`, or {} if absent."""
    try:
        data = response.json()
    except ValueError:
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


def _is_key_error(status: int, error: Mapping[str, Any]) -> bool:
    if status in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
        return True
    reasons = {d.get("reason") for d in error.get("details") or [] if isinstance(d, dict)}
    return "API_KEY_INVALID" in reasons or "API key" in str(error.get("message", ""))


def _is_unknown_id(status: int, error: Mapping[str, Any]) -> bool:
    if status == httpx.codes.NOT_FOUND:
        return True
    message = str(error.get("message", "")).lower()
    return status == httpx.codes.BAD_REQUEST and "place id" in message


def _status_error(status: int, error: Mapping[str, Any]) -> PlacesUnavailable:
    if _is_key_error(status, error):
        return _unavailable("key_rejected", f"rejected the API key (HTTP {status})")
    if status == httpx.codes.TOO_MANY_REQUESTS:
        return _unavailable("rate_limited", "is rate limiting us (HTTP 429)")
    if status >= httpx.codes.INTERNAL_SERVER_ERROR:
        return _unavailable("down", f"is unavailable (HTTP {status})")
    google_status = str(error.get("status", "")) or "no status"
    return _unavailable("refused", f"refused the request (HTTP {status}, {google_status})")


def _unavailable(reason: str, what: str) -> PlacesUnavailable:
    log.warning("places_unavailable provider=google reason=%s", reason)
    return PlacesUnavailable(f"Google Places {what}")
