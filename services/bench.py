"""`make bench`: load a large synthetic directory and print server-side timings.

Timings are measured in-process with Django's test client (server time: URL routing, views,
queries and template rendering, without network), so they are repeatable on one machine.
Bench rows belong to organisations whose names start with "Bench" and are reused between runs.
"""

import datetime
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from django.db import connection, transaction
from django.db.models import ManyToManyField, Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recovery_directory.runtime import collect_between_requests
from services.geo.places import load_places
from services.models import (
    AccessRoute,
    Area,
    Audience,
    DeliveryMode,
    LivedExperienceInvolvement,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceType,
)

BENCH_PREFIX = "Bench"
SERVICES_PER_ORGANISATION = 50
BATCH = 2000


@dataclass(frozen=True)
class Timing:
    label: str
    p50_ms: float
    p95_ms: float
    queries: int


def _batched(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _through_rows(field, services: list[Service], rng: random.Random, choices, k: int) -> list:
    through = field.remote_field.through
    source = field.m2m_column_name()
    target = field.m2m_reverse_name()
    rows = []
    for service in services:
        for value in rng.sample(choices, k=rng.randint(1, k)):
            rows.append(through(**{source: service.pk, target: value}))
    return rows


def _make_organisations(count: int) -> list[Organisation]:
    organisations = [
        Organisation(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"bench-org-{n}"),
            name=f"{BENCH_PREFIX} Organisation {n}",
            slug=f"bench-organisation-{n}",
        )
        for n in range(count)
    ]
    Organisation.objects.bulk_create(organisations, batch_size=BATCH)
    return organisations


def _make_locations(organisations, count: int, rng: random.Random) -> list[Location]:
    places = [p for p in load_places() if p.is_fully_known]
    areas = {a.slug: a.pk for a in Area.objects.council_areas()}
    locations = []
    for n in range(count):
        place = places[n % len(places)]
        locations.append(
            Location(
                id=uuid.uuid5(uuid.NAMESPACE_URL, f"bench-location-{n}"),
                organisation=organisations[n % len(organisations)],
                name=f"{place.name} venue {n}",
                address_1=f"{n % 200 + 1} Main Street",
                town=place.name,
                postcode=f"{place.postcode_district} 1AA",
                latitude=place.latitude + rng.uniform(-0.03, 0.03),
                longitude=place.longitude + rng.uniform(-0.05, 0.05),
                council_area_id=areas[place.council_area],
            )
        )
    for batch in _batched(locations):
        Location.objects.bulk_create(batch)
    return locations


def _make_services(organisations, count: int, rng: random.Random) -> list[Service]:
    services = []
    for n in range(count):
        services.append(
            Service(
                id=uuid.uuid5(uuid.NAMESPACE_URL, f"bench-service-{n}"),
                organisation=organisations[n // SERVICES_PER_ORGANISATION],
                name=f"{BENCH_PREFIX} {rng.choice(['peer', 'recovery', 'wellbeing'])} group {n}",
                slug=f"bench-service-{n}",
                summary="A weekly group for people looking after their mental health.",
                description="People with lived experience meet, talk and support each other.",
                is_national=n % 500 == 0,
                last_checked_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
                - datetime.timedelta(days=n % 500),
            )
        )
    for batch in _batched(services):
        Service.objects.bulk_create(batch)
    return services


def _link(services, locations, rng: random.Random) -> None:
    links, schedules = [], []
    for n, location in enumerate(locations):
        service = services[n % len(services)]
        links.append(ServiceAtLocation(service=service, location=location))
        opens, closes = rng.choice([(10, 12), (13, 15), (18, 20)])
        schedules.append(
            Schedule(
                service=service,
                location=location,
                weekday=rng.randrange(7),
                opens_at=datetime.time(opens),
                closes_at=datetime.time(closes),
            )
        )
    for model, rows in ((ServiceAtLocation, links), (Schedule, schedules)):
        for batch in _batched(rows):
            model.objects.bulk_create(batch, ignore_conflicts=True)


def _classify(services, rng: random.Random) -> None:
    plan: list[tuple[ManyToManyField, list, int]] = [
        (Service.types.field, list(ServiceType.objects.values_list("pk", flat=True)), 2),
        (Service.access_routes.field, list(AccessRoute.objects.values_list("pk", flat=True)), 2),
        (
            Service.lived_experience.field,
            list(LivedExperienceInvolvement.objects.values_list("pk", flat=True)),
            1,
        ),
        (Service.delivery_modes.field, list(DeliveryMode.objects.values_list("pk", flat=True)), 2),
        (Service.audiences.field, list(Audience.objects.values_list("pk", flat=True)), 1),
    ]
    for field, choices, k in plan:
        for batch in _batched(services):
            rows = _through_rows(field, batch, rng, choices, k)
            through = cast(type[Model], field.remote_field.through)
            through._default_manager.bulk_create(rows, ignore_conflicts=True)


def load(services: int, locations: int, out: Callable[[str], None]) -> None:
    existing = Service.objects.filter(organisation__name__startswith=BENCH_PREFIX).count()
    if existing >= services:
        out(f"Reusing {existing} bench services already in the database.")
        return
    Organisation.objects.filter(name__startswith=BENCH_PREFIX).delete()
    rng = random.Random(2026)
    started = time.perf_counter()
    with transaction.atomic():
        organisations = _make_organisations(-(-services // SERVICES_PER_ORGANISATION))
        created_locations = _make_locations(organisations, locations, rng)
        created_services = _make_services(organisations, services, rng)
        _link(created_services, created_locations, rng)
        _classify(created_services, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    out(
        f"Loaded {services} services and {locations} locations "
        f"in {time.perf_counter() - started:.0f} s."
    )


def measure(label: str, url: str, repeat: int) -> Timing:
    client = Client()
    client.get(url)  # warm caches and connections
    durations, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
        collect_between_requests()  # untimed: gunicorn's post_request hook does this
        if response.status_code != 200:
            raise RuntimeError(f"{label}: {url} answered {response.status_code}")
        queries = len(captured)
    durations.sort()
    p95 = durations[min(len(durations) - 1, int(len(durations) * 0.95))]
    return Timing(label, statistics.median(durations), p95, queries)


def pages() -> list[tuple[str, str]]:
    service = Service.objects.filter(slug="bench-service-1").first()
    results = (
        "/search/?near=Paisley&radius_km=25&type=peer-support-group&type=drop-in"
        "&access_route=self-referral&delivery=in-person"
    )
    listed = [
        ("home", reverse("services:home")),
        ("results: near + 3 filters + facets", results),
        # Keywords: one word in a third of the services, in all of them, with a place, misspelt.
        ("keyword: q=recovery (a third)", "/search/?q=recovery"),
        ("keyword: q=group (every service)", "/search/?q=group"),
        ("keyword + place: q=recovery&near=Glasgow", "/search/?q=recovery&near=Glasgow"),
        ("keyword misspelt: q=recovry", "/search/?q=recovry"),
    ]
    if service:
        listed.append(("service page", service.get_absolute_url()))
    listed.append(
        (
            "API /api/v1/services/ near + 3 filters",
            "/api/v1/" + results[1:].replace("search/", "services/", 1),
        )
    )
    return listed
