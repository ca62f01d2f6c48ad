"""Issue 12's link-worker and "My list" acceptance in real headless Chromium: a referral to a
waiting-list service warns and ends with "Check your answers"; the list button changes state
and keeps the visitor's place (with and without JavaScript); a share link made on the live
server's own address (no SITE_URL) opens in a fresh browser; the list, share and print pages
fit a 320 px screen. axe-core finds no violations on any page on the way."""

import re

import pytest

from .accessibility import assert_accessible
from .conftest import PHONE, site_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
NARROW = {"width": 320, "height": 640}


def open_page(browser, live_server, third_party_requests, **options):
    context = site_context(browser, live_server, third_party_requests, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def link_worker(settings):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(username="alex.linkworker", email="alex@hscp.example.org", is_staff=False)
    user.groups.add(Group.objects.get_or_create(name=settings.LINK_WORKERS_GROUP)[0])
    return user


@pytest.fixture
def many_results(directory):
    """Twelve more groups at the Paisley hub, so a results page is several screens long."""
    from tests.factories import ServiceAtLocationFactory, ServiceFactory

    hub = directory["organisation"].locations.get()
    for number in range(12):
        extra = ServiceFactory(
            organisation=directory["organisation"],
            name=f"Group {number:02d}",
            slug=f"group-{number:02d}",
        )
        ServiceAtLocationFactory(service=extra, location=hub)
    return directory


# A referral to a service with a waiting list ------------------------------------------------


def test_a_referral_to_a_waiting_list_service_warns_and_ends_with_check_your_answers(
    page, directory, link_worker, axe_source, third_party_requests
):
    from engagement.models import Referral
    from services.models import Service

    Service.objects.filter(slug="hearing-voices-paisley").update(
        accepts_referrals=True,
        referral_email="referrals@paisley-peer.example.org",
        intake_status=Service.Intake.WAITING_LIST,
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alex.linkworker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/referrals/$"))
    assert page.get_by_role("search").is_visible()
    assert "You have not made any referrals yet" in page.locator("main").inner_text()
    assert_accessible(page, axe_source)

    page.get_by_label("Postcode or town").fill("Paisley")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"takes_referrals=true"))
    assert page.locator(".ds_search-result__link").all_inner_texts() == ["Hearing Voices Paisley"]
    assert page.locator(".ds_search-result").get_by_text("Takes referrals").is_visible()
    page.get_by_role("link", name="Hearing Voices Paisley").click()
    page.get_by_role("link", name=re.compile(r"^Make a referral")).click()
    page.wait_for_url(re.compile(r"/refer/$"))
    warning = page.locator(".ds_warning-text", has_text="has a waiting list")
    assert warning.is_visible()
    assert_accessible(page, axe_source)

    page.locator("label", has_text="The person has agreed that I can share").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/refer/details/$"))
    assert page.locator(".ds_warning-text", has_text="may wait some time").is_visible()
    page.get_by_label("Your organisation").fill("Renfrewshire HSCP")
    page.get_by_label("Their first name or initials").fill("J. M.")
    page.get_by_role("group", name="How would they like to be contacted?").locator(
        "label", has_text="Phone call"
    ).click()
    page.get_by_label("Phone number, email address or postal address").fill("07700 900123")
    page.get_by_label("Why are you referring them?").fill("Would like to meet other voice hearers.")
    assert_accessible(page, axe_source)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(re.compile(r"/refer/check/$"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Check your answers before sending the referral"
    )
    assert page.locator(".ds_warning-text", has_text="has a waiting list").is_visible()
    answers = page.locator(".ds_summary-list__item")
    assert "J. M." in answers.filter(has_text="first name").inner_text()
    assert Referral.objects.count() == 0  # nothing is sent before checking
    assert_accessible(page, axe_source)

    page.get_by_role("link", name="Change their first name or initials").click()
    page.wait_for_url(re.compile(r"/refer/details/#id_first_name$"))
    assert page.get_by_label("Their first name or initials").input_value() == "J. M."
    page.get_by_label("Their first name or initials").fill("Jo")
    page.get_by_role("button", name="Continue").click()
    # The browser keeps the "Change" link's #id_first_name across the redirect: harmless.
    page.wait_for_url(re.compile(r"/refer/check/(#id_first_name)?$"))
    page.get_by_role("button", name="Send referral").click()
    page.get_by_role("status").filter(
        has_text="Referral sent to Hearing Voices Paisley."
    ).wait_for()
    assert_accessible(page, axe_source)
    assert Referral.objects.get().first_name == "Jo"
    assert third_party_requests == []


# The list button --------------------------------------------------------------------------


def _button_of(page, name: str, verb: str):
    if verb == "Add":
        return page.get_by_role("button", name=re.compile(rf"^Add to my list\W+{name}$"))
    return page.get_by_role("button", name=re.compile(rf"^Remove\W+{name} from my list$"))


def test_the_list_button_changes_in_place_and_keeps_the_scroll_position(
    browser, live_server, many_results, axe_source, third_party_requests
):
    context, page = open_page(browser, live_server, third_party_requests, viewport=PHONE)
    try:
        page.goto("/search/?near=Paisley&sort=name")
        add = _button_of(page, "Group 09", "Add")
        add.scroll_into_view_if_needed()
        before = page.evaluate("window.scrollY")
        top = add.bounding_box()["y"]
        assert before > 1000  # far down the page

        add.click()

        remove = _button_of(page, "Group 09", "Remove")
        remove.wait_for()
        card = page.locator(".ds_search-result", has_text="Group 09")
        assert card.get_by_text("On your list").is_visible()
        assert page.evaluate("window.scrollY") == before
        assert abs(card.get_by_text("On your list").bounding_box()["y"] - top) < 80
        assert page.evaluate("document.activeElement.textContent").startswith("Remove")
        assert page.get_by_role("status").filter(has_text="Added Group 09 to your list.").count()
        assert "#" not in page.url  # no page load
        assert_accessible(page, axe_source)

        remove.click()
        _button_of(page, "Group 09", "Add").wait_for()
        page.goto("/my-list/")
        assert "Your list is empty." in page.locator("main").inner_text()
    finally:
        context.close()
    assert third_party_requests == []


def test_without_javascript_adding_comes_back_to_the_same_card(
    browser, live_server, many_results, third_party_requests
):
    from services.models import Service

    group = Service.objects.get(slug="group-09")
    context, page = open_page(
        browser, live_server, third_party_requests, viewport=PHONE, java_script_enabled=False
    )
    try:
        page.goto("/search/?near=Paisley&sort=name")
        add = _button_of(page, "Group 09", "Add")
        add.scroll_into_view_if_needed()

        add.click()

        page.wait_for_url(re.compile(rf"/search/\?near=Paisley&sort=name#on-list-{group.pk}$"))
        # The browser scrolls (smoothly) to the fragment: the card's button ends up on screen,
        # far down the page. (Polled from here: page scripts are off in this context.)
        on_screen = """() => {
            const box = document.getElementById(location.hash.slice(1)).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= innerHeight && scrollY > 1000;
        }"""
        for _ in range(50):
            if page.evaluate(on_screen):
                break
            page.wait_for_timeout(100)
        assert page.evaluate(on_screen)
        remove = _button_of(page, "Group 09", "Remove")
        assert remove.is_visible()
        assert page.get_by_text("On your list").is_visible()
        assert page.get_by_role("status").filter(has_text="Added Group 09 to your list.").count()
        # (axe-core cannot run with scripts off: the same page is checked in the test above.)
    finally:
        context.close()


# Share links on the server's own address ----------------------------------------------------


def test_a_share_link_uses_the_servers_own_address_and_opens_in_a_fresh_browser(
    page, new_context, directory, settings, live_server, axe_source
):
    from engagement import shortlists

    settings.SITE_URL = ""  # as `PORT=8765 make run`: links come from the request's address
    page.goto("/services/hearing-voices-paisley/")
    _button_of(page, "Hearing Voices Paisley", "Add").click()
    _button_of(page, "Hearing Voices Paisley", "Remove").wait_for()
    page.goto("/my-list/")
    page.get_by_role("button", name="Get a link to share").click()
    page.wait_for_url(re.compile(r"/lists/[^/]+/$"))
    link = page.locator("p", has_text="copy the link").locator("span").inner_text().strip()
    assert link == page.url
    assert link.startswith(f"{live_server.url}/lists/")

    fresh = new_context().new_page()
    fresh.set_default_timeout(10_000)
    with fresh.expect_response(re.compile(r"/qr\.svg$")) as qr:
        fresh.goto(link)
    assert qr.value.status == 200
    assert qr.value.body() == shortlists.qr_svg(link)  # the code holds this very address
    assert fresh.locator("main h2 a").all_inner_texts() == ["Hearing Voices Paisley"]
    assert_accessible(fresh, axe_source)


# 320 px -------------------------------------------------------------------------------------


def test_the_list_share_and_print_pages_fit_a_320_px_screen(
    browser, live_server, directory, axe_source, third_party_requests, settings
):
    from services.models import Service

    settings.SITE_URL = ""
    Service.objects.filter(slug="hearing-voices-paisley").update(
        email="hearing.voices.network.renfrewshire@paisley-peer-network.example.org",
        website="https://paisley-peer-network.example.org/groups/hearing-voices/renfrewshire",
    )
    context, page = open_page(browser, live_server, third_party_requests, viewport=NARROW)
    try:
        for slug in ("hearing-voices-paisley", "wednesday-drop-in"):
            page.goto(f"/services/{slug}/")
            page.locator("[data-list-button] button").click()
            page.get_by_text("On your list").wait_for()
        page.goto("/my-list/")
        pages = {"list": page.url}
        page.get_by_role("button", name="Get a link to share").click()
        page.wait_for_url(re.compile(r"/lists/[^/]+/$"))
        pages["share"] = page.url
        pages["print"] = f"{live_server.url}/my-list/?print=1"
        for name, address in pages.items():
            page.goto(address)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= NARROW["width"], (name, width)
            assert_accessible(page, axe_source)
    finally:
        context.close()
    assert third_party_requests == []
