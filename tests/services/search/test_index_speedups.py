"""The index's shortcuts give what the plain way gives: the nearest in-person support found
by looking in growing distances is the one a search at the largest distance lists first,
whatever the ties, and distances measured only for the services still in the running are
each service's distance to its nearest location."""

import datetime
import math
from dataclasses import replace

import numpy as np
import pytest
from django.utils import timezone

from services.geo.distance import KM_PER_DEGREE_LATITUDE, bounding_box, haversine_km
from services.models import ServiceType
from services.nearest import nearest_in_person
from services.search import live
from services.search.filterset import MAX_RADIUS_KM, ServiceFilterSet
from services.search.index import Nearby, Reach, _haversine_km, search
from tests.helpers import located

pytestmark = pytest.mark.django_db

KIRKWALL = (58.98100, -2.96000)


def south(km: float) -> tuple[float, float]:
    return KIRKWALL[0] - km / KM_PER_DEGREE_LATITUDE, KIRKWALL[1]


def near_kirkwall(radius_km: float = 2, **params) -> ServiceFilterSet:
    return ServiceFilterSet(
        {"lat": KIRKWALL[0], "lon": KIRKWALL[1], "radius_km": radius_km, **params}
    )


def first_local_result_at_the_largest_distance(filterset: ServiceFilterSet):
    """The plain way: the whole search at MAX_RADIUS_KM sorted by distance, and the nearest
    of its results outside the national/online group (the first listed of equals)."""
    point = filterset.point
    assert point is not None
    criteria = replace(
        filterset.criteria,
        point=(*point, MAX_RADIUS_KM),
        sort="distance",
        facet_relations=(),
    )
    hits = search(live.current(), criteria)
    distance = hits.distance
    assert distance is not None
    local = [n for n in range(hits.total) if not hits.in_group[n]]
    if not local:
        return None
    first = min(local, key=lambda n: (distance[n], n))
    return hits.ids[first]


def test_nearest_support_several_doublings_beyond_the_searched_distance_is_found():
    chosen = ServiceType.objects.get(slug="drop-in")
    located(point=KIRKWALL, name="National line", is_national=True, types=[chosen])
    located(point=south(5), name="Other kind of group")
    located(point=south(37), name="Drop-in far off", types=[chosen])
    filterset = near_kirkwall(2, type="drop-in")

    nearest = nearest_in_person(filterset)

    assert nearest.service.name == "Drop-in far off"
    assert nearest.distance_km == pytest.approx(37, abs=0.01)
    assert nearest.radius_km == math.ceil(nearest.distance_km)
    assert nearest.service.pk == first_local_result_at_the_largest_distance(filterset)


def test_a_tie_in_distance_goes_to_the_fresh_listing_then_to_the_first_name():
    checked = timezone.now() - datetime.timedelta(days=1)
    located(point=south(30), name="Alpha, never checked")
    located(point=south(30), name="Charlie", last_checked_at=checked)
    located(point=south(30), name="Bravo", last_checked_at=checked)
    filterset = near_kirkwall(5)

    nearest = nearest_in_person(filterset)

    assert nearest.service.name == "Bravo"
    assert nearest.service.pk == first_local_result_at_the_largest_distance(filterset)


def test_an_overdue_listing_nearer_than_a_fresh_one_is_the_nearest():
    checked = timezone.now() - datetime.timedelta(days=1)
    located(point=south(20), name="Overdue but nearer")
    located(point=south(21), name="Fresh", last_checked_at=checked)

    assert nearest_in_person(near_kirkwall(5)).service.name == "Overdue but nearer"


def test_nothing_within_the_largest_distance_means_no_nearest_support():
    located(point=south(MAX_RADIUS_KM + 5), name="Too far")
    located(name="Phone only", point=KIRKWALL, is_national=True)
    filterset = near_kirkwall(2)

    assert nearest_in_person(filterset) is None
    assert first_local_result_at_the_largest_distance(filterset) is None


def test_a_result_is_as_far_as_its_nearest_location_within_the_distance():
    two_places = located(point=south(8), name="Two places")
    located(two_places, point=south(3))
    one_place = located(point=south(4), name="One place")
    located(point=south(12), name="Out of reach")

    hits = near_kirkwall(10).hits

    assert hits.ids == [two_places.pk, one_place.pk]
    assert hits.distance.tolist() == pytest.approx(
        [haversine_km(*KIRKWALL, *south(3)), haversine_km(*KIRKWALL, *south(4))]
    )


