"""The nearest in-person support, for a search near a place that found none within its
distance: so the page can say where it is and offer the distance that reaches it.

It is what the same search (same filters, from the same in-memory index) run again at the
largest distance allowed would list first outside the national/online group, sorted by
distance (`services.search.index.nearest_local`, which looks no farther than it must)."""

import dataclasses
import math
import uuid

from services.geo.distance import haversine_km
from services.models import Location, Service
from services.search import index as search_engine
from services.search import live as search_index
from services.search.filterset import MAX_RADIUS_KM, MIN_RADIUS_KM, ServiceFilterSet


@dataclasses.dataclass(frozen=True)
class NearestSupport:
    service: Service
    location: Location  # its location nearest the searched place
    distance_km: float  # as the crow flies
    radius_km: int  # the smallest whole number of km (within the allowed range) reaching it


def _searched_point(filterset: ServiceFilterSet) -> tuple[float, float]:
    point = filterset.point
    assert point is not None, "a grouped search, the only kind asked, has a point"
    return point


def _nearest_id(filterset: ServiceFilterSet) -> tuple[uuid.UUID, float] | None:
    index = search_index.current()
    found = search_engine.nearest_local(index, filterset.criteria, MAX_RADIUS_KM)
    if found is None:
        return None
    position, distance = found
    return uuid.UUID(int=index.ids[position]), distance


def nearest_in_person(filterset: ServiceFilterSet) -> NearestSupport | None:
    """The nearest service with a place to go to that matches the rest of the search, up to
    MAX_RADIUS_KM from the searched place; None if there is none or no place was searched."""
    if not filterset.is_grouped:
        return None
    found = _nearest_id(filterset)
    if found is None:
        return None
    pk, distance = found
    service = (
        Service.objects.published()
        .select_related("organisation")
        .prefetch_related("locations")
        .filter(pk=pk)
        .first()
    )
    if service is None:  # unpublished since the index was checked, moments ago
        return None
    lat, lon = _searched_point(filterset)
    location = min(
        service.locations.all(),
        key=lambda loc: haversine_km(lat, lon, loc.latitude, loc.longitude),
        default=None,
    )
    if location is None:
        return None
    radius = min(MAX_RADIUS_KM, max(MIN_RADIUS_KM, math.ceil(distance)))
    return NearestSupport(service, location, distance, radius)
