"""The results page, /search/: filters, facets, groups, help when nothing is found, bad input,
pagination and query counts."""

import datetime
import re
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from engagement.models import SearchAggregate
from services.geo import placenames
from services.models import (
    Area,
    CourseRun,
    LivedExperienceInvolvement,
    Postcode,
    Service,
    ServiceType,
)
from services.search import live as search_index
from services.vocabulary_loader import registry
from tests.factories import (
    CourseRunFactory,
    ScheduleFactory,
    ServiceFactory,
)
from tests.helpers import PAISLEY, located, north_of, result_names

pytestmark = pytest.mark.django_db

PLACES = Path(__file__).resolve().parent.parent / "data" / "places_sample.csv"
# A Monday at 10:00 in Scotland (winter: UTC).
MONDAY = datetime.datetime(2026, 1, 12, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _sample_places(monkeypatch):
    monkeypatch.setattr(placenames, "PLACES_FILE", PLACES)
    placenames.clear_cache()
    cache.clear()
    yield
    placenames.clear_cache()
    cache.clear()


@pytest.fixture(autouse=True)
def _paisley_postcode():
    Postcode.objects.create(
        postcode="PA1 1AA",
        district="PA1",
        latitude=PAISLEY[0],
        longitude=PAISLEY[1],
        council_area=Area.objects.get(slug="renfrewshire"),
    )


def get(client, query: str = "", status: int = 200) -> str:
    response = client.get(f"/search/{query}")
    assert response.status_code == status
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


# The page and its filters ------------------------------------------------------------------


def test_search_page_lists_published_services_in_name_order_with_a_count(client):
    ServiceFactory(name="Beta group")
    ServiceFactory(name="Alpha group")
    ServiceFactory(name="Closed group", status=Service.Status.DEFUNCT)

    html = get(client)

    assert result_names(html) == ["Alpha group", "Beta group"]
    assert "<strong>2 services</strong> found" in html


def test_search_page_filters_by_type_and_shows_facet_counts(client):
    drop_in = ServiceType.objects.get(slug="drop-in")
    ServiceFactory(name="Peer group one")
    ServiceFactory(name="Peer group two")
    ServiceFactory(name="Cafe drop-in", types=[drop_in])

    html = get(client, "?type=drop-in")

    assert result_names(html) == ["Cafe drop-in"]
    assert "Peer support group (3)" in html  # if also chosen: either type
    assert "Drop-in (1)" in html
    assert 'name="type" value="drop-in" checked' in html


def test_facet_counts_without_a_selection_count_the_current_results(client):
    ServiceFactory(name="Peer group one")
    ServiceFactory(name="Peer group two")

    html = get(client)

    assert "Peer support group (2)" in html
    assert "Drop-in (0)" in html
    assert "Self-referral (2)" in html


def test_combined_filters_must_all_match(client):
    peer_led = LivedExperienceInvolvement.objects.get(slug="peer-led")
    wanted = ServiceFactory(name="Free peer-led group", cost=Service.Cost.FREE)
    wanted.lived_experience.add(peer_led)
    paid = ServiceFactory(name="Paid peer-led group", cost=Service.Cost.PAID)
    paid.lived_experience.add(peer_led)
    ServiceFactory(name="Free group", cost=Service.Cost.FREE)

    html = get(client, "?lived_experience=peer-led&free=true&type=peer-support-group")

    assert result_names(html) == ["Free peer-led group"]
    assert 'Remove <span class="visually-hidden">filter </span>“Free”' in html


def test_keyword_and_day_filters_work_through_the_page(client):
    tuesday = ServiceFactory(name="Tuesday walking group")
    ScheduleFactory(service=tuesday, weekday=1)
    friday = ServiceFactory(name="Friday walking group")
    ScheduleFactory(service=friday, weekday=4)
    ServiceFactory(name="Art club")

    html = get(client, "?q=walking&day=tue")

    assert result_names(html) == ["Tuesday walking group"]


def test_results_near_a_postcode_show_distances_nearest_first(client):
    located(point=north_of(5.0), name="Five km away")
    located(point=north_of(1.2), name="Just over a km away")
    located(point=north_of(30.0), name="Too far")

    html = get(client, "?near=PA1+1AA")

    assert result_names(html) == ["Just over a km away", "Five km away"]
    assert "<strong>1.2 km away</strong>" in html
    assert "<strong>5.0 km away</strong>" in html
    assert "<strong>2 services</strong> near PA1 1AA" in html
    assert '<h1 class="ds_page-header__title">Support near PA1 1AA</h1>' in html


def test_a_service_at_the_searched_point_is_less_than_a_tenth_of_a_km_away(client):
    located(point=north_of(0.0), name="Right here")

    assert "<strong>Less than 0.1 km away</strong>" in get(client, "?near=PA1+1AA")


def test_national_services_are_a_separate_labelled_group_without_distances(client):
    located(point=north_of(2.0), name="Local group")
    ServiceFactory(name="National helpline", is_national=True)

    html = get(client, "?near=PA1+1AA")

    local, national = section(html, "local-heading"), section(html, "national-heading")
    assert result_names(local) == ["Local group"]
    assert result_names(national) == ["National helpline"]
    assert "Available anywhere in Scotland</h2>" in national
    assert "km away" not in national
    assert ", and <strong>1</strong> available anywhere in Scotland" in html


def test_hiding_national_services_leaves_only_local_ones(client):
    located(point=north_of(2.0), name="Local group")
    ServiceFactory(name="National helpline", is_national=True)

    html = get(client, "?near=PA1+1AA&include_national=false")

    assert result_names(html) == ["Local group"]
    assert 'name="include_national" value="false" checked' in html


def test_cards_show_type_access_lived_experience_next_session_intake_and_last_checked(client):
    service = located(
        point=north_of(1.0), name="Hearing voices group", intake_status=Service.Intake.WAITING_LIST
    )
    service.lived_experience.add(LivedExperienceInvolvement.objects.get(slug="peer-led"))
    service.lived_experience.add(LivedExperienceInvolvement.objects.get(slug="none-stated"))
    ScheduleFactory(service=service, weekday=1)  # Tuesdays 6–8pm
    Service.objects.filter(pk=service.pk).update(
        last_checked_at=datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC)
    )

    with time_machine.travel(MONDAY, tick=False):
        html = get(client, "?near=PA1+1AA")

    assert "Run by " + escape(service.organisation.name) in html
    assert "Peer support group</dd>" in html
    assert "Self-referral</dd>" in html
    assert '<span class="ds_tag  ds_tag--purple">Peer-led</span>' in html
    assert "None stated" not in section(html, "local-heading")
    assert '<dt class="ds_metadata__key">Next</dt>' in html
    assert "Tue 13 Jan, 6–8pm" in html
    assert "Waiting list" in html
    assert "Last checked 5 January 2026" in html
    assert "Not checked for over" not in html


