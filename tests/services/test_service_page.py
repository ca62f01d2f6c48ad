"""A service's page, /services/<slug>/: everything in the listing in plain English, schema.org
JSON-LD, report and shortlist links, and a constant number of queries."""

import datetime
import json
import re

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from services.models import (
    AccessibilityFeature,
    Area,
    Audience,
    CourseRun,
    Language,
    LivedExperienceInvolvement,
    Organisation,
    Schedule,
    Service,
    ServiceType,
)
from services.search import live
from tests.factories import (
    CourseRunFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 1, 12, 10, 0, tzinfo=datetime.UTC)


def get(client, service: Service, status: int = 200) -> str:
    response = client.get(f"/services/{service.slug}/")
    assert response.status_code == status
    return response.content.decode()


def full_service(name: str = "Hearing Voices Paisley") -> Service:
    service = ServiceFactory.create(
        name=name,
        summary="A peer support group for people who hear voices.",
        description="We meet in a quiet room.\n\nTea and biscuits.",
        first_visit="Someone will meet you at the door. You do not have to talk.",
        how_to_get_support="Just turn up, or phone first if you prefer.",
        phone="0141 123 4567",
        email="hello@example.org",
        website="https://example.org/voices",
        cost=Service.Cost.PAID,
        cost_description="£2 a session, free if that is hard",
        min_age=18,
        max_age=65,
        intake_status=Service.Intake.WAITING_LIST,
    )
    service.lived_experience.add(LivedExperienceInvolvement.objects.get(slug="peer-led"))
    service.audiences.add(Audience.objects.get(slug="young-people"))
    service.languages.add(Language.objects.get(slug="gd"))
    location = LocationFactory.create(
        organisation=service.organisation,
        name="Paisley Community Hub",
        address_1="10 Moss Street",
        postcode="PA1 1BU",
        directions="Side door, ground floor.",
    )
    location.accessibility.add(AccessibilityFeature.objects.get(slug="hearing-loop"))
    ServiceAtLocationFactory(service=service, location=location, description="Room 2")
    ScheduleFactory(service=service, location=location, weekday=1)
    ScheduleFactory(
        service=service,
        weekday=3,
        frequency=Schedule.Frequency.MONTHLY,
        week_of_month=Schedule.WeekOfMonth.FIRST,
        opens_at=datetime.time(10),
        closes_at=datetime.time(12),
        description="Online, on video",
    )
    run = CourseRunFactory(
        service=service,
        name="Spring 2026",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 5, 4),
        enrolment_status=CourseRun.Enrolment.OPEN,
        places=12,
        how_to_enrol="Email us to enrol.",
    )
    ScheduleFactory(service=service, course_run=run, weekday=0, opens_at=datetime.time(13))
    Service.objects.filter(pk=service.pk).update(
        last_checked_at=datetime.datetime(2026, 1, 2, 12, tzinfo=datetime.UTC)
    )
    return service


def test_service_page_shows_everything_in_the_listing(client):
    service = full_service()

    with time_machine.travel(MONDAY, tick=False):
        html = get(client, service)

    for text in (
        '<h1 class="ds_page-header__title">Hearing Voices Paisley</h1>',
        "A peer support group for people who hear voices.",
        "<p>We meet in a quiet room.</p>",
        "Peer support group</strong>: ",  # type with its description
        "Self-referral</strong>: ",  # how to get in, explained
        "Peer-led</strong>: ",  # lived experience explained
        "Young people: For young people, usually aged 16 to 25.",
        "Gaelic",
        "There is a charge: £2 a session, free if that is hard",
        "Ages 18 to 65",
        "Waiting list",
        "Last checked</dt>",
        "2 January 2026",
        "Someone will meet you at the door. You do not have to talk.",
        "Just turn up, or phone first if you prefer.",
        '<a href="tel:01411234567">0141 123 4567</a>',
        '<a href="mailto:hello@example.org">hello@example.org</a>',
        'href="https://example.org/voices"',
        "10 Moss Street<br>Paisley<br>PA1 1BU",
        "Room 2",
        "Side door, ground floor.",
        'href="https://www.openstreetmap.org/directions?to=55.84560%2C-4.42390"',
        "Hearing loop: There is a hearing loop for hearing aid users.",
        "Every Tuesday, 6–8pm, at Paisley Community Hub",
        "First Thursday of the month, 10am–midday, online or by phone. Online, on video",
        "Spring 2026: 2 March 2026 to 4 May 2026",
        '<span class="ds_tag  ds_tag--green">Open for enrolment</span>',
        "12 places in total.",
        "Email us to enrol.",
        "Every Monday, 1–8pm",
    ):
        assert text in html, text


