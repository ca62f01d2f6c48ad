"""Link workers find services they can refer to: the "takes referrals" rule, the search
filter and the badge on result cards and service pages."""

import re

import pytest

from services.models import Service
from tests.engagement.conftest import make_link_worker
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

BADGE = '<span class="ds_tag  ds_tag--green">Takes referrals</span>'


@pytest.fixture
def services():
    return {
        "takes": ServiceFactory(
            name="Takes them", accepts_referrals=True, referral_email="r@example.org"
        ),
        # Saved without the admin's checks: accepts referrals but has nowhere to tell.
        "no_email": ServiceFactory(name="No email", accepts_referrals=True, referral_email=""),
        "off": ServiceFactory(name="Referrals off", referral_email="r@example.org"),
    }


@pytest.mark.parametrize(
    ("accepts", "email", "expected"),
    [(True, "r@example.org", True), (True, "", False), (False, "r@example.org", False)],
)
def test_a_service_takes_referrals_only_when_it_accepts_them_and_has_an_email(
    accepts, email, expected
):
    service = Service(accepts_referrals=accepts, referral_email=email)
    assert service.takes_referrals is expected


def test_the_search_filter_keeps_only_services_that_take_referrals(client, services):
    page = client.get("/search/", {"takes_referrals": "true"})

    found = [service.name for service in page.context["results"].page.object_list]
    assert found == ["Takes them"]
    assert "Takes referrals" in [f.label for f in page.context["active_filters"]]
    html = page.content.decode()
    assert 'id="id_takes_referrals_true" name="takes_referrals" value="true" checked' in html


def test_a_bad_takes_referrals_value_is_explained_not_ignored(client, services):
    page = client.get("/search/", {"takes_referrals": "perhaps"})

    assert page.status_code == 200
    assert ("Enter true or false.", "id_takes_referrals") in page.context["errors"]


def test_result_cards_show_the_badge_only_on_services_that_take_referrals(client, services):
    html = client.get("/search/", {"sort": "name"}).content.decode()

    cards = html.split('<li class="ds_search-result')[1:]
    badges = {re.search(r'__link" href="[^"]+">([^<]+)<', c)[1]: BADGE in c for c in cards}
    assert [name for name, badge in badges.items() if badge] == ["Takes them"]


def test_the_service_page_shows_the_badge_and_link_workers_get_make_a_referral(client, services):
    takes, off = services["takes"], services["off"]
    assert BADGE in client.get(f"/services/{takes.slug}/").content.decode()
    assert BADGE not in client.get(f"/services/{off.slug}/").content.decode()

    client.force_login(make_link_worker())
    assert "Make a referral" in client.get(f"/services/{takes.slug}/").content.decode()
    no_email = services["no_email"]
    assert "Make a referral" not in client.get(f"/services/{no_email.slug}/").content.decode()
    assert client.get(f"/services/{no_email.slug}/refer/").status_code == 404
