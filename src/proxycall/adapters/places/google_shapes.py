"""Google Places API (New) JSON ↔ our places types: the one table of Google's words.

Google's weekdays run 0 = Sunday … 6 = Saturday; ours run 0 = Monday (`datetime.weekday()`).
A period without `close` means open around the clock. A period longer than a day is split at
midnights ("24:00" closes a day, "00:00" opens the next).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import phonenumbers

from proxycall.adapters.places.timezones import zone_for_place
from proxycall.core.places import (
    MINUTES_PER_DAY,
    WEEKDAYS,
    Candidate,
    GeoPoint,
    LatLng,
    OpeningHours,
    Period,
    PlaceDetails,
    haversine_meters,
)

log = logging.getLogger("proxycall.places.google")
DAYS_PER_WEEK = 7


class UnexpectedShape(ValueError):
    """A Google response is missing a field we asked for, or has the wrong type."""


def _google_to_weekday(day: int) -> int:
    return (day + 6) % DAYS_PER_WEEK


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _point_minutes(point: Mapping[str, Any]) -> tuple[int, int]:
    """(our weekday, minutes after midnight) of a Google period point."""
    day, hour, minute = int(point["day"]), int(point.get("hour", 0)), int(point.get("minute", 0))
    if not (0 <= day < DAYS_PER_WEEK and 0 <= hour < 24 and 0 <= minute < 60):
        raise UnexpectedShape("period point out of range")
    return _google_to_weekday(day), hour * 60 + minute


def hours_from_google(opening: Mapping[str, Any] | None) -> OpeningHours | None:
    """`regularOpeningHours` → OpeningHours; None when absent or without periods."""
    periods = (opening or {}).get("periods") or []
    if not periods:
        return None
    days: list[list[Period]] = [[] for _ in WEEKDAYS]
    for period in periods:
        if "close" not in period:  # Google: open 24 hours, every day
            return OpeningHours(days=tuple((Period("00:00", "00:00"),) for _ in WEEKDAYS))
        open_day, open_at = _point_minutes(period["open"])
        close_day, close_at = _point_minutes(period["close"])
        span_days = (close_day - open_day) % DAYS_PER_WEEK
        if span_days == 0 or (span_days == 1 and close_at <= open_at):
            days[open_day].append(Period(_hhmm(open_at), _hhmm(close_at)))
            continue
        days[open_day].append(Period(_hhmm(open_at), "24:00"))
        for offset in range(1, span_days):
            days[(open_day + offset) % DAYS_PER_WEEK].append(Period("00:00", "24:00"))
        if close_at > 0:
            days[close_day].append(Period("00:00", _hhmm(close_at)))
    return OpeningHours(days=tuple(tuple(sorted(day)) for day in days))


def hours_to_google(hours: OpeningHours) -> list[dict[str, Any]]:
    """OpeningHours → Google `periods` (used by the fake, the inverse of `hours_from_google`)."""
    if all(day == (Period("00:00", "00:00"),) for day in hours.days):
        return [{"open": {"day": 0, "hour": 0, "minute": 0}}]
    periods: list[dict[str, Any]] = []
    for weekday, day in enumerate(hours.days):
        google_day = (weekday + 1) % DAYS_PER_WEEK
        for period in day:
            start = int(period.open[:2]) * 60 + int(period.open[3:])
            end = (
                MINUTES_PER_DAY
                if period.close == "24:00"
                else int(period.close[:2]) * 60 + int(period.close[3:])
            )
            close_day = google_day if end > start and end < MINUTES_PER_DAY else google_day + 1
            end %= MINUTES_PER_DAY
            periods.append(
                {
                    "open": {"day": google_day, "hour": start // 60, "minute": start % 60},
                    "close": {
                        "day": close_day % DAYS_PER_WEEK,
                        "hour": end // 60,
                        "minute": end % 60,
                    },
                }
            )
    return sorted(periods, key=lambda p: (p["open"]["day"], p["open"]["hour"], p["open"]["minute"]))


def phone_from_google(place: Mapping[str, Any], region: str) -> str | None:
    """E.164 from `internationalPhoneNumber`, else `nationalPhoneNumber`; None if not usable."""
    for field, parse_region in (
        ("internationalPhoneNumber", None),
        ("nationalPhoneNumber", region),
    ):
        text = place.get(field)
        if not isinstance(text, str) or not text.strip():
            continue
        try:
            number = phonenumbers.parse(text, parse_region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _location(place: Mapping[str, Any]) -> tuple[float, float]:
    location = place.get("location")
    if not isinstance(location, Mapping):
        raise UnexpectedShape("place without location")
    return float(location["latitude"]), float(location["longitude"])


def _display_name(place: Mapping[str, Any]) -> str:
    name = place.get("displayName")
    if isinstance(name, Mapping) and isinstance(name.get("text"), str):
        return str(name["text"])
    raise UnexpectedShape("place without displayName.text")


def candidate_from_google(place: Mapping[str, Any], centre: LatLng | None) -> Candidate:
    """One `places[]` entry of searchText → Candidate (distance from `centre` when known)."""
    lat, lng = _location(place)
    distance = haversine_meters(centre, LatLng(lat, lng)) if centre is not None else None
    open_now = (place.get("currentOpeningHours") or {}).get("openNow")
    return Candidate(
        place_id=str(place["id"]),
        name=_display_name(place),
        formatted_address=str(place.get("formattedAddress", "")),
        lat=lat,
        lng=lng,
        distance_meters=round(distance) if distance is not None else None,
        open_now=open_now if isinstance(open_now, bool) else None,
    )


def geopoint_from_google(place: Mapping[str, Any]) -> GeoPoint:
    """The first searchText result for an area → its centre and address."""
    lat, lng = _location(place)
    return GeoPoint(lat=lat, lng=lng, formatted_address=str(place.get("formattedAddress", "")))


def details_from_google(place: Mapping[str, Any], region: str, now_utc: datetime) -> PlaceDetails:
    """A place details response → PlaceDetails (hours dropped, with a log line, if malformed)."""
    lat, lng = _location(place)
    address = str(place.get("formattedAddress", ""))
    try:
        hours = hours_from_google(place.get("regularOpeningHours"))
    except (KeyError, TypeError, ValueError):
        log.warning("places_google_hours_unreadable")
        hours = None
    offset = place.get("utcOffsetMinutes")
    return PlaceDetails(
        place_id=str(place["id"]),
        name=_display_name(place),
        formatted_address=address,
        lat=lat,
        lng=lng,
        phone_e164=phone_from_google(place, region),
        opening_hours=hours,
        timezone=zone_for_place(
            address, lat, lng, int(offset) if isinstance(offset, int) else None, now_utc
        ),
    )
