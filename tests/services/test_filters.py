"""`ServiceFilterSet`, parameter by parameter: each result list is also checked against the
plain reference search (tests/search_reference.py)."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.geo.resolve import LocationKind
from services.models import (
    AccessibilityFeature,
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
from services.search import live
from services.search.filterset import FACET_PARAMETERS, VOCABULARY_PARAMETERS, ServiceFilterSet
from services.vocabulary_loader import registry
from tests.factories import (
    CourseRunFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceFactory,
)
from tests.helpers import PAISLEY, located, north_of
from tests.search_reference import reference_search

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def names(services) -> list[str]:
    return [service.name for service in services]


def search(**params) -> ServiceFilterSet:
    filterset = ServiceFilterSet(params)
    assert filterset.is_valid(), filterset.errors
    return filterset


def results(filterset: ServiceFilterSet) -> list[Service]:
    """Every result, in order, as the search page reads them; checked against the
    reference."""
    found = filterset.results()[0 : filterset.totals()[0]]
    reference = reference_search(filterset.data)
    assert [service.pk for service in found] == reference.ids, names(found)
    assert filterset.totals() == reference.totals
    return found


def ordered(**params) -> list[str]:
    return names(results(search(**params)))


def found(**params) -> set[str]:
    return set(ordered(**params))


def local_results(filterset: ServiceFilterSet) -> list[Service]:
    return [s for s in results(filterset) if not getattr(s, "in_national_group", False)]


def group_results(filterset: ServiceFilterSet) -> list[Service]:
    return [s for s in results(filterset) if getattr(s, "in_national_group", False)]


# Base queryset and keyword -----------------------------------------------------------------


def test_only_published_services_of_listed_organisations_are_found():
    ServiceFactory(name="Live")
    ServiceFactory(name="Paused", status=Service.Status.INACTIVE)
    ServiceFactory(name="Hidden", organisation=OrganisationFactory(is_active=False))

    assert found() == {"Live"}


def test_keyword_matches_name_summary_description_and_organisation_name():
    ServiceFactory(name="Hearing Voices group")
    ServiceFactory(name="Walk", summary="A gentle walking group for hearing voices.")
    ServiceFactory(name="Garden", description="Gardening with people who hear voices")
    ServiceFactory(name="Talk", organisation=OrganisationFactory(name="Voices of Renfrewshire"))
    ServiceFactory(name="Unrelated")

    assert found(q="voices") == {"Hearing Voices group", "Walk", "Garden", "Talk"}


def test_keyword_needs_every_word():
    ServiceFactory(name="Men's walking group")
    ServiceFactory(name="Walking football")

    assert found(q="walking men's") == {"Men's walking group"}
    assert found(q="walking") == {"Men's walking group", "Walking football"}


def test_keyword_results_are_ranked_by_relevance_and_stemmed():
    ServiceFactory(name="Allotment club", description="We talk while we are gardening.")
    ServiceFactory(name="Community gardens", summary="Growing food together.")
    ServiceFactory(name="Choir")

    assert ordered(q="garden") == ["Community gardens", "Allotment club"]


# One filter at a time ------------------------------------------------------------------------


VOCABULARY_CASES = [
    ("type", ServiceType, "drop-in", "helpline"),
    ("access_route", AccessRoute, "gp", "enrol"),
    ("lived_experience", LivedExperienceInvolvement, "peer-led", "co-produced"),
    ("audience", Audience, "veterans", "carers"),
    ("delivery", DeliveryMode, "online", "phone"),
    ("language", Language, "gd", "pl"),
]


@pytest.mark.parametrize(("parameter", "model", "first", "second"), VOCABULARY_CASES)
def test_values_of_one_parameter_are_alternatives(parameter, model, first, second):
    relation = VOCABULARY_PARAMETERS[parameter][0]
    for name, slugs in (("A", [first]), ("B", [second]), ("AB", [first, second]), ("None", [])):
        service = ServiceFactory(name=name)
        getattr(service, relation).add(*model.objects.filter(slug__in=slugs))

    assert found(**{parameter: [first]}) == {"A", "AB"}
    assert found(**{parameter: [first, second]}) == {"A", "B", "AB"}


def test_different_parameters_must_all_match():
    drop_in = ServiceType.objects.filter(slug="drop-in")
    online = DeliveryMode.objects.filter(slug="online")
    ServiceFactory(name="Online drop-in", types=drop_in, delivery_modes=online)
    ServiceFactory(name="In-person drop-in", types=drop_in)
    ServiceFactory(name="Online group", delivery_modes=online)

    assert found(type="drop-in", delivery="online") == {"Online drop-in"}


def test_accessibility_matches_features_of_the_services_locations():
    step_free = located(name="Step free")
    step_free.locations.get().accessibility.set(
        AccessibilityFeature.objects.filter(slug__in=["step-free-access", "quiet-space"])
    )
    located(name="Stairs only")

    assert found(accessibility="step-free-access") == {"Step free"}
    assert found(accessibility=["hearing-loop", "quiet-space"]) == {"Step free"}


def test_area_matches_locations_in_the_council_area_and_services_covering_it():
    located(name="In Renfrewshire", council="renfrewshire")
    located(name="In Fife", council="fife")
    board_wide = ServiceFactory(name="Covers the health board")
    board_wide.areas.add(Area.objects.get(slug="nhs-greater-glasgow-and-clyde"))
    council_wide = ServiceFactory(name="Covers Renfrewshire")
    council_wide.areas.add(Area.objects.get(slug="renfrewshire"))
    ServiceFactory(name="National", is_national=True)

    assert found(area="renfrewshire") == {
        "In Renfrewshire",
        "Covers the health board",
        "Covers Renfrewshire",
        "National",
    }


def test_health_board_matches_services_in_its_council_areas():
    located(name="In Renfrewshire", council="renfrewshire")
    located(name="In Glasgow", council="glasgow-city")
    located(name="In Fife", council="fife")
    covers_glasgow = ServiceFactory(name="Covers Glasgow")
    covers_glasgow.areas.add(Area.objects.get(slug="glasgow-city"))

    assert found(area="nhs-greater-glasgow-and-clyde") == {
        "In Renfrewshire",
        "In Glasgow",
        "Covers Glasgow",
    }
    assert found(area=["fife", "glasgow-city"]) == {"In Glasgow", "In Fife", "Covers Glasgow"}


def test_free_means_no_charge_including_donations():
    ServiceFactory(name="Free", cost=Service.Cost.FREE)
    ServiceFactory(name="Donation", cost=Service.Cost.DONATION)
    ServiceFactory(name="Paid", cost=Service.Cost.PAID, cost_description="£3")

    assert found(free="true") == {"Free", "Donation"}
    assert found(free="false") == {"Free", "Donation", "Paid"}


def test_age_is_within_the_services_age_range():
    ServiceFactory(name="Any age")
    ServiceFactory(name="Young", min_age=16, max_age=25)
    ServiceFactory(name="Adults", min_age=18)
    ServiceFactory(name="Older", min_age=60)

    assert found(age="16") == {"Any age", "Young"}
    assert found(age="25") == {"Any age", "Young", "Adults"}
    assert found(age="60") == {"Any age", "Adults", "Older"}


def test_accepting_hides_full_and_paused_services():
    ServiceFactory(name="Welcoming")
    ServiceFactory(name="Waiting list", intake_status=Service.Intake.WAITING_LIST)
    ServiceFactory(name="Full", intake_status=Service.Intake.FULL)
    ServiceFactory(
        name="Was paused",
        intake_status=Service.Intake.PAUSED,
        intake_status_until=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert found(accepting="true") == {"Welcoming", "Waiting list", "Was paused"}


def test_day_matches_sessions_on_that_weekday_that_have_not_ended():
    today = timezone.localdate()
    ScheduleFactory(service=ServiceFactory(name="Tuesdays"), weekday=1)
    ScheduleFactory(service=ServiceFactory(name="Fridays"), weekday=4)
    ScheduleFactory(
        service=ServiceFactory(name="Ended"),
        weekday=1,
        valid_to=today - datetime.timedelta(days=1),
    )
    old_course = CourseRunFactory(
        start_date=today - datetime.timedelta(days=90),
        end_date=today - datetime.timedelta(days=10),
    )
    ScheduleFactory(service=old_course.service, course_run=old_course, weekday=1)

    assert found(day="tue") == {"Tuesdays"}
    assert found(day=["tue", "fri"]) == {"Tuesdays", "Fridays"}


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026: 10:00 BST is 09:00 UTC.
        (datetime.datetime(2026, 3, 29, 9, 30, tzinfo=UTC), True),
        (datetime.datetime(2026, 3, 29, 11, 30, tzinfo=UTC), False),
        # Clocks go back at 01:00 UTC on Sunday 25 October 2026: 10:00 GMT is 10:00 UTC.
        (datetime.datetime(2026, 10, 25, 10, 30, tzinfo=UTC), True),
        (datetime.datetime(2026, 10, 25, 9, 30, tzinfo=UTC), False),
        (datetime.datetime(2026, 10, 25, 11, 59, tzinfo=UTC), True),
        (datetime.datetime(2026, 10, 25, 12, 0, tzinfo=UTC), False),
    ],
)
def test_open_now_uses_scottish_clock_time_across_clock_changes(moment, is_open):
    service = ServiceFactory(name="Sunday session")
    ScheduleFactory(
        service=service, weekday=6, opens_at=datetime.time(10), closes_at=datetime.time(12)
    )

    with time_machine.travel(moment, tick=False):
        assert found(open_now="true") == ({"Sunday session"} if is_open else set())
        assert found(day="sun") == {"Sunday session"}


def test_open_now_follows_fortnightly_and_monthly_rules():
    ten, twelve = datetime.time(10), datetime.time(12)
    sunday = datetime.date(2026, 3, 29)  # The fifth, and last, Sunday of March 2026.
    ScheduleFactory(
        service=ServiceFactory(name="This fortnight"),
        weekday=6,
        opens_at=ten,
        closes_at=twelve,
        frequency="fortnightly",
        valid_from=sunday - datetime.timedelta(days=14),
    )
    ScheduleFactory(
        service=ServiceFactory(name="Other fortnight"),
        weekday=6,
        opens_at=ten,
        closes_at=twelve,
        frequency="fortnightly",
        valid_from=sunday - datetime.timedelta(days=7),
    )
    for name, week in (("Last Sunday", -1), ("First Sunday", 1)):
        ScheduleFactory(
            service=ServiceFactory(name=name),
            weekday=6,
            opens_at=ten,
            closes_at=twelve,
            frequency="monthly",
            week_of_month=week,
        )

    with time_machine.travel(datetime.datetime(2026, 3, 29, 10, 0, tzinfo=UTC), tick=False):
        assert found(open_now="true") == {"This fortnight", "Last Sunday"}


# Distance ----------------------------------------------------------------------------------


def test_results_near_a_point_are_nearest_first_and_limited_by_radius():
    located(name="Far", point=north_of(8))
    located(name="Near", point=north_of(1))
    located(name="Too far", point=north_of(30))
    two_places = located(name="Two places", point=north_of(20))
    located(two_places, point=north_of(4))

    filterset = search(lat=str(PAISLEY[0]), lon=str(PAISLEY[1]))

    assert names(local_results(filterset)) == ["Near", "Two places", "Far"]
    assert [round(s.distance_km, 3) for s in local_results(filterset)] == [1.0, 4.0, 8.0]
    assert filterset.location.kind == LocationKind.COORDINATES


@pytest.mark.parametrize(("km", "included"), [(9.9, True), (10.1, False)])
def test_radius_edge(km, included):
    located(name="Edge", point=north_of(km))

    assert bool(found(lat=PAISLEY[0], lon=PAISLEY[1])) is included
    assert found(lat=PAISLEY[0], lon=PAISLEY[1], radius_km="10.2") == {"Edge"}


def test_radius_is_measured_east_west_too():
    # 0.16 degrees of longitude at Paisley's latitude is about 10.0 km.
    located(name="East", point=(PAISLEY[0], PAISLEY[1] + 0.16))

    assert found(lat=PAISLEY[0], lon=PAISLEY[1], radius_km="10.1") == {"East"}
    assert found(lat=PAISLEY[0], lon=PAISLEY[1], radius_km="9.9") == set()


def test_national_and_remote_services_form_their_own_group():
    located(name="Local")
    national = located(name="National with an office", is_national=True)
    assert national.is_national
    ServiceFactory(name="Helpline", is_national=True)
    ServiceFactory(name="Online, anywhere")
    for_renfrewshire = ServiceFactory(name="Phone, Renfrewshire only")
    for_renfrewshire.areas.add(Area.objects.get(slug="renfrewshire"))
    for_fife = ServiceFactory(name="Phone, Fife only")
    for_fife.areas.add(Area.objects.get(slug="fife"))
    located(name="Elsewhere", point=north_of(50))
    Postcode.objects.create(
        postcode="PA1 1AA",
        district="PA1",
        latitude=PAISLEY[0],
        longitude=PAISLEY[1],
        council_area=Area.objects.get(slug="renfrewshire"),
    )

    filterset = search(near="pa11aa")

    assert filterset.is_grouped
    assert names(local_results(filterset)) == ["Local"]
    assert names(group_results(filterset)) == [
        "Helpline",
        "National with an office",
        "Online, anywhere",
        "Phone, Renfrewshire only",
    ]
    assert filterset.totals() == (5, 4)
    assert ordered(near="PA1 1AA", include_national="false") == ["Local"]


def test_without_a_location_local_and_national_services_are_one_list_in_name_order():
    located(name="B local")
    ServiceFactory(name="A national", is_national=True)
    ServiceFactory(name="C online")

    filterset = search()

    assert not filterset.is_grouped
    assert names(results(filterset)) == ["A national", "B local", "C online"]
    assert names(local_results(filterset)) == names(results(filterset))
    assert filterset.totals() == (3, 0)
    assert ordered(include_national="false") == ["B local", "C online"]


def test_listings_overdue_for_review_come_after_fresher_ones_in_every_order(settings):
    settings.STALE_LISTING_MONTHS = 12
    now = timezone.now()
    located(name="A stale near", point=north_of(1), last_checked_at=None)
    located(name="B fresh far", point=north_of(5), last_checked_at=now)
    located(
        name="C old far",
        point=north_of(6),
        last_checked_at=now - datetime.timedelta(days=400),
    )
    located(
        name="D recent near",
        point=north_of(2),
        last_checked_at=now - datetime.timedelta(days=20),
    )
    near = {"lat": PAISLEY[0], "lon": PAISLEY[1]}

    assert ordered(**near) == ["D recent near", "B fresh far", "A stale near", "C old far"]
    assert ordered(sort="name") == [
        "B fresh far",
        "D recent near",
        "A stale near",
        "C old far",
    ]
    assert ordered(sort="recently_checked") == [
        "B fresh far",
        "D recent near",
        "C old far",
        "A stale near",
    ]


def test_sort_by_distance_without_a_location_sorts_by_name():
    ServiceFactory(name="B")
    ServiceFactory(name="A")

    assert ordered(sort="distance") == ["A", "B"]


# Location text -----------------------------------------------------------------------------


def test_a_place_that_cannot_be_found_is_reported_not_an_error(monkeypatch):
    from services.geo import placenames

    sample = Path(__file__).resolve().parent.parent / "data" / "places_sample.csv"
    monkeypatch.setattr(placenames, "PLACES_FILE", sample)
    placenames.clear_cache()
    ServiceFactory(name="Anything")

    filterset = ServiceFilterSet({"near": "Atlantis"})

    assert filterset.is_valid()
    assert filterset.location.kind == LocationKind.NOT_FOUND
    assert filterset.location.suggestions == ()
    assert not filterset.is_grouped
    assert names(results(filterset)) == ["Anything"]
    placenames.clear_cache()


# Bad parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"radius_km": "ten"}, "radius_km", "Enter a number between 1 and 200."),
        ({"radius_km": "0"}, "radius_km", "Enter a number between 1 and 200."),
        ({"radius_km": "201"}, "radius_km", "Enter a number between 1 and 200."),
        ({"radius_km": "nan"}, "radius_km", "Enter a number between 1 and 200."),
        (
            {"type": ["drop-in", "x"]},
            "type",
            "Select a valid choice. x is not one of the available choices.",
        ),
        (
            {"area": "atlantis"},
            "area",
            "Select a valid choice. atlantis is not one of the available choices.",
        ),
        ({"lat": "55.8"}, "lon", "Enter a longitude as well as a latitude."),
        ({"lon": "-4.4"}, "lat", "Enter a latitude as well as a longitude."),
        ({"lat": "91", "lon": "0"}, "lat", "Enter a latitude between -90 and 90."),
        ({"age": "abc"}, "age", "Enter an age in whole years, for example 30."),
        ({"age": "-1"}, "age", "Enter an age between 0 and 120."),
        (
            {"day": "funday"},
            "day",
            "Select a valid choice. funday is not one of the available choices.",
        ),
        ({"open_now": "maybe"}, "open_now", "Enter true or false."),
        (
            {"sort": "cheapest"},
            "sort",
            "Select a valid choice. cheapest is not one of the available choices.",
        ),
    ],
)
def test_bad_parameters_are_form_errors(params, field, message):
    filterset = ServiceFilterSet(params)

    assert not filterset.is_valid()
    assert filterset.errors[field] == [message]
    assert filterset.result_ids == []  # Still runs, with the valid parameters only.


# Facets ------------------------------------------------------------------------------------


def _facet_fixture():
    rows = [
        (["drop-in"], ["online"], ["women"], ["gp"]),
        (["drop-in"], ["phone"], [], ["gp"]),
        (["peer-support-group"], ["online"], ["women"], []),
        (["peer-support-group"], ["phone"], [], []),
        (["drop-in", "peer-support-group"], ["online", "phone"], ["women", "men"], ["gp"]),
    ]
    for number, (types, modes, audiences, routes) in enumerate(rows):
        service = located(
            name=f"S{number}",
            point=north_of(number),
            types=ServiceType.objects.filter(slug__in=types),
            delivery_modes=DeliveryMode.objects.filter(slug__in=modes),
        )
        service.audiences.set(Audience.objects.filter(slug__in=audiences))
        service.access_routes.add(*AccessRoute.objects.filter(slug__in=routes))
    ServiceFactory(
        name="National", is_national=True, delivery_modes=DeliveryMode.objects.filter(slug="phone")
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"type": ["drop-in"]},
        {"type": ["drop-in"], "delivery": ["online"]},
        {"delivery": ["phone", "online"], "audience": ["women"], "q": "test"},
        {"lat": str(PAISLEY[0]), "lon": str(PAISLEY[1]), "radius_km": "2.5", "type": ["drop-in"]},
    ],
)
def test_facet_counts_equal_the_results_of_also_selecting_the_option(params):
    _facet_fixture()

    facets = search(**params).facets()
    reference = reference_search(params)

    assert set(facets) == set(FACET_PARAMETERS)
    for parameter, options in facets.items():
        assert [option.slug for option in options] == list(
            VOCABULARY_PARAMETERS[parameter][1].objects.in_order().values_list("slug", flat=True)
        )
        for option in options:
            chosen = list(params.get(parameter, []))
            also = {**params, parameter: sorted({*chosen, option.slug})}
            assert option.count == len(search(**also).result_ids), (parameter, option.slug)
            assert option.count == reference.facets[parameter][option.slug]
            assert option.selected == (option.slug in chosen)


# Query count -------------------------------------------------------------------------------


def _results_page(params) -> int:
    with CaptureQueriesContext(connection) as queries:
        filterset = ServiceFilterSet(params)
        filterset.is_valid()
        filterset.totals()
        filterset.results(lambda queryset: queryset.with_listing_data())[0:50]
        filterset.facets()
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {"type": "peer-support-group", "open_now": "true", "area": "renfrewshire", "q": "test"},
        {"lat": str(PAISLEY[0]), "lon": str(PAISLEY[1]), "delivery": "in-person", "day": "tue"},
    ],
)
def test_a_search_takes_the_same_number_of_queries_for_5_or_40_results(
    params, django_assert_max_num_queries
):
    def add_services(count):
        for number in range(count):
            service = located(name=f"Test {number}", point=north_of(number / 10))
            ScheduleFactory(service=service, weekday=1)
            ServiceFactory(name=f"National {number}", is_national=True)

    add_services(5)
    registry()  # vocabularies are cached across requests; a cold cache costs 2 more queries
    live.rebuild_now()  # a settled index, as a served process has: not what is counted
    with django_assert_max_num_queries(20):
        small = _results_page(params)
    add_services(35)
    live.rebuild_now()

    assert _results_page(params) == small
