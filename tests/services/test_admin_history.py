"""History in plain words: labels rather than codes, sessions, places and vocabularies
included, who and when without links the reader cannot open, and a revert that shows what it
will change before it changes anything."""

import re

import pytest
from django.urls import reverse

from services.models import AccessibilityFeature, AccessRoute, Service
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceFactory,
)

from .test_admin_features import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Ours")


@pytest.fixture
def editor(organisation):
    user = MembershipFactory(organisation=organisation).user
    user.first_name, user.last_name = "Morag", "Stewart"
    user.save()
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def service(organisation):
    return ServiceFactory(organisation=organisation, name="Tuesday Group")


def url(obj, view: str, *args) -> str:
    return reverse(f"admin:services_{obj._meta.model_name}_{view}", args=[obj.pk, *args])


def save(client, obj, **changes):
    data = change_form_data(client.get(url(obj, "change"))) | changes
    response = client.post(url(obj, "change"), data)
    assert response.status_code == 302
    return response


def history_page(client, obj) -> str:
    response = client.get(url(obj, "history"))
    assert response.status_code == 200
    return response.content.decode()


def test_history_uses_labels_and_names_not_codes(editor_client, service):
    drop_in = AccessRoute.objects.get(slug="drop-in")
    save(editor_client, service, intake_status="waiting-list", access_routes=[drop_in.pk])

    page = history_page(editor_client, service)

    assert "Taking new people?: Welcoming new people → Waiting list" in page
    assert "Ways in: added Drop in (no appointment); removed Self-referral" in page
    assert "waiting-list" not in page
    assert "Morag Stewart" in page


def test_history_includes_sessions_added_changed_and_removed(editor_client, service):
    data = change_form_data(editor_client.get(url(service, "change")))
    editor_client.post(
        url(service, "change"),
        data
        | {
            "schedules-TOTAL_FORMS": "1",
            "schedules-0-weekday": "1",
            "schedules-0-opens_at": "7pm",
            "schedules-0-closes_at": "9pm",
            "schedules-0-frequency": "weekly",
        },
    )
    save(editor_client, service, **{"schedules-0-closes_at": "9:30pm"})

    page = history_page(editor_client, service)

    assert "Added session: Tuesday 7–9pm, every week" in page
    assert "Changed session Tuesday 7–9pm, every week: Finishes at: 9pm → 9:30pm" in page


def test_history_includes_places_and_location_features(editor_client, service, organisation):
    hub = LocationFactory(organisation=organisation, name="Johnstone Hub")
    data = change_form_data(editor_client.get(url(service, "change")))
    editor_client.post(
        url(service, "change"),
        data | {"service_locations-TOTAL_FORMS": "1", "service_locations-0-location": hub.pk},
    )
    step_free = AccessibilityFeature.objects.get(slug="step-free-access")
    save(editor_client, hub, accessibility=[step_free.pk])

    assert "Added place: Johnstone Hub, Paisley" in history_page(editor_client, service)
    assert f"Accessibility: added {step_free.name}" in history_page(editor_client, hub)


def test_changed_by_is_plain_text_for_members(editor_client, service):
    save(editor_client, service, phone="0141 111 2222")

    page = history_page(editor_client, service)

    assert "/admin/auth/user/" not in page
    assert "Phone: (empty) → 0141 111 2222" in page


def test_revert_shows_what_will_change_and_changes_nothing_until_confirmed(editor_client, service):
    drop_in = AccessRoute.objects.get(slug="drop-in")
    save(editor_client, service, name="Renamed", access_routes=[drop_in.pk])
    version = service.history.earliest()

    preview = editor_client.get(url(service, "simple_history", version.history_id))

    page = preview.content.decode()
    assert "What going back would change" in page
    assert '<th scope="row">Name</th><td>Renamed</td><td>Tuesday Group</td>' in page
    assert (
        '<th scope="row">Ways in</th><td>Drop in (no appointment)</td><td>Self-referral</td>'
        in page
    )
    assert Service.objects.get(pk=service.pk).name == "Renamed"

    response = editor_client.post(
        url(service, "simple_history", version.history_id), change_form_data(preview)
    )

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Tuesday Group"
    assert [route.slug for route in service.access_routes.all()] == ["self-referral"]


def test_every_link_on_the_history_page_opens_for_the_member(editor_client, service):
    save(editor_client, service, phone="01")
    save(editor_client, service, phone="02")

    page = history_page(editor_client, service)

    links = set(re.findall(r'href="(/admin/[^"]*)"', page))
    assert any("/history/" in link for link in links)  # "See this version"
    for link in links - {"/admin/logout/"}:
        assert editor_client.get(link).status_code == 200, link


def test_a_deleted_services_history_is_for_moderators_without_dead_links(client, service):
    from tests.factories import ModeratorFactory

    history = url(service, "history")
    service.delete()
    client.force_login(ModeratorFactory())

    page = client.get(history).content.decode()

    assert "Deleted" in page
    assert "See this version" not in page