def test_service_page_lists_the_next_three_sessions_soonest_first(client):
    service = full_service()

    with time_machine.travel(MONDAY, tick=False):
        html = get(client, service)

    sessions = html[
        html.index("Next sessions</h2>") : html.index('class="ds_no-bullets  rd_service-links"')
    ]
    assert re.findall(r"<strong>([^<]+)</strong>", sessions) == [
        "Tue 13 Jan, 6–8pm",
        "Tue 20 Jan, 6–8pm",
        "Tue 27 Jan, 6–8pm",
    ]


def test_service_page_links_to_report_a_problem_and_add_to_my_list(client):
    service = full_service()

    html = get(client, service)

    assert f'href="/services/{service.slug}/report/"' in html
    assert 'action="/my-list/add/"' in html
    assert f'name="service" value="{service.pk}"' in html


def test_service_page_warns_when_the_listing_is_overdue_for_review(client):
    service = ServiceFactory()
    Service.objects.filter(pk=service.pk).update(
        last_checked_at=timezone.now() - datetime.timedelta(days=400)
    )

    html = get(client, service)

    assert "This listing has not been checked for over a year." in html


def test_service_page_has_schema_org_json_ld_that_parses(client):
    service = full_service(name="Voices </script><script>alert(1)</script> & friends")

    html = get(client, service)

    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    assert "<script>alert" not in match.group(1)
    data = json.loads(match.group(1))
    assert data["@type"] == "Service"
    assert data["name"] == service.name
    assert data["url"] == f"http://testserver/services/{service.slug}/"
    assert data["provider"]["name"] == service.organisation.name
    assert data["isAccessibleForFree"] is False
    place = data["availableChannel"][0]["serviceLocation"]
    assert place["address"]["postalCode"] == "PA1 1BU"
    assert data["hoursAvailable"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Tuesday",
            "opens": "18:00",
            "closes": "20:00",
        }
    ]


def test_national_service_json_ld_serves_all_of_scotland(client):
    service = ServiceFactory(is_national=True, phone="0800 123 456")

    html = get(client, service)

    data = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["areaServed"] == [{"@type": "AdministrativeArea", "name": "Scotland"}]
    assert data["availableChannel"][0]["servicePhone"]["telephone"] == "0800 123 456"
    assert "Available anywhere in Scotland" in html


def test_unpublished_services_and_those_of_unlisted_organisations_are_not_found(client):
    for service in (
        ServiceFactory(status=Service.Status.INACTIVE),
        ServiceFactory(status=Service.Status.DEFUNCT),
        ServiceFactory(
            organisation=Organisation.objects.create(name="Gone", slug="gone", is_active=False)
        ),
    ):
        get(client, service, status=404)
    assert client.get("/services/no-such-service/").status_code == 404


def test_service_page_makes_the_same_few_queries_however_big_the_listing(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    small = ServiceFactory()
    big = full_service()
    for weekday in range(7):
        ScheduleFactory(service=big, weekday=weekday)
    for number in range(3):
        location = LocationFactory(organisation=big.organisation, name=f"Extra hub {number}")
        location.accessibility.add(*AccessibilityFeature.objects.all())
        ServiceAtLocationFactory(service=big, location=location)
    big.areas.add(*Area.objects.council_areas()[:5])

    live.rebuild_now()  # a served process builds its search index before its first request
    with django_assert_max_num_queries(7):  # 6: no places, so no accessibility query
        get(client, small)
    with django_assert_num_queries(7):  # terms come from the search index
        html = get(client, big)
    assert html.count("Extra hub") >= 3


def test_service_page_escapes_listing_text(client):
    service = ServiceFactory(summary="<b>Bold</b> claims")

    html = get(client, service)

    assert escape("<b>Bold</b> claims") in html
    assert "<b>Bold</b>" not in html


def test_add_to_calendar_and_directions_sit_beside_the_next_sessions_above_the_description(
    client,
):
    service = full_service()

    with time_machine.travel(MONDAY, tick=False):
        html = get(client, service)

    box = html[
        html.index('class="ds_inset-text  rd_service-next"') : html.index("About this service")
    ]
    assert "<strong>Tue 13 Jan, 6–8pm</strong> at Paisley Community Hub" in box
    assert f'href="/services/{service.slug}/calendar.ics" download>Add to calendar' in box
    assert 'href="https://www.openstreetmap.org/directions?to=55.84560%2C-4.42390"' in box
    assert html.index("rd_service-next") < html.index("Taking new people")


def test_a_service_without_sessions_or_a_single_place_offers_neither_calendar_nor_directions(
    client,
):
    service = ServiceFactory()

    html = get(client, service)

    assert "calendar.ics" not in html
    assert "rd_service-next" not in html


def test_a_type_added_is_on_the_service_page_at_once(client):
    service = ServiceFactory(name="Harbour peer support")
    live.rebuild_now()
    assert "Walking group" not in get(client, service)

    walking = ServiceType.objects.create(slug="walking-group", name="Walking group")
    service.types.add(walking)

    assert "Walking group" in get(client, service)
