"""Which IANA timezone an Australian place is in, from what Google Places tells us.

Google gives a place's current `utcOffsetMinutes`, not its timezone name, and an offset alone
cannot tell Brisbane (no daylight saving) from Sydney in winter. So:

1. The state is read from the formatted address ("... Chermside QLD 4032, Australia"); when the
   address names none, a coarse latitude/longitude box per state decides.
2. The state's zone is used when its offset now equals Google's offset.
3. Otherwise (Broken Hill is in NSW but keeps South Australian time; Lord Howe Island; Eucla),
   the state's other zones, then any Australian zone with that offset now. Outside Australia,
   the first zone (by name) with that offset now; "UTC" as a last resort.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

STATE_ZONES: dict[str, str] = {
    "QLD": "Australia/Brisbane",
    "NSW": "Australia/Sydney",
    "ACT": "Australia/Sydney",
    "VIC": "Australia/Melbourne",
    "TAS": "Australia/Hobart",
    "SA": "Australia/Adelaide",
    "NT": "Australia/Darwin",
    "WA": "Australia/Perth",
}
# Zones whose offsets differ from their state's; tried (same state first) when it disagrees.
OTHER_AU_ZONES: dict[str, tuple[str, ...]] = {
    "NSW": ("Australia/Broken_Hill", "Australia/Lord_Howe"),
    "WA": ("Australia/Eucla",),
}
FALLBACK_ZONE = "UTC"
_STATE_IN_ADDRESS = re.compile(r"\b(QLD|NSW|ACT|VIC|TAS|SA|NT|WA)\b(?:\s+\d{4})?(?:,|\s*$)")
_TWEED_LATITUDE = -28.17  # the QLD/NSW border on the coast
_INLAND_BORDER_LATITUDE = -29.0  # the QLD/NSW border inland (approximately)


def state_from_address(address: str) -> str | None:
    """The state abbreviation an Australian formatted address ends with, if any."""
    match = _STATE_IN_ADDRESS.search(address)
    return match.group(1) if match else None


def state_from_point(lat: float, lng: float) -> str | None:
    """A coarse guess of the Australian state at a point; None outside Australia's box."""
    if not (-44.0 <= lat <= -9.0 and 112.0 <= lng <= 154.5):
        return None
    if -35.93 <= lat <= -35.12 and 148.76 <= lng <= 149.40:
        return "ACT"
    if lat < -39.2:
        return "TAS"
    if lng < 129.0:
        return "WA"
    if lng < 138.0:
        return "NT" if lat > -26.0 else "SA"
    if lng < 141.0 and lat <= -26.0:
        return "SA"
    border = _TWEED_LATITUDE if lng >= 152.0 else _INLAND_BORDER_LATITUDE
    if lat > border:
        return "QLD"
    if lat <= -36.0 or (lng < 144.0 and lat <= -34.0):
        return "VIC"
    return "NSW"


def _offset_minutes(zone: str, at_utc: datetime) -> int:
    offset = at_utc.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


@cache
def _all_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def zone_for_place(
    address: str, lat: float, lng: float, utc_offset_minutes: int | None, at_utc: datetime
) -> str:
    """The IANA zone of a place; see the module docstring for the rules."""
    state = state_from_address(address) or state_from_point(lat, lng)
    preferred = STATE_ZONES.get(state) if state else None
    if utc_offset_minutes is None:
        return preferred or FALLBACK_ZONE
    same_state = OTHER_AU_ZONES.get(state or "", ())
    others = [zone for zones in OTHER_AU_ZONES.values() for zone in zones]
    australian = [preferred, *same_state, *STATE_ZONES.values(), *others] if preferred else []
    for zone in australian:
        if _offset_minutes(zone, at_utc) == utc_offset_minutes:
            return zone
    for zone in _all_zones():
        if _offset_minutes(zone, at_utc) == utc_offset_minutes:
            return zone
    return FALLBACK_ZONE
