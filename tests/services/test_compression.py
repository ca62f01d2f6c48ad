"""Pages are sent gzip-compressed when they hold no secret (services/compression.py)."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from engagement import shortlists
from services.compression import CompressionMiddleware, never_compressed
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def is_compressed(response) -> bool:
    return response.get("Content-Encoding") == "gzip"


@pytest.mark.parametrize(
    "address", ["/", "/search/?near=Paisley", "/help-now/", "/api/v1/services/"]
)
def test_public_pages_are_compressed_for_browsers_that_accept_gzip(client, address):
    ServiceFactory.create_batch(3)

    response = client.get(address, **GZIP)

    assert response.status_code == 200
    assert is_compressed(response)
    assert "Accept-Encoding" in response["Vary"]
    plain = client.get(address)
    assert not is_compressed(plain)
    assert gzip.decompress(response.content).startswith(plain.content[:15])


def test_a_compressed_page_reads_the_same_once_unpacked(client):
    ServiceFactory(name="Walking group")

    compressed = client.get("/search/", **GZIP)

    html = gzip.decompress(compressed.content).decode()
    assert ">Walking group</a>" in html
    assert len(compressed.content) < len(html.encode()) / 2


@pytest.mark.parametrize(
    "address",
    [
        "/accounts/login/",
        "/accounts/password_reset/",
        "/admin/login/",
        "/my-list/",
        "/still-correct/not-a-real-token/",
        "/alerts/unsubscribe/not-a-real-token/",
    ],
)
def test_pages_that_may_hold_a_secret_are_never_compressed(client, address):
    response = client.get(address, **GZIP)

    assert len(response.content) >= 1024
    assert not is_compressed(response)


def test_a_shared_list_page_is_never_compressed(client):
    shared = shortlists.share([str(ServiceFactory(name="Walking group").pk)])

    response = client.get(reverse("engagement:shared_list", args=[shared.token]), **GZIP)

    assert response.status_code == 200
    assert shared.token in response.content.decode()
    assert not is_compressed(response)


def test_small_responses_are_sent_as_they_are():
    middleware = CompressionMiddleware(lambda request: HttpResponse("x" * 1000))

    response = middleware(RequestFactory().get("/", **GZIP))

    assert not is_compressed(response)
    assert response.content == b"x" * 1000


def test_a_view_marked_never_compressed_is_sent_uncompressed():
    view = never_compressed(lambda request: HttpResponse("secret " * 500))
    middleware = CompressionMiddleware(view)

    response = middleware(RequestFactory().get("/", **GZIP))

    assert not is_compressed(response)
    public = CompressionMiddleware(lambda request: HttpResponse("public " * 500))
    assert is_compressed(public(RequestFactory().get("/", **GZIP)))