@pytest.mark.parametrize("size", [10_000, 40])
def test_the_nearest_location_per_service_is_the_same_sorted_or_in_one_slot_each(size):
    owners = np.array([7, 3, 7, 0, 3, 7, 39], dtype=np.int32)
    distances = np.array([5.0, 2.5, 1.5, 9.0, 2.5, 3.0, 0.0])

    nearby = Nearby.of(owners, distances, size)

    assert nearby.positions.tolist() == [0, 3, 7, 39]
    assert nearby.km.tolist() == [9.0, 2.5, 1.5, 0.0]
    assert nearby.km_of(np.array([0, 7, 39])).tolist() == [9.0, 1.5, 0.0]
    assert np.isnan(nearby.km_of(np.array([1, 38]))).all()


def test_locations_told_apart_cheaply_are_where_the_exact_formula_puts_them():
    rng = np.random.default_rng(2026)
    for km in (0.001, 0.05, 1, 2, 5, 10, 25, 50, 100, 200, 137.5):
        lat, lon = rng.uniform(54.5, 61), rng.uniform(-8, -0.5)
        box = bounding_box(lat, lon, km)
        lats = rng.uniform(box.min_lat, box.max_lat, 4000)
        lons = rng.uniform(box.min_lon, box.max_lon, 4000)
        # A quarter of them on the edge itself, in every direction.
        bearing = rng.uniform(0, 2 * math.pi, 1000)
        lats[:1000] = lat + km * np.cos(bearing) / KM_PER_DEGREE_LATITUDE
        lons[:1000] = lon + km * np.sin(bearing) / (
            KM_PER_DEGREE_LATITUDE * np.cos(np.radians(lats[:1000]))
        )

        reach = Reach.of(lat, lon, km, box, lats, lons, np.arange(len(lats)))

        exact = _haversine_km(lat, lon, lats, lons)  # as a search then works them out
        assert exact.tolist() == pytest.approx(
            [haversine_km(lat, lon, *point) for point in zip(lats, lons, strict=True)],
            rel=1e-9,
            abs=1e-9,
        )
        within = exact <= km
        assert not (reach.sure & ~within).any(), km
        assert not (within & ~reach.sure & ~reach.unsure).any(), km
        assert reach.near(len(lats)).tolist() == within.tolist()
        assert reach.unsure.mean() < 0.3  # the cheap test decides most of them


def test_facet_counts_asked_after_a_change_are_those_of_the_results_shown():
    drop_in = ServiceType.objects.get(slug="drop-in")
    located(point=south(1), name="Walking group")
    changing = located(point=south(2), name="Changing group")
    filterset = near_kirkwall(5)
    assert len(filterset.hits.ids) == 2

    changing.types.add(drop_in)  # seen by the next search, not by this one's counts
    counts = {option.slug: option.count for option in filterset.facets()["type"]}

    assert counts["drop-in"] == 0
    assert counts["peer-support-group"] == 2
    next_counts = {option.slug: option.count for option in near_kirkwall(5).facets()["type"]}
    assert next_counts["drop-in"] == 1


def test_the_nearest_found_from_the_cheap_bounds_is_the_nearest_by_the_exact_formula():
    rng = np.random.default_rng(11)
    for km in (0.05, 2, 50, 200):
        lat, lon = rng.uniform(55, 60), rng.uniform(-7, -1)
        box = bounding_box(lat, lon, km)
        lats = rng.uniform(box.min_lat, box.max_lat, 3000)
        lons = rng.uniform(box.min_lon, box.max_lon, 3000)
        lats[:20], lons[:20] = lats[20:40], lons[20:40]  # services at the same places: ties
        lats[40:42], lons[40:42] = lat + km / 500 / KM_PER_DEGREE_LATITUDE, lon  # the nearest
        owners = rng.integers(0, 600, 3000)
        owners[40:42] = 7, 3
        wanted = rng.random(600) < 0.3
        wanted[[3, 7]] = True
        exact = _haversine_km(lat, lon, lats, lons)
        counted = (exact <= km) & wanted[owners]
        nearest = exact[counted].min()

        found = Reach.of(lat, lon, km, box, lats, lons, owners).nearest(600, wanted)

        assert found.km.min() == nearest
        assert found.positions[found.km == nearest].tolist() == [3, 7]
