"""My list you can trust: the button says what it did and comes back to where the visitor
was, the page says truly how long the list is kept and can clear it, share links work on
whatever address the site is served from, and the print version reads like a timetable."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from engagement import shortlists
from engagement.models import SharedShortlist
from services.models import Schedule
from tests.factories import (
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

from .conftest import make_link_worker

pytestmark = pytest.mark.django_db

ADD, REMOVE = reverse("engagement:shortlist_add"), reverse("engagement:shortlist_remove")
# A Monday in winter (clock time is UTC).
MONDAY = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def service():
    service = ServiceFactory(name="Paisley Peer Group", phone="0141 555 0100")
    ServiceAtLocationFactory(service=service)
    return service


def test_the_button_says_on_your_list_after_adding_and_offers_remove(client, service):
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Add to my list" in page
    assert "On your list" not in page

    client.post(ADD, {"service": service.pk, "next": service.get_absolute_url()})

    page = client.get(service.get_absolute_url()).content.decode()
    assert "Add to my list" not in page
    assert "On your list" in page
    assert f'<form method="post" action="{REMOVE}"' in page
    assert f'id="on-list-{service.pk}"' in page


def test_result_cards_show_the_state_of_each_service(client, service):
    other = ServiceFactory(name="Renfrew Walk and Talk")
    client.post(ADD, {"service": service.pk})

    page = client.get("/search/", {"sort": "name"}).content.decode()

    first, second = page.split('<li class="ds_search-result')[1:3]
    assert "Paisley Peer Group" in first
    assert "On your list" in first
    assert other.name in second
    assert "Add to my list" in second


def test_adding_and_removing_come_back_to_the_same_place_on_the_page(client, service):
    results = "/search/?near=PA1&page=2"

    added = client.post(ADD, {"service": service.pk, "next": results})
    removed = client.post(REMOVE, {"service": service.pk, "next": results})

    assert added["Location"] == f"{results}#on-list-{service.pk}"
    assert removed["Location"] == f"{results}#on-list-{service.pk}"
    assert shortlists.ids_in(client.session) == []


def test_the_script_gets_the_button_in_its_new_state_to_swap_in(client, service):
    json = {"HTTP_ACCEPT": "application/json"}

    added = client.post(ADD, {"service": service.pk, "next": "/search/"}, **json)
    removed = client.post(REMOVE, {"service": service.pk, "next": "/search/"}, **json)

    assert added.json()["message"] == "Added Paisley Peer Group to your list."
    assert "On your list" in added.json()["html"]
    assert 'name="csrfmiddlewaretoken"' in added.json()["html"]
    assert removed.json()["message"] == "Removed Paisley Peer Group from your list."
    assert "Add to my list" in removed.json()["html"]


def test_a_full_list_is_refused_with_a_message_and_the_same_button(client, service, settings):
    for _ in range(shortlists.MAX_ITEMS):
        client.post(ADD, {"service": ServiceFactory().pk})

    refused = client.post(ADD, {"service": service.pk}, HTTP_ACCEPT="application/json")

    assert refused.status_code == 409
    assert refused.json()["message"] == "Your list is full (50 services)."
    assert "Add to my list" in refused.json()["html"]


def test_the_page_says_how_long_the_list_is_really_kept(client, service, settings):
    client.post(ADD, {"service": service.pk})
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 60 * 60  # Django's default, not changed

    page = client.get(reverse("engagement:shortlist")).content.decode()

    assert "kept on this device for 14 days after you last change it" in page
    assert "until you close your browser" not in page
    settings.SESSION_COOKIE_AGE = 2 * 24 * 60 * 60
    assert "for 2 days" in client.get(reverse("engagement:shortlist")).content.decode()


def test_clear_my_list_empties_it_and_keeps_a_link_worker_signed_in(client, service):
    client.force_login(make_link_worker())
    client.post(ADD, {"service": service.pk})
    assert "Clear my list" in client.get(reverse("engagement:shortlist")).content.decode()

    response = client.post(reverse("engagement:shortlist_clear"), follow=True)

    assert response.context["entries"] == []
    assert "Your list is cleared." in response.content.decode()
    assert response.context["user"].is_authenticated


def test_clear_my_list_needs_a_post_with_a_csrf_token(service):
    browser = Client(enforce_csrf_checks=True)
    browser.post(ADD, {"service": service.pk})  # refused too: no token
    assert browser.get(reverse("engagement:shortlist_clear")).status_code == 405
    assert browser.post(reverse("engagement:shortlist_clear")).status_code == 403


def _share(client, service) -> SharedShortlist:
    client.post(ADD, {"service": service.pk})
    client.post(reverse("engagement:shortlist_share"))
    return SharedShortlist.objects.get()


def test_without_site_url_share_links_use_the_address_the_site_was_opened_on(
    client, service, settings
):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    shared = _share(client, service)
    address = reverse("engagement:shared_list", args=[shared.token])

    page = client.get(address, HTTP_HOST="127.0.0.1:8765")

    assert page.context["share_url"] == f"http://127.0.0.1:8765{address}"
    qr = client.get(
        reverse("engagement:shared_list_qr", args=[shared.token]), HTTP_HOST="127.0.0.1:8765"
    )
    assert qr.status_code == 200


def test_site_url_wins_over_the_request_address(client, service, settings):
    settings.SITE_URL = "https://directory.example.org"
    shared = _share(client, service)
    address = reverse("engagement:shared_list", args=[shared.token])

    page = client.get(address)

    assert page.context["share_url"] == f"https://directory.example.org{address}"


def test_emails_fall_back_to_this_machine_on_port_without_site_url(settings):
    from services.links import site_url

    settings.SITE_URL = ""
    settings.SITE_URL_FALLBACK = "http://127.0.0.1:8765"
    assert site_url() == "http://127.0.0.1:8765"
    settings.SITE_URL = "https://directory.example.org"
    assert site_url() == "https://directory.example.org"


def test_the_print_version_gives_the_regular_pattern_and_plain_phone_numbers(client, service):
    hub = service.locations.get()
    hub.name = "Paisley Community Hub"
    hub.save()
    ScheduleFactory(
        service=service, location=hub, weekday=1,
        opens_at=datetime.time(19), closes_at=datetime.time(21),
    )  # fmt: skip
    ScheduleFactory(
        service=service, location=None, weekday=2, frequency=Schedule.Frequency.FORTNIGHTLY,
        valid_from=datetime.date(2026, 12, 2), opens_at=datetime.time(10),
        closes_at=datetime.time(12),
    )  # fmt: skip
    ScheduleFactory(
        service=service, location=None, weekday=1, frequency=Schedule.Frequency.MONTHLY,
        week_of_month=Schedule.WeekOfMonth.SECOND, opens_at=datetime.time(18, 30),
        closes_at=datetime.time(20),
    )  # fmt: skip
    client.post(ADD, {"service": service.pk})

    with time_machine.travel(MONDAY, tick=False):
        page = client.get(reverse("engagement:shortlist"), {"print": "1"}).content.decode()

    assert "Every Tuesday, 7–9pm, at Paisley Community Hub" in page
    assert "Every other Wednesday, 10am–midday" in page
    assert "Second Tuesday of the month, 6:30–8pm" in page
    assert "Phone 0141 555 0100" in page
    assert "tel:" not in page
    assert "Next sessions" not in page


def test_a_pattern_says_when_it_starts_or_ends(db):
    location = LocationFactory(name="The Hall")
    schedule = Schedule(
        weekday=0, opens_at=datetime.time(10), closes_at=datetime.time(11), location=location,
        valid_from=datetime.date(2027, 1, 4), valid_to=datetime.date(2027, 3, 29),
    )  # fmt: skip

    words = shortlists.pattern(schedule, today=datetime.date(2026, 12, 7))

    assert words == "Every Monday, 10–11am, at The Hall, from 4 January 2027, until 29 March 2027"


def test_the_deploy_check_warns_when_site_url_is_not_set(settings):
    from services.checks import site_url_is_set

    settings.SITE_URL = ""
    settings.SITE_URL_FALLBACK = "http://127.0.0.1:8000"
    (warning,) = site_url_is_set(None)
    assert warning.id == "services.W001"
    assert "http://127.0.0.1:8000" in warning.msg
    settings.SITE_URL = "https://directory.example.org"
    assert site_url_is_set(None) == []
