"""`/search/`: the results page. Every state is a GET address, so any search can be shared,
bookmarked or opened without JavaScript. What people type and where they are is never
logged; only anonymous counters are kept (engagement.insight)."""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.http import require_safe

from engagement.insight import record_search
from services.geo.resolve import LocationKind
from services.models import WEEKDAY_SLUGS, AccessibilityFeature, Language, Service, Weekday
from services.nearest import NearestSupport, nearest_in_person
from services.search import sql as search_core
from services.search.filterset import VOCABULARY_PARAMETERS, ServiceFilterSet, Sort

from .display import CARD_RELATIONS, PAGE_SIZE, Card, card_services, cards, stale_period
from .rendering import render_page

# Distances are as the crow flies: in everyday words, roughly what each means on the ground
# (by road, or across water, it can be much further; the page says so).
RADIUS_CHOICES: dict[float, str] = {
    1: "about a 15-minute walk",
    2: "about a 30-minute walk",
    5: "a short bus ride",
    10: "a bus ride",
    25: "up to an hour by bus or car",
    50: "an hour or more by bus or car",
    100: "a long journey",
    200: "a very long journey",
}
WIDER_RADII = (25, 50, 100)
# Parameters recorded (as known slugs only) in the anonymous search counters.
COUNTED_PARAMETERS = (*VOCABULARY_PARAMETERS, "accessibility", "area", "day")
# Parameters shown as removable filters, in this order.
FILTER_PARAMETERS = (
    "q",
    *VOCABULARY_PARAMETERS,
    "accessibility",
    "area",
    "day",
    "age",
    "free",
    "accepting",
    "takes_referrals",
    "open_now",
    "include_national",
)
# Parameters the search form shows as typed.
TYPED = ("near", "lat", "lon", "q", "age")
DAY_NAMES = {slug: Weekday(number).label for number, slug in enumerate(WEEKDAY_SLUGS)}
# Filters whose value is true/false: shown only when they change the results.
SWITCHES = {
    "free": (True, "Free"),
    "accepting": (True, "Taking new people"),
    "takes_referrals": (True, "Takes referrals"),
    "open_now": (True, "Open now"),
    "include_national": (False, "Hide online and national services"),
}


def url_with(params: QueryDict, **changes) -> str:
    """`?…` for these parameters with some replaced in place (None removes one), always on
    page 1, so links read like the address they came from."""
    pairs: list[tuple[str, str]] = []
    for name, values in params.lists():
        if name == "page":
            continue
        if name not in changes:
            pairs.extend((name, value) for value in values)
        elif changes[name] is not None:
            pairs.append((name, changes.pop(name)))
    pairs.extend(
        (name, value) for name, value in changes.items() if value is not None and name not in params
    )
    return f"?{urlencode(pairs)}"


def url_without(params: QueryDict, name: str, value: str) -> str:
    params = params.copy()
    params.setlist(name, [kept for kept in params.getlist(name) if kept != value])
    if not params.getlist(name):
        del params[name]
    return url_with(params)


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


def _labelled_values(filterset: ServiceFilterSet, name: str, params: QueryDict):
    """(label, value as sent) for each value of one parameter that changes the results."""
    value = filterset.form.cleaned_data.get(name)
    if name in SWITCHES:
        wanted, label = SWITCHES[name]
        return [(label, raw) for raw in params.getlist(name)] if value is wanted else []
    if name in ("q", "age"):
        if value in (None, ""):
            return []
        label = f"Words: {value}" if name == "q" else f"Age: {value}"
        return [(label, raw) for raw in params.getlist(name)]
    if name == "day":
        return [(f"Day: {DAY_NAMES[day]}", day) for day in value or ()]
    legend = filterset.filters[name].label
    return [(f"{legend}: {option.name}", option.slug) for option in value or ()]


def active_filters(filterset: ServiceFilterSet, params: QueryDict) -> list[ActiveFilter]:
    """Each valid filter value in use, with the address of the same search without it."""
    return [
        ActiveFilter(label, url_without(params, name, raw))
        for name in FILTER_PARAMETERS
        for label, raw in _labelled_values(filterset, name, params)
    ]