def test_a_session_on_now_says_until_when(client):
    service = ServiceFactory(name="Morning drop-in")
    ScheduleFactory(
        service=service, weekday=0, opens_at=datetime.time(9, 30), closes_at=datetime.time(12)
    )

    with time_machine.travel(MONDAY, tick=False):
        html = get(client)

    assert '<dt class="ds_metadata__key">On now</dt>' in html
    assert "until midday" in html


def test_a_course_session_is_only_shown_within_its_run(client):
    service = ServiceFactory(name="Recovery course")
    run = CourseRunFactory(
        service=service,
        start_date=datetime.date(2026, 2, 2),
        end_date=datetime.date(2026, 3, 2),
        enrolment_status=CourseRun.Enrolment.OPEN,
    )
    ScheduleFactory(service=service, course_run=run, weekday=0)

    with time_machine.travel(MONDAY, tick=False):
        html = get(client)

    assert "Mon 2 Feb, 6–8pm" in html


def test_stale_listings_come_after_fresh_ones_and_say_so(client):
    now = timezone.now()
    old = located(point=north_of(1.0), name="Aardvark old listing")
    fresh = located(point=north_of(3.0), name="Zebra fresh listing")
    Service.objects.filter(pk=old.pk).update(last_checked_at=now - datetime.timedelta(days=400))
    Service.objects.filter(pk=fresh.pk).update(last_checked_at=now)

    html = get(client, "?near=PA1+1AA")

    assert result_names(html) == ["Zebra fresh listing", "Aardvark old listing"]
    assert html.count("Not checked for over a year.") == 1


def test_sort_by_name_and_recently_checked(client):
    now = timezone.now()
    near = located(point=north_of(1.0), name="Zebra near")
    far = located(point=north_of(5.0), name="Aardvark far")
    Service.objects.filter(pk=near.pk).update(last_checked_at=now - datetime.timedelta(days=9))
    Service.objects.filter(pk=far.pk).update(last_checked_at=now - datetime.timedelta(days=20))

    assert result_names(get(client, "?near=PA1+1AA&sort=name")) == ["Aardvark far", "Zebra near"]
    recent = get(client, "?near=PA1+1AA&sort=recently_checked")
    assert result_names(recent) == ["Zebra near", "Aardvark far"]
    assert '<option value="recently_checked" selected>' in recent


