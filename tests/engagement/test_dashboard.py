import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagement.models import ProblemReport, Referral
from services.models import Service
from tests.engagement.conftest import make_link_worker, make_referral
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory


def _checked(service, days_ago):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Service.objects.filter(pk=service.pk).update(last_checked_at=when)


@pytest.fixture
def org(db):
    organisation = OrganisationFactory(name="Paisley Peer Network", slug="paisley-peer-network")
    member = MembershipFactory(organisation=organisation).user
    return {"organisation": organisation, "member": member}


def _table_row(html: str, name: str) -> str:
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/dashboard/")
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_people_outside_any_organisation_are_refused(client, db):
    client.force_login(make_link_worker())
    assert client.get("/dashboard/").status_code == 403


def test_members_see_their_listings_with_review_state_reports_and_referrals(client, org):
    organisation = org["organisation"]
    fresh = ServiceFactory(organisation=organisation, name="Fresh Group")
    _checked(fresh, 10)
    overdue = ServiceFactory(organisation=organisation, name="Overdue Group")
    _checked(overdue, 200)
    stale = ServiceFactory(organisation=organisation, name="Stale Group")
    _checked(stale, 400)
    ServiceFactory(name="Someone Else's Group")
    for _ in range(2):
        ProblemReport.objects.create(service=overdue, reason="wrong-times")
    ProblemReport.objects.create(service=overdue, reason="closed", status="resolved")
    worker = make_link_worker()
    make_referral(service=fresh, referrer=worker)
    make_referral(service=fresh, referrer=worker, status=Referral.Status.ACCEPTED)
    make_referral(service=fresh, referrer=worker, status=Referral.Status.CLOSED)
    client.force_login(org["member"])

    html = client.get("/dashboard/").content.decode()

    assert "Someone Else" not in html
    fresh_row = _table_row(html, "Fresh Group")
    assert "1 new, 2 open" in fresh_row
    assert "Check due" not in fresh_row
    overdue_row = _table_row(html, "Overdue Group")
    assert "Check due" in overdue_row
    assert "<td>2</td>" in overdue_row
    assert "Not checked for 12 months" in _table_row(html, "Stale Group")
    assert f'href="/admin/services/service/{stale.pk}/change/"' in html
    assert f'action="/dashboard/services/{stale.pk}/checked/"' in html


def test_a_never_checked_listing_added_recently_is_not_due(client, org):
    ServiceFactory(organisation=org["organisation"], name="Brand New Group")
    client.force_login(org["member"])
    row = _table_row(client.get("/dashboard/").content.decode(), "Brand New Group")
    assert "Never" in row
    assert "Check due" not in row


def test_members_of_two_organisations_can_pick_one(client, org):
    other = MembershipFactory(
        user=org["member"], organisation__name="Renfrew Recovery"
    ).organisation
    ServiceFactory(organisation=org["organisation"], name="Paisley Group")
    ServiceFactory(organisation=other, name="Renfrew Group")
    client.force_login(org["member"])
    both = client.get("/dashboard/").content.decode()
    assert "Paisley Group" in both
    assert "Renfrew Group" in both
    assert '<select class="ds_select" name="organisation"' in both
    one = client.get("/dashboard/", {"organisation": other.slug}).content.decode()
    assert "Renfrew Group" in one
    assert "Paisley Group" not in one


def test_members_cannot_pick_another_organisation(client, org):
    outsider = ServiceFactory(name="Outsider Group")
    client.force_login(org["member"])
    response = client.get("/dashboard/", {"organisation": outsider.organisation.slug})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose an organisation from the list." in html
    assert "Outsider Group" not in html


def test_moderators_pick_an_organisation(client, org, moderator):
    ServiceFactory(organisation=org["organisation"], name="Paisley Group")
    client.force_login(moderator)
    html = client.get("/dashboard/").content.decode()
    assert "Choose an organisation to see its listings." in html
    assert "Paisley Group" not in html
    html = client.get("/dashboard/", {"organisation": "paisley-peer-network"}).content.decode()
    assert "Paisley Group" in html


@pytest.mark.parametrize("count", [3, 20])
def test_the_dashboard_needs_the_same_queries_for_3_or_20_listings(client, org, count):
    worker = make_link_worker()
    for n in range(count):
        service = ServiceFactory(organisation=org["organisation"])
        _checked(service, n * 30)
        ProblemReport.objects.create(service=service, reason="other")
        make_referral(service=service, referrer=worker)
    client.force_login(org["member"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")
    assert response.content.decode().count("Still correct") == count
    # session, user, moderator check, memberships, listings with their counts
    assert len(queries) == 5


def test_still_correct_button_marks_the_listing_checked(client, org):
    service = ServiceFactory(organisation=org["organisation"], name="Paisley Group")
    _checked(service, 300)
    client.force_login(org["member"])
    response = client.post(
        f"/dashboard/services/{service.pk}/checked/", {"organisation": "paisley-peer-network"}
    )
    assert response["Location"] == "/dashboard/?organisation=paisley-peer-network"
    service.refresh_from_db()
    assert service.last_checked_by == org["member"]
    assert timezone.now() - service.last_checked_at < datetime.timedelta(minutes=1)
    assert service.history.first().history_change_reason == "Marked as checked"


def test_members_cannot_mark_another_organisations_listing(client, org):
    outsider = ServiceFactory()
    client.force_login(org["member"])
    assert client.post(f"/dashboard/services/{outsider.pk}/checked/").status_code == 403
    outsider.refresh_from_db()
    assert outsider.last_checked_at is None


def test_marking_checked_needs_a_post(client, org):
    service = ServiceFactory(organisation=org["organisation"])
    client.force_login(org["member"])
    assert client.get(f"/dashboard/services/{service.pk}/checked/").status_code == 405
