"""Property-based fuzzing of the whole API with Schemathesis, from our own OpenAPI schema:
no input may cause a server error or a response the schema does not describe.

Slow (a few hundred generated requests): run with `pytest -m slow tests/services/`."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
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


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_breaks_the_api_or_its_schema(case, directory):
    case.call_and_validate(checks=CHECKS)
