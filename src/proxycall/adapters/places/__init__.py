"""Places adapters: the bundled offline directory (default) and Google Places API (New)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx

from proxycall.adapters.places.bundled import (
    Area,
    BundledPlace,
    BundledPlaces,
    all_areas,
    all_places,
)
from proxycall.adapters.places.google import GOOGLE_PLACES_BASE_URL, GooglePlaces
from proxycall.core.places import Places

__all__ = [
    "Area",
    "BundledPlace",
    "BundledPlaces",
    "GooglePlaces",
    "all_areas",
    "all_places",
    "create_places",
]


def create_places(
    google_api_key: str | None,
    clock: Callable[[], datetime],
    http_client: httpx.AsyncClient | None = None,
    *,
    google_base_url: str = GOOGLE_PLACES_BASE_URL,
) -> Places:
    """Google Places when a key is set (it needs `http_client`), else the bundled directory."""
    if not google_api_key:
        return BundledPlaces(clock=clock)
    if http_client is None:
        raise ValueError("Google Places needs an httpx.AsyncClient")
    return GooglePlaces(google_api_key, http_client, clock, base_url=google_base_url)
