"""The places port: what a business looks like, its opening hours, and how names are matched.

Pure: no I/O and no clock. Adapters (bundled directory, Google Places) implement `Places`;
the time they need for `open_now` comes from a clock injected into them.

Opening hours are weekly periods in the place's local time, Monday first. A period whose close
is not after its open ("18:00"-"02:00", "09:00"-"00:00") ends on the next day; "00:00"-"00:00"
means open around the clock; "24:00" is accepted as a close meaning end of the day.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple, Protocol

from proxycall.core.errors import ProviderFailure

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
EARTH_RADIUS_METERS = 6_371_008.8
MAX_CANDIDATES = 10
DEFAULT_RADIUS_STEPS_KM: tuple[float, ...] = (25.0, 50.0, 100.0)

# Scores of `name_match_score`; a candidate needs MATCH_MIN.
MATCH_EXACT = 1.0
MATCH_PREFIX = 0.9  # "JB" → "JB Hi-Fi"
MATCH_EXTENDS = 0.8  # "Harvey Normans" → "Harvey Norman"
MATCH_CONTAINS = 0.7  # "Norman" → "Harvey Norman"
MATCH_MIN = 0.7

# Words a person adds that never distinguish one business from another.
_FILLER_WORDS = frozenset(
    {"the", "a", "an", "store", "stores", "shop", "shops", "outlet", "at", "in", "near", "me"}
)
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class PlacesUnavailable(ProviderFailure):
    """The places provider could not answer: down, timed out, rate limited or key rejected.

    The message says which, for an operator; it never contains the API key. The API maps it
    to 503.
    """


@dataclass(frozen=True)
class LatLng:
    """A point on the map."""

    lat: float
    lng: float


@dataclass(frozen=True)
class GeoPoint:
    """A geocoded area: its centre and how the provider writes it."""

    lat: float
    lng: float
    formatted_address: str


@dataclass(frozen=True)
class Candidate:
    """One search result: enough to show in a place picker."""

    place_id: str
    name: str
    formatted_address: str
    lat: float
    lng: float
    distance_meters: int | None  # None when the search had no location
    open_now: bool | None  # None when the hours are unknown
    has_phone: bool | None = None  # False: listed without a number we could call


@dataclass(frozen=True)
class SearchResult:
    """Places found, nearest first, and where the search was centred."""

    candidates: list[Candidate]
    radius_km: float | None  # the radius finally used; None when the search had no location
    area_known: bool | None = None  # False: the area asked for is not one the provider knows


class Period(NamedTuple):
    """One opening period of a day, local "HH:MM" times; see the module docstring."""

    open: str
    close: str


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening periods, `days[0]` is Monday (as `datetime.weekday()`)."""

    days: tuple[tuple[Period, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != len(WEEKDAYS):
            raise ValueError("opening hours need exactly 7 days")
        for periods in self.days:
            for period in periods:
                _minutes(period.open, allow_end_of_day=False)
                _minutes(period.close, allow_end_of_day=True)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Sequence[Sequence[str]]]) -> OpeningHours:
        """Build from {"mon": [["09:00", "17:30"]], ...}; a missing day is a closed day."""
        unknown = set(data) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"unknown weekday keys: {sorted(unknown)}")
        days = []
        for key in WEEKDAYS:
            periods = []
            for pair in data.get(key, ()):
                if len(pair) != 2:
                    raise ValueError(f"{key}: a period is [open, close]")
                periods.append(Period(str(pair[0]), str(pair[1])))
            days.append(tuple(sorted(periods)))
        return cls(days=tuple(days))

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        """The wire shape: {"mon": [{"open": "09:00", "close": "17:30"}], ..., "sun": []}."""
        return {
            key: [{"open": p.open, "close": p.close} for p in periods]
            for key, periods in zip(WEEKDAYS, self.days, strict=True)
        }


@dataclass(frozen=True)
class PlaceDetails:
    """Everything a call needs about one place."""

    place_id: str
    name: str
    formatted_address: str
    lat: float
    lng: float
    phone_e164: str | None  # None: no usable phone (the API answers NO_PHONE)
    opening_hours: OpeningHours | None  # None: unknown
    timezone: str  # IANA, e.g. "Australia/Brisbane"


