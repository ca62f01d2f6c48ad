import datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from engagement.models import SavedShortlist, SharedShortlist
from services.models import Service
from tests.factories import ScheduleFactory, ServiceAtLocationFactory, ServiceFactory, UserFactory

from .conftest import make_link_worker


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def two_services(db):
    first = ServiceFactory(name="Paisley Peer Group", phone="0141 555 0100")
    ServiceAtLocationFactory(service=first)
    ScheduleFactory(service=first)
    second = ServiceFactory(name="Renfrew Walk and Talk", email="walk@example.org")
    return first, second


def _add(client, service, next_url=""):
    return client.post(
        reverse("engagement:shortlist_add"), {"service": service.pk, "next": next_url}
    )


def test_adding_services_keeps_them_in_the_session_and_returns_to_the_page(client, two_services):
    first, second = two_services
    response = _add(client, first, next_url="/search/?near=PA1")
    assert response["Location"] == f"/search/?near=PA1#on-list-{first.pk}"
    _add(client, second)
    _add(client, first)
    response = client.get(reverse("engagement:shortlist"))
    names = [entry.service.name for entry in response.context["entries"]]
    assert names == ["Paisley Peer Group", "Renfrew Walk and Talk"]
    body = response.content.decode()
    assert "0141 555 0100" in body
    assert "walk@example.org" in body
    assert "1 High Street, Paisley, PA1 1AA" in body
    assert len(response.context["entries"][0].next_sessions) == 3


def test_add_refuses_to_redirect_to_another_site(client, two_services):
    response = _add(client, two_services[0], next_url="https://evil.example/")
    assert response["Location"] == reverse("engagement:shortlist")


def test_adding_an_unknown_or_unpublished_service_is_not_found(client, two_services):
    hidden = ServiceFactory(status=Service.Status.INACTIVE)
    assert _add(client, hidden).status_code == 404
    response = client.post(reverse("engagement:shortlist_add"), {"service": "not-a-uuid"})
    assert response.status_code == 404


def test_removing_a_service(client, two_services):
    first, second = two_services
    _add(client, first)
    _add(client, second)
    client.post(reverse("engagement:shortlist_remove"), {"service": str(first.pk)})
    response = client.get(reverse("engagement:shortlist"))
    assert [e.service for e in response.context["entries"]] == [second]


def test_list_page_query_count_does_not_grow_with_the_list(
    client, two_services, django_assert_max_num_queries
):
    for _ in range(5):
        service = ServiceFactory()
        ServiceAtLocationFactory(service=service)
        ScheduleFactory(service=service)
        _add(client, service)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("engagement:shortlist"))
    assert len(response.context["entries"]) == 5


def test_print_layout_is_a_plain_page_with_the_services(client, two_services):
    _add(client, two_services[0])
    response = client.get(reverse("engagement:shortlist") + "?print=1")
    body = response.content.decode()
    assert "engagement/shortlist_print.html" in [t.name for t in response.templates]
    assert "Paisley Peer Group" in body
    assert "ds_site-header" not in body
    assert "<h1>Support services</h1>" in body


def test_sharing_makes_a_read_only_snapshot_that_opens_in_a_fresh_session(
    client, two_services, django_user_model
):
    first, second = two_services
    _add(client, first)
    _add(client, second)
    response = client.post(reverse("engagement:shortlist_share"))
    shared = SharedShortlist.objects.get()
    assert response["Location"] == reverse("engagement:shared_list", args=[shared.token])
    assert shared.service_ids == [str(first.pk), str(second.pk)]
    assert len(shared.token) >= 24

    client.post(reverse("engagement:shortlist_remove"), {"service": str(first.pk)})
    from django.test import Client

    fresh = Client()
    response = fresh.get(reverse("engagement:shared_list", args=[shared.token]))
    assert [e.service for e in response.context["entries"]] == [first, second]
    assert "Remove" not in response.content.decode()


def test_sharing_an_empty_list_is_refused(client, db):
    response = client.post(reverse("engagement:shortlist_share"), follow=True)
    assert "Add at least one service" in response.content.decode()
    assert not SharedShortlist.objects.exists()


