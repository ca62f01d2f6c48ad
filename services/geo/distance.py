"""Great-circle distances, in Python and as SQL expressions that run on SQLite and PostgreSQL.

Django registers its own SIN/COS/ASIN/SQRT/RADIANS/POWER functions on SQLite connections, so
the same expression works on both databases."""

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(lat: float, lon: float, km: float) -> BoundingBox:
    """A box that contains every point within `km` of (lat, lon), with a small margin.
    Good for an indexed prefilter; the exact distance is checked afterwards."""
    d_lat = km / KM_PER_DEGREE_LATITUDE * 1.01
    # Longitude degrees shrink towards the poles: use the widest latitude in the box.
    widest = min(89.0, abs(lat) + d_lat)
    d_lon = min(180.0, d_lat / math.cos(math.radians(widest)))
    return BoundingBox(lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon)


def distance_km_expression(lat: float, lon: float, lat_field: str, lon_field: str) -> Combinable:
    """SQL haversine distance in km from (lat, lon) to the row's (lat_field, lon_field)."""
    phi1 = Value(math.radians(lat), output_field=FloatField())
    lam1 = Value(math.radians(lon), output_field=FloatField())
    phi2, lam2 = Radians(F(lat_field)), Radians(F(lon_field))
    h = Power(Sin((phi2 - phi1) / 2), 2) + Cos(phi1) * Cos(phi2) * Power(Sin((lam2 - lam1) / 2), 2)
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(Sqrt(h))
