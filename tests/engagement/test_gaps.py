import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagement.gaps import area_table, type_table
from engagement.models import ProblemReport, Referral, SearchAggregate
from services.models import Area, Service, ServiceType
from tests.engagement.conftest import make_link_worker, make_referral
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    UserFactory,
    council_area,
)


def _types(*slugs):
    return list(ServiceType.objects.filter(slug__in=slugs))


def _search(area_slug, filters, bucket, count, days_ago=0):
    SearchAggregate.objects.create(
        day=timezone.localdate() - datetime.timedelta(days=days_ago),
        council_area=council_area(area_slug) if area_slug else None,
        filters=filters,
        result_bucket=bucket,
        count=count,
    )


@pytest.fixture
def gaps(db):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    peer = ServiceFactory(name="Paisley Peer Group", types=_types("peer-support-group"))
    ServiceAtLocationFactory(service=peer)
    Service.objects.filter(pk=peer.pk).update(last_checked_at=timezone.now())
    drop_in = ServiceFactory(name="Clyde Drop-in", types=_types("drop-in"))
    drop_in.areas.set([Area.objects.get(slug="nhs-greater-glasgow-and-clyde")])
    Service.objects.filter(pk=drop_in.pk).update(created_at=long_ago)
    for status in ("open", "open", "resolved"):
        ProblemReport.objects.create(service=drop_in, reason="other", status=status)
    hidden = ServiceFactory(status=Service.Status.INACTIVE, types=_types("peer-support-group"))
    location = LocationFactory(
        organisation=hidden.organisation, council_area=council_area("highland")
    )
    ServiceAtLocationFactory(service=hidden, location=location)
    ServiceFactory(name="Scotland Helpline", is_national=True, types=_types("helpline"))
    worker = make_link_worker()
    make_referral(service=peer, referrer=worker)
    make_referral(service=peer, referrer=worker, status=Referral.Status.ACCEPTED)
    old = make_referral(service=peer, referrer=worker)
    Referral.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=100)
    )
    _search("renfrewshire", "type=peer-support-group", "0", 4)
    _search("renfrewshire", "day=mon;type=drop-in", "1-5", 3)
    _search("renfrewshire", "", "0", 50, days_ago=100)
    _search(None, "", "0", 2)
    _search("highland", "type=link-worker", "0", 5, days_ago=89)
    _search("highland", "type=link-worker", "0", 1000, days_ago=90)


def _row(table, slug):
    return next(row for row in table.rows if row.slug == slug)


def test_area_numbers_count_searches_listings_reports_and_referrals(gaps):
    table = area_table(90)
    assert len(table.rows) == 32
    assert _row(table, "renfrewshire").values() == [7, 4, 2, 1, 2, 2, 1]
    assert _row(table, "inverclyde").values() == [0, 0, 1, 1, 2, 0, 0]
    assert _row(table, "highland").values() == [5, 5, 0, 0, 0, 0, 0]
    assert _row(table, "fife").values() == [0, 0, 0, 0, 0, 0, 0]
    assert (table.unassigned_searches, table.unassigned_zero_results) == (2, 2)


def test_a_longer_period_counts_older_searches_and_referrals(gaps):
    table = area_table(365)
    assert _row(table, "renfrewshire").values() == [57, 54, 2, 1, 2, 3, 1]
    assert _row(table, "highland").values()[:2] == [1005, 1005]


def test_type_numbers(gaps):
    table = type_table(90)
    assert _row(table, "peer-support-group").values() == [4, 4, 1, 0, 0, 2, 1]
    assert _row(table, "drop-in").values() == [3, 0, 1, 1, 2, 0, 0]
    assert _row(table, "link-worker").values() == [5, 5, 0, 0, 0, 0, 0]
    assert _row(table, "helpline").values() == [0, 0, 1, 0, 0, 0, 0]
    assert (table.unassigned_searches, table.unassigned_zero_results) == (2, 2)


@pytest.mark.parametrize("url", ["/insight/", "/insight/areas.csv", "/insight/types.csv"])
def test_only_staff_moderators_may_see_insight(client, db, url, moderator):
    assert client.get(url)["Location"].startswith("/accounts/login/")
    for user in (
        MembershipFactory().user,
        make_link_worker(),
        UserFactory(is_staff=True),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 403
    moderator.is_staff = False
    moderator.save()
    client.force_login(moderator)
    assert client.get(url).status_code == 403
    moderator.is_staff = True
    moderator.save()
    assert client.get(url).status_code == 200


def test_the_page_shows_tables_and_accessible_charts_without_inline_styles(client, gaps, moderator):
    client.force_login(moderator)
    html = client.get("/insight/").content.decode()
    assert "style=" not in html
    assert html.count('<svg role="img"') == 4
    assert '<title id="areas-zero_results-title">Searches with no results by council area' in html
    renfrewshire = html[html.index('<th scope="row">Renfrewshire</th>') :]
    cells = renfrewshire[: renfrewshire.index("</tr>")]
    assert cells.count("<td>") == 7
    assert "<td>7</td><td>4</td><td>2</td><td>1</td><td>2</td><td>2</td><td>1</td>" in cells
    assert "A further 1 service is available across Scotland" in html
    assert 'href="/insight/areas.csv?days=90"' in html
    assert '<option value="90" selected>Last 90 days</option>' in html


def test_the_period_can_be_chosen_and_a_bad_one_is_explained(client, gaps, moderator):
    client.force_login(moderator)
    html = client.get("/insight/", {"days": "365"}).content.decode()
    assert "<td>57</td><td>54</td>" in html
    html = client.get("/insight/", {"days": "7"}).content.decode()
    assert "Choose the last 30, 90 or 365 days." in html
    assert "<td>7</td><td>4</td><td>2</td>" in html  # the default 90 days


def test_area_csv_has_the_same_numbers(client, gaps, moderator):
    client.force_login(moderator)
    response = client.get("/insight/areas.csv", {"days": "90"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="insight-areas-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Council area",
        "Slug",
        "Searches",
        "Searches with no results",
        "Services available",
        "Listings due for a check",
        "Open problem reports",
        "Referrals made",
        "Referrals accepted",
    ]
    assert ["Renfrewshire", "renfrewshire", "7", "4", "2", "1", "2", "2", "1"] in rows
    assert len(rows) == 33


def test_type_csv_neutralises_spreadsheet_formulas(client, gaps, moderator):
    ServiceType.objects.filter(slug="drop-in").update(name='=HYPERLINK("http://x")')
    client.force_login(moderator)
    rows = list(csv.reader(io.StringIO(client.get("/insight/types.csv").content.decode())))
    assert rows[0][0] == "Type of support"
    assert ['\'=HYPERLINK("http://x")', "drop-in", "3", "0", "1", "1", "2", "0", "0"] in rows


def test_the_page_needs_the_same_queries_however_much_data(client, gaps, moderator):
    client.force_login(moderator)
    with CaptureQueriesContext(connection) as before:
        client.get("/insight/")
    for slug in ("fife", "highland", "inverclyde"):
        location = LocationFactory(council_area=council_area(slug))
        service = ServiceAtLocationFactory(
            location=location, service__organisation=location.organisation
        ).service
        ProblemReport.objects.create(service=service, reason="other")
        make_referral(service=service, referrer=make_link_worker())
        _search(slug, "type=drop-in", "0", 1)
    with CaptureQueriesContext(connection) as after:
        client.get("/insight/")
    assert len(after) == len(before)
    assert len(after) <= 20
