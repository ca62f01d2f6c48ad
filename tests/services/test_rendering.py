"""The busiest pages free what they showed as soon as they are rendered (services/views/
rendering.py), rather than leaving it in reference cycles for the cycle collector, which
the server runs between responses and whose cost grows with what it finds."""

import gc
import importlib
import weakref
from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware

from tests.factories import ServiceFactory

# The module (services.views re-exports its view function under the same name).
search_view = importlib.import_module("services.views.search")

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_results_page_frees_the_services_it_showed_once_rendered(rf, no_cycle_collector):
    ServiceFactory.create_batch(3)
    shown: list[weakref.ref] = []
    real_cards = search_view.cards

    def cards(services, *args, **kwargs):
        made = real_cards(services, *args, **kwargs)
        shown.extend(weakref.ref(card.service) for card in made)
        return made

    request = rf.get("/search/", {"sort": "name"})
    SessionMiddleware(lambda request: None).process_request(request)
    with mock.patch.object(search_view, "cards", cards):
        response = search_view.search(request)

    assert response.status_code == 200
    assert len(shown) == 3
    assert b"Test Service" in response.content
    assert [ref() for ref in shown] == [None, None, None]
