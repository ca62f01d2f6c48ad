"""Keeping listings up to date in the admin: marking as checked, history and revert, the
review-overdue filter, validation messages, checkboxes and list query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from services.models import CourseRun, Location, Schedule, Service
from tests.factories import (
    CourseRunFactory,
    LocationFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceFactory,
    UserFactory,
)

from .test_admin_features import change_form_data
from .test_admin_isolation import course_run_data, location_data, schedule_data, service_data

pytestmark = pytest.mark.django_db

CHECKED_REASON = "Marked as checked"


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Ours")


@pytest.fixture
def editor(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def service(organisation):
    return ServiceFactory(organisation=organisation, name="Tuesday Group")


def change_url(service) -> str:
    return reverse("admin:services_service_change", args=[service.pk])


def mark_checked(client, service, **changes):
    """Press "Save and mark as checked today" on the service's page, after `changes`."""
    data = change_form_data(client.get(change_url(service))) | changes
    return client.post(change_url(service), data | {"_mark_checked": "1"})


# Mark as checked today -------------------------------------------------------------------


def test_service_page_has_a_mark_as_checked_button_that_submits_the_form(editor_client, service):
    response = editor_client.get(change_url(service))

    page = response.content.decode()
    assert '<button type="submit" form="service_form" name="_mark_checked"' in page
    assert "Save and mark as checked today" in page
    assert "Last checked: Never." in page


def test_mark_as_checked_records_who_and_when_in_history(editor_client, editor, service):
    response = mark_checked(editor_client, service)

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.last_checked_by == editor
    assert timezone.now() - service.last_checked_at < datetime.timedelta(minutes=1)
    latest = service.history.latest()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Changed and marked as checked"


def test_mark_as_checked_keeps_the_edit_made_on_the_page(editor_client, service):
    response = mark_checked(editor_client, service, phone="0141 999 0000")

    assert response.status_code == 302
    assert response.url == change_url(service)
    service.refresh_from_db()
    assert service.phone == "0141 999 0000"
    assert service.last_checked_at is not None


def test_mark_as_checked_with_a_mistake_saves_nothing_and_keeps_the_edits(editor_client, service):
    response = mark_checked(editor_client, service, phone="0141 999 0000", name="")

    page = response.content.decode()
    assert response.status_code == 200
    assert "not marked as checked yet" in page
    assert 'value="0141 999 0000"' in page
    service.refresh_from_db()
    assert (service.phone, service.last_checked_at) == ("", None)


def test_mark_as_checked_needs_the_csrf_token(editor, service):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(change_url(service), {"_mark_checked": "1"})

    assert response.status_code == 403
    service.refresh_from_db()
    assert service.last_checked_at is None


