"""Small helpers shared by several test files: places, services placed on the map, and the
names read off a results page, and free loopback ports for tests that start servers."""

import re
import socket

import pytest

from services.geo.distance import KM_PER_DEGREE_LATITUDE
from services.models import AccessibilityFeature, Area, Service
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

PAISLEY = (55.8456, -4.4239)
KIRKCALDY = (56.1168, -3.1600)  # about 85 km from Paisley


def north_of(km: float, point: tuple[float, float] = PAISLEY) -> tuple[float, float]:
    return point[0] + km / KM_PER_DEGREE_LATITUDE, point[1]


def located(
    service: Service | None = None,
    point: tuple[float, float] = PAISLEY,
    council: str = "renfrewshire",
    accessibility: tuple[str, ...] = (),
    **service_fields,
) -> Service:
    """`service` (or a new one made from `service_fields`) with one more location, at `point`
    in `council`, with the given accessibility features."""
    service = service or ServiceFactory.create(**service_fields)
    location = LocationFactory.create(
        organisation=service.organisation,
        latitude=point[0],
        longitude=point[1],
        council_area=Area.objects.get(slug=council),
    )
    if accessibility:
        location.accessibility.set(AccessibilityFeature.objects.filter(slug__in=accessibility))
    ServiceAtLocationFactory(service=service, location=location)
    return service


def result_names(html: str) -> list[str]:
    """The service names listed on a results page, in order."""
    return re.findall(
        r'<a class="ds_search-result__link" href="/services/[^"]+/">([^<]+)</a>', html
    )


def free_port(first: int, last: int) -> int:
    """The first port in first..last that nothing on loopback listens on (the test is
    skipped when there is none): each server test has its own range."""
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {first}-{last}")
