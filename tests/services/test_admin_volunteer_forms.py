"""The admin forms volunteers use: two people saving the same record, locations placed from
their postcode, the error summary, times as people write them, no slug to fill in, and the
warning when "taking new people?" and the ways in disagree."""

import pytest
from django.test import Client
from django.urls import reverse

from services.models import AccessRoute, Area, Location, Postcode, Schedule, Service
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceFactory,
)

from .test_admin_features import change_form_data, form_data
from .test_admin_isolation import service_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Johnstone Peer Support")


@pytest.fixture
def service(organisation):
    return ServiceFactory(organisation=organisation, name="Tuesday Group")


def signed_in(organisation):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation).user)
    return client


@pytest.fixture
def editor_client(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation).user)
    return client


@pytest.fixture
def two_people(organisation):
    return signed_in(organisation), signed_in(organisation)


def change_url(obj) -> str:
    return reverse(f"admin:services_{obj._meta.model_name}_change", args=[obj.pk])


# Two people saving the same record --------------------------------------------------------


def test_second_save_keeps_the_first_persons_change_to_another_field(two_people, service):
    editor, manager = two_people
    editors_page = change_form_data(editor.get(change_url(service)))
    managers_page = change_form_data(manager.get(change_url(service)))

    editor.post(change_url(service), editors_page | {"phone": "0141 111 2222"})
    response = manager.post(change_url(service), managers_page | {"email": "hi@example.org"})

    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.phone, service.email) == ("0141 111 2222", "hi@example.org")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("had changed Phone since you opened the page" in m for m in messages)


