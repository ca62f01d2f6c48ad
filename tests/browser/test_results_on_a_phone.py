"""The results page on a 390 × 844 phone in real headless Chromium: the first result on the
first screen, the folded search opening in place with and without JavaScript, "did you
mean" as an error summary linked to the field, and the nearest in-person support when
nothing is near. axe-core finds no violations on each of these pages."""

import json
import re

import pytest

from .accessibility import axe_violations
from .conftest import PHONE, site_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROADFORD = (57.2420, -5.9110)  # on Skye, about 21 km from Portree as the crow flies


@pytest.fixture
def phone(browser, live_server, third_party_requests):
    """Opens a page on a phone-sized screen, with or without JavaScript."""
    opened = []

    def open_page(*, javascript: bool = True):
        context = site_context(
            browser,
            live_server,
            third_party_requests,
            viewport=PHONE,
            java_script_enabled=javascript,
        )
        opened.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in opened:
        context.close()


@pytest.fixture
def skye(directory):
    from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

    service = ServiceFactory(name="Skye Recovery Café", slug="skye-recovery-cafe")
    hall = LocationFactory(
        organisation=service.organisation,
        name="Broadford Village Hall",
        town="Broadford",
        latitude=BROADFORD[0],
        longitude=BROADFORD[1],
    )
    ServiceAtLocationFactory(service=service, location=hall)
    return service


def no_violations(page, axe_source):
    violations = axe_violations(page, axe_source)
    assert violations == [], json.dumps(violations, indent=2)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_first_result_is_on_the_first_screen_of_a_phone(
    phone, directory, axe_source, javascript
):
    page = phone(javascript=javascript)
    page.goto("/search/?near=PA1+1AA")

    first = page.locator(".ds_search-result").first.bounding_box()
    count = page.locator("#result-count").bounding_box()
    title = page.locator("h1").bounding_box()
    assert title["y"] < count["y"] < first["y"] < PHONE["height"]
    assert page.locator(".ds_search-result__link").first.inner_text() == "Hearing Voices Paisley"
    facts = page.locator(".rd_card__facts").first
    assert facts.evaluate("element => getComputedStyle(element).fontSize") == "16px"
    key, value = facts.locator("dt").first, facts.locator("dd").first
    assert (key.inner_text(), value.inner_text()) == ("Type", "Peer support group")
    colon = key.evaluate("element => getComputedStyle(element, '::after').content")
    gap = value.bounding_box()["x"] - sum(key.bounding_box()[side] for side in ("x", "width"))
    assert colon == '":"'
    assert gap >= 3  # "Type: Peer support group", not "Type:Peer support group"
    if javascript:
        no_violations(page, axe_source)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_folded_search_opens_in_place_and_searches_again(phone, directory, javascript):
    page = phone(javascript=javascript)
    page.goto("/search/?near=PA1+1AA")
    summary = page.locator(".rd_search-summary > summary")
    shown = summary.evaluate(
        """element => {
            const copy = element.cloneNode(true);
            copy.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
            return copy.textContent;
        }"""
    )
    assert shown == "PA1 1AA · within 10 km · Change"
    assert summary.bounding_box()["height"] < 40  # one line
    near = page.locator("#id_near")
    assert not near.is_visible()

    summary.click()

    assert near.is_visible()
    assert page.url.endswith("/search/?near=PA1+1AA")  # opened in place, no new page
    page.locator("#id_radius_km").select_option("25")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"radius_km=25"))
    assert "within 25 km" in page.locator(".rd_search-summary > summary").inner_text()


def test_the_folded_search_opens_with_the_keyboard(phone, directory):
    page = phone()
    page.goto("/search/?near=PA1+1AA")

    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert "Change" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")

    assert page.locator("#id_near").is_visible()
    assert page.locator(".rd_search-summary").get_attribute("open") is not None


def test_did_you_mean_is_an_error_summary_at_the_top_linked_to_the_field(
    phone, directory, axe_source
):
    page = phone()
    page.goto("/search/?near=Kirkcaldie")

    error_summary = page.locator(".ds_error-summary")
    assert error_summary.bounding_box()["y"] < PHONE["height"]
    field_link = error_summary.locator('a[href="#id_near"]')
    assert "We could not find ‘Kirkcaldie’" in field_link.inner_text()
    near = page.locator("#id_near")
    assert near.get_attribute("aria-invalid") == "true"
    assert "id_near-error" in near.get_attribute("aria-describedby")
    no_violations(page, axe_source)

    field_link.click()
    assert page.url.endswith("#id_near")
    assert near.is_visible()

    error_summary.get_by_role("link", name="Kirkcaldy").click()
    page.wait_for_url(re.compile(r"near=Kirkcaldy"))
    assert page.locator("h1").inner_text().startswith("Support near Kirkcaldy")


def test_portree_offers_the_nearest_support_and_the_link_finds_it(
    phone, skye, axe_source, third_party_requests
):
    page = phone()
    page.goto("/search/?near=Portree")

    nearest = page.locator("#nearest-support")
    assert nearest.bounding_box()["y"] < PHONE["height"]
    text = nearest.inner_text()
    assert "Nothing in person within 10 km of Portree" in text
    assert "Skye Recovery Café" in text
    assert "Broadford Village Hall, Broadford" in text
    assert re.search(r"2\d\.\d km away as the crow flies", text)
    no_violations(page, axe_source)

    offered = nearest.get_by_role("link", name=re.compile(r"Search within \d+ km of Portree"))
    km = int(re.search(r"within (\d+) km", offered.inner_text()).group(1))
    assert 1 <= km <= 200
    offered.click()
    page.wait_for_url(re.compile(rf"radius_km={km}"))

    names = page.locator("#local-heading ~ ol .ds_search-result__link").all_inner_texts()
    assert names == ["Skye Recovery Café"]
    assert page.locator("#nearest-support").count() == 0
    assert third_party_requests == []
