"""The database cache (services.cache.DatabaseCache, `make run`'s shared cache) counts
correctly: incr keeps the key's expiry (Django's own incr reset it to the default timeout, so
an hourly limit forgot its count after five quiet minutes) and counts only existing keys."""

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from services.clients import hit

pytestmark = [pytest.mark.django_db, pytest.mark.cache]


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "services.cache.DatabaseCache", "LOCATION": "rd_cache_test"}
    }
    call_command("createcachetable", verbosity=0)
    cache = caches["default"]
    cache.clear()
    return cache


def test_incr_keeps_the_expiry_and_add_refuses_an_existing_key(database_cache):
    assert database_cache.add("counter", 1, timeout=3600)
    assert not database_cache.add("counter", 1, timeout=3600)
    assert database_cache.incr("counter") == 2
    assert database_cache.incr("counter", 3) == 5
    assert database_cache.decr("counter") == 4

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=30)):
        assert database_cache.get("counter") == 4
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert database_cache.get("counter") is None


def test_incr_of_a_missing_key_is_an_error_not_a_new_count(database_cache):
    with pytest.raises(ValueError, match="not found"):
        database_cache.incr("nothing-here")


def test_hit_counts_within_a_window_and_starts_again_after_it(database_cache):
    assert [hit("visitor", 60) for _ in range(3)] == [1, 2, 3]
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert hit("visitor", 60) == 1
