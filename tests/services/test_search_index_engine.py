"""The search (`ServiceFilterSet` over the search core) against the plain reference in
tests/search_reference.py. For a varied directory and every parameter, alone and combined,
the search must give the same services in the same order, the same totals and facet counts,
the same distances on a page, and it must see edits made through ordinary model operations
without being told."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.http import QueryDict

from services.models import (
    AccessRoute,
    Area,
    Audience,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    Postcode,
    Service,
    ServiceType,
)
from services.search.filterset import FACET_PARAMETERS, ServiceFilterSet
from tests.factories import (
    OrganisationFactory,
    ScheduleFactory,
    ServiceFactory,
)
from tests.helpers import KIRKCALDY, PAISLEY, located, north_of
from tests.search_reference import reference_search

pytestmark = pytest.mark.django_db

GLASGOW = (55.8609, -4.2514)
# A Tuesday evening in Scotland (winter: clock time is UTC).
MOMENT = datetime.datetime(2026, 1, 13, 19, 0, tzinfo=datetime.UTC)
TODAY = MOMENT.date()
DAY = datetime.timedelta(days=1)
EVENING = {"opens_at": datetime.time(18), "closes_at": datetime.time(20)}
MORNING = {"opens_at": datetime.time(10), "closes_at": datetime.time(12)}
NEAR = f"lat={PAISLEY[0]}&lon={PAISLEY[1]}"


def east_of(km: float, point: tuple[float, float] = PAISLEY) -> tuple[float, float]:
    # Good enough at Paisley's latitude: 1 degree of longitude is about 62.6 km there.
    return point[0], point[1] + km / 62.6


def service(
    name,
    *,
    types=("peer-support-group",),
    access=("self-referral",),
    delivery=("in-person",),
    lived=(),
    audiences=(),
    languages=(),
    areas=(),
    **fields,
) -> Service:
    created = ServiceFactory.create(
        name=name,
        types=list(ServiceType.objects.filter(slug__in=types)),
        access_routes=list(AccessRoute.objects.filter(slug__in=access)),
        delivery_modes=list(DeliveryMode.objects.filter(slug__in=delivery)),
        **fields,
    )
    created.lived_experience.set(LivedExperienceInvolvement.objects.filter(slug__in=lived))
    created.audiences.set(Audience.objects.filter(slug__in=audiences))
    created.languages.set(Language.objects.filter(slug__in=languages))
    created.areas.set(Area.objects.filter(slug__in=areas))
    return created


def postcode(code: str, point: tuple[float, float], council: str) -> None:
    Postcode.objects.create(
        postcode=code,
        district=code.split()[0],
        latitude=point[0],
        longitude=point[1],
        council_area=Area.objects.get(slug=council),
    )


@pytest.fixture(autouse=True)
def _no_history(settings):
    # Change history is not what is tested here, and recording it for every term of every
    # service would make building the directory several times slower.
    settings.SIMPLE_HISTORY_ENABLED = False


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=False):
        yield


def build_directory() -> None:
    """Services near Paisley, far away, national, with no location (covering areas or not),
    with every kind of term, cost, age range, intake and freshness; and two that must never
    appear (an inactive service, and a service of an inactive organisation)."""
    fresh, recent, stale = MOMENT - 10 * DAY, MOMENT - 40 * DAY, MOMENT - 400 * DAY
    postcode("PA1 1AA", PAISLEY, "renfrewshire")
    postcode("PA1 1AB", north_of(0.4), "renfrewshire")
    postcode("KY1 1AA", KIRKCALDY, "fife")
    postcode("G1 1AA", GLASGOW, "glasgow-city")

    anchor = service(
        "Anchor drop-in",
        types=("drop-in",),
        access=("drop-in", "self-referral"),
        lived=("peer-led",),
        audiences=("everyone",),
        languages=("en", "pl"),
        summary="Tea, company and a walking group on Fridays.",
        accepts_referrals=True,
        referral_email="referrals@anchor.example.org",
        last_checked_at=fresh,
    )
    located(anchor, north_of(0.5), accessibility=("step-free-access", "hearing-loop"))
    ScheduleFactory(service=anchor, weekday=1, **EVENING)

    bridge = service(
        "Bridge walking group",
        types=("activity-group", "peer-support-group"),
        lived=("co-produced",),
        audiences=("men",),
        cost=Service.Cost.PAID,
        cost_description="£2",
        min_age=18,
        last_checked_at=stale,
    )
    located(bridge, north_of(2))
    ScheduleFactory(service=bridge, weekday=4, **MORNING)

    garden = service(
        "Community garden",
        types=("activity-group",),
        access=("gp",),
        audiences=("older-people",),
        cost=Service.Cost.DONATION,
        min_age=60,
        intake_status=Service.Intake.FULL,
        description="Gardening together, whatever the weather.",
        last_checked_at=recent,
    )
    located(garden, north_of(4), accessibility=("quiet-space",))
    lower = service(
        "community garden",
        access=("professional",),
        intake_status=Service.Intake.PAUSED,
        intake_status_until=TODAY + 10 * DAY,
        last_checked_at=recent,  # the same moment: a tie broken by name
    )
    located(lower, north_of(4))

    # Two services with the same name: ties broken by id.
    daisy_near = service(
        "Daisy peer support", types=("drop-in",), languages=("gd",), last_checked_at=fresh
    )
    located(daisy_near, north_of(1))
    daisy_far = service(
        "Daisy peer support",
        types=("helpline",),
        delivery=("phone",),
        languages=("ur",),
        last_checked_at=fresh,
    )
    located(daisy_far, east_of(6))
    ScheduleFactory(service=daisy_far, weekday=1, valid_to=TODAY - DAY, **EVENING)

    echo = service(
        "Echo helpline Renfrewshire",
        types=("helpline",),
        access=("self-referral", "gp"),
        delivery=("phone", "in-person"),
        audiences=("veterans", "women"),
        min_age=16,
        max_age=25,
        intake_status=Service.Intake.PAUSED,
        intake_status_until=TODAY - DAY,  # lapsed: taking people again
        last_checked_at=None,
    )
    located(echo, north_of(7))
    ScheduleFactory(service=echo, weekday=1, **EVENING)

    fern = service(
        "Fern recovery college",
        types=("recovery-college",),
        access=("enrol",),
        lived=("lived-experience-governance", "peer-led"),
        audiences=("young-people",),
        languages=("pl",),
        min_age=16,
        max_age=25,
        cost=Service.Cost.PAID,
        cost_description="£10 a term",
        intake_status=Service.Intake.WAITING_LIST,
        accepts_referrals=True,  # but nowhere to tell them: does not take referrals
        referral_email="",
        last_checked_at=MOMENT - 2 * DAY,
    )
    located(fern, north_of(20), council="east-dunbartonshire")
    located(fern, east_of(3), accessibility=("step-free-access",))
    ScheduleFactory(service=fern, weekday=1, **MORNING)

    glen = service(
        "Glen wellbeing hub",
        types=("wellbeing-hub", "drop-in"),
        languages=("bsl",),
        intake_status=Service.Intake.FULL,
        intake_status_until=TODAY,  # still full today
        last_checked_at=MOMENT - 3 * DAY,
    )
    located(glen, north_of(9), accessibility=("quiet-space", "accessible-toilet"))
    ScheduleFactory(service=glen, weekday=0, **EVENING)

    outside = service("Just outside the radius", types=("drop-in",), last_checked_at=fresh)
    located(outside, north_of(10.05))

    harbour = service("Harbour group", languages=("pl",), last_checked_at=fresh)
    located(harbour, KIRKCALDY, council="fife")
    ScheduleFactory(service=harbour, weekday=1, **EVENING)
    iona = service("Iona drop-in", types=("drop-in",), last_checked_at=stale)
    located(iona, GLASGOW, council="glasgow-city")

    # National services, with and without a place of their own.
    kelpie = service(
        "Kelpie national helpline",
        types=("helpline",),
        delivery=("phone", "online"),
        audiences=("carers",),
        languages=("pl", "en"),
        is_national=True,
        referral_email="kelpie@example.org",  # an address, but referrals are off
        last_checked_at=fresh,
    )
    ScheduleFactory(service=kelpie, weekday=1, **EVENING)
    lantern = service(
        "Lantern national centre",
        types=("drop-in", "crisis-support"),
        audiences=("everyone",),
        is_national=True,
        last_checked_at=stale,
    )
    located(lantern, north_of(3))
    moss = service(
        "Moss national office",
        types=("carers-support",),
        access=("professional",),
        is_national=True,
        last_checked_at=recent,
    )
    located(moss, north_of(10.05))  # outside the radius, inside its bounding box

    # No location: online or by phone, for somewhere or for anywhere.
    service(
        "Nook online anywhere",
        types=("online-peer-support",),
        delivery=("online",),
        audiences=("lgbtq",),
        last_checked_at=None,
    )
    service(
        "Oak phone line",
        types=("helpline",),
        delivery=("phone",),
        areas=("renfrewshire",),
        accepts_referrals=True,
        referral_email="oak@example.org",
        last_checked_at=fresh,
    )
    service(
        "Pine phone line",
        types=("helpline",),
        delivery=("phone",),
        areas=("fife",),
        cost=Service.Cost.PAID,
        cost_description="Calls cost 5p",
        last_checked_at=recent,
    )
    service(
        "Quay online group",
        types=("online-peer-support", "peer-support-group"),
        delivery=("online",),
        lived=("peer-led",),
        audiences=("lgbtq", "young-people"),
        areas=("nhs-greater-glasgow-and-clyde",),
        max_age=30,
        last_checked_at=fresh,
    )
    service(
        "Reed online course",
        types=("self-management",),
        access=("enrol",),
        delivery=("online",),
        areas=("fife", "nhs-greater-glasgow-and-clyde"),
        intake_status=Service.Intake.FULL,
        intake_status_until=TODAY + 30 * DAY,
        last_checked_at=stale,
    )

    # Never shown, though they match nearly everything.
    everything = {
        "types": ("drop-in", "helpline", "peer-support-group"),
        "access": ("self-referral", "gp"),
        "delivery": ("in-person", "online", "phone"),
        "lived": ("peer-led",),
        "audiences": ("everyone", "women", "lgbtq"),
        "languages": ("pl", "en"),
        "accepts_referrals": True,
        "referral_email": "aardvark@example.org",
        "last_checked_at": fresh,
    }
    inactive = service("Aardvark inactive", status=Service.Status.INACTIVE, **everything)
    located(inactive, accessibility=("step-free-access",))
    ScheduleFactory(service=inactive, weekday=1, **EVENING)
    hidden = service(
        "Aardvark hidden", organisation=OrganisationFactory(is_active=False), **everything
    )
    located(hidden, accessibility=("step-free-access",))
    ScheduleFactory(service=hidden, weekday=1, **EVENING)
    service("Aardvark defunct", status=Service.Status.DEFUNCT, is_national=True, **everything)


def search(query) -> ServiceFilterSet:
    data = QueryDict(query) if isinstance(query, str) else query
    filterset = ServiceFilterSet(data)
    assert filterset.is_valid(), filterset.errors
    return filterset


def names_of(ids) -> list[str]:
    by_id = dict(Service.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [by_id[pk] for pk in ids]


def assert_same_results(query) -> ServiceFilterSet:
    """The search's results (a fresh filterset) equal the reference's, in order."""
    filterset = search(query)
    expected = reference_search(filterset.data).ids
    actual = filterset.result_ids
    assert actual == expected, (query, names_of(actual), names_of(expected))
    return filterset


def every_result(filterset: ServiceFilterSet) -> list[Service]:
    return filterset.results()[0 : filterset.totals()[0]]


def assert_same_annotations(services: list, reference) -> None:
    """What a results page shows of each service agrees with the reference."""
    for got in services:
        assert got.listing_is_stale == reference.stale[got.pk], got.name
        if reference.is_grouped:
            assert got.in_national_group == (got.pk in reference.group), got.name
            assert got.distance_km == pytest.approx(reference.distance[got.pk], abs=1e-6)
        if reference.relevance:
            assert got.search_rank == pytest.approx(reference.relevance[got.pk]), got.name


# 1. Same results, same order, same totals ---------------------------------------------------

QUERIES = [
    "",
    "q=garden",
    "q=walking+group",
    "q=nothing-matches-this",
    "q=the",  # only stop words: they are searched for
    "q=GROUP+group",
    "q=helplines",
    "q=gardning",  # misspelt
    "q=communty+gardn",
    "q=recovery&near=PA1+1AA&radius_km=30",
    "near=Skye&q=group",
    "near=Atlantis&type=drop-in",
    "near=PA1+1AA",
    "near=PA1",
    "near=Paisley",
    "near=KY1+1AA",
    "near=G1+1AA&radius_km=15",
    NEAR,
    f"{NEAR}&radius_km=3",
    f"{NEAR}&radius_km=50",
    "type=drop-in",
    "type=drop-in&type=helpline",
    "access_route=gp&access_route=enrol",
    "lived_experience=peer-led",
    "audience=women&audience=lgbtq",
    "accessibility=step-free-access",
    "language=pl",
    "delivery=online",
    "area=renfrewshire",
    "area=nhs-greater-glasgow-and-clyde",
    "area=fife&include_national=false",
    "free=true",
    "free=false&age=18",
    "age=60",
    "day=tue",
    "day=tue&day=fri",
    "open_now=true",
    "accepting=true",
    "takes_referrals=true",
    "takes_referrals=false",
    "include_national=false",
    "sort=name",
    "sort=recently_checked",
    "sort=distance",
    "near=PA1+1AA&sort=name",
    "near=PA1+1AA&sort=recently_checked",
    "near=PA1+1AA&sort=distance&include_national=false",
    "near=PA1+1AA&type=helpline&type=drop-in&delivery=phone",
    f"{NEAR}&accepting=true&free=true&age=20&language=pl",
    f"{NEAR}&q=group&day=tue&sort=recently_checked",
    "near=PA1+1AA&open_now=true&accessibility=step-free-access&accessibility=quiet-space",
    "near=PA1+1AA&area=fife&audience=lgbtq&audience=everyone",
    "near=KY1+1AA&radius_km=200&type=helpline&accepting=true",
    "near=PA1+1AA&takes_referrals=true&accepting=true",
    "near=KY1+1AA&takes_referrals=true&include_national=false",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_search_gives_the_references_results_in_the_same_order(frozen, query):
    build_directory()

    filterset = assert_same_results(query)

    reference = reference_search(QueryDict(query))
    assert filterset.totals() == reference.totals
    assert_same_annotations(every_result(filterset), reference)
    hidden = set(Service.objects.filter(name__startswith="Aardvark").values_list("pk", flat=True))
    assert not hidden & set(filterset.result_ids)


def test_the_directory_exercises_what_it_should(frozen):
    """Guards the fixture: the queries above are only worth comparing if they find
    something, and the hidden services really would match."""
    build_directory()

    near = search("near=PA1+1AA")
    assert near.totals() == (16, 7)
    assert names_of(near.result_ids)[:3] == [
        "Anchor drop-in",
        "Daisy peer support",
        "Fern recovery college",
    ]
    assert search("open_now=true").totals()[0] == 4
    assert names_of(search("takes_referrals=true").result_ids) == [
        "Anchor drop-in",
        "Oak phone line",
    ]
    assert search("type=helpline&sort=recently_checked").totals()[0] == 5
    assert Service.objects.filter(name__startswith="Aardvark").count() == 3


def test_checks_microseconds_apart_and_at_the_review_cutoff_are_ordered_alike(frozen):
    cutoff = MOMENT - datetime.timedelta(days=30 * settings.STALE_LISTING_MONTHS)
    tick = datetime.timedelta(microseconds=1)
    moments = {
        "A just stale": cutoff - tick,
        "B exactly at the cutoff": cutoff,
        "C just fresh": cutoff + tick,
        "D later": MOMENT - tick,
        "E latest": MOMENT,
        "F same as D": MOMENT - tick,
    }
    for name, moment in moments.items():
        located(service(name, last_checked_at=moment), north_of(1))

    for query in ("sort=recently_checked", "sort=name", f"{NEAR}&sort=recently_checked"):
        filterset = assert_same_results(query)
        stale = [s.name for s in filterset.results()[0:10] if s.listing_is_stale]
        assert stale == ["A just stale"]
    assert names_of(search("sort=recently_checked").result_ids) == [
        "E latest",
        "D later",
        "F same as D",
        "C just fresh",
        "B exactly at the cutoff",
        "A just stale",
    ]


@pytest.mark.parametrize(
    "query", ["q=garden", "q=group", "q=phone+line&free=true", f"{NEAR}&q=group"]
)
def test_keyword_relevance_is_the_references(frozen, query):
    build_directory()

    filterset = assert_same_results(query)

    assert_same_annotations(every_result(filterset), reference_search(QueryDict(query)))


def test_a_narrowed_starting_queryset_gives_the_same_results_and_facets(frozen):
    """The API's modified_after starts from fewer services; the index must agree."""
    build_directory()
    with time_machine.travel(MOMENT + datetime.timedelta(hours=1), tick=False):
        edited = ("Anchor drop-in", "Kelpie national helpline", "Oak phone line", "Iona drop-in")
        for name in edited:
            Service.objects.get(name=name).save()

    def narrowed():
        since = MOMENT + datetime.timedelta(minutes=30)
        return Service.objects.published().filter(updated_at__gte=since)

    for query in ("", "near=PA1+1AA", "type=helpline&type=drop-in", f"{NEAR}&q=group"):
        params = QueryDict(query)
        filterset = ServiceFilterSet(params, queryset=narrowed())
        assert filterset.is_valid(), filterset.errors
        ids = narrowed().values_list("pk", flat=True)
        reference = reference_search(params, narrowed=ids)
        assert filterset.result_ids == reference.ids, query
        assert filterset.totals() == reference.totals
        assert_same_facets(filterset, reference, params)
    assert len(ServiceFilterSet({}, queryset=narrowed()).result_ids) == 4


