"""Issue 5's acceptance journey in real headless Chromium: a link worker finds two services,
shortlists them, prints the list, shares it (opened in a fresh session), and makes a referral
that the receiving organisation accepts. axe-core finds no violations on any page on the way.

The journey drives the pages as a person would: links, buttons and fields found by their
labels. The only addresses typed in are the sign-in page and the share link the page shows."""

import re

import pytest

from .accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
REFERRALS_EMAIL = "referrals@paisley-peer.example.org"
SERVICES = ["Hearing Voices Paisley", "Wednesday Drop-in"]


@pytest.fixture
def journey(directory, live_server, settings):
    """The small directory, plus: Hearing Voices Paisley takes referrals; the drop-in has a
    phone number and a weekly session; a member of the organisation that runs them; a link
    worker. Shared links point at the live server."""
    from django.contrib.auth.models import Group

    from services.models import OrganisationMembership, Service
    from tests.factories import MembershipFactory, ScheduleFactory, UserFactory

    settings.SITE_URL = live_server.url
    organisation = directory["organisation"]
    Service.objects.filter(slug="hearing-voices-paisley").update(
        accepts_referrals=True, referral_email=REFERRALS_EMAIL
    )
    drop_in = Service.objects.get(slug="wednesday-drop-in")
    Service.objects.filter(pk=drop_in.pk).update(phone="0141 765 4321")
    hub = organisation.locations.get()
    ScheduleFactory(service=drop_in, location=hub, weekday=3)
    member = UserFactory(username="sam.member", email="sam@paisley-peer.example.org")
    MembershipFactory(
        user=member, organisation=organisation, role=OrganisationMembership.Role.EDITOR
    )
    link_worker = UserFactory(
        username="alex.linkworker", email="alex@renfrewshire-hscp.example.org", is_staff=False
    )
    link_worker.groups.add(Group.objects.get_or_create(name=settings.LINK_WORKERS_GROUP)[0])
    return directory


def sign_in(page, username: str, axe_source: str) -> None:
    page.goto("/accounts/login/")
    assert_accessible(page, axe_source)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def find_and_shortlist_two_services(page, axe_source: str) -> None:
    page.get_by_role("link", name="Recovery Directory").click()
    page.wait_for_url(re.compile(r"/$"))
    assert_accessible(page, axe_source)
    page.get_by_label("Postcode or town").fill("Paisley")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?near=Paisley"))
    results = page.locator(".ds_search-result__link").all_inner_texts()
    assert set(SERVICES) <= set(results)
    assert_accessible(page, axe_source)

    for name in SERVICES:
        # Chromium names the button "Add to my list : <name>" (the name is visually hidden).
        page.get_by_role("button", name=re.compile(rf"^Add to my list\W+{name}$")).click()
        page.get_by_role("status").filter(has_text=f"Added {name} to your list.").wait_for()
        page.get_by_role("button", name=re.compile(rf"^Remove\W+{name} from my list$")).wait_for()
        assert "/search/?near=Paisley" in page.url
        assert_accessible(page, axe_source)

    page.get_by_role("navigation", name="Your list").get_by_role("link", name="My list").click()
    page.wait_for_url(re.compile(r"/my-list/$"))
    assert page.locator("main h2 a").all_inner_texts() == SERVICES
    assert_accessible(page, axe_source)


def print_the_list(page, axe_source: str) -> None:
    page.get_by_role("link", name="Print this list").click()
    page.wait_for_url(re.compile(r"/my-list/\?print=1$"))
    assert page.locator("h1").inner_text() == "Support services"
    entries = page.locator("main ol > li")
    assert entries.count() == 2
    for index, (name, phone, day) in enumerate(
        zip(SERVICES, ["0141 123 4567", "0141 765 4321"], ["Tuesday", "Thursday"], strict=True)
    ):
        entry = entries.nth(index)
        assert entry.get_by_role("heading", name=name).is_visible()
        # Plain phone numbers on paper, not links that print their tel: address.
        assert entry.get_by_text(f"Phone {phone}").is_visible()
        assert entry.get_by_role("link", name=phone).count() == 0
        when = entry.locator(".ds_summary-list__item", has_text="When").inner_text()
        assert f"Every {day}, 6–8pm, at Paisley Community Hub" in when
    assert page.locator(".js-quick-exit").count() == 0
    assert_accessible(page, axe_source)

    page.get_by_role("link", name="Back to my list").click()
    page.wait_for_url(re.compile(r"/my-list/$"))
    page.emulate_media(media="print")
    try:
        assert page.locator(".js-quick-exit").is_hidden()
        assert page.locator(".ds_site-header").is_hidden()
        assert page.get_by_role("link", name="My list", exact=True).is_hidden()
        assert page.get_by_role("button", name="Get a link to share").is_hidden()
        assert page.locator("main h2 a", has_text=SERVICES[0]).is_visible()
    finally:
        page.emulate_media(media="screen")