class Places(Protocol):
    """A places provider: search by name near somewhere, details by id, geocode an area."""

    name: str  # "bundled" or "google"

    async def search(
        self,
        query: str,
        *,
        area: str | None = None,
        near: LatLng | None = None,
        country: str = "AU",
        radius_km: float | None = None,
    ) -> SearchResult:
        """Places whose name matches `query`, nearest first; raises PlacesUnavailable."""
        ...

    async def details(self, place_id: str) -> PlaceDetails | None:
        """One place, or None for an id the provider does not know; raises PlacesUnavailable."""
        ...

    async def geocode(self, area: str, country: str = "AU") -> GeoPoint | None:
        """The centre of a named area, or None when unknown; raises PlacesUnavailable."""
        ...


# --- Opening hours -------------------------------------------------------------------------


def _minutes(hhmm: str, *, allow_end_of_day: bool) -> int:
    if allow_end_of_day and hhmm == "24:00":
        return MINUTES_PER_DAY
    match = _HHMM.match(hhmm)
    if match is None:
        raise ValueError(f"not an HH:MM time: {hhmm!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def _span(period: Period) -> tuple[int, int]:
    """Minutes after the day's midnight; an overnight close is pushed into the next day."""
    start = _minutes(period.open, allow_end_of_day=False)
    end = _minutes(period.close, allow_end_of_day=True)
    if end <= start:
        end += MINUTES_PER_DAY
    return start, end


def is_open(hours: OpeningHours | None, local: datetime) -> bool | None:
    """Whether the place is open at `local` (its wall-clock time); None when hours are unknown."""
    if hours is None:
        return None
    now = local.hour * 60 + local.minute
    today = local.weekday()
    for start, end in map(_span, hours.days[today]):
        if start <= now < end:
            return True
    for start, end in map(_span, hours.days[(today - 1) % 7]):
        if start <= now + MINUTES_PER_DAY < end:  # yesterday's period running past midnight
            return True
    return False


def next_open(hours: OpeningHours | None, local: datetime) -> datetime | None:
    """`local` itself when open, else the next opening time within a week; None if never/unknown."""
    state = is_open(hours, local)
    if hours is None or state is None:
        return None
    if state:
        return local
    for offset in range(8):
        day: date = local.date() + timedelta(days=offset)
        for period in hours.days[day.weekday()]:
            start = _minutes(period.open, allow_end_of_day=False)
            opening = datetime.combine(day, time(start // 60, start % 60), tzinfo=local.tzinfo)
            if opening > local:
                return opening
    return None


# --- Distance ------------------------------------------------------------------------------


def haversine_meters(a: LatLng, b: LatLng) -> float:
    """Great-circle distance between two points, in metres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlng = math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_METERS * math.asin(math.sqrt(min(1.0, max(0.0, h))))


# --- Names ---------------------------------------------------------------------------------


def normalise_name(text: str) -> str:
    """Lower case without accents or apostrophes, punctuation as spaces ("Nando's" → "nandos")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = re.sub(r"['’`]", "", plain).replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def name_key(text: str) -> str:
    """A spacing- and punctuation-free key without filler words ("The Good Guys" → "goodguys")."""
    words = normalise_name(text).split()
    kept = [word for word in words if word not in _FILLER_WORDS]
    return "".join(kept)


def key_match_score(query_key: str, candidate_key: str) -> float:
    """How well a query key matches a name key, 0.0 (no match) to 1.0 (same name)."""
    if not query_key or not candidate_key:
        return 0.0
    if query_key == candidate_key:
        return MATCH_EXACT
    if len(query_key) >= 2 and candidate_key.startswith(query_key):
        return MATCH_PREFIX
    if len(candidate_key) >= 3 and query_key.startswith(candidate_key):
        return MATCH_EXTENDS
    if len(query_key) >= 4 and query_key in candidate_key:
        return MATCH_CONTAINS
    return 0.0


def name_match_score(query: str, name: str) -> float:
    """`key_match_score` of two free texts ("jb hifi" vs "JB Hi-Fi" → 1.0)."""
    return key_match_score(name_key(query), name_key(name))


def name_matches(query: str, name: str) -> bool:
    """Whether a person asking for `query` could mean the business called `name`."""
    return name_match_score(query, name) >= MATCH_MIN


def radius_steps(radius_km: float | None) -> tuple[float, ...]:
    """Radii to try in turn: the caller's radius alone, or 25 → 50 → 100 km by default."""
    if radius_km is None:
        return DEFAULT_RADIUS_STEPS_KM
    return (radius_km,)
