"""Property-based fuzzing of the whole API with Schemathesis, from our own OpenAPI schema:
no input may cause a server error or a response the schema does not describe.

Slow (a few hundred generated requests): run with `pytest -m slow tests/services/`."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .api_data import bare_service, full_service

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Generating the schema touches no database, so it can be loaded when the module is.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def directory(settings):
    # Throttling would answer 429 long before the fuzzing ends.
    settings.API_ANON_THROTTLE_RATE = "100000/minute"
    cache.clear()
    return full_service(), bare_service()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Requests go through the real WSGI handler, whose request signals close database
    # connections that are inside a transaction: on PostgreSQL that would close the test's
    # own connection. Django's test client disconnects them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_breaks_the_api_or_its_schema(case, directory):
    # Schemathesis's WSGI transport does not decode gzip, which the API now sends to any
    # client that accepts it (tests/services/test_compression.py covers that).
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)
