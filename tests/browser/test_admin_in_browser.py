"""The organisation volunteers' admin in real headless Chromium: no accessibility violations
(axe-core) on the pages they use, "Save and mark as checked today" keeps an edit, two people
saving the same service keep both changes (or the second is told), a place added with only a
postcode is put on the map, and the error summary links to the field."""

import pytest
from django.conf import settings
from django.test import Client

from tests.reference_data import seed_reference_data

from .accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def volunteers(live_server):
    """An organisation with a service (a place and a session), an editor and a manager, and
    the postcode PA5 8AA in the postcode table."""
    from services.models import Area, Postcode
    from tests.factories import (
        LocationFactory,
        MembershipFactory,
        OrganisationFactory,
        ScheduleFactory,
        ServiceAtLocationFactory,
        ServiceFactory,
    )

    seed_reference_data()
    organisation = OrganisationFactory(name="Johnstone Peer Support")
    hub = LocationFactory(organisation=organisation, name="Johnstone Hub")
    service = ServiceFactory(organisation=organisation, name="Tuesday Group")
    ServiceAtLocationFactory(service=service, location=hub)
    ScheduleFactory(service=service, location=hub)
    Postcode.objects.create(
        postcode="PA5 8AA",
        district="PA5",
        latitude=55.8301,
        longitude=-4.5112,
        council_area=Area.objects.get(slug="renfrewshire"),
    )
    return {
        "organisation": organisation,
        "service": service,
        "editor": MembershipFactory(organisation=organisation).user,
        "manager": MembershipFactory(organisation=organisation, role="manager").user,
    }


@pytest.fixture
def signed_in(new_context, live_server):
    """A page in a fresh browser (its own cookies) signed in as `user`."""

    def open_page(user):
        client = Client()
        client.force_login(user)
        context = new_context()
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    return open_page


def service_url(service) -> str:
    return f"/admin/services/service/{service.pk}/change/"


def test_edit_then_mark_as_checked_keeps_the_edit(signed_in, volunteers, axe_source):
    from services.models import Service

    page = signed_in(volunteers["editor"])
    page.goto(service_url(volunteers["service"]))
    assert_accessible(page, axe_source)

    page.get_by_label("Phone:", exact=True).fill("0141 555 0101")
    page.get_by_role("button", name="Save and mark as checked today").click()

    page.wait_for_selector("text=are saved and it is marked as checked today")
    assert page.get_by_label("Phone:", exact=True).input_value() == "0141 555 0101"
    service = Service.objects.get(pk=volunteers["service"].pk)
    assert service.phone == "0141 555 0101"
    assert service.last_checked_by == volunteers["editor"]
    assert_accessible(page, axe_source)


def test_two_people_saving_the_same_service_keep_both_changes(signed_in, volunteers):
    from services.models import Service

    editor, manager = signed_in(volunteers["editor"]), signed_in(volunteers["manager"])
    for page in (editor, manager):
        page.goto(service_url(volunteers["service"]))

    editor.get_by_label("Phone:", exact=True).fill("0141 555 0101")
    editor.get_by_role("button", name="Save", exact=True).click()
    editor.wait_for_selector("text=was changed successfully")
    manager.get_by_label("Email:", exact=True).fill("hello@example.org")
    manager.get_by_role("button", name="Save", exact=True).click()
    manager.wait_for_selector("text=Their change is kept alongside yours")

    service = Service.objects.get(pk=volunteers["service"].pk)
    assert (service.phone, service.email) == ("0141 555 0101", "hello@example.org")