# 2. Facet counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "type=drop-in",
        "type=helpline&delivery=phone&accepting=true",
        "near=PA1+1AA&takes_referrals=true",
        f"{NEAR}&type=drop-in&delivery=in-person",
        "near=PA1+1AA&audience=lgbtq&audience=everyone&lived_experience=peer-led",
        "near=PA1+1AA&include_national=false&free=true&q=group",
        "near=KY1+1AA&radius_km=30&access_route=enrol&area=fife",
    ],
)
def test_facet_counts_are_the_references_results_with_the_option_also_selected(frozen, query):
    build_directory()
    params = QueryDict(query)

    filterset = search(params)

    assert_same_facets(filterset, reference_search(params), params)
    # The count of an option is the number of results if it were also chosen.
    also = params.copy()
    also.setlist("type", sorted({*params.getlist("type"), "helpline"}))
    counts = {option.slug: option.count for option in filterset.facets()["type"]}
    assert counts["helpline"] == len(search(also).result_ids)


def assert_same_facets(filterset: ServiceFilterSet, reference, params: QueryDict) -> None:
    facets = filterset.facets()
    assert set(facets) == set(FACET_PARAMETERS)
    for parameter, options in facets.items():
        chosen = params.getlist(parameter)
        assert [o.slug for o in options] == list(reference.facets[parameter]), parameter
        for option in options:
            expected = reference.facets[parameter][option.slug]
            assert option.count == expected, (params.urlencode(), parameter, option.slug)
            assert option.selected == (option.slug in chosen)


