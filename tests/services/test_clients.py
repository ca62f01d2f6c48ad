"""One notion of the client's address (services.clients.client_ip) used by forms, sign-in,
axes and the API throttles: REMOTE_ADDR unless TRUSTED_PROXIES says how many proxies append
to X-Forwarded-For."""

import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from services.clients import client_ip

pytestmark = pytest.mark.cache


def _request(remote: str, forwarded: str | None = None):
    meta: dict[str, Any] = {"REMOTE_ADDR": remote}  # request.META entries, not get()'s options
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_a_spoofed_forwarded_header_is_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXIES = 1
    # The visitor wrote "6.6.6.6" themselves; the proxy appended the address it saw.
    request = _request("10.0.0.2", "6.6.6.6, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXIES = 2
    request = _request("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1")
    assert client_ip(request) == "198.51.100.7"


def test_a_proxy_without_a_forwarded_header_or_with_garbage_falls_back_to_the_proxy(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"


def _settings_value(name: str, **env) -> str:
    environment = {**os.environ, "SECRET_KEY": "x" * 50, **env}
    code = f"from django.conf import settings; print(settings.{name})"
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "recovery_directory.settings"},
        capture_output=True, text=True, timeout=60, cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_behind_proxy_means_one_trusted_proxy_and_trusted_proxies_overrides_it():
    assert _settings_value("TRUSTED_PROXIES", BEHIND_PROXY="false") == "0"
    assert _settings_value("TRUSTED_PROXIES", BEHIND_PROXY="true") == "1"
    assert _settings_value("TRUSTED_PROXIES", BEHIND_PROXY="true", TRUSTED_PROXIES="2") == "2"
    assert _settings_value("REST_FRAMEWORK['NUM_PROXIES']", TRUSTED_PROXIES="1") == "1"


def test_a_bad_cache_url_stops_the_process_with_a_clear_message():
    environment = {**os.environ, "SECRET_KEY": "x" * 50, "CACHE_URL": "memcached://x"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], env=environment, capture_output=True, text=True,
        timeout=60, cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert done.returncode != 0
    assert "CACHE_URL must start with redis://" in done.stderr


def test_cache_url_selects_redis_with_timeouts_and_no_cache_url_the_database_cache():
    backend = "CACHES['default']['BACKEND']"
    assert _settings_value(backend, CACHE_URL="") == "services.cache.DatabaseCache"
    redis = _settings_value("CACHES['default']", CACHE_URL="redis://127.0.0.1:6379/1")
    assert "django.core.cache.backends.redis.RedisCache" in redis
    assert "'socket_connect_timeout': 2, 'socket_timeout': 2" in redis


@pytest.mark.django_db
def test_a_new_forwarded_header_on_each_request_does_not_reset_the_api_limit(client, settings):
    settings.TRUSTED_PROXIES = 0
    settings.API_ANON_THROTTLE_RATE = "3/day"
    statuses = [
        client.get("/api/v1/areas/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_behind_one_proxy_two_visitors_have_two_api_buckets(client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.API_ANON_THROTTLE_RATE = "2/day"

    def read(visitor: str) -> int:
        response = client.get(
            "/api/v1/areas/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=visitor
        )
        return response.status_code

    assert [read("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert [read("198.51.100.2") for _ in range(2)] == [200, 200]
    # A visitor who writes their own header is still counted by the address the proxy saw.
    assert read("198.51.100.2, 198.51.100.1") == 429


@pytest.mark.django_db
def test_behind_one_proxy_two_visitors_have_two_form_buckets(client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.PUBLIC_FORMS_PER_HOUR = 1

    def reset(visitor: str) -> int:
        response = client.post(
            "/accounts/password_reset/", {"email": "a@example.org"},
            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=visitor,
        )  # fmt: skip
        return response.status_code

    assert [reset("198.51.100.1"), reset("198.51.100.1")] == [302, 429]
    assert reset("198.51.100.2") == 302


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_spoofed_header_does_not_buy_more_form_attempts(client, settings):
    settings.TRUSTED_PROXIES = 0
    settings.PUBLIC_FORMS_PER_HOUR = 1

    def reset(forwarded: str) -> int:
        response = client.post(
            "/accounts/password_reset/", {"email": "a@example.org"},
            HTTP_X_FORWARDED_FOR=forwarded,
        )  # fmt: skip
        return response.status_code

    assert [reset("198.51.100.1"), reset("198.51.100.2")] == [302, 429]
