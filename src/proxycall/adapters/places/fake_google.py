"""A local fake of Google Places API (New): the two endpoints we use, in Google's own shapes.

It serves the bundled directory (plus a few recorded oddities: a national-only phone, no phone,
open 24 hours, Broken Hill's half-hour timezone) as Google would: `POST /v1/places:searchText`
and `GET /v1/places/{id}`, answering only the fields the `X-Goog-FieldMask` header asks for,
with `{"error": {"code", "message", "status"}}` bodies on failure. A missing key or field mask
→ 400, a wrong key → 403, an unknown id → 404. Tests can make it fail (`fail_with(503)`) or slow
(`delay_seconds`), and read the requests it received (`requests`).

`FakeGoogleServer` runs it with uvicorn on a free 127.0.0.1 port in a thread, for tests over a
real socket and for trying the Google adapter offline.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from proxycall.adapters.places.bundled import BundledPlace, BundledPlaces, all_places
from proxycall.adapters.places.google_shapes import hours_from_google, hours_to_google
from proxycall.adapters.places.timezones import zone_for_place
from proxycall.core.places import (
    MATCH_MIN,
    LatLng,
    haversine_meters,
    is_open,
    key_match_score,
    name_key,
)

FAKE_API_KEY = "fake-places-key-0123456789"
DEFAULT_PAGE_SIZE = 20
SERVER_START_TIMEOUT_SECONDS = 5.0
SERVER_STOP_TIMEOUT_SECONDS = 5.0
_STATUS_WORDS = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}  # fmt: skip
_WEEKDAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

# Places as recorded from Google's responses (numbers swapped for ACMA fiction numbers).
RECORDED_PLACES: tuple[dict[str, Any], ...] = (
    {
        "id": "ChIJrecordedNationalOnly01",
        "displayName": {"text": "Outback Hardware Broken Hill", "languageCode": "en"},
        "formattedAddress": "210 Argent St, Broken Hill NSW 2880, Australia",
        "location": {"latitude": -31.9567, "longitude": 141.4657},
        "nationalPhoneNumber": "(08) 5550 2001",
        "_timeZone": "Australia/Broken_Hill",
        "regularOpeningHours": {
            "periods": [
                {
                    "open": {"day": d, "hour": 8, "minute": 0},
                    "close": {"day": d, "hour": 17, "minute": 0},
                }
                for d in range(1, 6)
            ]
        },
    },
    {
        "id": "ChIJrecordedNoPhone000002",
        "displayName": {"text": "Riverside Night Market", "languageCode": "en"},
        "formattedAddress": "Eagle St, Brisbane City QLD 4000, Australia",
        "location": {"latitude": -27.4675, "longitude": 153.0312},
        "_timeZone": "Australia/Brisbane",
        "regularOpeningHours": {
            "periods": [
                {
                    "open": {"day": 5, "hour": 18, "minute": 0},
                    "close": {"day": 6, "hour": 1, "minute": 30},
                },
                {
                    "open": {"day": 6, "hour": 18, "minute": 0},
                    "close": {"day": 0, "hour": 1, "minute": 30},
                },
            ]
        },
    },
    {
        "id": "ChIJrecordedAlwaysOpen003",
        "displayName": {"text": "Harbour 24 Hour Pharmacy", "languageCode": "en"},
        "formattedAddress": "12 Darling Dr, Sydney NSW 2000, Australia",
        "location": {"latitude": -33.8731, "longitude": 151.2006},
        "internationalPhoneNumber": "+61 2 7010 2003",
        "nationalPhoneNumber": "(02) 7010 2003",
        "_timeZone": "Australia/Sydney",
        "regularOpeningHours": {"periods": [{"open": {"day": 0, "hour": 0, "minute": 0}}]},
    },
)


def google_id_for(bundled_id: str) -> str:
    """The deterministic Google-style id the fake gives a bundled place ("ChIJ" + 22 chars)."""
    digest = hashlib.sha256(bundled_id.encode()).digest()[:16]
    return "ChIJ" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _weekday_descriptions(periods: list[dict[str, Any]]) -> list[str]:
    by_day: dict[int, list[str]] = {d: [] for d in range(7)}
    for p in periods:
        if "close" not in p:
            return [f"{name}: Open 24 hours" for name in _WEEKDAY_NAMES[1:] + _WEEKDAY_NAMES[:1]]
        o, c = p["open"], p["close"]
        by_day[o["day"]].append(f"{_clock_text(o)}\u2009–\u2009{_clock_text(c)}")
    order = [1, 2, 3, 4, 5, 6, 0]
    return [f"{_WEEKDAY_NAMES[d]}: {', '.join(by_day[d]) or 'Closed'}" for d in order]


def _clock_text(point: Mapping[str, int]) -> str:
    hour, minute = point["hour"], point["minute"]
    suffix = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d}\u202f{suffix}"


def _from_bundled(place: BundledPlace) -> dict[str, Any]:
    details = place.details
    record: dict[str, Any] = {
        "id": google_id_for(details.place_id),
        "displayName": {"text": details.name, "languageCode": "en"},
        "formattedAddress": details.formatted_address,
        "location": {"latitude": details.lat, "longitude": details.lng},
        "businessStatus": "OPERATIONAL",
        "_timeZone": details.timezone,
        "_keys": [name_key(n) for n in (details.name, place.brand, *place.aliases)],
    }
    if details.phone_e164:
        number = phonenumbers.parse(details.phone_e164)
        fmt = phonenumbers.PhoneNumberFormat
        record["nationalPhoneNumber"] = phonenumbers.format_number(number, fmt.NATIONAL)
        record["internationalPhoneNumber"] = phonenumbers.format_number(number, fmt.INTERNATIONAL)
    if details.opening_hours is not None:
        record["regularOpeningHours"] = {"periods": hours_to_google(details.opening_hours)}
    return record


@dataclass
class RecordedRequest:
    """One request the fake received: path, headers and body, for the tests."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any