# 3. Edits are seen by the next search ------------------------------------------------------


def test_adding_a_type_is_seen_by_the_next_search(frozen):
    build_directory()
    bridge = Service.objects.get(name="Bridge walking group")
    assert bridge.pk not in assert_same_results("type=crisis-support").result_ids

    bridge.types.add(ServiceType.objects.get(slug="crisis-support"))

    assert bridge.pk in assert_same_results("type=crisis-support").result_ids
    counts = {o.slug: o.count for o in search("near=PA1+1AA").facets()["type"]}
    assert counts["crisis-support"] == 2


def test_a_service_made_inactive_disappears_from_the_next_search(frozen):
    build_directory()
    anchor = Service.objects.get(name="Anchor drop-in")
    assert anchor.pk in assert_same_results("near=PA1+1AA").result_ids

    anchor.status = Service.Status.INACTIVE
    anchor.save()

    assert anchor.pk not in assert_same_results("near=PA1+1AA").result_ids
    assert anchor.pk not in assert_same_results("").result_ids


def test_a_location_moved_out_of_the_radius_is_seen_by_the_next_search(frozen):
    build_directory()
    glen = Service.objects.get(name="Glen wellbeing hub")
    assert glen.pk in assert_same_results(NEAR).result_ids

    location = glen.locations.get()
    location.latitude, location.longitude = north_of(25)
    location.save()

    assert glen.pk not in assert_same_results(NEAR).result_ids
    assert glen.pk in assert_same_results(f"{NEAR}&radius_km=30").result_ids


