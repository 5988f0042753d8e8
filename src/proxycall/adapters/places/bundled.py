"""The bundled places directory: Australian businesses shipped with the package, offline.

Every phone number in `data/directory.json` is from the ACMA ranges reserved for fiction, so
nothing found here rings a real business. The file is read and indexed once, at construction.

Search: names are matched forgivingly (`core.places.key_match_score` over the place's name, brand,
aliases and "brand suburb"; a category such as "dentist" matches too). Exact name matches come
first ("JB Hi-Fi Chermside" puts that store before other JB Hi-Fis), then the nearest. A named
`area` that geocodes wins over `near` (the person said where); an area that does not geocode
falls back to `near`; with no location at all, matches come by name with no distance.
The radius widens 25 → 50 → 100 km while nothing matches within it; a caller's `radius_km` is
used alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from proxycall.core.places import (
    MATCH_EXACT,
    MATCH_MIN,
    MAX_CANDIDATES,
    Candidate,
    GeoPoint,
    LatLng,
    OpeningHours,
    PlaceDetails,
    SearchResult,
    haversine_meters,
    is_open,
    key_match_score,
    name_key,
    normalise_name,
    radius_steps,
)

DIRECTORY_FILE = "directory.json"
SUPPORTED_COUNTRY = "AU"
# Words in an area name that say nothing about which suburb it is ("Chermside QLD 4032"),
# except that a state rules out a same-named suburb elsewhere (Richmond VIC, Richmond NSW).
_STATE_WORDS = {
    "qld": "QLD", "queensland": "QLD", "nsw": "NSW", "vic": "VIC", "victoria": "VIC",
    "act": "ACT", "tas": "TAS", "tasmania": "TAS", "sa": "SA", "wa": "WA", "nt": "NT",
}  # fmt: skip
_COUNTRY_WORDS = frozenset({"australia", "au"})


@dataclass(frozen=True)
class Area:
    """A suburb or city the directory can geocode."""

    name: str
    state: str
    lat: float
    lng: float
    formatted_address: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class BundledPlace:
    """One directory entry, as other components (the telephony simulator) may read it."""

    details: PlaceDetails
    brand: str
    aliases: tuple[str, ...]
    categories: tuple[str, ...]
    suburb: str
    state: str


@dataclass(frozen=True)
class _Indexed:
    place: BundledPlace
    name_keys: tuple[str, ...]
    category_keys: frozenset[str]
    point: LatLng


def _place_from_row(row: dict[str, Any]) -> BundledPlace:
    hours = row.get("hours")
    details = PlaceDetails(
        place_id=row["id"],
        name=row["name"],
        formatted_address=row["address"],
        lat=float(row["lat"]),
        lng=float(row["lng"]),
        phone_e164=row.get("phone") or None,
        opening_hours=OpeningHours.from_mapping(hours) if hours is not None else None,
        timezone=row["timezone"],
    )
    return BundledPlace(
        details=details,
        brand=row["brand"],
        aliases=tuple(row.get("aliases", ())),
        categories=tuple(row.get("categories", ())),
        suburb=row["suburb"],
        state=row["state"],
    )


@cache
def _load() -> tuple[tuple[BundledPlace, ...], tuple[Area, ...]]:
    """Parse the shipped directory once per process; it is immutable."""
    text = resources.files(__package__).joinpath("data", DIRECTORY_FILE).read_text("utf-8")
    raw = json.loads(text)
    places = tuple(_place_from_row(row) for row in raw["places"])
    areas = tuple(
        Area(
            name=row["name"],
            state=row["state"],
            lat=float(row["lat"]),
            lng=float(row["lng"]),
            formatted_address=row["formattedAddress"],
            aliases=tuple(row.get("aliases", ())),
        )
        for row in raw["areas"]
    )
    return places, areas


def all_places() -> tuple[BundledPlace, ...]:
    """Every place in the bundled directory (the simulator maps their numbers to callees)."""
    return _load()[0]


def all_areas() -> tuple[Area, ...]:
    """Every suburb and city the bundled directory can geocode."""
    return _load()[1]


def _name_keys(place: BundledPlace) -> tuple[str, ...]:
    names: list[str] = [place.details.name, place.brand, *place.aliases]
    names += [f"{name} {place.suburb}" for name in (place.brand, *place.aliases)]
    return tuple(dict.fromkeys(key for key in map(name_key, names) if key))


class BundledPlaces:
    """The `Places` port over the bundled directory; `clock` gives the UTC time for open_now."""

    name = "bundled"

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        places, areas = _load()
        self._index = tuple(
            _Indexed(
                place=place,
                name_keys=_name_keys(place),
                category_keys=frozenset(name_key(c) for c in place.categories),
                point=LatLng(place.details.lat, place.details.lng),
            )
            for place in places
        )
        self._by_id = {place.details.place_id: place for place in places}
        self._areas: dict[str, Area] = {}
        for area in areas:
            for label in (area.name, *area.aliases):
                self._areas.setdefault(normalise_name(label), area)
        self._zones: dict[str, ZoneInfo] = {}

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
        return self.search_now(query, area=area, near=near, country=country, radius_km=radius_km)

    def search_now(
        self,
        query: str,
        *,
        area: str | None = None,
        near: LatLng | None = None,
        country: str = "AU",
        radius_km: float | None = None,
    ) -> SearchResult:
        """The synchronous body of `search` (no I/O); handy for benchmarks and the simulator."""
        if country.upper() != SUPPORTED_COUNTRY:
            return SearchResult(candidates=[], radius_km=None)
        matches = self._matches(query)
        centre = self._centre(area, near)
        known = None if not area else self._find_area(area) is not None
        now = self._clock()
        if centre is None:
            ordered = sorted(matches, key=lambda m: (not m[0], m[1].place.details.name.lower()))
            picked = [self._candidate(item, None, now) for _, item in ordered[:MAX_CANDIDATES]]
            return SearchResult(candidates=picked, radius_km=None, area_known=known)
        measured = sorted(
            ((haversine_meters(centre, item.point), exact, item) for exact, item in matches),
            key=lambda m: (not m[1], m[0], m[2].place.details.name),
        )
        steps = radius_steps(radius_km)
        for step in steps:
            within = [(d, item) for d, _, item in measured if d <= step * 1000.0]
            if within:
                picked = [self._candidate(item, d, now) for d, item in within[:MAX_CANDIDATES]]
                return SearchResult(candidates=picked, radius_km=step, area_known=known)
        return SearchResult(candidates=[], radius_km=steps[-1], area_known=known)

    async def details(self, place_id: str) -> PlaceDetails | None:
        """The place with this id, or None when the directory has no such id."""
        place = self._by_id.get(place_id)
        return place.details if place is not None else None

    async def geocode(self, area: str, country: str = "AU") -> GeoPoint | None:
        """The centre of a suburb or city in the directory, or None."""
        if country.upper() != SUPPORTED_COUNTRY:
            return None
        found = self._find_area(area)
        if found is None:
            return None
        return GeoPoint(lat=found.lat, lng=found.lng, formatted_address=found.formatted_address)

    def _matches(self, query: str) -> list[tuple[bool, _Indexed]]:
        """Entries matching the query, each with whether it matched a name exactly."""
        query_key = name_key(query)
        if not query_key:
            return []
        found: list[tuple[bool, _Indexed]] = []
        for item in self._index:
            score = max(key_match_score(query_key, key) for key in item.name_keys)
            if score < MATCH_MIN and query_key in item.category_keys:
                score = MATCH_MIN
            if score >= MATCH_MIN:
                found.append((score == MATCH_EXACT, item))
        return found

    def _centre(self, area: str | None, near: LatLng | None) -> LatLng | None:
        found = self._find_area(area) if area else None
        if found is not None:
            return LatLng(found.lat, found.lng)
        return near

    def _find_area(self, text: str) -> Area | None:
        """Exact name or alias, ignoring states, postcodes and "Australia"; then each comma part."""
        for words, state in _area_readings(text):
            found = self._areas.get(words)
            if found is not None and state in (None, found.state):
                return found
        return None

    def _candidate(self, item: _Indexed, distance: float | None, now: datetime) -> Candidate:
        details = item.place.details
        local = now.astimezone(self._zone(details.timezone))
        return Candidate(
            place_id=details.place_id,
            name=details.name,
            formatted_address=details.formatted_address,
            lat=details.lat,
            lng=details.lng,
            distance_meters=round(distance) if distance is not None else None,
            open_now=is_open(details.opening_hours, local),
            has_phone=details.phone_e164 is not None,
        )

    def _zone(self, name: str) -> ZoneInfo:
        zone = self._zones.get(name)
        if zone is None:
            zone = self._zones[name] = ZoneInfo(name)
        return zone


def _area_readings(text: str) -> Iterable[tuple[str, str | None]]:
    """Readings of an area name as (words, state), whole text first, then each comma part.

    "Chermside, QLD 4032" → ("chermside", "QLD"), with the state read from the whole text.
    """
    all_words = normalise_name(text).split()
    state = next((_STATE_WORDS[w] for w in all_words if w in _STATE_WORDS), None)
    for part in [text, *text.split(",")]:
        words = [
            w
            for w in normalise_name(part).split()
            if w not in _STATE_WORDS and w not in _COUNTRY_WORDS and not w.isdigit()
        ]
        if words:
            yield " ".join(words), state
