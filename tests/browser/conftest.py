"""Real headless Chromium for the browser tests (tests marked `browser`): one browser for the
whole session, a fresh context per test, and the live server with a small directory.

Uses the system Chromium (/usr/bin/chromium) through the `playwright` package; never
downloads browsers. Any request to another site is blocked and recorded, so tests can assert
that pages make no third-party requests."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from tests.helpers import PAISLEY
from tests.reference_data import seed_reference_data

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A phone-sized screen (the 390 px phone).
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def chromium_installed():
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed (apt-get install chromium): browser tests skipped")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def third_party_requests():
    return []


def site_context(browser, live_server, third_party_requests, **options):
    """A new browser context on the live server in which any request to another site is
    blocked and recorded in `third_party_requests`; `options` go to `new_context`."""
    context = browser.new_context(base_url=live_server.url, **options)

    def only_this_site(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            third_party_requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_site)
    return context


@pytest.fixture
def context(browser, live_server, third_party_requests):
    context = site_context(
        browser,
        live_server,
        third_party_requests,
        geolocation={"latitude": PAISLEY[0], "longitude": PAISLEY[1]},
        permissions=["geolocation"],
    )
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` first")
    return AXE.read_text()


@pytest.fixture
def directory(live_server):
    """A small directory near Paisley: three local services (one with sessions and a
    place), a national helpline, and the PA1 1AA postcode."""
    from services.models import (
        AccessibilityFeature,
        Area,
        LivedExperienceInvolvement,
        Postcode,
        Service,
        ServiceType,
    )
    from tests.factories import (
        LocationFactory,
        OrganisationFactory,
        ScheduleFactory,
        ServiceAtLocationFactory,
        ServiceFactory,
    )

    seed_reference_data()
    renfrewshire = Area.objects.get(slug="renfrewshire")
    Postcode.objects.create(
        postcode="PA1 1AA",
        district="PA1",
        latitude=PAISLEY[0],
        longitude=PAISLEY[1],
        council_area=renfrewshire,
    )
    organisation = OrganisationFactory(name="Paisley Peer Network", slug="paisley-peer-network")
    hub = LocationFactory(organisation=organisation, name="Paisley Community Hub")
    hub.accessibility.add(AccessibilityFeature.objects.get(slug="step-free-access"))
    voices = ServiceFactory(
        organisation=organisation,
        name="Hearing Voices Paisley",
        slug="hearing-voices-paisley",
        phone="0141 123 4567",
        how_to_get_support="Just turn up.",
        first_visit="Someone will meet you at the door.",
    )
    voices.lived_experience.add(LivedExperienceInvolvement.objects.get(slug="peer-led"))
    voices.areas.add(renfrewshire)
    ServiceAtLocationFactory(service=voices, location=hub)
    ScheduleFactory(service=voices, location=hub, weekday=1)
    drop_in = ServiceFactory(
        organisation=organisation,
        name="Wednesday Drop-in",
        slug="wednesday-drop-in",
        types=list(ServiceType.objects.filter(slug="drop-in")),
    )
    ServiceAtLocationFactory(service=drop_in, location=hub)
    old = ServiceFactory(organisation=organisation, name="Walking Group", slug="walking-group")
    ServiceAtLocationFactory(service=old, location=hub)
    Service.objects.filter(pk=old.pk).update(
        last_checked_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )
    ServiceFactory(name="Scotland Listening Line", slug="listening-line", is_national=True)
    Service.objects.exclude(pk=old.pk).update(last_checked_at=timezone.now())
    return {"service": voices, "organisation": organisation, "area": renfrewshire}


@pytest.fixture
def new_context(browser, live_server, third_party_requests):
    """Opens more contexts (separate cookie jars: another person, or a fresh session) with the
    same blocking of other sites as `context`; all are closed after the test."""
    opened = []

    def open_context():
        context = site_context(browser, live_server, third_party_requests)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()