def share_the_list(page, new_context, axe_source: str) -> None:
    page.get_by_role("button", name="Get a link to share").click()
    page.wait_for_url(re.compile(r"/lists/[^/]+/$"))
    link = page.locator("p", has_text="copy the link").locator("span").inner_text().strip()
    assert link == page.url

    fresh = new_context().new_page()
    fresh.set_default_timeout(10_000)
    assert fresh.context.cookies() == []
    with fresh.expect_response(re.compile(r"/qr\.svg$")) as qr:
        fresh.goto(link)
    assert qr.value.status == 200
    assert qr.value.headers["content-type"] == "image/svg+xml"
    qr_image = fresh.get_by_role("img", name="QR code for the web address of this list")
    assert qr_image.evaluate("image => image.complete && image.naturalWidth > 0")
    assert fresh.locator("main h2 a").all_inner_texts() == SERVICES
    assert fresh.get_by_role("button", name=re.compile("Remove")).count() == 0
    assert_accessible(fresh, axe_source)


def make_a_referral(page, axe_source: str) -> None:
    page.get_by_role("link", name="My list", exact=True).click()
    page.get_by_role("link", name=SERVICES[0]).click()
    page.wait_for_url(re.compile(r"/services/hearing-voices-paisley/$"))
    assert_accessible(page, axe_source)
    page.get_by_role("link", name=re.compile(rf"^Make a referral\W+to {SERVICES[0]}$")).click()
    page.wait_for_url(re.compile(r"/refer/$"))
    assert_accessible(page, axe_source)

    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".ds_error-summary")
    summary.wait_for()
    assert page.url.endswith("/services/hearing-voices-paisley/refer/")
    assert page.title().startswith("Error:")
    assert "Confirm the person has agreed" in summary.inner_text()
    assert_accessible(page, axe_source)

    # Design system checkboxes and radios are drawn by their labels, which take the clicks.
    consent = page.get_by_label(re.compile(r"^The person has agreed that I can share"))
    page.locator("label", has_text="The person has agreed that I can share").click()
    assert consent.is_checked()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/refer/details/$"))
    assert_accessible(page, axe_source)
    page.get_by_label("Your organisation").fill("Renfrewshire HSCP")
    page.get_by_label("Their first name or initials").fill("J. M.")
    contact_by = page.get_by_role("group", name="How would they like to be contacted?")
    contact_by.locator("label", has_text="Phone call").click()
    assert contact_by.get_by_label("Phone call").is_checked()
    page.get_by_label("Phone number, email address or postal address").fill("07700 900123")
    page.get_by_label("Why are you referring them?").fill("Would like to meet other voice hearers.")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/refer/check/$"))
    assert_accessible(page, axe_source)
    page.get_by_role("button", name="Send referral").click()
    page.get_by_role("status").filter(has_text=f"Referral sent to {SERVICES[0]}.").wait_for()
    assert page.locator(".ds_summary-list__item", has_text="Status").inner_text().endswith("Sent")
    assert_accessible(page, axe_source)


def accept_the_referral(page, axe_source: str) -> None:
    sign_in(page, "sam.member", axe_source)
    page.wait_for_url(re.compile(r"/dashboard/$"))
    assert_accessible(page, axe_source)
    page.get_by_role("link", name="Referrals inbox", exact=True).click()
    page.wait_for_url(re.compile(r"/referrals/inbox/$"))
    row = page.get_by_role("row").filter(has_text=SERVICES[0])
    assert "Renfrewshire HSCP" in row.inner_text()
    assert_accessible(page, axe_source)

    row.get_by_role("link", name=re.compile("view referral")).click()
    page.wait_for_url(re.compile(r"/referrals/[0-9a-f-]{36}/$"))
    status = page.locator(".ds_summary-list__item", has_text="Status")
    assert status.inner_text().endswith("Opened")
    assert "07700 900123" in page.locator("main").inner_text()
    assert_accessible(page, axe_source)

    page.get_by_role("button", name="Accept referral").click()
    page.get_by_role("status").filter(has_text="Referral for J. M. accepted.").wait_for()
    assert status.inner_text().endswith("Accepted")
    assert_accessible(page, axe_source)


def test_link_worker_shortlists_prints_shares_and_refers_and_the_organisation_accepts(
    page, new_context, journey, axe_source, third_party_requests
):
    from django.core import mail

    from engagement.models import Referral

    sign_in(page, "alex.linkworker", axe_source)
    page.wait_for_url(re.compile(r"/referrals/$"))
    assert_accessible(page, axe_source)
    find_and_shortlist_two_services(page, axe_source)
    print_the_list(page, axe_source)
    share_the_list(page, new_context, axe_source)
    make_a_referral(page, axe_source)
    assert [message.to for message in mail.outbox] == [[REFERRALS_EMAIL]]
    assert "07700 900123" not in mail.outbox[0].body

    member_page = new_context().new_page()
    member_page.set_default_timeout(10_000)
    accept_the_referral(member_page, axe_source)

    page.get_by_role("link", name="All your referrals").click()
    page.wait_for_url(re.compile(r"/referrals/$"))
    row = page.get_by_role("row").filter(has_text=SERVICES[0])
    assert row.get_by_role("cell").last.inner_text() == "Accepted"
    assert_accessible(page, axe_source)
    assert Referral.objects.get().status == Referral.Status.ACCEPTED
    assert third_party_requests == []
