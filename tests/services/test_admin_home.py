"""The admin's home page starts with the member's tasks, for their own organisations only:
listings due for a check, open problem reports and referrals waiting, each linking to a page
they can open; then the models in plain groups."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from engagement.models import ProblemReport, Referral
from services.models import Service
from tests.engagement.conftest import PERSONAL_VALUES, make_link_worker, make_referral
from tests.factories import MembershipFactory, ModeratorFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours():
    return OrganisationFactory(name="Ours")


@pytest.fixture
def member_client(client, ours):
    client.force_login(MembershipFactory(organisation=ours).user)
    return client


def home(client) -> str:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def tasks_of(page: str) -> str:
    return page.split('id="tasks-heading"', 1)[1].split("</section>", 1)[0]


def test_home_lists_the_members_listings_due_for_a_check(member_client, ours):
    due = ServiceFactory(organisation=ours, name="Tuesday Group")
    fresh = ServiceFactory(organisation=ours, name="Fresh Group")
    Service.objects.filter(pk=fresh.pk).update(last_checked_at=timezone.now())
    ServiceFactory(name="Someone Else's Group")

    tasks = tasks_of(home(member_client))

    change = reverse("admin:services_service_change", args=[due.pk])
    assert f'<a href="{change}">Tuesday Group</a>' in tasks
    assert "Fresh Group" not in tasks
    assert "Someone Else" not in tasks


def test_home_lists_open_problem_reports_and_waiting_referrals(member_client, ours):
    service = ServiceFactory(organisation=ours, name="Tuesday Group")
    Service.objects.filter(pk=service.pk).update(last_checked_at=timezone.now())
    ProblemReport.objects.create(service=service, reason="wrong-times")
    ProblemReport.objects.create(service=service, reason="closed", status="resolved")
    other = ServiceFactory(name="Theirs")
    ProblemReport.objects.create(service=other, reason="closed")
    referral = make_referral(service=service, referrer=make_link_worker())
    make_referral(service=other, referrer=make_link_worker())

    tasks = tasks_of(home(member_client))

    assert tasks.count("Tuesday Group: ") == 1
    assert "Theirs" not in tasks
    assert reverse("engagement:referral_detail", args=[referral.pk]) in tasks
    assert "All your listings have been checked recently." in tasks
    for personal in PERSONAL_VALUES:
        assert personal not in tasks


def test_more_than_ten_due_links_to_the_overdue_list(member_client, ours):
    for number in range(12):
        ServiceFactory(organisation=ours, name=f"Group {number:02}")

    page = home(member_client)

    assert "2 more</a>" in tasks_of(page)
    more = re.search(r'<a href="([^"]+)">2 more</a>', page)[1].replace("&amp;", "&")
    listing = member_client.get(more)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 12


def test_every_link_on_the_home_page_opens_for_the_member(member_client, ours):
    service = ServiceFactory(organisation=ours)
    ProblemReport.objects.create(service=service, reason="other")
    make_referral(service=service, referrer=make_link_worker())

    page = home(member_client)

    # Pages only: stylesheets are static files, which tests do not collect.
    links = {link for link in re.findall(r'href="(/[^"]*)"', page)
             if not link.startswith(settings.STATIC_URL)}  # fmt: skip
    for link in links - {"/admin/logout/"}:
        assert member_client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_models_are_grouped_with_listings_first(member_client):
    page = home(member_client)

    captions = re.findall(r"<caption>([^<]+)</caption>", page)
    assert captions[0] == "Your listings"
    assert page.index(">Services</a>") < page.index("Lists of terms and areas")
    assert page.index(">Services</a>") < page.index("API tokens")


def test_moderators_without_memberships_get_the_lists_without_tasks(client):
    client.force_login(ModeratorFactory())

    page = home(client)

    assert 'id="tasks-heading"' not in page
    assert "Your listings" in page


def test_checked_listings_leave_the_list(member_client, ours):
    service = ServiceFactory(organisation=ours, name="Tuesday Group")
    Service.objects.filter(pk=service.pk).update(
        last_checked_at=timezone.now() - datetime.timedelta(days=10)
    )

    assert "Tuesday Group" not in tasks_of(home(member_client))


def test_referrals_already_opened_are_not_waiting(member_client, ours):
    service = ServiceFactory(organisation=ours, name="Tuesday Group")
    make_referral(service=service, referrer=make_link_worker(), status=Referral.Status.OPENED)

    assert "No referrals waiting." in tasks_of(home(member_client))