def test_second_save_of_the_same_field_is_refused_with_all_three_versions(two_people, service):
    editor, manager = two_people
    editors_page = change_form_data(editor.get(change_url(service)))
    managers_page = change_form_data(manager.get(change_url(service)))
    editor.post(change_url(service), editors_page | {"phone": "0141 111 2222"})

    response = manager.post(change_url(service), managers_page | {"phone": "0141 999 8888"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "nothing was saved" in page
    assert '<th scope="row">Phone</th><td>(empty)</td><td>0141 111 2222</td>' in page
    assert "<td>0141 999 8888</td>" in page
    assert 'value="0141 999 8888"' in page  # the refused edit is still in the form
    service.refresh_from_db()
    assert service.phone == "0141 111 2222"

    # Having seen both, saving again is taken as the decision.
    again = manager.post(change_url(service), change_form_data(response))
    assert again.status_code == 302
    service.refresh_from_db()
    assert service.phone == "0141 999 8888"


def test_vocabulary_changes_are_merged_too(two_people, service):
    editor, manager = two_people
    editors_page = change_form_data(editor.get(change_url(service)))
    managers_page = change_form_data(manager.get(change_url(service)))
    drop_in = AccessRoute.objects.get(slug="drop-in")

    editor.post(change_url(service), editors_page | {"access_routes": [drop_in.pk]})
    response = manager.post(change_url(service), managers_page | {"name": "Tuesday Café"})

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Tuesday Café"
    assert list(service.access_routes.all()) == [drop_in]


def test_a_session_changed_by_both_is_refused(two_people, service):
    session = ScheduleFactory(service=service)
    editor, manager = two_people
    editors_page = change_form_data(editor.get(change_url(service)))
    managers_page = change_form_data(manager.get(change_url(service)))
    editor.post(change_url(service), editors_page | {"schedules-0-opens_at": "5pm"})

    response = manager.post(change_url(service), managers_page | {"schedules-0-opens_at": "4pm"})

    assert response.status_code == 200
    assert "Regular session 1: " in response.content.decode()
    session.refresh_from_db()
    assert session.opens_at.hour == 17


def test_a_session_changed_by_one_person_survives_the_others_save(two_people, service):
    session = ScheduleFactory(service=service)
    editor, manager = two_people
    editors_page = change_form_data(editor.get(change_url(service)))
    managers_page = change_form_data(manager.get(change_url(service)))
    editor.post(change_url(service), editors_page | {"schedules-0-opens_at": "5pm"})

    response = manager.post(change_url(service), managers_page | {"phone": "0141 111 2222"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.opens_at.hour == 17


def test_organisation_and_location_saves_are_checked_too(two_people, organisation):
    location = LocationFactory(organisation=organisation)
    editor, manager = two_people
    for obj, field, first, second in [
        (organisation, "phone", "0141 1", "0141 2"),
        (location, "directions", "Side door.", "Front door."),
    ]:
        editors_page = change_form_data(editor.get(change_url(obj)))
        managers_page = change_form_data(manager.get(change_url(obj)))
        editor.post(change_url(obj), editors_page | {field: first})

        response = manager.post(change_url(obj), managers_page | {field: second})

        assert response.status_code == 200
        obj.refresh_from_db()
        assert getattr(obj, field) == first


# Locations from their postcode -------------------------------------------------------------


@pytest.fixture
def johnstone_postcode():
    renfrewshire = Area.objects.get(slug="renfrewshire")
    return Postcode.objects.create(
        postcode="PA5 8AA",
        district="PA5",
        latitude=55.8301,
        longitude=-4.5112,
        council_area=renfrewshire,
    )


def new_location(organisation, **fields) -> dict:
    return {
        "organisation": organisation.pk,
        "name": "Johnstone Town Hall",
        "address_1": "25 Rankine Street",
        "town": "Johnstone",
        "postcode": "pa58aa",
        **fields,
    }


def test_a_location_with_only_a_postcode_gets_position_and_council_area(
    editor_client, organisation, johnstone_postcode
):
    response = editor_client.post(
        reverse("admin:services_location_add"), new_location(organisation), follow=True
    )

    location = Location.objects.get()
    assert (location.latitude, location.longitude) == (55.8301, -4.5112)
    assert location.council_area.slug == "renfrewshire"
    page = response.content.decode()
    assert "come from the postcode PA5 8AA" in page
    assert "55.83010, -4.51120 in Renfrewshire" in page


def test_changing_the_postcode_moves_the_location(editor_client, organisation, johnstone_postcode):
    location = LocationFactory(organisation=organisation, town="Johnstone", postcode="PA1 1AA")
    data = change_form_data(editor_client.get(change_url(location)))

    editor_client.post(change_url(location), data | {"postcode": "PA5 8AA"})

    location.refresh_from_db()
    assert (location.postcode, location.latitude, location.longitude) == (
        "PA5 8AA",
        55.8301,
        -4.5112,
    )


def test_a_london_postcode_is_refused_for_a_johnstone_address(editor_client, organisation):
    location = LocationFactory(organisation=organisation, town="Johnstone", postcode="PA5 8AA")
    data = change_form_data(editor_client.get(change_url(location)))

    response = editor_client.post(change_url(location), data | {"postcode": "SW1A 1AA"})

    assert response.status_code == 200
    assert "SW1A 1AA is not a Scottish postcode" in response.content.decode()
    location.refresh_from_db()
    assert location.postcode == "PA5 8AA"


def test_a_postcode_far_from_the_town_is_refused(editor_client, organisation):
    Postcode.objects.create(
        postcode="AB10 1AA", district="AB10", latitude=57.1437, longitude=-2.0981
    )

    response = editor_client.post(
        reverse("admin:services_location_add"), new_location(organisation, postcode="AB10 1AA")
    )

    assert response.status_code == 200
    assert "AB10 1AA is about" in response.content.decode()
    assert "km from Johnstone" in response.content.decode()
    assert not Location.objects.exists()


def test_an_unknown_postcode_falls_back_to_its_district_then_the_town(editor_client, organisation):
    response = editor_client.post(
        reverse("admin:services_location_add"), new_location(organisation, postcode="PA5 9ZZ")
    )

    assert response.status_code == 302
    location = Location.objects.get()
    assert location.council_area.slug == "renfrewshire"
    assert abs(location.latitude - 55.829) < 0.05


def test_typed_coordinates_are_kept_as_an_advanced_choice(
    editor_client, organisation, johnstone_postcode
):
    editor_client.post(
        reverse("admin:services_location_add"),
        new_location(organisation, latitude="55.8310", longitude="-4.5200"),
    )

    location = Location.objects.get()
    assert (location.latitude, location.longitude) == (55.831, -4.52)
    assert location.council_area.slug == "renfrewshire"


# The service form --------------------------------------------------------------------------


def test_error_summary_links_to_each_field_with_a_problem(editor_client, organisation):
    data = service_data(organisation) | {"name": "", "types": []}

    response = editor_client.post(reverse("admin:services_service_add"), data)

    page = response.content.decode()
    assert "There is a problem" in page
    assert "Please correct the error" not in page
    assert '<a href="#id_name">Name: This field is required.</a>' in page
    assert '<a href="#id_types_0">Types of support: This field is required.</a>' in page


def test_error_summary_links_to_session_fields(editor_client, service):
    data = change_form_data(editor_client.get(change_url(service)))
    data |= {
        "schedules-TOTAL_FORMS": "1",
        "schedules-0-weekday": "1",
        "schedules-0-opens_at": "9pm",
        "schedules-0-closes_at": "7pm",
        "schedules-0-frequency": "weekly",
    }

    response = editor_client.post(change_url(service), data)

    assert (
        '<a href="#id_schedules-0-closes_at">Regular session 1: Finishes at: The finish time '
        "must be after the start time.</a>"
    ) in response.content.decode()


def test_times_are_written_and_shown_as_people_say_them(editor_client, service):
    data = change_form_data(editor_client.get(change_url(service)))
    data |= {
        "schedules-TOTAL_FORMS": "1",
        "schedules-0-weekday": "1",
        "schedules-0-opens_at": "7pm",
        "schedules-0-closes_at": "21:30",
        "schedules-0-frequency": "weekly",
    }

    editor_client.post(change_url(service), data)

    session = Schedule.objects.get(service=service)
    assert (session.opens_at.hour, session.closes_at.minute) == (19, 30)
    page = editor_client.get(change_url(service)).content.decode()
    assert 'value="7pm"' in page
    assert 'value="9:30pm"' in page


def test_the_service_form_has_no_jargon_and_folds_the_details(editor_client, service):
    page = editor_client.get(change_url(service)).content.decode()

    assert "Slug" not in page
    assert "Valid from" not in page
    assert "Date of first session" in page
    assert "<summary>" in page
    assert "More details" in page
    essentials, details = page.split("More details", 1)
    assert "id_how_to_get_support" in essentials
    assert "id_languages_0" in details


def test_a_new_service_gets_a_web_address_from_its_name(editor_client, organisation):
    ServiceFactory(slug="new-group")
    data = service_data(organisation)
    del data["slug"]

    response = editor_client.post(reverse("admin:services_service_add"), data)

    assert response.status_code == 302
    assert Service.objects.get(name="New Group").slug == "new-group-2"


def test_a_waiting_list_with_drop_in_is_pointed_out(editor_client, service):
    data = change_form_data(editor_client.get(change_url(service)))
    drop_in = AccessRoute.objects.get(slug="drop-in")

    response = editor_client.post(
        change_url(service),
        data | {"intake_status": "waiting-list", "access_routes": [drop_in.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "“Taking new people?” is “Waiting list”, but “Ways in” includes" in page


def test_blank_rows_for_new_sessions_and_places_do_not_stop_a_save(editor_client, service):
    ScheduleFactory(service=service)
    page = editor_client.get(change_url(service))
    data = change_form_data(page)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.forms)
        for form in formset.extra_forms:
            data.update(form_data(form))  # what the browser sends for a blank row

    response = editor_client.post(change_url(service), data | {"phone": "0141 111 2222"})

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.phone == "0141 111 2222"


def test_the_sessions_list_speaks_plainly(editor_client, service):
    ScheduleFactory(service=service)

    page = editor_client.get(reverse("admin:services_schedule_changelist")).content.decode()

    assert "Tuesday 6–8pm" in page
    assert "Date of first session" in page
    assert "Valid from" not in page