def test_distance_sorting_is_only_offered_with_a_location(client):
    ServiceFactory()

    assert '<option value="distance"' not in get(client)
    assert '<option value="distance" selected>' in get(client, "?near=PA1+1AA")


# Finding nothing -----------------------------------------------------------------------------


def test_no_results_offers_wider_radius_national_services_and_removing_each_filter(client):
    located(point=north_of(40.0), name="Far away")

    html = get(client, "?near=PA1+1AA&radius_km=10&include_national=false&free=true&day=mon")

    assert "No services match your search" in html
    assert (
        '<a href="?near=PA1+1AA&amp;radius_km=25&amp;include_national=false&amp;free=true' in html
    )
    assert "search within 25 km</a>" in html
    assert "search within 50 km</a>" in html
    assert (
        '<a href="?near=PA1+1AA&amp;radius_km=10&amp;free=true&amp;day=mon">'
        "include online, phone and national services</a>"
    ) in html
    assert (
        '<a href="?near=PA1+1AA&amp;radius_km=10&amp;include_national=false&amp;day=mon">'
        "remove the filter “Free”</a>"
    ) in html
    assert "remove the filter “Day: Monday”</a>" in html


def test_widening_the_radius_from_the_help_link_finds_the_service(client):
    located(point=north_of(40.0), name="Far away")

    assert result_names(get(client, "?near=PA1+1AA&radius_km=50")) == ["Far away"]


def test_an_unknown_place_says_so_and_suggests_close_names(client):
    ServiceFactory(name="Anything")

    html = get(client, "?near=Paisly&type=drop-in")

    summary = html[html.index('id="error-summary"') : html.index('id="search-form"')]
    assert '<a href="#id_near">We could not find ‘Paisly’.' in summary
    assert '<a href="?near=Paisley&amp;type=drop-in">Paisley</a>' in summary
    assert "Search all of Scotland instead" in summary
    assert 'id="id_near-error">We could not find ‘Paisly’.' in html
    assert 'aria-describedby="id_near-hint id_near-error" aria-invalid="true"' in html
    assert result_names(html) == []


def test_an_ambiguous_place_asks_which_one_with_links(client):
    html = get(client, "?near=newton")

    assert '<a href="#id_near">Which newton did you mean?' in html
    assert '<a href="?near=Newton%2C+South+Lanarkshire">Newton, South Lanarkshire</a>' in html
    assert '<a href="?near=Newton%2C+West+Lothian">Newton, West Lothian</a>' in html


def test_coordinates_from_use_my_location_are_kept_in_the_form(client):
    located(point=north_of(1.0), name="Close by")

    html = get(client, f"?lat={PAISLEY[0]}&lon={PAISLEY[1]}")

    assert result_names(html) == ["Close by"]
    assert "Support near your location" in html
    assert f'<input type="hidden" name="lat" value="{PAISLEY[0]}">' in html
    assert 'class="rd_locate" hidden' in html


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message", "anchor"),
    [
        ("?radius_km=abc", "Enter a number between 1 and 200.", "id_radius_km"),
        ("?type=nope", "nope", "id_type"),
        ("?lat=55.8", "Enter a longitude as well as a latitude.", "id_near"),
        ("?sort=sideways", "sideways", "id_sort"),
        ("?age=old", "Enter an age in whole years, for example 30.", "id_age"),
        ("?free=perhaps", "Enter true or false.", "id_free"),
    ],
)
def test_bad_parameters_show_the_error_summary_not_a_server_error(client, query, message, anchor):
    ServiceFactory(name="Still listed")

    html = get(client, query)

    assert html.startswith("<!DOCTYPE html>") or "<!DOCTYPE html>" in html
    assert "<title>Error: " in html
    summary = html[
        html.index('class="ds_error-summary"') : html.index("</ul>", html.index("ds_error-summary"))
    ]
    assert message in summary
    assert f'href="#{anchor}"' in summary
    assert f'id="{anchor}"' in html
    assert result_names(html) == ["Still listed"]


def test_a_bad_filter_value_is_shown_escaped_beside_its_filter(client):
    ServiceFactory(name="Still listed")

    html = get(client, "?type=<b>nope</b>")

    group = html[
        html.index('<fieldset id="id_type"') : html.index("</fieldset>", html.index('id="id_type"'))
    ]
    assert 'aria-describedby="id_type-error"' in group
    assert '<p class="ds_question__error-message" id="id_type-error">' in group
    assert "&lt;b&gt;nope&lt;/b&gt;" in group
    assert "<b>nope" not in html
    assert '<div class="ds_question  ds_question--error"><fieldset id="id_type"' in html
    assert '<fieldset id="id_access_route">' in html  # the other groups are not in error


