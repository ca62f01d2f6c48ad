"""Faults answer fast and kindly: a database or cache that cannot be reached gives a 503 page
with the crisis numbers (JSON under /api/), /help-now/, static files and the error pages
never touch the database, every API error is JSON, and reads never depend on writes.

Tests without the `db` fixture run with pytest-django's database block on: any query in them
raises, so they fail if a page touches the database."""

from unittest import mock

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from redis.exceptions import ConnectionError as RedisConnectionError

from engagement.models import SearchAggregate
from services.models import OrganisationToken
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

CRISIS_NUMBERS = ["tel:999", "tel:111", "tel:116123", "tel:0800838587", "sms:85258"]


@pytest.fixture
def visitor():
    """A browser that has a session cookie (an anonymous list, say) and a message to show."""
    browser = Client(raise_request_exception=False)
    browser.cookies["sessionid"] = "k2j3h4g5f6d7s8a9q0w1e2r3t4y5u6i7"
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.SUCCESS, "Added to your list.")
    carrier = HttpResponse()
    storage.update(carrier)
    browser.cookies["messages"] = carrier.cookies["messages"].value
    return browser


@pytest.fixture
def listing(db):
    service = ServiceFactory(name="Paisley Peer Support")
    ServiceAtLocationFactory(
        service=service, location=LocationFactory(organisation=service.organisation)
    )
    return service


@pytest.fixture
def database_down(listing):
    """Every new query fails as it does when PostgreSQL refuses connections."""
    refused = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        yield


def _assert_kind_503(response):
    assert response.status_code == 503
    html = response.content.decode()
    assert "Sorry, the directory is not available at the moment" in html
    for number in CRISIS_NUMBERS:
        assert f'href="{number}"' in html
    assert response["Retry-After"] == "30"


# Never the database --------------------------------------------------------------------------


