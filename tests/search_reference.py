"""The directory search written the plain way, as the definition the product is tested
against (tests/services/test_search_*.py): published services loaded with everything a
search reads, then loops, set tests and one `sorted()`. Slow, and meant to be obvious.

    ref = reference_search(QueryDict("near=PA1+1AA&type=drop-in"))
    ref.ids, ref.group, ref.totals, ref.distance[pk], ref.relevance[pk], ref.facets["type"]

Parameters are taken as already valid (the product's form checks them). `narrowed` is the
ids a narrower starting set allows (the API's modified_after, HSDS organization_id)."""

import dataclasses
import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from services.geo.distance import haversine_km
from services.geo.resolve import resolve_location
from services.models import (
    WEEKDAY_SLUGS,
    AccessRoute,
    Area,
    Audience,
    DeliveryMode,
    LivedExperienceInvolvement,
    Service,
    ServiceType,
)
from services.models.listings import takes_referrals
from services.search.keyword import STOP_WORDS, stem, words

# Parameter -> the Service relation holding its terms.
VOCABULARIES = {
    "type": "types",
    "access_route": "access_routes",
    "lived_experience": "lived_experience",
    "audience": "audiences",
    "delivery": "delivery_modes",
    "language": "languages",
}
FACETS = {
    "type": ServiceType,
    "access_route": AccessRoute,
    "lived_experience": LivedExperienceInvolvement,
    "delivery": DeliveryMode,
    "audience": Audience,
}
WEIGHTS = {"name": 8, "summary": 4, "description": 2, "organisation": 1}
DEFAULT_RADIUS_KM = 10
MAX_WORDS = 10
TRUE = {"true", "1", "on", "yes"}
FALSE = {"false", "0", "off", "no"}
LONDON = ZoneInfo("Europe/London")


# Words -------------------------------------------------------------------------------------
# Tokenising (words: accents dropped, lower case, runs of letters and digits), stemming
# (Snowball English) and the stop-word list are the product's own; matching is done here.


def query_words(text: str) -> list[str]:
    """A search's words: stop words dropped unless nothing else is left; each once."""
    found = words(text)
    kept = [word for word in found if word not in STOP_WORDS] or found
    return list(dict.fromkeys(kept))[:MAX_WORDS]


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def field_stems(service) -> dict[str, set[str]]:
    texts = {
        "name": service.name,
        "summary": service.summary,
        "description": service.description,
        "organisation": service.organisation.name,
    }
    return {field: {stem(word) for word in words(text)} for field, text in texts.items()}


def best_weight(stems: dict[str, set[str]], wanted: set[str]) -> int:
    return max((WEIGHTS[field] for field, found in stems.items() if wanted & found), default=0)


def relevance(services: list, q: str) -> dict:
    """id -> relevance of every service in which every word of `q` scores."""
    fields = {service.pk: field_stems(service) for service in services}
    directory = {s for stems in fields.values() for field in stems.values() for s in field}
    searched = []  # (stems a word matches, its weight)
    for word in query_words(q):
        if stem(word) in directory or len(word) < 5:
            searched.append(({stem(word)}, 1.0))
        else:  # a misspelling: the directory's stems one or two edits away, half weight
            most = 2 if len(word) >= 8 else 1
            searched.append(({s for s in directory if levenshtein(s, stem(word)) <= most}, 0.5))
    scores = {}
    for pk, stems in fields.items():
        per_word = [best_weight(stems, wanted) * weight for wanted, weight in searched]
        if all(per_word):
            scores[pk] = sum(per_word)
    return scores


# Parameters --------------------------------------------------------------------------------


@dataclasses.dataclass
class Wanted:
    terms: dict[str, set[str]]  # parameter -> slugs
    accessibility: set[str]
    areas: list[set[str]]  # council area slugs per area filter, AND'ed (area, near=<area>)
    free: bool
    age: int | None
    days: set[int]
    open_now: bool
    accepting: bool
    takes_referrals: bool
    include_national: bool
    q: str
    sort: str
    place: tuple[float, float, float] | None  # lat, lon, radius km
    council_area: str | None


def _flag(params, name: str) -> bool | None:
    value = str(params.get(name) or "").strip().lower()
    return True if value in TRUE else False if value in FALSE else None


