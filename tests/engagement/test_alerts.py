"""Email alerts about new support: double opt-in, digests of only what is new near the place
and of the types asked, never an empty email, unsubscribe from every email (link and one-click
POST), and addresses deleted when they must be."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from engagement import alerts
from engagement.models import AlertSubscription
from services.models import Organisation, Service, ServiceType
from tests.factories import LocationFactory, OrganisationFactory, ServiceAtLocationFactory
from tests.factories import ServiceFactory as BaseServiceFactory
from tests.helpers import KIRKCALDY, PAISLEY

pytestmark = pytest.mark.django_db

JOHNSTONE = (55.8346, -4.5027)  # about 5 km west of Paisley
SIGN_UP = {
    "email": "morag@example.org",
    "near": "Paisley",
    "radius_km": "10",
    "types": ["peer-support-group", "drop-in"],
    "website": "",
}
START = datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC)


def service_at(point, *, name, types=("peer-support-group",)) -> Service:
    service = BaseServiceFactory.create(
        name=name, types=list(ServiceType.objects.filter(slug__in=types))
    )
    location = LocationFactory(
        organisation=service.organisation, latitude=point[0], longitude=point[1]
    )
    ServiceAtLocationFactory(service=service, location=location)
    return service


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def link_to(message, part: str) -> str:
    (url,) = [url for url in links_in(message) if f"/alerts/{part}/" in url]
    return url.removeprefix("http://127.0.0.1:8000")


def confirmed_alert(*, types=("peer-support-group", "drop-in"), at=START) -> AlertSubscription:
    alert = AlertSubscription.objects.create(
        email="morag@example.org",
        place="Paisley, Renfrewshire",
        latitude=PAISLEY[0],
        longitude=PAISLEY[1],
        radius_km=10,
    )
    alert.types.set(ServiceType.objects.filter(slug__in=types))
    alerts.confirm(alert, now=at)
    return alert


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.PUBLIC_FORMS_PER_HOUR = 5


def sign_up(client, capture, data=None):
    with capture(execute=True):
        return client.post("/alerts/", data or SIGN_UP)


# Signing up -------------------------------------------------------------------------------


def test_signing_up_stores_an_unconfirmed_alert_and_sends_only_a_confirmation_email(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/alerts/check-your-email/"
    alert = AlertSubscription.objects.get()
    assert (alert.email, alert.place, alert.radius_km, alert.confirmed_at) == (
        "morag@example.org",
        "Paisley, Renfrewshire",
        10,
        None,
    )
    assert sorted(alert.types.values_list("slug", flat=True)) == ["drop-in", "peer-support-group"]
    (message,) = mail.outbox
    assert message.to == ["morag@example.org"]
    assert message.subject == "Confirm your email alerts from the Recovery Directory"
    assert "within 10 km of Paisley, Renfrewshire" in message.body
    unsubscribe = "http://127.0.0.1:8000" + link_to(message, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client.get("/alerts/check-your-email/").status_code == 200


def test_emails_link_only_to_our_own_pages_with_nothing_that_tracks(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    (message,) = mail.outbox

    for url in links_in(message):
        assert url.startswith("http://127.0.0.1:8000/alerts/")
        assert "?" not in url
    assert message.content_subtype == "plain"  # no HTML: no images, no pixels
    assert not getattr(message, "alternatives", [])


def test_submitting_the_same_sign_up_twice_stores_one_alert_and_sends_one_email(
    client, django_capture_on_commit_callbacks
):
    form = client.get("/alerts/").context["form"]
    data = {**SIGN_UP, "submission_key": form["submission_key"].initial}

    sign_up(client, django_capture_on_commit_callbacks, data)
    second = sign_up(client, django_capture_on_commit_callbacks, data)

    assert second["Location"] == "/alerts/check-your-email/"
    assert AlertSubscription.objects.count() == 1
    assert len(mail.outbox) == 1


def test_signing_up_is_rate_limited(client, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_FORMS_PER_HOUR = 2
    for _ in range(2):
        assert sign_up(client, django_capture_on_commit_callbacks).status_code == 302

    refused = sign_up(client, django_capture_on_commit_callbacks)

    assert refused.status_code == 429
    assert "Please try again in an hour" in refused.content.decode()
    assert AlertSubscription.objects.count() == 2


def test_missing_answers_are_listed_in_an_error_summary_linking_to_each_field(client):
    response = client.post("/alerts/", {"email": "not an address", "near": "", "website": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Email me about new support" in html
    start = html.index('class="ds_error-summary"')
    summary = html[start : html.index("</ul>", start)]
    assert '<a href="#id_email">Enter an email address like name@example.com</a>' in summary
    assert '<a href="#id_near">Enter a town, place or postcode</a>' in summary
    assert '<a href="#id_radius_km">Choose how far away</a>' in summary
    assert AlertSubscription.objects.count() == 0


def test_a_place_we_cannot_find_is_explained_with_suggestions(client):
    response = client.post("/alerts/", {**SIGN_UP, "near": "Kirkcaldie"})

    html = response.content.decode()
    assert "We could not find “Kirkcaldie”. Did you mean Kirkcaldy?" in html
    assert AlertSubscription.objects.count() == 0


def test_the_form_can_start_from_a_search(client):
    response = client.get("/alerts/?near=Paisley&radius_km=25&type=drop-in")

    html = response.content.decode()
    assert 'value="Paisley"' in html
    assert re.search(r'value="25"\s+checked', html) or 'value="25" checked' in html
    assert 'value="drop-in" checked' in html


def test_other_posts_still_need_the_csrf_token():
    assert Client(enforce_csrf_checks=True).post("/alerts/", SIGN_UP).status_code == 403


# Confirming ---------------------------------------------------------------------------------


def test_opening_the_confirmation_link_asks_and_only_pressing_confirm_starts_alerts(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    confirm = link_to(mail.outbox[0], "confirm")

    page = client.get(confirm)
    assert page.status_code == 200
    assert "<button" in page.content.decode()
    assert AlertSubscription.objects.get().confirmed_at is None

    response = client.post(confirm)
    assert response.status_code == 302
    assert AlertSubscription.objects.get().confirmed_at is not None
    done = client.get(response["Location"]).content.decode()
    assert "Your alerts are on" in done
    assert "within 10 km of Paisley, Renfrewshire" in done


def test_an_old_or_altered_confirmation_link_does_not_work(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    confirm = link_to(mail.outbox[0], "confirm")

    assert client.get(confirm[:-3] + "abc/").status_code == 404
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert client.post(confirm).status_code == 404
    assert AlertSubscription.objects.get().confirmed_at is None


# Digests ------------------------------------------------------------------------------------


def test_nothing_is_sent_to_an_address_that_was_never_confirmed(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    service_at(JOHNSTONE, name="Johnstone Peer Group")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_alerts", stdout=None)

    assert mail.outbox == []


def test_a_digest_names_only_new_services_within_the_distance_and_types_asked(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(START - datetime.timedelta(days=3), tick=False):
        service_at(PAISLEY, name="Old Paisley Group")
    alert = confirmed_alert()
    with time_machine.travel(START + datetime.timedelta(hours=5), tick=False):
        service_at(JOHNSTONE, name="Johnstone Peer Group")
        service_at(PAISLEY, name="Paisley Drop-in", types=("drop-in",))
        service_at(PAISLEY, name="Paisley Walking Group", types=("activity-group",))
        service_at(KIRKCALDY, name="Kirkcaldy Peer Group")

    with (
        time_machine.travel(START + datetime.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alerts.send_alerts()

    (message,) = mail.outbox
    assert message.to == ["morag@example.org"]
    assert message.subject == "New support near Paisley, Renfrewshire: 2 services"
    named = re.findall(r"^(.+), run by ", message.body, flags=re.MULTILINE)
    assert named == ["Paisley Drop-in", "Johnstone Peer Group"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    alert.refresh_from_db()
    assert alert.last_sent_at == START + datetime.timedelta(days=1)


def test_the_next_digest_names_only_services_published_since_the_last_and_none_is_empty(
    django_capture_on_commit_callbacks,
):
    confirmed_alert()
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        service_at(PAISLEY, name="First New Group")
    with (
        time_machine.travel(START + datetime.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alerts.send_alerts()
    with time_machine.travel(START + datetime.timedelta(days=1, hours=2), tick=False):
        service_at(PAISLEY, name="Second New Group")

    for day in (2, 3):
        with (
            time_machine.travel(START + datetime.timedelta(days=day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            alerts.send_alerts()

    assert [m.subject for m in mail.outbox] == [
        "New support near Paisley, Renfrewshire: 1 service",
        "New support near Paisley, Renfrewshire: 1 service",
    ]
    assert "First New Group" in mail.outbox[0].body
    assert "Second New Group" in mail.outbox[1].body
    assert "First New Group" not in mail.outbox[1].body


def test_an_alert_without_types_hears_about_every_type(django_capture_on_commit_callbacks):
    confirmed_alert(types=())
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        service_at(PAISLEY, name="Paisley Walking Group", types=("activity-group",))
    with (
        time_machine.travel(START + datetime.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alerts.send_alerts()

    (message,) = mail.outbox
    assert "Paisley Walking Group" in message.body


def test_a_service_counts_as_new_when_its_organisation_is_listed(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(is_active=False)
    with time_machine.travel(START - datetime.timedelta(days=30), tick=False):
        hidden = BaseServiceFactory(organisation=organisation, name="Long Hidden Group")
        ServiceAtLocationFactory(
            service=hidden, location=LocationFactory(organisation=organisation)
        )
    assert Service.objects.get(pk=hidden.pk).first_published_at is None
    confirmed_alert()
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        organisation.is_active = True
        organisation.save()
    with (
        time_machine.travel(START + datetime.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alerts.send_alerts()

    (message,) = mail.outbox
    assert "Long Hidden Group" in message.body


def test_services_listed_by_a_bulk_update_are_stamped_by_the_daily_run():
    service = service_at(PAISLEY, name="Paused Group")
    Service.objects.filter(pk=service.pk).update(status="inactive", first_published_at=None)
    Service.objects.filter(pk=service.pk).update(status="active")
    Organisation.objects.filter(pk=service.organisation_id).update(is_active=True)

    alerts.send_alerts(now=START)

    assert Service.objects.get(pk=service.pk).first_published_at == START


# Unsubscribing and forgetting -----------------------------------------------------------------


def _digest(django_capture_on_commit_callbacks):
    confirmed_alert()
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        service_at(PAISLEY, name="New Group")
    with (
        time_machine.travel(START + datetime.timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alerts.send_alerts()
    (message,) = mail.outbox
    return message


def test_the_unsubscribe_link_in_a_digest_deletes_the_address(
    django_capture_on_commit_callbacks,
):
    unsubscribe = link_to(_digest(django_capture_on_commit_callbacks), "unsubscribe")
    browser = Client(enforce_csrf_checks=True)

    page = browser.get(unsubscribe)
    assert page.status_code == 200
    assert "Stop alerts and delete my address" in page.content.decode()
    assert AlertSubscription.objects.count() == 1

    done = browser.post(unsubscribe)
    assert done.status_code == 200
    assert "we have deleted your email address" in done.content.decode()
    assert AlertSubscription.objects.count() == 0
    assert browser.get(unsubscribe).status_code == 200  # still a friendly page afterwards


def test_a_mail_programs_one_click_post_unsubscribes_without_a_csrf_token(
    django_capture_on_commit_callbacks,
):
    message = _digest(django_capture_on_commit_callbacks)
    header = message.extra_headers["List-Unsubscribe"].strip("<>")
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        header.removeprefix("http://127.0.0.1:8000"), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert AlertSubscription.objects.count() == 0


def test_a_forged_unsubscribe_link_changes_nothing(django_capture_on_commit_callbacks):
    alert = confirmed_alert()
    forged = alerts.token(alert, "confirm")  # signed, but for another purpose

    response = Client(enforce_csrf_checks=True).post(f"/alerts/unsubscribe/{forged}/")

    assert response.status_code == 404
    assert AlertSubscription.objects.count() == 1


def test_unconfirmed_sign_ups_and_alerts_not_renewed_for_a_year_are_deleted():
    now = START
    with time_machine.travel(now - datetime.timedelta(days=8), tick=False):
        AlertSubscription.objects.create(
            email="gone@example.org", place="Paisley", latitude=0, longitude=0, radius_km=5
        )
    with time_machine.travel(now - datetime.timedelta(days=2), tick=False):
        AlertSubscription.objects.create(
            email="waiting@example.org", place="Paisley", latitude=0, longitude=0, radius_km=5
        )
    confirmed_alert(at=now - datetime.timedelta(days=370))  # lapsed
    kept = confirmed_alert(at=now - datetime.timedelta(days=330))

    alerts.send_alerts(now=now)

    assert sorted(AlertSubscription.objects.values_list("email", "confirmed_at")) == [
        ("morag@example.org", kept.confirmed_at),
        ("waiting@example.org", None),
    ]


def test_renewing_from_a_digest_keeps_alerts_for_another_year(
    client, django_capture_on_commit_callbacks
):
    renew = link_to(_digest(django_capture_on_commit_callbacks), "renew")
    alert = AlertSubscription.objects.get()

    later = START + datetime.timedelta(days=300)
    with time_machine.travel(later, tick=False):
        response = client.post(renew)
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.confirmed_at == later
    assert alert.last_sent_at == START + datetime.timedelta(days=1)


def test_the_migration_counts_services_listed_today_as_published_when_they_were_created():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("services.migrations.0009_service_first_published_at")
    listed = service_at(PAISLEY, name="Listed Group")
    hidden = BaseServiceFactory(status="inactive")
    Service.objects.update(first_published_at=None)

    migration.backfill(apps, None)

    listed.refresh_from_db()
    hidden.refresh_from_db()
    assert listed.first_published_at == listed.created_at
    assert hidden.first_published_at is None


def test_an_alert_is_reminded_once_two_weeks_before_its_year_ends(
    django_capture_on_commit_callbacks,
):
    confirmed_alert()
    year = datetime.timedelta(days=360)  # ALERT_RETENTION_MONTHS=12, 30-day months
    for days_before_the_end in (15, 14, 13):
        moment = START + year - datetime.timedelta(days=days_before_the_end, hours=-1)
        with django_capture_on_commit_callbacks(execute=True):
            alerts.send_alerts(now=moment)

    (message,) = mail.outbox
    assert message.subject == "Your Recovery Directory alerts end soon"
    assert "end on 27 January 2028" in message.body
    assert "/alerts/renew/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