def test_help_now_answers_without_touching_the_database(visitor):
    response = visitor.get("/help-now/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:116123"' in html
    assert "Added to your list." in html


def test_error_pages_answer_without_touching_the_database(visitor):
    assert visitor.get("/no-such-page/").status_code == 404
    assert visitor.get("/api/no-such-endpoint/").status_code == 404


def test_static_files_are_served_without_touching_the_database(visitor, settings):
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/dist/app.css")
    assert response.status_code == 200


def test_healthz_answers_without_touching_the_database(visitor):
    response = visitor.get("/healthz", headers={"Host": "10.0.0.7:8000"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_checks_answer_over_plain_http_on_any_host_when_https_is_on(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["directory.example.org"]
    probe = Client()
    assert probe.get("/healthz", headers={"Host": "10.0.0.7:8000"}).status_code == 200
    assert probe.get("/readyz", headers={"Host": "10.0.0.7:8000"}).status_code == 200
    assert probe.get("/help-now/", headers={"Host": "10.0.0.7:8000"}).status_code == 400


# Database down -------------------------------------------------------------------------------


def test_pages_answer_503_with_the_crisis_numbers_when_the_database_is_down(
    visitor, listing, database_down
):
    for url in ("/", f"/services/{listing.slug}/", "/search/?near=Paisley", "/areas/"):
        _assert_kind_503(visitor.get(url))


def test_help_now_and_healthz_still_answer_when_the_database_is_down(visitor, database_down):
    assert visitor.get("/help-now/").status_code == 200
    assert visitor.get("/healthz").status_code == 200


def test_readyz_is_503_naming_the_database_when_it_is_down(visitor, database_down):
    response = visitor.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "migrations": "unknown",
        "cache": "ok",
    }


def test_readyz_is_200_when_the_database_is_reachable_and_migrated(visitor, db):
    response = visitor.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_503_while_migrations_are_pending(visitor, db):
    with mock.patch("services.health.pending_migrations", return_value=2):
        response = visitor.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_a_cache_that_cannot_be_reached_leaves_search_working_and_gives_503_where_needed(
    visitor, listing
):
    with mock.patch.object(cache, "get", side_effect=RedisConnectionError("Connection refused")):
        # The search needs only the database (its index follows the database's change log).
        found = visitor.get("/search/?near=Paisley")
        assert found.status_code == 200
        assert listing.name in found.content.decode()
        # Place suggestions are kept in the cache: without it, a 503 in JSON, not a 500.
        suggestions = visitor.get("/api/v1/places/?q=Pais")
        assert suggestions.status_code == 503
        assert "detail" in suggestions.json()
        assert visitor.get("/readyz").json()["cache"] == "unavailable"


def test_the_api_answers_503_in_json_when_the_database_is_down(visitor, listing, database_down):
    for url in ("/api/v1/services/", f"/api/v1/services/{listing.pk}/", "/api/hsds/services"):
        response = visitor.get(url)
        assert response.status_code == 503
        assert response.json() == {
            "detail": "The directory is not available at the moment. Please try again in a few "
            "minutes."
        }


# Every API error is JSON ---------------------------------------------------------------------


def _token_for(service) -> str:
    membership = MembershipFactory.create(organisation=service.organisation)
    token = OrganisationToken(
        organisation=membership.organisation, created_by=membership.user, name="Booking system"
    )
    key = token.set_new_key()
    token.save()
    return key


def test_every_api_error_status_is_json(visitor, listing, settings):
    other = ServiceFactory(name="Someone else's group")
    key = _token_for(listing)
    auth = {"Authorization": f"Token {key}"}
    json = {"content_type": "application/json"}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answers = {
        400: visitor.get("/api/v1/services/?radius_km=lots"),
        401: visitor.post("/api/v1/services/", {}, **json, headers={"Authorization": "Token x"}),
        403: visitor.post(f"/api/v1/services/{other.pk}/archive/", headers=auth),
        404: visitor.get("/api/v1/nothing-here/"),
        405: visitor.delete("/api/v1/vocabularies/"),
        "405 from the docs page": visitor.post("/api/docs/"),
        "405 from the schema": visitor.post("/api/schema/"),
        413: visitor.post("/api/v1/services/", {"description": "x" * 5000}, **json, headers=auth),
    }
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    visitor.get("/api/v1/areas/")
    answers[429] = visitor.get("/api/v1/areas/")
    settings.API_ANON_THROTTLE_RATE = "1000/minute"
    with mock.patch("services.api.views.AreaList.get", side_effect=RuntimeError("bug")):
        answers[500] = Client(raise_request_exception=False).get("/api/v1/areas/")
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError()):
        answers[503] = visitor.get("/api/v1/vocabularies/")
    for status, response in answers.items():
        if isinstance(status, str):
            status = int(status[:3])
        assert response.status_code == status, (status, response.content[:200])
        assert response["Content-Type"] == "application/json", status
        body = response.json()
        assert body["radius_km"] if status == 400 else isinstance(body["detail"], str), status


def test_a_page_too_large_to_read_is_413_with_a_page_not_a_400(visitor, listing, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = visitor.post("/suggest/", {"name": "x" * 5000})
    assert response.status_code == 413
    assert "What you sent was too large" in response.content.decode()


# Reading never depends on writing ------------------------------------------------------------


@pytest.fixture
def writes_refused(db):
    """From here on the database refuses every write, as a full disk, a locked file or a
    read-only replica does: SQLite's query_only mode, or PostgreSQL's read-only mode inside a
    savepoint (rolled back afterwards, which makes the test's transaction writable again)."""
    savepoint = transaction.savepoint()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET LOCAL transaction_read_only = on")
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    transaction.savepoint_rollback(savepoint)


@pytest.fixture
def database_cache(settings, db):
    """The cache `make run` and the container use without CACHE_URL: writes to it are writes
    to the database (rate-limit counters, cached lookups)."""
    settings.CACHES = {
        "default": {"BACKEND": "services.cache.DatabaseCache", "LOCATION": "rd_cache"}
    }
    call_command("createcachetable", verbosity=0)


def test_search_service_page_and_api_read_succeed_when_writes_are_refused(
    listing, database_cache, writes_refused, caplog
):
    browser = Client()
    search = browser.get("/search/?near=Paisley")
    assert search.status_code == 200
    assert "Paisley Peer Support" in search.content.decode()
    assert browser.get(f"/services/{listing.slug}/").status_code == 200
    api = browser.get("/api/v1/services/?near=Paisley")
    assert api.status_code == 200
    assert [item["name"] for item in api.json()["results"]] == ["Paisley Peer Support"]
    assert browser.get(f"/api/v1/services/{listing.pk}/").status_code == 200
    skipped = [r.getMessage() for r in caplog.records if "Skipped" in r.getMessage()]
    assert skipped
    assert all("Paisley" not in message for message in skipped)


WRITES = ("INSERT", "UPDATE", "DELETE", "SELECT ... FOR UPDATE")


def _writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(WRITES[:3]) or "FOR UPDATE" in query["sql"]
    ]


@pytest.mark.parametrize("path", ["/search/?near=Paisley", "/api/v1/services/?near=Paisley"])
def test_once_a_write_is_refused_a_read_tries_no_more_in_that_request(
    listing, database_cache, writes_refused, path
):
    """On SQLite each refused write first waits DB_STATEMENT_TIMEOUT for the lock: a page
    that tried its counter, its cache entries and two rate limits would wait for each."""
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == 200
    assert len(_writes(queries)) == 1, _writes(queries)


def test_searches_are_still_counted_when_writes_are_allowed(client, listing):
    assert client.get("/search/?near=Paisley").status_code == 200
    assert SearchAggregate.objects.get().count == 1


@pytest.fixture
def token_key(listing):
    return _token_for(listing)


def test_a_token_read_succeeds_when_its_last_use_cannot_be_recorded(token_key, writes_refused):
    response = Client().get("/api/v1/locations/", headers={"Authorization": f"Token {token_key}"})
    assert response.status_code == 200
    assert OrganisationToken.objects.get().last_used_at is None