def test_a_deactivated_organisation_hides_its_services_from_the_next_search(frozen):
    build_directory()
    kelpie = Service.objects.get(name="Kelpie national helpline")
    assert kelpie.pk in assert_same_results("type=helpline").result_ids

    kelpie.organisation.is_active = False
    kelpie.organisation.save()

    assert kelpie.pk not in assert_same_results("type=helpline").result_ids
    assert kelpie.pk not in assert_same_results("near=PA1+1AA").result_ids


def test_a_service_taken_out_of_its_only_place_is_seen_by_the_next_search(frozen):
    build_directory()
    echo = Service.objects.get(name="Echo helpline Renfrewshire")
    before = assert_same_results(NEAR)
    page = before.results()[0 : before.totals()[0]]
    assert [s.in_national_group for s in page if s.pk == echo.pk] == [False]

    echo.service_locations.get().delete()

    # With no place of its own it is now remote: in the "anywhere" group, with no distance.
    after = assert_same_results(NEAR)
    page = after.results()[0 : after.totals()[0]]
    moved = [s for s in page if s.pk == echo.pk]
    assert [(s.in_national_group, s.distance_km) for s in moved] == [(True, None)]
    assert after.totals() == (before.totals()[0], before.totals()[1] + 1)
    # Somewhere else in Scotland a service covering no area is offered too; near Kirkcaldy
    # it was not before.
    assert echo.pk in assert_same_results("near=KY1+1AA").result_ids


