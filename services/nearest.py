"""The nearest in-person support, for a search near a place that found none within its
distance: so the page can say where it is and offer the distance that reaches it.

It is the same search (same filters, from the same in-memory index) run again at the
largest distance allowed, taking the nearest result outside the national/online group."""

import dataclasses
import math
import uuid

import numpy as np

from services.geo.distance import haversine_km
from services.models import Location, Service
from services.search import index as search_engine
from services.search import live as search_index
from services.search.filterset import MAX_RADIUS_KM, MIN_RADIUS_KM, ServiceFilterSet, Sort


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
    lat, lon = _searched_point(filterset)
    criteria = dataclasses.replace(
        filterset.criteria,
        point=(lat, lon, MAX_RADIUS_KM),
        sort=Sort.DISTANCE,
        facet_relations=(),
    )
    hits = search_engine.search(search_index.current(), criteria)
    if hits.distance is None:
        return None
    local = np.where(hits.in_group, np.nan, hits.distance)
    if np.isnan(local).all():
        return None
    first = int(np.nanargmin(local))
    return uuid.UUID(int=hits.index.ids[hits.order[first]]), float(local[first])


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
