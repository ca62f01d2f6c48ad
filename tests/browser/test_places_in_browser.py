"""Places people name, in real headless Chromium on a 390 px phone: islands, council areas
and partnerships are understood on the results page; place suggestions work with the
keyboard (the chosen suggestion is what gets searched); the search box still works without
JavaScript. axe-core finds no violations, suggestions open or not."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from .accessibility import assert_accessible
from .conftest import PHONE, site_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTREE = (57.41288, -6.19418)


def _phone_context(browser, live_server, third_party_requests, **options):
    return site_context(browser, live_server, third_party_requests, viewport=PHONE, **options)


@pytest.fixture
def phone(browser, live_server, third_party_requests):
    context = _phone_context(browser, live_server, third_party_requests)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_without_javascript(browser, live_server, third_party_requests):
    context = _phone_context(browser, live_server, third_party_requests, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def skye_service(directory):
    """A drop-in in Portree, on Skye (the directory fixture's services are in Paisley)."""
    from services.models import Area
    from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

    highland = Area.objects.get(slug="highland")
    service = ServiceFactory(name="Portree Recovery Cafe", slug="portree-recovery-cafe")
    place = LocationFactory(
        organisation=service.organisation,
        town="Portree",
        latitude=PORTREE[0],
        longitude=PORTREE[1],
        council_area=highland,
    )
    ServiceAtLocationFactory(service=service, location=place)
    return service


def searched_for(page) -> str:
    return parse_qs(urlparse(page.url).query).get("near", [""])[0]


def result_names(page) -> list[str]:
    return page.locator(".ds_search-result__link").all_inner_texts()


# Places, islands and areas are understood ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "understood", "found", "not_found"),
    [
        ("Skye", "Skye", "Portree Recovery Cafe", "Hearing Voices Paisley"),
        ("Renfrewshire", "Renfrewshire", "Hearing Voices Paisley", "Portree Recovery Cafe"),
        (
            "Renfrewshire HSCP",
            "Renfrewshire Health and Social Care Partnership",
            "Hearing Voices Paisley",
            "Portree Recovery Cafe",
        ),
    ],
)
def test_islands_council_areas_and_partnerships_are_understood_on_a_phone(
    phone, skye_service, axe_source, third_party_requests, typed, understood, found, not_found
):
    phone.goto("/")
    phone.get_by_label("Postcode or town").fill(typed)
    phone.get_by_label("Postcode or town").press("Enter")
    phone.wait_for_url(re.compile(r"/search/\?"))

    assert searched_for(phone) == typed
    assert understood in phone.locator("h1").inner_text()
    assert phone.locator(".ds_error-summary").count() == 0
    names = result_names(phone)
    assert found in names
    assert not_found not in names
    assert_accessible(phone, axe_source)
    assert third_party_requests == []


# Suggestions while typing -------------------------------------------------------------------


def _type_in_the_place_box(page, text: str):
    box = page.get_by_label("Postcode or town")
    box.focus()  # the suggestions script loads on first focus and takes over the box
    page.wait_for_selector(".rd_autocomplete input[role='combobox']:focus")
    page.keyboard.type(text, delay=40)


def test_suggestions_work_with_the_keyboard_and_the_chosen_one_is_searched(
    phone, directory, axe_source, third_party_requests
):
    phone.goto("/")
    _type_in_the_place_box(phone, "Kirkc")

    first = phone.get_by_role("option").first
    first.wait_for()
    assert first.inner_text().startswith("Kirkcaldy")
    box = phone.get_by_role("combobox", name="Postcode or town")
    assert box.get_attribute("aria-expanded") == "true"
    assert_accessible(phone, axe_source)  # with the list open

    phone.keyboard.press("ArrowDown")
    assert phone.get_by_role("option", selected=True).inner_text().startswith("Kirkcaldy")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")

    assert urlparse(phone.url).path == "/search/"
    assert searched_for(phone) == "Kirkcaldy"
    assert "Kirkcaldy" in phone.locator("h1").inner_text()
    assert third_party_requests == []


def test_enter_without_choosing_a_suggestion_searches_what_was_typed(phone, directory):
    phone.goto("/")
    _type_in_the_place_box(phone, "Kirkcaldy")
    phone.get_by_role("option").first.wait_for()

    with phone.expect_navigation():
        phone.keyboard.press("Enter")

    assert searched_for(phone) == "Kirkcaldy"


def test_the_results_page_box_suggests_areas_and_keeps_its_hint(phone, directory, axe_source):
    phone.goto("/search/?near=PA1+1AA")
    summary = phone.locator(".rd_search-summary > summary")
    if summary.count() and not phone.locator(".rd_search-summary[open]").count():
        summary.click()  # on a phone the search form is folded under "Change"
    box = phone.get_by_label("Postcode or town")
    box.focus()
    phone.wait_for_selector(".rd_autocomplete input[role='combobox']:focus")
    combobox = phone.get_by_role("combobox", name="Postcode or town")
    assert combobox.input_value() == "PA1 1AA"  # what was searched stays in the box
    assert "id_near-hint" in combobox.get_attribute("aria-describedby")

    combobox.fill("")
    phone.keyboard.type("Renfrewsh", delay=40)
    options = phone.get_by_role("option")
    options.first.wait_for()
    assert options.first.inner_text().startswith("Renfrewshire")
    assert "id_near-hint" in combobox.get_attribute("aria-describedby")
    assert_accessible(phone, axe_source)

    with phone.expect_navigation():
        options.first.click()
    assert searched_for(phone) == "Renfrewshire"


def test_the_search_box_works_without_javascript(phone_without_javascript, skye_service):
    page = phone_without_javascript
    page.goto("/")
    assert page.locator("[role='combobox']").count() == 0  # a plain text field
    page.get_by_label("Postcode or town").fill("Skye")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()

    assert searched_for(page) == "Skye"
    assert "Skye" in page.locator("h1").inner_text()
    assert "Portree Recovery Cafe" in result_names(page)