def test_an_intake_change_is_seen_by_the_next_search(frozen):
    build_directory()
    garden = Service.objects.get(name="Community garden")
    assert garden.pk not in assert_same_results("accepting=true").result_ids

    garden.intake_status = Service.Intake.WELCOMING
    garden.save()

    assert garden.pk in assert_same_results("accepting=true").result_ids


def test_a_referral_email_added_is_seen_by_the_next_search(frozen):
    build_directory()
    fern = Service.objects.get(name="Fern recovery college")
    assert not fern.takes_referrals
    assert fern.pk not in assert_same_results("takes_referrals=true").result_ids

    fern.referral_email = "fern@example.org"
    fern.save()

    assert fern.takes_referrals
    assert fern.pk in assert_same_results("takes_referrals=true").result_ids


def test_the_takes_referrals_rule_is_the_same_on_a_service_and_in_sql(frozen):
    build_directory()

    taking = set(Service.objects.published().taking_referrals().values_list("pk", flat=True))

    assert taking == {s.pk for s in Service.objects.published() if s.takes_referrals}
    assert set(search("takes_referrals=true").result_ids) == taking


def test_a_covered_area_added_is_seen_by_the_next_search(frozen):
    build_directory()
    pine = Service.objects.get(name="Pine phone line")
    assert pine.pk not in assert_same_results("near=PA1+1AA").result_ids

    pine.areas.add(Area.objects.get(slug="renfrewshire"))

    assert pine.pk in assert_same_results("near=PA1+1AA").result_ids