def councils_of(slugs, areas: list) -> set[str]:
    """The council areas an area stands for (a board or partnership: those naming it)."""
    chosen = {area.pk for area in areas if area.slug in slugs}
    return {
        area.slug
        for area in areas
        if area.is_council_area and chosen & {area.pk, area.health_board_id, area.partnership_id}
    }


def parse(params, areas: list) -> Wanted:
    getlist = params.getlist if hasattr(params, "getlist") else lambda n: _as_list(params, n)
    location = resolve_location(params.get("near") or "", params.get("lat"), params.get("lon"))
    place = council_area = None
    area_filters = [councils_of(set(getlist("area")), areas)] if getlist("area") else []
    if location and location.lat is not None and location.lon is not None:  # found
        radius = float(params.get("radius_km") or 0) or location.radius_km or DEFAULT_RADIUS_KM
        place, council_area = (location.lat, location.lon, radius), location.council_area
    if location and location.area and any(area.slug == location.area for area in areas):
        area_filters.append(councils_of({location.area}, areas))
    q = params.get("q") or ""
    sort = params.get("sort") or ""
    if (sort == "distance" and not place) or (sort == "relevance" and not query_words(q)):
        sort = ""
    default = "relevance" if query_words(q) else "distance" if place else "name"
    return Wanted(
        terms={name: set(getlist(name)) for name in VOCABULARIES},
        accessibility=set(getlist("accessibility")),
        areas=area_filters,
        free=_flag(params, "free") is True,
        age=int(params["age"]) if params.get("age") not in (None, "") else None,
        days={WEEKDAY_SLUGS.index(day) for day in getlist("day")},
        open_now=_flag(params, "open_now") is True,
        accepting=_flag(params, "accepting") is True,
        takes_referrals=_flag(params, "takes_referrals") is True,
        include_national=_flag(params, "include_national") is not False,
        q=q,
        sort=sort or default,
        place=place,
        council_area=council_area,
    )


def _as_list(params: dict, name: str) -> list:
    value = params.get(name)
    return [] if value is None else list(value) if isinstance(value, list | tuple) else [value]


# One service -------------------------------------------------------------------------------


def slugs(service, relation: str) -> set[str]:
    return {term.slug for term in getattr(service, relation).all()}


def places(service) -> list:
    return [link.location for link in service.service_locations.all()]


def is_current(schedule, today) -> bool:
    run = schedule.course_run
    return (schedule.valid_to is None or schedule.valid_to >= today) and (
        run is None or run.end_date >= today
    )


def is_on_now(schedule, now: datetime.datetime) -> bool:
    today, time = now.date(), now.time()
    run = schedule.course_run
    return (
        is_current(schedule, today)
        and schedule.occurs_on(today)
        and (run is None or run.start_date <= today)
        and schedule.opens_at <= time < schedule.closes_at
    )


def serves(service, councils: set[str]) -> bool:
    """National, in one of `councils`, or covering one of them (or its board/partnership)."""
    covered = {area.slug for area in service.areas.all()}
    for area in service.areas.all():
        covered |= {council.slug for council in area.council_areas.all()}
        covered |= {council.slug for council in area.partnership_council_areas.all()}
    located_in = {place.council_area.slug for place in places(service) if place.council_area}
    return service.is_national or bool((covered | located_in) & councils)


def in_group(service, council_area: str | None) -> bool:
    """Shown "across Scotland, online or by phone" when searching near a place."""
    if service.is_national:
        return True
    if places(service):
        return False
    if not council_area or not service.areas.all():
        return True
    return serves(service, {council_area})


def nearest_km(service, place) -> float | None:
    lat, lon, radius = place
    distances = [haversine_km(lat, lon, p.latitude, p.longitude) for p in places(service)]
    return min((d for d in distances if d <= radius), default=None)


