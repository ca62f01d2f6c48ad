"""The public pages in real headless Chromium: no accessibility violations found by axe-core,
keyboard-only use, "Use my location", and no requests to other sites."""

import json
import re

import pytest

from .accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/search/?near=PA1+1AA&type=peer-support-group&lived_experience=peer-led",
    "/search/?near=PA1+1AA&radius_km=abc",
    "/search/?near=Paisly",
    "/services/hearing-voices-paisley/",
    "/organisations/paisley-peer-network/",
    "/areas/",
    "/areas/renfrewshire/",
    "/help-now/",
]


# Known, reported, in a partial this suite's owner does not maintain: the "Need help now?" bar
# (templates/includes/crisis_banner.html) sits outside any landmark. Fix: make its wrapper an
# <aside aria-label="Help now"> (or move it inside the header). Only that exact node is let
# through; any other violation, of this rule or another, fails.


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_accessibility_violations_or_third_party_requests(
    page, directory, axe_source, third_party_requests, path
):
    response = page.goto(path)
    assert response.status == 200

    violations = axe_violations(page, axe_source)

    assert violations == [], json.dumps(violations, indent=2)
    assert third_party_requests == []


def test_results_page_works_on_a_small_screen_with_the_filters_folded(
    browser, live_server, directory, axe_source
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto("/search/?near=PA1+1AA")
        filters = page.locator("details.js-filters")
        assert filters.get_attribute("open") is None
        page.locator("summary", has_text="Filter results").click()
        page.locator("label", has_text="Drop-in (1)").click()
        page.get_by_role("button", name="Apply filters").click()

        assert "type=drop-in" in page.url
        assert page.locator(".ds_search-result__link").all_inner_texts() == ["Wednesday Drop-in"]
        assert axe_violations(page, axe_source) == []
    finally:
        context.close()


def test_keyboard_only_search_from_the_home_page_to_a_service(page, directory):
    page.goto("/")

    focused = ""
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        if focused == "search-near":
            break
    assert focused == "search-near"
    page.keyboard.type("Paisley")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?near=Paisley"))
    assert page.locator("h1").inner_text() == "Support near Paisley, Renfrewshire"

    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ds_search-result__link')"):
            break
    link_text = page.evaluate("document.activeElement.textContent")
    assert link_text == "Hearing Voices Paisley"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/services/hearing-voices-paisley/$"))
    assert page.locator("h1").inner_text() == "Hearing Voices Paisley"


def test_use_my_location_appears_with_javascript_and_searches_near_the_device(page, directory):
    page.goto("/search/")
    button = page.get_by_role("button", name="Use my location")
    assert button.is_visible()

    button.click()
    page.wait_for_url(re.compile(r"lat=55\.846&lon=-4\.424"))

    assert page.locator("h1").inner_text() == "Support near your location"
    names = page.locator("#local-heading ~ ol .ds_search-result__link").all_inner_texts()
    assert names == ["Hearing Voices Paisley", "Wednesday Drop-in", "Walking Group"]
    assert "Scotland Listening Line" in page.locator(".rd_national").inner_text()


def test_without_javascript_there_is_no_use_my_location_button_and_the_filters_still_work(
    browser, live_server, directory
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    try:
        page.goto("/search/?near=PA1+1AA")
        assert not page.get_by_role("button", name="Use my location").is_visible()
        page.locator("summary", has_text="Filter results").click()
        page.locator("label", has_text="Peer-led (1)").click()
        page.get_by_role("button", name="Apply filters").click()
        assert "lived_experience=peer-led" in page.url
        assert page.locator(".ds_search-result__link").all_inner_texts() == [
            "Hearing Voices Paisley"
        ]
    finally:
        context.close()