# 4. A page of results ----------------------------------------------------------------------


@pytest.mark.parametrize("query", [NEAR, "near=PA1+1AA&sort=recently_checked"])
def test_a_page_has_the_services_and_annotations_of_the_reference(frozen, query):
    build_directory()
    filterset = search(query)
    reference = reference_search(QueryDict(query))

    first = filterset.results(lambda queryset: queryset)[0:3]

    assert [s.pk for s in first] == reference.ids[:3]
    assert all(isinstance(s, Service) for s in first)
    assert_same_annotations(first, reference)
    # Every page, across the local and national groups, agrees too.
    total = filterset.totals()[0]
    everything = [s for start in range(0, total, 4) for s in filterset.results()[start : start + 4]]
    assert [s.pk for s in everything] == reference.ids
    assert_same_annotations(everything, reference)
    assert len(filterset.results()) == total
    assert filterset.results()[total - 1].pk == reference.ids[-1]


# 5. Large vocabularies ---------------------------------------------------------------------


@pytest.mark.parametrize("nth", [65, 1, 47, 48, 62, 63, 70])
def test_a_vocabulary_of_more_than_62_terms_still_filters(nth):
    created = [
        Language.objects.create(slug=f"x{number:02d}", name=f"Language {number}", position=100)
        for number in range(1, 71)
    ]
    assert Language.objects.count() > 62
    chosen = created[nth - 1]
    speaks = ServiceFactory(name="Speaks it")
    speaks.languages.add(chosen, created[-1 if nth != 70 else 0])
    other = ServiceFactory(name="Speaks the neighbours")
    other.languages.set([t for t in created if t != chosen])
    ServiceFactory(name="Speaks none")

    filterset = search(f"language={chosen.slug}")

    assert filterset.result_ids == [speaks.pk]
    assert reference_search({"language": chosen.slug}).ids == [speaks.pk]
    assert filterset.totals() == (1, 0)
