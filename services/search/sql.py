"""The search core's database work: keyword, distance, schedule and area filters, ordering
and facet counts. `services.filters.ServiceFilterSet` wires these to request parameters;
`ServiceQuerySet` exposes the reusable ones as chainable methods."""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connection, models
from django.db.models import BooleanField, Case, Q, Subquery, When
from django.utils import timezone

from services.geo.distance import bounding_box, distance_km_expression
from services.vocabulary_loader import registry

LONDON = ZoneInfo("Europe/London")
MAX_KEYWORDS = 10
SEARCH_CONFIG = "english"
_WORD_EDGES = re.compile(r"^\W+|\W+$")


# Keyword ---------------------------------------------------------------------------------


def _keywords(text: str) -> list[str]:
    words = (_WORD_EDGES.sub("", word) for word in text.split())
    return [word for word in words if word][:MAX_KEYWORDS]


def service_document() -> SearchVector:
    """The PostgreSQL full-text document of a service's own text. A GIN index on exactly
    this expression (migration 0006) lets keyword searches avoid reading every service."""
    return (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )


def _postgresql_keyword_filter(queryset: models.QuerySet, text: str) -> models.QuerySet:
    from services.models import Organisation, Service

    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    by_text = Service.objects.alias(document=service_document()).filter(document=query)
    organisations = Organisation.objects.alias(
        document=SearchVector("name", config=SEARCH_CONFIG)
    ).filter(document=query)
    by_organisation = Service.objects.filter(organisation__in=organisations.values("pk"))
    matching = (
        by_text.order_by().values("pk").union(by_organisation.order_by().values("pk"), all=True)
    )
    return queryset.filter(pk__in=matching).annotate(
        search_rank=SearchRank(service_document(), query)
    )


def keyword_filter(queryset: models.QuerySet, text: str) -> models.QuerySet:
    """Services matching `text` in their name, summary, description or organisation name.

    PostgreSQL: full-text search (web-search syntax, English stemming) over the service's
    own text, or its organisation's name, annotated with `search_rank`. Other databases:
    every word must appear in one of those fields."""
    text = " ".join(text.split())
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        return _postgresql_keyword_filter(queryset, text)
    words = _keywords(text)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return queryset


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


# Grouping and ordering -------------------------------------------------------------------


def remote_group_q(council_area_slug: str | None) -> Q:
    """Services shown in the "available across Scotland, online or by phone" group when
    searching near a point: national services, and services with no location whose covered
    areas (if any) include where the person is (all of them when that is unknown).

    Written with EXISTS (anti-)joins: PostgreSQL cannot hash a NOT IN over a nullable
    subquery and would rescan it for every row."""
    from services.models import Service, ServiceAtLocation

    this_service = models.OuterRef("pk")
    no_location = ~models.Exists(ServiceAtLocation.objects.filter(service_id=this_service))
    if not council_area_slug:
        return Q(is_national=True) | Q(no_location)
    areas = Service.areas.through.objects.filter(service_id=this_service)
    covers_here = areas.filter(
        Q(area__slug=council_area_slug)
        | Q(area__council_areas__slug=council_area_slug)
        | Q(area__partnership_council_areas__slug=council_area_slug)
    )
    return Q(is_national=True) | (
        Q(no_location) & (~models.Exists(areas) | models.Exists(covers_here))
    )


REMOTE_GROUP_SECONDS = 60
_REMOTE_VERSION_KEY = "services:remote-group:version"


def remote_group_ids(council_area_slug: str | None) -> list:
    """Ids of the services in the remote group for a place, cached: finding services with
    no location means visiting every service, too slow to repeat on each search. Edits
    to services, their places or areas clear it (signals); bulk loads within a minute."""
    from services.models import Service

    version = cache.get_or_set(_REMOTE_VERSION_KEY, 0, None)
    key = f"services:remote-group:{version}:{council_area_slug or '-'}"
    ids = cache.get(key)
    if ids is None:
        ids = list(
            Service.objects.filter(remote_group_q(council_area_slug))
            .order_by()
            .values_list("pk", flat=True)
        )
        cache.set(key, ids, REMOTE_GROUP_SECONDS)
    return ids


def forget_remote_groups(**kwargs) -> None:
    try:
        cache.incr(_REMOTE_VERSION_KEY)
    except ValueError:
        cache.set(_REMOTE_VERSION_KEY, 1, None)


def near_service_ids(lat: float, lon: float, km: float):
    """A subquery of the ids of services with a location within `km` km."""
    return (
        _locations_within_box(lat, lon, km).filter(distance__lte=km).order_by().values("service_id")
    )


def stale_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Matches `Service.is_stale`: not checked for STALE_LISTING_MONTHS (30-day months)."""
    now = now or timezone.now()
    return now - datetime.timedelta(days=30 * settings.STALE_LISTING_MONTHS)


def with_stale_flag(queryset: models.QuerySet, now: datetime.datetime | None = None):
    """Annotate `listing_is_stale` (True when overdue for review), for ranking them last."""
    cutoff = stale_cutoff(now)
    return queryset.annotate(
        listing_is_stale=Case(
            When(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff), then=True),
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


def facet_options(vocabularies: dict[str, type[models.Model]]) -> dict[str, list[tuple]]:
    """{parameter: [(slug, name), …]} for every option of the vocabularies, from the cached
    vocabulary registry (no query when it is warm)."""
    terms = registry()
    return {parameter: terms.options(model.parameter) for parameter, model in vocabularies.items()}