def passes(service, wanted: Wanted, today, now) -> bool:
    """Every filter but the keyword and the place."""
    for name, chosen in wanted.terms.items():
        if chosen and not chosen & slugs(service, VOCABULARIES[name]):
            return False
    features = {f.slug for place in places(service) for f in place.accessibility.all()}
    if wanted.accessibility and not features & wanted.accessibility:
        return False
    if not all(serves(service, councils) for councils in wanted.areas):
        return False
    if wanted.free and service.cost not in (Service.Cost.FREE, Service.Cost.DONATION):
        return False
    if wanted.age is not None and service.min_age is not None and service.min_age > wanted.age:
        return False
    if wanted.age is not None and service.max_age is not None and service.max_age < wanted.age:
        return False
    schedules = service.schedules.all()
    if wanted.days and not any(
        s.weekday in wanted.days and is_current(s, today) for s in schedules
    ):
        return False
    if wanted.open_now and not any(is_on_now(s, now) for s in schedules):
        return False
    restricted = service.intake_status in (Service.Intake.FULL, Service.Intake.PAUSED)
    lapsed = service.intake_status_until is not None and service.intake_status_until < today
    if wanted.accepting and restricted and not lapsed:
        return False
    return not wanted.takes_referrals or takes_referrals(
        service.accepts_referrals, service.referral_email
    )


# The search --------------------------------------------------------------------------------


@dataclasses.dataclass
class Reference:
    ids: list  # every result, in order
    group: set  # results shown in the "across Scotland, online or by phone" group
    distance: dict  # id -> km to the nearest location within the radius, or None
    relevance: dict  # id -> relevance (with q)
    stale: dict  # id -> overdue for review
    facets: dict  # parameter -> {slug: results if also selected}
    is_grouped: bool

    @property
    def totals(self) -> tuple[int, int]:
        return len(self.ids), len(self.group)


def load() -> tuple[list, list]:
    services = (
        Service.objects.published()
        .select_related("organisation")
        .prefetch_related(
            *VOCABULARIES.values(),
            "areas__council_areas",
            "areas__partnership_council_areas",
            "service_locations__location__council_area",
            "service_locations__location__accessibility",
            "schedules__course_run",
        )
    )
    return list(services), list(Area.objects.all())


def results(services, wanted: Wanted, scores: dict | None) -> list:
    today = timezone.localdate()
    now = timezone.now().astimezone(LONDON)
    found = []
    for service in services:
        if scores is not None and service.pk not in scores:
            continue
        if not passes(service, wanted, today, now):
            continue
        if wanted.place:
            local = nearest_km(service, wanted.place) is not None
            if wanted.include_national:
                keep = local or in_group(service, wanted.council_area)
            else:
                keep = local and not service.is_national
            if not keep:
                continue
        elif service.is_national and not wanted.include_national:
            continue
        found.append(service)
    return found


def is_stale(service, cutoff: datetime.datetime) -> bool:
    return service.last_checked_at is None or service.last_checked_at < cutoff


def reference_search(params, *, narrowed=None) -> Reference:
    services, areas = load()
    wanted = parse(params, areas)
    scores = relevance(services, wanted.q) if query_words(wanted.q) else None
    if narrowed is not None:
        allowed = {getattr(item, "pk", item) for item in narrowed}
        services = [service for service in services if service.pk in allowed]
    found = results(services, wanted, scores)
    cutoff = timezone.now() - datetime.timedelta(days=30 * settings.STALE_LISTING_MONTHS)
    group = {s.pk for s in found if wanted.place and in_group(s, wanted.council_area)}
    distance = {s.pk: nearest_km(s, wanted.place) for s in found} if wanted.place else {}

    def key(service):
        pk, km = service.pk, distance.get(service.pk)
        if wanted.sort == "distance":
            sort_key = 0.0 if pk in group else km
        elif wanted.sort == "recently_checked":
            checked = service.last_checked_at
            sort_key = (checked is None, -checked.timestamp() if checked else 0)
        elif wanted.sort == "relevance":
            local = wanted.place and pk not in group
            sort_key = -(scores[pk] * 10 / (10 + km) if local else scores[pk])
        else:
            sort_key = 0
        return (pk in group, is_stale(service, cutoff), sort_key, service.name, pk)

    facets: dict[str, dict[str, int]] = {}
    for name, model in FACETS.items():
        facets[name] = {}
        for term in model.objects.in_order():
            terms = {**wanted.terms, name: wanted.terms[name] | {term.slug}}
            also = dataclasses.replace(wanted, terms=terms)
            facets[name][term.slug] = len(results(services, also, scores))
    return Reference(
        ids=[service.pk for service in sorted(found, key=key)],
        group=group,
        distance=distance,
        relevance={s.pk: scores[s.pk] for s in found} if scores is not None else {},
        stale={s.pk: is_stale(s, cutoff) for s in found},
        facets=facets,
        is_grouped=wanted.place is not None,
    )
