"""POST /places/search, /places/details, /places/geocode."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from proxycall.api.deps import CurrentUser, Services
from proxycall.api.json_body import SafeJsonRoute
from proxycall.api.schemas import GeocodeRequest, PlaceDetailsRequest, PlaceSearchRequest
from proxycall.core.errors import InvalidRequest, NotFound, ProviderUnavailable
from proxycall.core.places import LatLng, PlacesUnavailable

router = APIRouter(prefix="/places", route_class=SafeJsonRoute)


def _unavailable(exc: PlacesUnavailable) -> ProviderUnavailable:
    return ProviderUnavailable(f"The places service is unavailable: {exc}")


@router.post("/search", summary="Search places")
async def search(body: PlaceSearchRequest, services: Services,
                 _user: CurrentUser) -> dict[str, Any]:
    """Candidates by name near an area or a location, nearest first.

    The radius widens when nothing is near.
    """
    if (body.lat is None) != (body.lng is None):
        raise InvalidRequest("Send both lat and lng, or neither.", details={"field": "lat"})
    near = LatLng(body.lat, body.lng) if body.lat is not None and body.lng is not None else None
    try:
        result = await services.places.search(
            body.query, area=body.area or None, near=near, country=body.country.upper(),
            radius_km=body.radiusKm)
    except PlacesUnavailable as exc:
        raise _unavailable(exc) from exc
    answer: dict[str, Any] = {
        "candidates": [
            {"placeId": c.place_id, "name": c.name, "formattedAddress": c.formatted_address,
             "lat": c.lat, "lng": c.lng, "distanceMeters": c.distance_meters,
             "openNow": c.open_now, "hasPhone": c.has_phone}
            for c in result.candidates
        ],
        "radiusKm": result.radius_km,
    }
    area = (body.area or "").strip()
    if result.area_known is False and area:  # said back, never silently dropped
        answer["areaNotFound"] = area
        answer["message"] = (f"I don't know '{area}' — showing results without it. Share "
                             "your location or try a nearby suburb.")
    return answer


@router.post("/details", summary="A place's details")
async def details(body: PlaceDetailsRequest, services: Services,
                  _user: CurrentUser) -> dict[str, Any]:
    """Name, address, phone (or error NO_PHONE), opening hours and timezone of one place."""
    try:
        place = await services.places.details(body.placeId)
    except PlacesUnavailable as exc:
        raise _unavailable(exc) from exc
    if place is None:
        raise NotFound("No place with that id.")
    answer: dict[str, Any] = {
        "placeId": place.place_id, "name": place.name,
        "formattedAddress": place.formatted_address, "lat": place.lat, "lng": place.lng,
        "phoneE164": place.phone_e164,
        "openingHours": place.opening_hours.to_dict() if place.opening_hours else None,
        "timezone": place.timezone,
    }
    if place.phone_e164 is None:
        answer["error"] = "NO_PHONE"
    return answer


@router.post("/geocode", summary="Where an area is")
async def geocode(body: GeocodeRequest, services: Services, _user: CurrentUser) -> dict[str, Any]:
    """The coordinates of a suburb or area, or 404 when it is not known."""
    try:
        point = await services.places.geocode(body.area, body.country.upper())
    except PlacesUnavailable as exc:
        raise _unavailable(exc) from exc
    if point is None:
        raise NotFound(f"I couldn't find {body.area!r}.")
    return {"lat": point.lat, "lng": point.lng, "formattedAddress": point.formatted_address}