def test_a_page_number_past_the_end_shows_the_last_page(client):
    for number in range(3):
        ServiceFactory(name=f"Group {number}")

    assert result_names(get(client, "?page=99")) == ["Group 0", "Group 1", "Group 2"]
    assert result_names(get(client, "?page=nonsense")) == ["Group 0", "Group 1", "Group 2"]


# Pagination and queries ----------------------------------------------------------------------


def test_pagination_keeps_the_search_and_filters(client):
    for number in range(25):
        ServiceFactory(name=f"Group {number:02d}", cost=Service.Cost.FREE)

    first = get(client, "?free=true&type=peer-support-group")
    second = get(client, "?free=true&type=peer-support-group&page=2")

    assert len(result_names(first)) == 20
    assert result_names(second) == [f"Group {number}" for number in range(20, 25)]
    assert 'href="?free=true&amp;type=peer-support-group&amp;page=2"' in first


def _seed(count: int) -> None:
    peer_led = LivedExperienceInvolvement.objects.get(slug="peer-led")
    for number in range(count):
        service = located(point=north_of(number % 9), name=f"Group {number:02d}")
        service.lived_experience.add(peer_led)
        ScheduleFactory(service=service, weekday=number % 7)
        ScheduleFactory(service=service, weekday=(number + 3) % 7)
    for number in range(max(count // 5, 1)):
        ServiceFactory(name=f"National {number}", is_national=True)


# (search, most queries for the page itself once the vocabulary registry is cached).
# Nothing grows with the number of services or the page size.
SEARCHES = [
    ("?near=PA1+1AA", 7),
    ("?near=Paisley&type=peer-support-group&lived_experience=peer-led", 7),
    ("?q=group&day=mon&free=true", 5),
    ("?near=PA1+1AA&page=2", 7),
    ("?type=drop-in", 3),
]


@pytest.mark.parametrize(("query", "budget"), SEARCHES)
def test_results_page_queries_do_not_grow_with_the_number_of_services(client, query, budget):
    _seed(5)
    # Vocabularies and the search index are kept across requests: measure the steady state.
    registry()
    search_index.current()
    with mock.patch("services.views.search.record_search"):
        with CaptureQueriesContext(connection) as few:
            get(client, query)
        _seed(35)
        search_index.rebuild_now()  # settled, as in a served process: not what is counted
        with CaptureQueriesContext(connection) as many:
            get(client, query)

    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(("query", "budget"), SEARCHES)
def test_results_page_makes_few_queries_besides_the_search_counter(
    client, query, budget, django_assert_max_num_queries
):
    _seed(40)
    registry()
    search_index.current()
    with (
        mock.patch("services.views.search.record_search"),
        django_assert_max_num_queries(budget),
    ):
        get(client, query)


def test_a_search_is_counted_anonymously_once_on_its_first_page(client):
    _seed(25)

    first = get(client, "?near=PA1+1AA&type=peer-support-group&q=Group")
    get(client, "?near=PA1+1AA&type=peer-support-group&q=Group&page=2")

    assert len(result_names(first)) == 20
    row = SearchAggregate.objects.get()
    assert (row.count, row.council_area.slug) == (1, "renfrewshire")
    assert row.filters == "type=peer-support-group"
    stored = str(list(SearchAggregate.objects.values()))
    assert "Group" not in stored
    assert "PA1" not in stored


def test_a_search_with_errors_or_an_unknown_place_is_not_counted(client):
    get(client, "?radius_km=abc")
    get(client, "?near=Paisly")

    assert not SearchAggregate.objects.exists()


def test_searched_text_and_coordinates_are_not_logged(client, caplog):
    located(point=north_of(1.0))

    with caplog.at_level("DEBUG"):
        get(client, "?near=PA1+1AA&q=voices")
        get(client, "?lat=55.84&lon=-4.42&radius_km=abc")
        get(client, "?near=Paisly")

    logged = caplog.text
    for secret in ("PA1", "voices", "55.84", "-4.42", "Paisly"):
        assert secret not in logged


def test_the_use_my_location_button_is_hidden_until_javascript_shows_it(client):
    html = get(client)

    assert '<p class="rd_locate" hidden>' in html
    assert "<script" not in html.split("</head>")[1]


def test_every_filter_control_belongs_to_the_one_get_form(client):
    ServiceFactory()

    html = get(client)

    assert html.count('method="get"') == 1
    sidebar = html[html.index('class="ds_layout__sidebar"') : html.index('id="search-results"')]
    controls = re.findall(r"<(?:input|select) [^>]*>", sidebar)
    assert len(controls) > 40
    assert all('form="search-form"' in control for control in controls)
    assert '<button type="submit" form="search-form"' in sidebar