def test_shared_link_expires_after_ninety_days(client, two_services):
    _add(client, two_services[0])
    start = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.post(reverse("engagement:shortlist_share"))
    url = reverse("engagement:shared_list", args=[SharedShortlist.objects.get().token])
    with time_machine.travel(start + datetime.timedelta(days=89), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(start + datetime.timedelta(days=90, seconds=1), tick=False):
        assert client.get(url).status_code == 404
    assert client.get(reverse("engagement:shared_list", args=["guessed"])).status_code == 404


def test_qr_code_is_an_svg_of_the_share_link(client, two_services):
    _add(client, two_services[0])
    client.post(reverse("engagement:shortlist_share"))
    token = SharedShortlist.objects.get().token
    response = client.get(reverse("engagement:shared_list_qr", args=[token]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def _shared_token(client, service):
    _add(client, service)
    client.post(reverse("engagement:shortlist_share"))
    return SharedShortlist.objects.latest("created_at").token


def test_emailing_the_link_sends_only_the_link_and_keeps_no_address(
    client, two_services, django_capture_on_commit_callbacks
):
    token = _shared_token(client, two_services[0])
    url = reverse("engagement:shared_list_email", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "friend@example.org", "website": ""})
    assert response.status_code == 302
    assert mail.outbox[0].to == ["friend@example.org"]
    assert f"/lists/{token}/" in mail.outbox[0].body
    assert "friend@example.org" not in str(list(SharedShortlist.objects.values()))


def test_bad_email_address_shows_an_error_summary(client, two_services):
    token = _shared_token(client, two_services[0])
    response = client.post(reverse("engagement:shared_list_email", args=[token]), {"email": "x"})
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_email"' in body
    assert "Enter an email address in the correct format" in body
    assert not mail.outbox


def test_honeypot_and_rate_limit_do_not_block_a_legitimate_visitor(
    client, two_services, settings, django_capture_on_commit_callbacks
):
    settings.SHORTLIST_EMAILS_PER_HOUR = 2
    token = _shared_token(client, two_services[0])
    url = reverse("engagement:shared_list_email", args=[token])
    bot = {"email": "bot@example.org", "website": "http://spam.example"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, bot, REMOTE_ADDR="203.0.113.9")
        for _ in range(3):
            client.post(url, {"email": "flood@example.org"}, REMOTE_ADDR="203.0.113.7")
        client.post(url, {"email": "person@example.org"}, REMOTE_ADDR="198.51.100.4")
    recipients = [m.to[0] for m in mail.outbox]
    assert "bot@example.org" not in recipients
    assert recipients.count("flood@example.org") == 2
    assert "person@example.org" in recipients


def test_link_worker_saves_and_reopens_a_named_list(client, two_services):
    worker = make_link_worker()
    client.force_login(worker)
    first, second = two_services
    _add(client, first)
    _add(client, second)
    client.post(reverse("engagement:shortlist_save"), {"name": "Paisley low mood"})
    saved = SavedShortlist.objects.get(user=worker)
    assert saved.service_ids == [str(first.pk), str(second.pk)]
    client.post(reverse("engagement:shortlist_remove"), {"service": str(first.pk)})
    client.post(reverse("engagement:shortlist_saved", args=[saved.pk]), {"action": "open"})
    response = client.get(reverse("engagement:shortlist"))
    assert [e.service for e in response.context["entries"]] == [first, second]
    assert "Paisley low mood" in response.content.decode()


def test_only_link_workers_save_lists_and_only_their_own(client, two_services):
    _add(client, two_services[0])
    client.force_login(UserFactory())
    response = client.post(reverse("engagement:shortlist_save"), {"name": "Mine"})
    assert response.status_code == 403
    owner = make_link_worker()
    saved = SavedShortlist.objects.create(user=owner, name="Theirs", service_ids=[])
    client.force_login(make_link_worker())
    url = reverse("engagement:shortlist_saved", args=[saved.pk])
    assert client.post(url, {"action": "delete"}).status_code == 404
    assert SavedShortlist.objects.filter(pk=saved.pk).exists()


def test_add_to_list_partial_posts_the_service_and_comes_back(rf, two_services):
    from django.template.loader import render_to_string

    request = rf.get("/search/?near=PA1+1AA")
    html = render_to_string(
        "engagement/includes/add_to_list_form.html", {"service": two_services[0]}, request
    )
    assert f'value="{two_services[0].pk}"' in html
    assert 'value="/search/?near=PA1+1AA"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Add to my list" in html
