"""The filters that stay in SQL: area, accessibility (in the FilterSet), day and open now;
distance for email alerts (`ServiceQuerySet.near`); the stale flag for organisation pages;
facet options. Everything else a search does is in the index (`services.search.index`)."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, models
from django.db.models import (
    BinaryField,
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Subquery,
    When,
)
from django.utils import timezone

from services.geo.distance import bounding_box, distance_km_expression
from services.models.vocabularies import Vocabulary
from services.search.packed import KEY
from services.vocabulary_loader import registry

LONDON = ZoneInfo("Europe/London")


# The matches of the SQL filters, for the index ------------------------------------------


def raw_keys(queryset: models.QuerySet) -> np.ndarray:
    """The primary keys (UUIDs) of `queryset` as the index holds them, 16 bytes each
    (`services.search.packed.Ids`), read as bytes (PostgreSQL) or hex digits (SQLite)
    rather than as a UUID object a row: a filter held in SQL can match most of Scotland
    (22 000 services run on Mondays), and making those objects was most of such a search's
    time (30 ms of CPU at that size, against 6)."""
    queryset = queryset.order_by()
    if connection.vendor == "postgresql":
        as_bytes = Func(F("pk"), function="uuid_send", output_field=BinaryField())
        found = queryset.annotate(key=as_bytes).values_list("key", flat=True)
        return np.frombuffer(b"".join(found), dtype=KEY)
    as_hex = ExpressionWrapper(F("pk"), output_field=CharField())
    found = queryset.annotate(key=as_hex).values_list("key", flat=True)
    return np.frombuffer(bytes.fromhex("".join(found)), dtype=KEY)


# Distance --------------------------------------------------------------------------------


def _locations_within_box(lat: float, lon: float, km: float):
    from services.models import ServiceAtLocation

    box = bounding_box(lat, lon, km)
    return ServiceAtLocation.objects.filter(
        location__latitude__range=(box.min_lat, box.max_lat),
        location__longitude__range=(box.min_lon, box.max_lon),
    ).annotate(
        distance=distance_km_expression(lat, lon, "location__latitude", "location__longitude")
    )


def near_q(lat: float, lon: float, km: float) -> Q:
    """Services with at least one location within `km` km (great circle) of (lat, lon)."""
    return Q(pk__in=near_service_ids(lat, lon, km))


def near_filter(queryset: models.QuerySet, lat: float, lon: float, km: float):
    return queryset.filter(near_q(lat, lon, km))


def with_distance(queryset: models.QuerySet, lat: float, lon: float, km: float):
    """Annotate `distance_km`: the distance to the service's nearest location, or None if
    none is within `km` km (bounding the work to an indexed box)."""
    nearest = (
        _locations_within_box(lat, lon, km)
        .filter(service_id=models.OuterRef("pk"))
        .order_by("distance")
        .values("distance")[:1]
    )
    return queryset.annotate(distance_km=Subquery(nearest, output_field=models.FloatField()))


# Schedules -------------------------------------------------------------------------------


def _current_schedules(today: datetime.date):
    from services.models import Schedule

    return Schedule.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        Q(course_run__isnull=True) | Q(course_run__end_date__gte=today),
    )


def running_on_filter(queryset, weekdays: Iterable[int], today: datetime.date | None = None):
    """Services with a session on one of `weekdays` (0 = Monday) that has not ended."""
    today = today or timezone.localdate()
    sessions = _current_schedules(today).filter(weekday__in=list(weekdays))
    return queryset.filter(pk__in=sessions.values("service_id"))


def open_at_q(moment: datetime.datetime) -> Q:
    """A Q for services with a session on at `moment` (Scottish wall-clock time, so clock
    changes are handled). Weekly and monthly rules are exact in SQL; every-other-week rules
    are checked with `Schedule.occurs_on` for the few sessions on at that minute (1 query)."""
    local = moment.astimezone(LONDON)
    today, now = local.date(), local.time().replace(second=0, microsecond=0)
    on_now = _current_schedules(today).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(course_run__isnull=True) | Q(course_run__start_date__lte=today),
        weekday=today.weekday(),
        opens_at__lte=now,
        closes_at__gt=now,
    )
    weeks = [(today.day - 1) // 7 + 1]
    if (today + datetime.timedelta(days=7)).month != today.month:
        weeks.append(-1)
    fortnightly = [
        schedule.pk
        for schedule in on_now.filter(frequency="fortnightly").only(
            "pk", "weekday", "frequency", "valid_from", "valid_to", "week_of_month"
        )
        if schedule.occurs_on(today)
    ]
    sessions = on_now.filter(
        Q(frequency="weekly")
        | Q(frequency="monthly", week_of_month__in=weeks)
        | Q(pk__in=fortnightly)
    )
    return Q(pk__in=sessions.values("service_id"))


# Areas -----------------------------------------------------------------------------------


def in_areas_q(areas: Sequence) -> Q:
    """Services serving any of `areas` (Area objects). An area stands for its council areas
    (a council area for itself; a health board or a health and social care partnership for
    the council areas that name it). A service serves the area when it has a location in one
    of those council areas, or covers one of them, their health board or their partnership.
    National services always match."""
    from services.models import Area, Service, ServiceAtLocation

    councils = Area.objects.filter(
        Q(pk__in=[area.pk for area in areas if area.is_council_area])
        | Q(health_board__in=[area.pk for area in areas if area.is_health_board])
        | Q(partnership__in=[area.pk for area in areas if area.is_partnership])
    )
    located = ServiceAtLocation.objects.filter(location__council_area__in=councils)
    covering = Service.areas.through.objects.filter(
        Q(area__in=councils)
        | Q(area__in=councils.values("health_board"))
        | Q(area__in=councils.values("partnership"))
    )
    return (
        Q(pk__in=located.values("service_id"))
        | Q(pk__in=covering.values("service_id"))
        | Q(is_national=True)
    )


def near_service_ids(lat: float, lon: float, km: float):
    """A subquery of the ids of services with a location within `km` km."""
    return (
        _locations_within_box(lat, lon, km).filter(distance__lte=km).order_by().values("service_id")
    )


def with_stale_flag(queryset: models.QuerySet, now: datetime.datetime | None = None):
    """Annotate `listing_is_stale` (True when overdue for review), for ranking them last."""
    from services.models.listings import stale_q

    return queryset.annotate(
        listing_is_stale=Case(
            When(stale_q(now), then=True),
            default=False,
            output_field=BooleanField(),
        )
    )


# Facets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetOption:
    slug: str
    name: str
    count: int
    selected: bool


def facet_options(vocabularies: dict[str, type[Vocabulary]]) -> dict[str, list[tuple]]:
    """{parameter: [(slug, name), …]} for every option of the vocabularies, from the cached
    vocabulary registry (no query when it is warm)."""
    terms = registry()
    return {parameter: terms.options(model.parameter) for parameter, model in vocabularies.items()}
