"""A service's page, an organisation's page and browsing by council area or health board.
Each makes a fixed number of queries, whatever the number of services, places or sessions."""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from services import jsonld
from services.models import (
    AccessibilityFeature,
    Area,
    CourseRun,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
)
from services.permissions import is_link_worker
from services.querysets import ServiceQuerySet
from services.search import live
from services.search.sql import with_stale_flag
from services.views.rendering import render_page
from services.vocabulary_loader import VOCABULARY_RELATIONS, fill_prefetch_cache

from .display import (
    PAGE_SIZE,
    cards,
    current_schedules,
    describe_schedule,
    long_date,
    stale_period,
    upcoming_sessions,
    with_card_data,
)
from .search import CountedPaginator

SESSIONS_SHOWN = 3


# Service -----------------------------------------------------------------------------------


def _service_queryset() -> QuerySet:
    """A published service with everything its page shows but its vocabulary terms, which
    come from the search index (`_with_terms`): 7 queries in all."""
    places = ServiceAtLocation.objects.select_related("location__council_area").prefetch_related(
        Prefetch("location__accessibility", queryset=AccessibilityFeature.objects.in_order())
    )
    return (
        Service.objects.published()
        .select_related("organisation")
        .prefetch_related(
            "areas",
            Prefetch("service_locations", queryset=places.order_by("location__name")),
            Prefetch("schedules", queryset=current_schedules(), to_attr="current_schedules"),
            Prefetch(
                "course_runs", queryset=CourseRun.objects.upcoming(), to_attr="upcoming_course_runs"
            ),
        )
    )


def _with_terms(service: Service) -> Service:
    """Fill in the service's vocabulary terms from the search index (brought up to date
    first: one query), as search results do; from the database if the index lacks it."""
    terms = live.current().terms_of(service.pk)
    if terms is None:
        prefetch_related_objects([service], *VOCABULARY_RELATIONS)
    else:
        fill_prefetch_cache(service, terms)
    return service


@dataclass(frozen=True)
class ScheduleLine:
    when: str
    schedule: Schedule

    @property
    def dates(self) -> str:
        valid_from, valid_to = self.schedule.valid_from, self.schedule.valid_to
        if valid_from and valid_to:
            return f"From {long_date(valid_from)} to {long_date(valid_to)}"
        if valid_to:
            return f"Until {long_date(valid_to)}"
        return f"From {long_date(valid_from)}" if valid_from else ""


def _jsonld(request: HttpRequest, service: Service):
    data = jsonld.service_data(
        service,
        url=request.build_absolute_uri(service.get_absolute_url()),
        organisation_url=request.build_absolute_uri(service.organisation.get_absolute_url()),
    )
    return jsonld.as_script_content(data)


@require_safe
def service(request: HttpRequest, slug: str) -> HttpResponse:
    service = _with_terms(get_object_or_404(_service_queryset(), slug=slug))
    schedules = [ScheduleLine(describe_schedule(s), s) for s in service.current_schedules]
    places = list(service.service_locations.all())
    sessions = upcoming_sessions(service.current_schedules, SESSIONS_SHOWN)
    context = {
        "service": service,
        "sessions": sessions,
        "has_calendar": bool(service.current_schedules or service.upcoming_course_runs),
        "directions_to": _directions_to(sessions, places),
        "schedules": [line for line in schedules if line.schedule.course_run_id is None],
        "course_schedules": [line for line in schedules if line.schedule.course_run_id],
        "places": places,
        "is_stale": service.is_stale(),
        "stale_period": stale_period(),
        "jsonld": _jsonld(request, service),
        "age_range": _age_range(service.min_age, service.max_age),
        "can_refer": service.takes_referrals and is_link_worker(request.user),
    }
    return render_page(request, "services/service.html", context)


def _directions_to(sessions, places) -> Location | None:
    """Where the "Directions" link beside the next session goes: that session's place, or the
    service's place when it has only one."""
    if sessions and sessions[0].schedule.location is not None:
        return sessions[0].schedule.location
    return places[0].location if len(places) == 1 else None


def _age_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"Ages {low} to {high}"
    if low is not None:
        return f"Age {low} and over"
    return f"Up to age {high}" if high is not None else ""


# Lists of services -------------------------------------------------------------------------


def _page(request: HttpRequest, queryset: ServiceQuerySet, total: int):
    paginator = CountedPaginator(with_card_data(queryset), PAGE_SIZE, total)
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return page, page_range, cards(page.object_list)


@require_safe
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.live(), slug=slug)
    services = with_stale_flag(organisation.services.published()).order_by(
        "listing_is_stale", "name", "pk"
    )
    page, page_range, page_cards = _page(request, services, services.count())
    return render(
        request,
        "services/organisation.html",
        {
            "organisation": organisation,
            "page": page,
            "page_range": page_range,
            "cards": page_cards,
            "stale_period": stale_period(),
        },
    )


@require_safe
def areas(request: HttpRequest) -> HttpResponse:
    all_areas = list(Area.objects.order_by("name"))
    return render(
        request,
        "services/areas.html",
        {
            "council_areas": [area for area in all_areas if area.is_council_area],
            "health_boards": [area for area in all_areas if area.is_health_board],
            "partnerships": [area for area in all_areas if area.is_partnership],
        },
    )


def _covered_council_areas(area: Area) -> list[Area]:
    """The council areas a health board or partnership is made of (none for a council)."""
    if area.is_health_board:
        return list(area.council_areas.order_by("name"))
    if area.is_partnership:
        return list(area.partnership_council_areas.order_by("name"))
    return []


@require_safe
def area(request: HttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(Area, slug=slug)
    services = with_stale_flag(
        Service.objects.published().in_areas([area]).annotate(in_national_group=F("is_national"))
    ).order_by("in_national_group", "listing_is_stale", "name", "pk")
    totals = services.order_by().aggregate(
        total=Count("pk"), national=Count("pk", filter=Q(is_national=True))
    )
    page, page_range, page_cards = _page(request, services, totals["total"])
    return render(
        request,
        "services/area.html",
        {
            "area": area,
            "covers": _covered_council_areas(area),
            "page": page,
            "page_range": page_range,
            "local_cards": [card for card in page_cards if not card.in_national_group],
            "national_cards": [card for card in page_cards if card.in_national_group],
            "local_total": totals["total"] - totals["national"],
            "national_total": totals["national"],
            "stale_period": stale_period(),
        },
    )
