"""Where support is missing: per council area and per type of support, how many people
searched (and found nothing), what is listed, what needs attention and how referrals went.
A fixed number of aggregate queries, whatever the number of areas, types or listings."""

import datetime
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, fields

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from services.models import Area, Service, ServiceAtLocation, ServiceType

from .models import ProblemReport, Referral, SearchAggregate
from .reminders import due_for_review

ACCEPTED = [
    Referral.Status.ACCEPTED,
    Referral.Status.CONTACTED,
    Referral.Status.ATTENDED,
    Referral.Status.DID_NOT_ATTEND,
    Referral.Status.CLOSED,
]
COLUMNS = {
    "searches": "Searches",
    "zero_results": "Searches with no results",
    "services": "Services available",
    "overdue": "Listings due for a check",
    "open_problems": "Open problem reports",
    "referrals_made": "Referrals made",
    "referrals_accepted": "Referrals accepted",
}


@dataclass
class GapRow:
    slug: str
    name: str
    searches: int = 0
    zero_results: int = 0
    services: int = 0
    overdue: int = 0
    open_problems: int = 0
    referrals_made: int = 0
    referrals_accepted: int = 0

    def values(self) -> list[int]:
        return [getattr(self, f.name) for f in fields(self)[2:]]


@dataclass
class GapTable:
    rows: list[GapRow]
    unassigned_searches: int  # searches that gave no place (areas) or no type (types)
    unassigned_zero_results: int


@dataclass
class Listings:
    """Published listings, those due for a check and open problem reports per listing."""

    ids: set
    overdue: set
    open_problems: Counter

    @classmethod
    def load(cls) -> "Listings":
        published = Service.objects.published()
        days = 30 * getattr(settings, "REVIEW_OVERDUE_MONTHS", 6)
        problems = (
            ProblemReport.objects.open()
            .filter(service__in=published)
            .values("service_id")
            .annotate(n=Count("pk"))
        )
        return cls(
            ids=set(published.values_list("pk", flat=True)),
            overdue=set(due_for_review(published, days).values_list("pk", flat=True)),
            open_problems=Counter({row["service_id"]: row["n"] for row in problems}),
        )

    def fill(self, row: GapRow, service_ids: set) -> None:
        listed = service_ids & self.ids
        row.services = len(listed)
        row.overdue = len(listed & self.overdue)
        row.open_problems = sum(self.open_problems[pk] for pk in listed)


def period_start(days: int) -> datetime.date:
    """The first day of the last `days` days, today included."""
    return timezone.localdate() - datetime.timedelta(days=days - 1)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _searches(since: datetime.date):
    return SearchAggregate.objects.filter(day__gte=since)


def _referral_counts(since: datetime.date, key: str) -> dict:
    rows = (
        Referral.objects.filter(created_at__gte=_start_of(since))
        .values(key)
        .annotate(made=Count("pk", distinct=True))
        .annotate(accepted=Count("pk", filter=Q(status__in=ACCEPTED), distinct=True))
    )
    return {row[key]: (row["made"], row["accepted"]) for row in rows}


def _services_by_area(areas: list) -> dict:
    """Council area id → ids of services located in it or covering it or its health board."""
    board_of = {area.pk: area.health_board_id for area in areas}
    councils_of_board = defaultdict(set)
    for council, board in board_of.items():
        councils_of_board[board].add(council)
    by_area = defaultdict(set)
    located = ServiceAtLocation.objects.values_list("location__council_area_id", "service_id")
    for area_id, service_id in located:
        by_area[area_id].add(service_id)
    for area_id, service_id in Service.areas.through.objects.values_list("area_id", "service_id"):
        for council in councils_of_board.get(area_id, {area_id}):
            by_area[council].add(service_id)
    return by_area


def area_table(days: int) -> GapTable:
    since = period_start(days)
    areas = list(Area.objects.council_areas().order_by("name"))
    listings = Listings.load()
    services = _services_by_area(areas)
    searches: defaultdict[int | None, Counter[str]] = defaultdict(Counter)
    for row in _searches(since).values("council_area_id", "result_bucket").annotate(n=Sum("count")):
        searches[row["council_area_id"]][row["result_bucket"]] += row["n"]
    referrals = _referral_counts(since, "area_id")
    rows = []
    for area in areas:
        row = GapRow(slug=area.slug, name=area.name)
        row.searches = sum(searches[area.pk].values())
        row.zero_results = searches[area.pk][SearchAggregate.ResultBucket.NONE]
        listings.fill(row, services[area.pk])
        row.referrals_made, row.referrals_accepted = referrals.get(area.pk, (0, 0))
        rows.append(row)
    nowhere = searches[None]
    return GapTable(rows, sum(nowhere.values()), nowhere[SearchAggregate.ResultBucket.NONE])


def _type_slugs(filters: str) -> set[str]:
    prefix = f"{ServiceType.parameter}="
    return {pair[len(prefix) :] for pair in filters.split(";") if pair.startswith(prefix)}


def type_table(days: int) -> GapTable:
    since = period_start(days)
    types = list(ServiceType.objects.in_order())
    listings = Listings.load()
    services: defaultdict[int, set[uuid.UUID]] = defaultdict(set)
    for type_id, service_id in Service.types.through.objects.values_list(
        "servicetype_id", "service_id"
    ):
        services[type_id].add(service_id)
    searches: Counter[str | None] = Counter()
    zero: Counter[str | None] = Counter()
    for row in _searches(since).values("filters", "result_bucket").annotate(n=Sum("count")):
        slugs: set[str | None] = {*_type_slugs(row["filters"])} or {None}
        for slug in slugs:
            searches[slug] += row["n"]
            if row["result_bucket"] == SearchAggregate.ResultBucket.NONE:
                zero[slug] += row["n"]
    referrals = _referral_counts(since, "service__types")
    rows = []
    for kind in types:
        row = GapRow(slug=kind.slug, name=kind.name)
        row.searches, row.zero_results = searches[kind.slug], zero[kind.slug]
        listings.fill(row, services[kind.pk])
        row.referrals_made, row.referrals_accepted = referrals.get(kind.pk, (0, 0))
        rows.append(row)
    return GapTable(rows, searches[None], zero[None])


def national_services() -> int:
    return Service.objects.published().filter(is_national=True).count()


BAR_SPACE = 300


def bar_chart(table: GapTable, column: str) -> dict:
    """Bars for one column of a table, sized on the server (no scripts, no inline styles)."""
    values = [getattr(row, column) for row in table.rows]
    most = max(values, default=0) or 1
    bars = [
        {"label": row.name, "value": value, "width": round(BAR_SPACE * value / most), "y": i * 24}
        for i, (row, value) in enumerate(zip(table.rows, values, strict=True))
    ]
    return {"title": COLUMNS[column], "bars": bars, "height": 24 * len(bars) + 8}