@dataclass
class FakeGooglePlaces:
    """The fake's state and its Starlette app (`.app`)."""

    api_key: str = FAKE_API_KEY
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    extra_places: Iterable[Mapping[str, Any]] = RECORDED_PLACES
    fail_status: int | None = None  # answer everything with this HTTP status
    delay_seconds: float = 0.0  # wait this long before answering
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._places = [_from_bundled(p) for p in all_places()]
        self._places += [copy.deepcopy(dict(p)) for p in self.extra_places]
        self._by_id = {p["id"]: p for p in self._places}
        self._directory = BundledPlaces(clock=self.clock)  # geocodes localities, as Google does
        self.app = Starlette(
            routes=[
                Route("/v1/places:searchText", self._search, methods=["POST"]),
                Route("/v1/places/{place_id:str}", self._details, methods=["GET"]),
            ]
        )

    def fail_with(self, status: int | None) -> None:
        """Answer every request with this HTTP status (None: answer normally again)."""
        self.fail_status = status

    async def _search(self, request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        refused = await self._gate(request, body)
        if refused is not None:
            return refused
        if not isinstance(body, dict) or not str(body.get("textQuery", "")).strip():
            return _error(400, "Invalid request: textQuery is required.")
        query_key = name_key(str(body["textQuery"]))
        found = await self._localities(str(body["textQuery"]), str(body.get("regionCode", "AU")))
        found += [p for p in self._places if _score(query_key, p) >= MATCH_MIN]
        circle = (body.get("locationBias") or {}).get("circle")
        if isinstance(circle, dict):
            centre = LatLng(circle["center"]["latitude"], circle["center"]["longitude"])
            found.sort(key=lambda p: haversine_meters(centre, _point(p)))
        size = int(body.get("pageSize") or body.get("maxResultCount") or DEFAULT_PAGE_SIZE)
        shown = [self._public(p) for p in found[:size]]
        mask = request.headers["x-goog-fieldmask"]
        return JSONResponse(apply_field_mask({"places": shown}, mask) if shown else {})

    async def _details(self, request: Request) -> JSONResponse:
        refused = await self._gate(request, None)
        if refused is not None:
            return refused
        place_id = request.path_params["place_id"]
        if not place_id.replace("_", "").replace("-", "").isalnum():
            return _error(400, f"Not a valid Place ID: {place_id}")
        place = self._by_id.get(place_id)
        if place is None:
            return _error(404, "Requested entity was not found.")
        mask = request.headers["x-goog-fieldmask"]
        return JSONResponse(apply_field_mask(self._public(place), mask))

    async def _gate(self, request: Request, body: Any) -> JSONResponse | None:
        """Record the request, then refuse it as Google would (or as the test asked)."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.requests.append(RecordedRequest(request.method, request.url.path, headers, body))
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.fail_status is not None:
            return _error(self.fail_status, "The service is currently unavailable.")
        if not headers.get("x-goog-api-key"):
            return _error(400, "The request is missing a valid API key.")
        if headers["x-goog-api-key"] != self.api_key:
            return _error(403, "Permission denied: the API key is not valid for this API.")
        if not headers.get("x-goog-fieldmask"):
            return _error(
                400,
                "FieldMask is a required parameter. See https://cloud.google.com/apis/design/"
                "design_patterns#partial_response on how to provide it.",
            )
        return None

    def _public(self, place: Mapping[str, Any]) -> dict[str, Any]:
        """The place as Google returns it now: offset, openNow and descriptions filled in."""
        now = self.clock()
        zone = ZoneInfo(place["_timeZone"])
        offset = now.astimezone(zone).utcoffset()
        shown = {k: copy.deepcopy(v) for k, v in place.items() if not k.startswith("_")}
        shown["utcOffsetMinutes"] = int(offset.total_seconds() // 60) if offset else 0
        regular = shown.get("regularOpeningHours")
        if regular is not None:
            open_now = is_open(hours_from_google(regular), now.astimezone(zone))
            regular["openNow"] = bool(open_now)
            regular["weekdayDescriptions"] = _weekday_descriptions(regular["periods"])
            shown["currentOpeningHours"] = copy.deepcopy(regular)
        return shown

    async def _localities(self, text: str, region: str) -> list[dict[str, Any]]:
        """A suburb or city named by the text, as Google's locality result (first, as Google)."""
        point = await self._directory.geocode(text, region)
        if point is None:
            return []
        return [
            {
                "id": google_id_for("area:" + point.formatted_address),
                "displayName": {
                    "text": point.formatted_address.split(",")[0],
                    "languageCode": "en",
                },
                "formattedAddress": point.formatted_address,
                "location": {"latitude": point.lat, "longitude": point.lng},
                "types": ["locality", "political"],
                "_timeZone": zone_for_place(
                    point.formatted_address, point.lat, point.lng, None, self.clock()
                ),
            }
        ]


def _score(query_key: str, place: Mapping[str, Any]) -> float:
    keys = place.get("_keys") or [name_key(place["displayName"]["text"])]
    return max(key_match_score(query_key, key) for key in keys)


def _point(place: Mapping[str, Any]) -> LatLng:
    return LatLng(place["location"]["latitude"], place["location"]["longitude"])


def _error(status: int, message: str) -> JSONResponse:
    body = {
        "error": {
            "code": status,
            "message": message,
            "status": _STATUS_WORDS.get(status, "UNKNOWN"),
        }
    }
    return JSONResponse(body, status_code=status)


# --- field masks ----------------------------------------------------------------------------


def apply_field_mask(data: Mapping[str, Any], mask: str) -> dict[str, Any]:
    """Keep only the comma-separated dotted paths of `mask` ("*" keeps everything), as Google."""
    paths = [p.strip() for p in mask.split(",") if p.strip()]
    if "*" in paths:
        return copy.deepcopy(dict(data))
    result: dict[str, Any] = {}
    for path in paths:
        picked = _pick(data, path.split("."))
        if isinstance(picked, dict):
            _merge(result, picked)
    return result


_MISSING = object()


def _pick(value: Any, parts: list[str]) -> Any:
    if not parts:
        return copy.deepcopy(value)
    if isinstance(value, list):
        return [item if item is not _MISSING else {} for item in (_pick(v, parts) for v in value)]
    if isinstance(value, Mapping) and parts[0] in value:
        inner = _pick(value[parts[0]], parts[1:])
        return {parts[0]: inner} if inner is not _MISSING else _MISSING
    return _MISSING


def _merge(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if key in into and isinstance(into[key], dict) and isinstance(value, Mapping):
            _merge(into[key], value)
        elif key in into and isinstance(into[key], list) and isinstance(value, list):
            for mine, theirs in zip(into[key], value, strict=False):
                _merge(mine, theirs)
        else:
            into[key] = value


# --- a real server for tests and offline use -------------------------------------------------


class FakeGoogleServer:
    """Runs a FakeGooglePlaces with uvicorn on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, fake: FakeGooglePlaces) -> None:
        self.fake = fake
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(
            fake.app, log_level="warning", lifespan="off", ws="none", http="h11",
            timeout_graceful_shutdown=1,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> str:
        """Start serving; returns the base URL once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Google Places server did not start")
            time.sleep(0.01)
        return self.base_url

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        self._server.should_exit = True
        self._thread.join(SERVER_STOP_TIMEOUT_SECONDS)
        self._socket.close()

    def __enter__(self) -> FakeGoogleServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