def test_member_cannot_mark_another_organisations_service_as_checked(editor_client):
    other = ServiceFactory()

    response = editor_client.post(change_url(other), {"_mark_checked": "1"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.last_checked_at is None


def test_bulk_mark_as_checked_changes_only_own_services(editor_client, editor, organisation):
    first, second = ServiceFactory.create_batch(2, organisation=organisation)
    other = ServiceFactory()

    response = editor_client.post(
        reverse("admin:services_service_changelist"),
        {"action": "mark_checked_today", "_selected_action": [first.pk, second.pk, other.pk]},
    )

    assert response.status_code == 302
    for service in (first, second):
        service.refresh_from_db()
        assert service.last_checked_by == editor
        assert service.history.latest().history_change_reason == CHECKED_REASON
    other.refresh_from_db()
    assert other.last_checked_at is None


# History and revert ----------------------------------------------------------------------


def test_admin_edits_are_in_history_with_who_made_them(editor_client, editor, service):
    url = reverse("admin:services_service_change", args=[service.pk])
    editor_client.post(url, change_form_data(editor_client.get(url)) | {"name": "Renamed"})

    history = editor_client.get(reverse("admin:services_service_history", args=[service.pk]))

    latest = service.history.latest()
    assert (latest.name, latest.history_user) == ("Renamed", editor)
    assert history.status_code == 200
    assert editor.username in history.content.decode()


def test_revert_through_the_admin_restores_an_earlier_name(editor_client, editor, service):
    original = service.history.earliest()
    url = reverse("admin:services_service_change", args=[service.pk])
    editor_client.post(url, change_form_data(editor_client.get(url)) | {"name": "Renamed"})
    service.refresh_from_db()
    assert service.name == "Renamed"
    revert_url = reverse(
        "admin:services_service_simple_history", args=[service.pk, original.history_id]
    )

    form_page = editor_client.get(revert_url)
    response = editor_client.post(revert_url, change_form_data(form_page))

    assert form_page.context["adminform"].form["name"].value() == "Tuesday Group"
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Tuesday Group"
    assert service.history.latest().history_user == editor


# Review overdue filter -------------------------------------------------------------------


def test_review_overdue_filter_finds_services_not_checked_for_six_months(client, moderator):
    now = timezone.now()
    never = ServiceFactory()
    stale = ServiceFactory()
    recent = ServiceFactory()
    Service.objects.filter(pk=stale.pk).update(last_checked_at=now - datetime.timedelta(days=190))
    Service.objects.filter(pk=recent.pk).update(last_checked_at=now - datetime.timedelta(days=30))
    client.force_login(moderator)

    everything = client.get(reverse("admin:services_service_changelist"))
    overdue = client.get(reverse("admin:services_service_changelist"), {"review": "overdue"})

    assert "Review overdue (&gt; 6 months)" in everything.content.decode()
    assert set(overdue.context["cl"].result_list) == {never, stale}


def test_members_filter_their_own_overdue_services_but_not_by_organisation(editor_client, service):
    ServiceFactory(name="Someone else's")
    changelist = editor_client.get(reverse("admin:services_service_changelist"))
    overdue = editor_client.get(reverse("admin:services_service_changelist"), {"review": "overdue"})

    titles = {spec.title for spec in changelist.context["cl"].filter_specs}
    assert "Review overdue" in changelist.content.decode()
    assert "organisation" not in titles
    assert overdue.status_code == 200
    assert list(overdue.context["cl"].result_list) == [service]


def test_moderators_can_filter_services_by_organisation(client, moderator, service):
    ServiceFactory()
    client.force_login(moderator)

    response = client.get(
        reverse("admin:services_service_changelist"),
        {"organisation__id__exact": service.organisation_id},
    )

    assert list(response.context["cl"].result_list) == [service]


# Validation messages ---------------------------------------------------------------------


def test_service_age_limits_the_wrong_way_round_are_explained(editor_client, organisation):
    data = service_data(organisation) | {"min_age": "30", "max_age": "18"}

    response = editor_client.post(reverse("admin:services_service_add"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "The maximum age must be the same as or more than the minimum age." in page
    assert not Service.objects.filter(slug="new-group").exists()


def test_schedule_finishing_before_it_starts_is_explained(editor_client, service):
    data = schedule_data(service) | {"opens_at": "12:00", "closes_at": "10:00"}

    response = editor_client.post(reverse("admin:services_schedule_add"), data)

    assert response.status_code == 200
    assert "The finish time must be after the start time." in response.content.decode()
    assert not Schedule.objects.exists()


def test_schedule_row_on_the_service_page_is_validated(editor_client, service):
    url = reverse("admin:services_service_change", args=[service.pk])
    data = change_form_data(editor_client.get(url)) | {
        "schedules-TOTAL_FORMS": "1",
        "schedules-0-weekday": "3",
        "schedules-0-opens_at": "14:00",
        "schedules-0-closes_at": "13:00",
        "schedules-0-frequency": Schedule.Frequency.MONTHLY,
    }

    response = editor_client.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The finish time must be after the start time." in page
    assert "Say which week of the month this session is in." in page
    assert not Schedule.objects.exists()


def test_schedule_location_must_belong_to_the_services_organisation(editor, service):
    from django.test import Client

    other_location = LocationFactory(organisation=MembershipFactory(user=editor).organisation)
    client = Client()
    client.force_login(editor)
    data = schedule_data(service) | {"location": other_location.pk}

    response = client.post(reverse("admin:services_schedule_add"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose one of the service&#x27;s own organisation&#x27;s places." in page
    assert not Schedule.objects.exists()


def test_course_run_ending_before_it_starts_is_explained(editor_client, service):
    data = course_run_data(service) | {"start_date": "2026-11-01", "end_date": "2026-09-01"}

    response = editor_client.post(reverse("admin:services_courserun_add"), data)

    assert response.status_code == 200
    assert "A course must start on or before the day it ends." in response.content.decode()
    assert not CourseRun.objects.exists()


def test_bad_postcode_is_explained_and_a_good_one_is_tidied_up(editor_client, organisation):
    url = reverse("admin:services_location_add")

    bad = editor_client.post(url, location_data(organisation) | {"postcode": "EH1"})
    good = editor_client.post(url, location_data(organisation) | {"postcode": " pa11uj "})

    assert bad.status_code == 200
    assert "Enter a full UK postcode, for example EH1 1AB." in bad.content.decode()
    assert good.status_code == 302
    assert Location.objects.get().postcode == "PA1 1UJ"


# Forms -----------------------------------------------------------------------------------


def test_service_vocabularies_and_location_accessibility_are_checkboxes(editor_client, service):
    location = LocationFactory(organisation=service.organisation)

    service_page = editor_client.get(
        reverse("admin:services_service_change", args=[service.pk])
    ).content.decode()
    location_page = editor_client.get(
        reverse("admin:services_location_change", args=[location.pk])
    ).content.decode()

    for name in (
        "types",
        "access_routes",
        "lived_experience",
        "audiences",
        "delivery_modes",
        "languages",
        "areas",
    ):
        assert f'type="checkbox" name="{name}"' in service_page
    assert 'type="checkbox" name="accessibility"' in location_page


@pytest.mark.parametrize("model", ["service", "location", "schedule", "courserun"])
def test_every_field_on_an_add_form_has_help_text(editor_client, model):
    response = editor_client.get(reverse(f"admin:services_{model}_add"))

    form = response.context["adminform"].form
    missing = [
        name
        for name, field in form.fields.items()
        if not field.help_text and not field.widget.is_hidden
    ]
    assert missing == []


def test_member_with_one_organisation_has_it_chosen_on_new_service(editor_client, organisation):
    response = editor_client.get(reverse("admin:services_service_add"))

    assert response.context["adminform"].form["organisation"].value() == organisation.pk


# Query counts ----------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_moderator_service_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries
):
    checker = UserFactory()
    url = reverse("admin:services_service_changelist")
    client.force_login(ModeratorFactory())
    for service in ServiceFactory.create_batch(5):
        service.mark_checked(checker)
    with_five = count_queries(client, url)
    for service in ServiceFactory.create_batch(25):
        service.mark_checked(checker)

    with django_assert_max_num_queries(with_five):
        response = client.get(url)

    assert len(response.context["cl"].result_list) == 30


@pytest.mark.parametrize(
    "model",
    ["organisation", "service", "location", "schedule", "courserun", "organisationmembership"],
)
def test_member_list_query_counts_do_not_grow_with_rows(
    client, django_assert_max_num_queries, model
):
    organisation = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=organisation).user)
    url = reverse(f"admin:services_{model}_changelist")

    def add_rows(count):
        for _ in range(count):
            ScheduleFactory(service__organisation=organisation)
            CourseRunFactory(service__organisation=organisation)
            LocationFactory(organisation=organisation)
            MembershipFactory(organisation=organisation)

    add_rows(5)
    with_five = count_queries(client, url)
    add_rows(25)

    with django_assert_max_num_queries(with_five):
        client.get(url)


def test_place_used_by_a_service_cannot_move_to_another_organisation(
    editor_client, editor, service
):
    location = LocationFactory(organisation=service.organisation)
    service.service_locations.create(location=location)
    elsewhere = MembershipFactory(user=editor).organisation
    url = reverse("admin:services_location_change", args=[location.pk])
    data = change_form_data(editor_client.get(url)) | {"organisation": elsewhere.pk}

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Services of another organisation use this place." in response.content.decode()
    location.refresh_from_db()
    assert location.organisation == service.organisation


def test_organisation_form_has_help_text_on_every_field(editor_client, organisation):
    url = reverse("admin:services_organisation_change", args=[organisation.pk])

    form = editor_client.get(url).context["adminform"].form

    missing = [n for n, f in form.fields.items() if not f.help_text and not f.widget.is_hidden]
    assert missing == []