def test_the_second_person_changing_the_same_field_is_told(signed_in, volunteers, axe_source):
    from services.models import Service

    editor, manager = signed_in(volunteers["editor"]), signed_in(volunteers["manager"])
    for page in (editor, manager):
        page.goto(service_url(volunteers["service"]))

    editor.get_by_label("Phone:", exact=True).fill("0141 555 0101")
    editor.get_by_role("button", name="Save", exact=True).click()
    editor.wait_for_selector("text=was changed successfully")
    manager.get_by_label("Phone:", exact=True).fill("0141 555 0202")
    manager.get_by_role("button", name="Save", exact=True).click()

    manager.wait_for_selector("text=Changes saved by someone else")
    row = manager.locator("#conflicts tbody tr", has_text="Phone")
    assert row.locator("td").all_inner_texts() == ["(empty)", "0141 555 0101", "0141 555 0202"]
    assert manager.get_by_label("Phone:", exact=True).input_value() == "0141 555 0202"
    assert Service.objects.get(pk=volunteers["service"].pk).phone == "0141 555 0101"
    assert_accessible(manager, axe_source)


def test_a_place_added_with_only_a_postcode_is_put_on_the_map(signed_in, volunteers, axe_source):
    from services.models import Location

    page = signed_in(volunteers["editor"])
    page.goto("/admin/services/location/add/")
    assert_accessible(page, axe_source)
    assert page.locator("details", has_text="Position on the map").get_attribute("open") is None

    page.get_by_label("Name:", exact=True).fill("Johnstone Town Hall")
    page.get_by_label("Address line 1:", exact=True).fill("25 Rankine Street")
    page.get_by_label("Town:", exact=True).fill("Johnstone")
    page.get_by_label("Postcode:", exact=True).fill("pa5 8aa")
    page.get_by_role("button", name="Save", exact=True).click()

    page.wait_for_selector("text=come from the postcode PA5 8AA")
    location = Location.objects.get(name="Johnstone Town Hall")
    assert (location.latitude, location.longitude) == (55.8301, -4.5112)
    assert location.council_area.name == "Renfrewshire"
    assert page.get_by_text("55.83010, -4.51120 in Renfrewshire").is_visible()
    assert_accessible(page, axe_source)


def test_a_form_error_shows_a_summary_that_links_to_the_field(signed_in, volunteers, axe_source):
    page = signed_in(volunteers["editor"])
    page.goto(service_url(volunteers["service"]))

    page.get_by_label("Name:", exact=True).fill("")
    page.get_by_label("Email:", exact=True).fill("not an email")
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.evaluate("element => element === document.activeElement")
    assert "Please correct the error" not in page.content()
    summary.get_by_role("link", name="Email: Enter a valid email address.").click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert_accessible(page, axe_source)


def test_home_history_and_revert_pages_are_accessible(signed_in, volunteers, axe_source):
    page = signed_in(volunteers["editor"])
    page.goto(service_url(volunteers["service"]))
    page.get_by_label("Phone:", exact=True).fill("0141 555 0101")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=was changed successfully")

    page.goto("/admin/")
    assert page.get_by_role("heading", name="To do").is_visible()
    assert_accessible(page, axe_source)

    page.goto(service_url(volunteers["service"]).replace("change/", "history/"))
    assert page.get_by_text("Phone: (empty) → 0141 555 0101").is_visible()
    assert_accessible(page, axe_source)

    page.get_by_role("link", name="See this version").first.click()
    page.get_by_role("heading", name="What going back would change").wait_for()
    row = page.locator(".revert-preview tbody tr", has_text="Phone")
    assert row.locator("td").all_inner_texts() == ["0141 555 0101", "(empty)"]
    assert_accessible(page, axe_source)


def test_other_pages_volunteers_change_are_accessible(signed_in, volunteers, axe_source):
    from services.models import Schedule

    session = Schedule.objects.get(service=volunteers["service"])
    organisation = volunteers["organisation"]
    page = signed_in(volunteers["editor"])
    for path in [
        f"/admin/services/organisation/{organisation.pk}/change/",
        f"/admin/services/schedule/{session.pk}/change/",
        "/admin/services/courserun/add/",
        "/admin/services/service/add/",
        "/admin/services/service/?review=overdue",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page, axe_source)
    assert page.get_by_role("heading", name="Select service to change").is_visible()
