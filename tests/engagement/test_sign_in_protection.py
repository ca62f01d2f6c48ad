"""Sign-in protection: django-axes locks a username and address out after
SIGN_IN_LOCKOUT_FAILURES wrong passwords (before any password is checked) for the cool-off,
on /admin/login/ and /accounts/login/ alike; every sign-in page shares the per-address hourly
limit; the answers are the same whether or not the account exists."""

import datetime
import time

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import ModeratorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cache]

PASSWORD = "correct horse battery"
LOCKED = "Too many attempts to sign in"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _admin_sign_in(client, username: str, password: str, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
    )


def _wrong_passwords(client, username: str, count: int, path: str = "/admin/login/") -> list:
    return [
        client.post(path, {"username": username, "password": f"wrong {n}"}).status_code
        for n in range(count)
    ]


def test_admin_sign_in_locks_after_the_limit_and_refuses_the_right_password_in_the_cool_off(
    client, settings
):
    # A short cool-off, really waited for: the count's expiry is the cache's own (Redis
    # keeps its own clock), so travelling in time would not end it.
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=2)
    moderator = ModeratorFactory()
    limit = settings.AXES_FAILURE_LIMIT

    statuses = _wrong_passwords(client, moderator.username, limit)
    during = _admin_sign_in(client, moderator.username, PASSWORD)

    assert statuses == [200] * (limit - 1) + [429]
    assert during.status_code == 429
    assert LOCKED in during.content.decode()
    assert "_auth_user_id" not in client.session

    time.sleep(3)
    after = _admin_sign_in(client, moderator.username, PASSWORD)
    assert after.status_code == 302
    assert client.session["_auth_user_id"] == str(moderator.pk)


def test_the_lock_out_page_is_a_designed_page_with_the_crisis_link(client):
    user = UserFactory()
    _wrong_passwords(client, user.username, settings.AXES_FAILURE_LIMIT)

    page = _admin_sign_in(client, user.username, PASSWORD).content.decode()

    assert "<title>Too many attempts to sign in – Recovery Directory</title>" in page
    assert 'href="/help-now/"' in page or "Need help now?" in page
    assert 'href="/accounts/password_reset/"' in page
    assert "Wait 15 minutes" in page


def test_an_unknown_username_is_locked_out_with_exactly_the_same_page(client):
    known = UserFactory(username="known")
    limit = settings.AXES_FAILURE_LIMIT

    unknown_statuses = _wrong_passwords(client, "nobody-by-this-name", limit)
    known_statuses = _wrong_passwords(client, known.username, limit)
    pages = [
        _admin_sign_in(client, name, "wrong").content.decode()
        for name in ("nobody-by-this-name", "known")
    ]

    assert unknown_statuses == known_statuses
    strip = [page.split('name="csrfmiddlewaretoken"')[0] for page in pages]
    assert strip[0] == strip[1]


def test_a_lock_out_is_per_username_and_address_so_others_still_sign_in(client):
    target, colleague = UserFactory(), UserFactory()
    _wrong_passwords(client, target.username, settings.AXES_FAILURE_LIMIT)

    same_account_elsewhere = _admin_sign_in(
        client, target.username, PASSWORD, REMOTE_ADDR="198.51.100.20"
    )
    client.logout()
    colleague_here = _admin_sign_in(client, colleague.username, PASSWORD)

    assert same_account_elsewhere.status_code == 302
    assert colleague_here.status_code == 302


def test_a_successful_sign_in_clears_the_failures(client):
    user = UserFactory()
    _wrong_passwords(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert _admin_sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()

    statuses = _wrong_passwords(client, user.username, settings.AXES_FAILURE_LIMIT - 1)

    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1)


def test_accounts_sign_in_locks_out_the_same_way(client):
    user = UserFactory()
    limit = settings.AXES_FAILURE_LIMIT

    statuses = _wrong_passwords(client, user.username, limit, path="/accounts/login/")
    during = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    assert statuses == [200] * (limit - 1) + [429]
    assert during.status_code == 429
    assert LOCKED in during.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_one_sign_in_page_count_on_the_other(client):
    user = UserFactory()
    limit = settings.AXES_FAILURE_LIMIT
    _wrong_passwords(client, user.username, limit - 1, path="/accounts/login/")

    response = _admin_sign_in(client, user.username, "wrong again")

    assert response.status_code == 429


def test_admin_sign_in_shares_the_hourly_per_address_limit_with_accounts_sign_in(client, settings):
    settings.SIGN_IN_ATTEMPTS_PER_HOUR = 3
    users = [UserFactory() for _ in range(3)]
    # Different usernames: axes' per-account lock never triggers, the address limit does.
    client.post("/accounts/login/", {"username": users[0].username, "password": "x"})
    client.post("/accounts/login/", {"username": users[1].username, "password": "x"})
    _admin_sign_in(client, users[2].username, "x")

    refused = _admin_sign_in(client, users[2].username, PASSWORD)

    assert refused.status_code == 429
    assert "Wait an hour" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_out_sign_in_never_checks_the_password(client, monkeypatch):
    user = UserFactory()
    _wrong_passwords(client, user.username, settings.AXES_FAILURE_LIMIT)
    checked = []
    monkeypatch.setattr(
        "django.contrib.auth.base_user.AbstractBaseUser.check_password",
        lambda self, raw: checked.append(raw) or True,
    )

    response = _admin_sign_in(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert checked == []


def test_sign_in_failures_live_in_the_shared_cache(client):
    user = UserFactory()
    _wrong_passwords(client, user.username, 2)

    from axes.helpers import get_client_cache_keys
    from django.test import RequestFactory

    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="127.0.0.1")
    request.axes_ip_address = "127.0.0.1"
    request.axes_user_agent = ""
    keys = get_client_cache_keys(request, {"username": user.username})
    assert [cache.get(key) for key in keys] == [2]
