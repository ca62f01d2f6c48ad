"""Request ids and the JSON request log: path without query string or tokens, never what
people typed."""

import json
import logging
import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from pythonjsonlogger.json import JsonFormatter

from services.logs import RequestIdFilter

REQUEST_LOGGER = "recovery_directory.requests"


@pytest.fixture
def json_logs(settings):
    settings.LOG_FORMAT = "json"


def _request_records(caplog):
    return [record for record in caplog.records if record.name == REQUEST_LOGGER]


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/help-now/")["X-Request-ID"]
    second = client.get("/help-now/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_proxys_request_id_is_kept_when_it_is_a_plain_token(client):
    incoming = "0f8e2a7c9b1d4e6fa3c5b7d9e1f20435"
    assert client.get("/help-now/", headers={"X-Request-ID": incoming})["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming", ["Jane Smith PA1 1AA", "short", "x" * 200, "abc\r\nSet-Cookie: a=b", "g" * 32]
)
def test_a_request_id_that_could_carry_anything_else_is_replaced(client, incoming):
    answered = client.get("/help-now/", headers={"X-Request-ID": incoming})["X-Request-ID"]
    assert answered != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", answered)


@pytest.mark.django_db
def test_the_json_request_log_has_the_path_without_what_was_searched(json_logs, caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    response = Client().get("/search/?near=PA1+1AA&q=my+private+words")
    [record] = _request_records(caplog)
    assert (record.method, record.path, record.status) == ("GET", "/search/", 200)
    assert record.duration_ms >= 0
    assert record.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_tokens_in_addresses_are_not_logged(json_logs, caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    Client().get("/lists/sEcReTtOkEn123/")
    Client().get("/still-correct/abc:def:ghi/")
    assert [record.path for record in _request_records(caplog)] == [
        "/lists/…/",
        "/still-correct/…/",
    ]


def test_requests_are_not_logged_by_the_app_in_text_format(client, caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    client.get("/help-now/")
    assert _request_records(caplog) == []


def test_a_json_line_never_holds_the_request_django_attaches_to_errors():
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    formatter = JsonFormatter(**options)
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/search/",),
        None,
    )  # fmt: skip
    record.request = RequestFactory().get("/search/?near=PA1+1AA")
    record.status_code = 500
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["message"] == "Internal Server Error: /search/"
    assert line["level"] == "ERROR"
    assert "PA1" not in json.dumps(line)
