"""Add to calendar, email alerts and search on partner sites in real headless Chromium, on a
390 px phone: axe-core finds no violations on any of their pages, the calendar file downloads
and parses, the alert journey works from the emailed links, and /embed/ loads inside an
iframe on another site while the home page refuses to."""

import contextlib
import functools
import http.server
import re
import socket
import threading

import pytest
from icalendar import Calendar

from .accessibility import assert_accessible
from .conftest import PHONE, site_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTS = range(8800, 8900)  # this suite's own range on the shared machine


@pytest.fixture
def phone(browser, live_server, third_party_requests):
    context = site_context(browser, live_server, third_party_requests, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# Add to calendar ----------------------------------------------------------------------------


def test_service_page_offers_add_to_calendar_and_directions_on_the_first_phone_screen(
    phone, directory, axe_source, third_party_requests
):
    phone.goto("/services/hearing-voices-paisley/")

    near_title = phone.locator(".rd_service-next")
    calendar_link = near_title.get_by_role("link", name=re.compile("^Add to calendar"))
    directions = near_title.get_by_role("link", name=re.compile("^Directions"))
    for link in (calendar_link, directions):
        box = link.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["height"]
    assert_accessible(phone, axe_source)
    assert third_party_requests == []

    response = phone.request.get(calendar_link.get_attribute("href"))
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.body()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Hearing Voices Paisley"
    assert str(event["LOCATION"]).startswith("Paisley Community Hub")


# Email alerts -------------------------------------------------------------------------------


def test_alert_sign_up_confirmation_and_unsubscribe_pages_work_on_a_phone(
    phone, directory, axe_source
):
    from django.core import mail

    from engagement.models import AlertSubscription

    phone.goto("/alerts/")
    assert_accessible(phone, axe_source)

    phone.get_by_role("button", name="Send me a link to confirm").click()
    summary = phone.locator(".ds_error-summary")
    assert "Enter your email address" in summary.inner_text()
    summary.get_by_role("link", name="Enter your email address").click()
    assert phone.evaluate("document.activeElement.id") == "id_email"
    assert_accessible(phone, axe_source)

    phone.get_by_label("Your email address").fill("morag@example.org")
    phone.get_by_label("Town, place or postcode").fill("Paisley")
    phone.locator("label", has_text=re.compile("^5 km$")).click()
    phone.locator("label", has_text=re.compile("^Peer support group$")).click()
    phone.get_by_role("button", name="Send me a link to confirm").click()
    phone.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(phone, axe_source)

    (message,) = mail.outbox
    confirm = re.search(r"https?://\S+/alerts/confirm/\S+", message.body).group(0)
    phone.goto(re.sub(r"^https?://[^/]+", "", confirm))
    assert_accessible(phone, axe_source)
    phone.get_by_role("button", name="Confirm").click()
    phone.get_by_role("heading", name="Your alerts are on").wait_for()
    assert AlertSubscription.objects.get().confirmed_at is not None
    assert_accessible(phone, axe_source)

    phone.get_by_role("link", name="Stop the alerts and delete your email address").click()
    assert_accessible(phone, axe_source)
    phone.get_by_role("button", name="Stop alerts and delete my address").click()
    phone.get_by_role("heading", name="Alerts stopped").wait_for()
    assert_accessible(phone, axe_source)
    assert AlertSubscription.objects.count() == 0


def test_a_broken_alert_link_explains_itself_accessibly(phone, axe_source):
    response = phone.goto("/alerts/confirm/not-a-real-link/")

    assert response.status == 404
    phone.get_by_role("heading", name="This link does not work").wait_for()
    assert_accessible(phone, axe_source)


# Search on partner sites ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/embed/", "/embed/?near=PA1+1AA", "/embed/?area=renfrewshire", "/embed/help/"]
)
def test_embed_pages_have_no_accessibility_violations_on_a_phone(
    phone, directory, axe_source, third_party_requests, path
):
    response = phone.goto(path)

    assert response.status == 200
    assert_accessible(phone, axe_source)
    assert third_party_requests == []


def _free_port() -> int:
    for port in PORTS:
        with contextlib.suppress(OSError), socket.socket() as probe:
            probe.bind(("127.0.0.1", port))
            return port
    pytest.fail("no free port in 8800-8899")


@pytest.fixture
def partner_site(tmp_path):
    """A tiny partner website on another origin (127.0.0.1 on a port of our own range, while
    the live server is on localhost): `add(name, html)` publishes a page, returns its URL."""
    port = _free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def add(name: str, html: str) -> str:
        (tmp_path / name).write_text(html)
        return f"http://127.0.0.1:{port}/{name}"

    add.origin = f"http://127.0.0.1:{port}"
    yield add
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _page_framing(url: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Our GP practice</title></head><body>"
        "<h1>Our GP practice</h1>"
        f"<iframe src='{url}' title='Find support' width='390' height='700'></iframe>"
        "</body></html>"
    )


def _frame_console(browser, parent_url: str):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(parent_url)
    page.wait_for_load_state("load")
    return context, page, messages


def test_embed_loads_inside_an_iframe_on_another_site_and_the_home_page_does_not(
    browser, live_server, directory, settings, partner_site
):
    settings.EMBED_ALLOWED_ORIGINS = [partner_site.origin]
    assert live_server.url.startswith("http://localhost:")

    framed = partner_site("embed.html", _page_framing(f"{live_server.url}/embed/?near=PA1+1AA"))
    context, page, _ = _frame_console(browser, framed)
    try:
        frame = page.frame_locator("iframe")
        frame.get_by_role("heading", name="Find mental health recovery support").wait_for()
        result = frame.get_by_role("link", name="Hearing Voices Paisley")
        assert result.get_attribute("target") == "_top"
        assert frame.get_by_role("link", name="999").is_visible()
    finally:
        context.close()

    refused = partner_site("home.html", _page_framing(f"{live_server.url}/"))
    context, page, messages = _frame_console(browser, refused)
    try:
        page.wait_for_timeout(500)
        (child,) = page.main_frame.child_frames
        assert not child.url.startswith(live_server.url) or child.content().count("<h1") == 0
        assert any("frame-ancestors 'none'" in text for text in messages), messages
    finally:
        context.close()


def test_embed_refuses_a_site_that_is_not_allowed(browser, live_server, directory, partner_site):
    # The default allows only HTTPS sites: this partner page is plain HTTP.
    framed = partner_site("plain.html", _page_framing(f"{live_server.url}/embed/"))
    context, page, messages = _frame_console(browser, framed)
    try:
        page.wait_for_timeout(500)
        assert any("frame-ancestors" in text for text in messages), messages
    finally:
        context.close()
