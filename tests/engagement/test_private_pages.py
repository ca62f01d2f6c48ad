"""Pages that show personal data tell browsers and proxies not to keep them
(`Cache-Control: no-store`), and public pages keep their own caching."""

import pytest

from tests.engagement.conftest import make_auditor

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_referral_pages_inbox_and_dashboard_are_never_stored(client, world):
    referral = world["referral"]
    client.force_login(world["worker_a"])
    mine = client.get("/referrals/")
    detail = client.get(f"/referrals/{referral.pk}/")
    client.force_login(world["member"])
    inbox = client.get("/referrals/inbox/")
    dashboard = client.get("/dashboard/")

    for response in (mine, detail, inbox, dashboard):
        assert response.status_code == 200
        assert no_store(response)
        assert "private" in response["Cache-Control"]


def test_the_admin_and_account_pages_are_never_stored(client, world):
    client.force_login(make_auditor())
    pages = [client.get(path) for path in ("/admin/", "/admin/engagement/referral/")]
    client.logout()
    pages += [client.get(path) for path in ("/admin/login/", "/accounts/login/")]
    pages.append(client.get("/accounts/invitation/not-a-real-token/"))
    pages.append(client.get("/accounts/password_reset/"))

    for response in pages:
        assert no_store(response), response.request["PATH_INFO"]


def test_two_step_pages_are_never_stored(client, world):
    client.force_login(world["worker_a"])
    assert no_store(client.get("/accounts/two-step/setup/"))


def test_a_public_page_for_an_anonymous_visitor_is_not_marked_no_store(client, world):
    response = client.get("/")
    assert response.status_code == 200
    assert not no_store(response)


def test_a_public_page_that_knows_who_is_signed_in_is_not_stored(client, world):
    client.force_login(world["worker_a"])
    assert no_store(client.get("/search/", {"q": "peer"}))
