"""Geography for search: resolving what people type to a point, distances, and the
postcode importer. Nothing in this package logs searched text or coordinates."""

from .distance import bounding_box, distance_km_expression, haversine_km
from .osgb import osgb36_to_wgs84
from .resolve import (
    LocationKind,
    LocationResult,
    PlaceChoice,
    resolve_coordinates,
    resolve_location,
)

__all__ = [
    "LocationKind",
    "LocationResult",
    "PlaceChoice",
    "bounding_box",
    "distance_km_expression",
    "haversine_km",
    "osgb36_to_wgs84",
    "resolve_coordinates",
    "resolve_location",
]
