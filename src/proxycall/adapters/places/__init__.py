"""Places adapters: the bundled offline directory (default) and Google Places API (New)."""

from proxycall.adapters.places.bundled import BundledPlace, BundledPlaces, all_places

__all__ = ["BundledPlace", "BundledPlaces", "all_places"]