@dataclass
class Results:
    page: Page
    page_range: list
    total: int
    national_total: int
    local_cards: list[Card]
    national_cards: list[Card]
    facets: dict = field(default_factory=dict)

    @property
    def local_total(self) -> int:
        return self.total - self.national_total


class CountedPaginator(Paginator):
    """A paginator told its count, already worked out (saves a query)."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property.


def results(filterset: ServiceFilterSet, page_number) -> Results:
    total, national_total = filterset.totals()
    found = filterset.results(relations=CARD_RELATIONS, fetch=card_services)
    paginator: Paginator[Service] = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(page_number)
    page_cards = cards(page.object_list)
    return Results(
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        total=total,
        national_total=national_total,
        local_cards=[card for card in page_cards if not card.in_national_group],
        national_cards=[card for card in page_cards if card.in_national_group],
        facets=filterset.facets(),
    )


def _record(filterset: ServiceFilterSet, total: int) -> None:
    data = filterset.form.cleaned_data
    counted = {}
    for name in COUNTED_PARAMETERS:
        values = data.get(name) or ()
        counted[name] = [getattr(value, "slug", value) for value in values]
    location = filterset.location
    record_search(
        council_area_slug=location.council_area if location and filterset.is_grouped else None,
        filters={name: values for name, values in counted.items() if values},
        result_count=total,
    )


def _sort_choices(filterset: ServiceFilterSet) -> list[tuple[str, str]]:
    """The orders this search can have, best match first when words were searched for (it
    weighs how well each service matches them, and with a place how near it is)."""
    choices = [
        (value, label)
        for value, label in Sort.choices
        if value not in (Sort.DISTANCE, Sort.RELEVANCE)
    ]
    if filterset.is_grouped:
        choices.insert(0, (Sort.DISTANCE, Sort.DISTANCE.label))
    if filterset.words:
        label = "Best match, nearer first" if filterset.is_grouped else Sort.RELEVANCE.label
        choices.insert(0, (Sort.RELEVANCE, label))
    return choices


def _radius_choices(current: float) -> list[tuple[str, str]]:
    values = sorted({*RADIUS_CHOICES, current})
    return [
        (f"{value:g}", f"Within {value:g} km ({RADIUS_CHOICES[value]})")
        if value in RADIUS_CHOICES
        else (f"{value:g}", f"Within {value:g} km")
        for value in values
    ]


def _extra_options() -> dict[str, list[tuple[str, str]]]:
    """Options of the filters shown without counts, in one query."""
    return search_core.facet_options({"accessibility": AccessibilityFeature, "language": Language})


def _wider_links(filterset: ServiceFilterSet, params: QueryDict) -> list[tuple[int, str]]:
    if not filterset.is_grouped:
        return []
    current = filterset.search_radius_km
    return [(km, url_with(params, radius_km=str(km))) for km in WIDER_RADII if km > current][:2]


def _near_error(filterset: ServiceFilterSet) -> str:
    """What is wrong with the place typed, when it was not found or names several places."""
    location, near = filterset.location, filterset.form.cleaned_data.get("near") or ""
    if location is None:
        return ""
    if location.kind == LocationKind.AMBIGUOUS:
        return f"Which {near} did you mean? Choose one of the places below."
    if location.kind == LocationKind.NOT_FOUND:
        return (
            f"We could not find ‘{near}’. Check the spelling, or try a full postcode "
            "(for example PA1 1AA) or the nearest town."
        )
    return ""


def _errors(filterset: ServiceFilterSet) -> list[tuple[str, str]]:
    """(message, id of the control to fix) for the error summary."""
    anchors = {"lat": "id_near", "lon": "id_near", **{name: f"id_{name}" for name in SWITCHES}}
    errors = [
        (message, anchors.get(name, f"id_{name}"))
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    near_error = _near_error(filterset)
    return [(near_error, "id_near"), *errors] if near_error else errors


def _nearest(filterset: ServiceFilterSet, found: "Results | None") -> NearestSupport | None:
    """Where the nearest in-person support is, when nothing is near the searched place."""
    if found is None or not filterset.is_grouped or found.local_total or filterset.errors:
        return None
    return nearest_in_person(filterset)


def _summary(filterset: ServiceFilterSet, data: dict) -> list[str]:
    """The search in a few words, for the folded search form: place, distance, words."""
    location = filterset.location
    if data.get("near"):
        parts = [data["near"]]
    else:
        parts = [location.label if location and filterset.is_grouped else "All of Scotland"]
    if filterset.is_grouped:
        parts.append(f"within {filterset.search_radius_km:g} km")
    if data.get("q"):
        parts.append(f"“{data['q']}”")
    return parts


def _location_links(filterset: ServiceFilterSet, params: QueryDict) -> list[tuple[str, str]]:
    """Places to search instead, when the one typed was not found or is ambiguous."""
    location = filterset.location
    if location is None:
        return []
    if location.kind == LocationKind.AMBIGUOUS:
        return [
            (
                f"{choice.name}, {choice.council_area}" if choice.council_area else choice.name,
                url_with(params, near=choice.value, lat=None, lon=None),
            )
            for choice in location.choices
        ]
    return [
        (suggestion, url_with(params, near=suggestion, lat=None, lon=None))
        for suggestion in location.suggestions
    ]


def _context(filterset: ServiceFilterSet, params: QueryDict, found: Results | None) -> dict:
    data = filterset.form.cleaned_data
    nearest = _nearest(filterset, found)
    return {
        "filterset": filterset,
        "data": data,
        "errors": _errors(filterset),
        # Each parameter's messages ([] for none): a missing key of the form's own errors
        # costs the template engine a failed lookup and a dir() of the errors each time.
        "field_errors": defaultdict(list, filterset.errors),
        "near_error": _near_error(filterset),
        "near_invalid": bool(
            _near_error(filterset) or {"near", "lat", "lon"} & filterset.errors.keys()
        ),
        "summary": _summary(filterset, data),
        # Folded once something was searched for and found; open on a bare /search/.
        "fold_search": bool(
            found
            and not filterset.errors
            and (data.get("near") or data.get("lat") is not None or data.get("q"))
        ),
        "nearest": nearest,
        "nearest_url": url_with(params, radius_km=str(nearest.radius_km)) if nearest else "",
        "location": filterset.location,
        "location_links": _location_links(filterset, params),
        "results": found,
        "active_filters": active_filters(filterset, params),
        "wider_links": _wider_links(filterset, params),
        "include_national_url": url_with(params, include_national=None),
        # The search without its page, for the page links.
        "page_querystring": url_with(params).removeprefix("?"),
        "search_everywhere_url": url_with(params, near=None, lat=None, lon=None),
        "chosen": {name: params.getlist(name) for name in ("day", "accessibility", "language")},
        "switch_errors": [
            (name, message) for name in SWITCHES for message in filterset.errors.get(name, ())
        ],
        "sort_choices": _sort_choices(filterset),
        "current_sort": filterset.chosen_sort,
        "radius_choices": _radius_choices(filterset.search_radius_km),
        "current_radius": f"{filterset.search_radius_km:g}",
        "options": _extra_options(),
        "days": filterset.filters["day"].extra["choices"],
        "stale_period": stale_period(),
        # The text fields as sent (the last value of each), "" when not sent.
        "typed": defaultdict(str, {name: params[name] for name in TYPED if name in params}),
    }


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    filterset = ServiceFilterSet(request.GET)
    filterset.is_valid()
    location = filterset.location
    lost = location is not None and location.kind in (
        LocationKind.NOT_FOUND,
        LocationKind.AMBIGUOUS,
    )
    found = None if lost else results(filterset, request.GET.get("page"))
    first_page = request.GET.get("page", "1") in ("", "1")
    if found and first_page and not filterset.errors:
        _record(filterset, found.total)
    context = _context(filterset, request.GET, found)
    return render_page(request, "services/search.html", {**context, "location_lost": lost})
