"""Rate limits count each hit in one statement (services.clients.hit): an upsert on the
database cache's own counter table, or one MULTI/EXEC round trip on Redis. The window keeps
its meaning (1, 2, 3, … then 1 again once it has ended), no count is lost when processes hit
the same key at once, a throttled API read spends one query on its limit, and counters of
ended windows do not pile up.

The cross-process tests start plain Python processes (no server, no port); the Redis tests
use CACHE_URL when it names a Redis server (as .ci/run's cache step does), else start their
own `redis-server` on a loopback port of 8700-8749, else are skipped."""

import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services import cache as shared_cache
from services.clients import hit
from services.models import RateCounter
from tests.helpers import free_port

pytestmark = pytest.mark.cache

PROCESSES = 4
HITS_EACH = 25


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "services.cache.DatabaseCache", "LOCATION": "rd_cache"}
    }
    call_command("createcachetable", verbosity=0)  # Django's own table, for get() and set()
    return caches["default"]


@pytest.fixture
def never_prune(monkeypatch):
    monkeypatch.setattr(shared_cache, "PRUNE_CHANCE", 0.0)


# The window ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_window_counts_one_two_three_and_starts_again_at_one_once_it_has_ended(
    database_cache, never_prune
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert [hit("visitor", 60) for _ in range(3)] == [1, 2, 3]
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        assert hit("visitor", 60) == 4  # still the first window: it did not move on
    with time_machine.travel(start + datetime.timedelta(seconds=60), tick=False):
        assert [hit("visitor", 60) for _ in range(2)] == [1, 2]
    with time_machine.travel(start + datetime.timedelta(seconds=119), tick=False):
        assert hit("visitor", 60) == 3
    with time_machine.travel(start + datetime.timedelta(seconds=121), tick=False):
        assert hit("visitor", 60) == 1
    assert hit("someone-else", 60) == 1


@pytest.mark.django_db
def test_the_counter_lives_in_its_own_table_with_the_end_of_its_window(database_cache, never_prune):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        hit("visitor", 3600)
        hit("visitor", 3600)
    counter = RateCounter.objects.get()
    assert counter.hits == 2
    assert abs(counter.expires - (start + datetime.timedelta(hours=1))) < datetime.timedelta(
        seconds=1
    )
    assert database_cache.get("visitor") is None  # nothing in Django's cache table


@pytest.mark.django_db
def test_the_counter_table_never_holds_the_address_in_a_throttle_key(
    database_cache, never_prune, settings
):
    settings.API_ANON_THROTTLE_RATE = "100/minute"
    assert Client(REMOTE_ADDR="198.51.100.23").get("/api/v1/areas/").status_code == 200
    (key,) = RateCounter.objects.values_list("key", flat=True)
    assert "198.51.100.23" not in key
    assert len(key) == 64  # HMAC-SHA256 in hexadecimal
    keyed = database_cache.counter_key("visitor")  # keyed: not guessable without the secret
    settings.SECRET_KEY = "another-secret-key-for-this-one-test"
    assert database_cache.counter_key("visitor") != keyed


# One statement ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_one_hit_is_one_statement_without_a_transaction_around_it(database_cache, never_prune):
    for expected in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            assert hit("visitor", 60) == expected
        assert len(queries) == 1, [query["sql"] for query in queries]
        assert "ON CONFLICT" in queries[0]["sql"]


def _counter_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if RateCounter._meta.db_table in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_a_throttled_api_read_spends_one_query_on_its_rate_limit(
    database_cache, never_prune, settings
):
    settings.API_ANON_THROTTLE_RATE = "100/minute"
    visitor = Client()
    assert visitor.get("/api/v1/areas/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert visitor.get("/api/v1/areas/").status_code == 200
    sql = [query["sql"] for query in queries]
    assert len(_counter_queries(queries)) == 1, sql
    # Before: 19 queries (a row-locked add then incr in Django's cache table, each with its
    # BEGIN, SELECT … FOR UPDATE, SELECT COUNT(*) culling, savepoints and COMMIT).
    assert not [s for s in sql if "rd_cache" in s or "FOR UPDATE" in s or "COUNT(*)" in s]
    assert not [s for s in sql if s.upper().startswith(("BEGIN", "SAVEPOINT", "COMMIT"))]

    settings.API_ANON_THROTTLE_RATE = None  # the same read without a rate limit
    with CaptureQueriesContext(connection) as unthrottled:
        assert visitor.get("/api/v1/areas/").status_code == 200
    assert len(queries) - len(unthrottled) == 1


@pytest.mark.django_db(transaction=True)
def test_the_limit_still_answers_429_once_the_count_is_over_it(database_cache, settings):
    settings.API_ANON_THROTTLE_RATE = "2/day"
    visitor = Client()
    assert [visitor.get("/api/v1/areas/").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_clearing_the_cache_clears_the_rate_limits_too(database_cache, never_prune):
    assert [hit("visitor", 3600) for _ in range(2)] == [1, 2]
    database_cache.clear()
    assert hit("visitor", 3600) == 1


# Ended windows are deleted ---------------------------------------------------------------


@pytest.mark.django_db
def test_pruning_deletes_ended_windows_a_batch_at_a_time_and_keeps_current_ones(
    database_cache, never_prune, monkeypatch
):
    monkeypatch.setattr(shared_cache, "PRUNE_BATCH", 3)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            hit(f"gone-{n}", 60)
        hit("current", 3600)
    later = start + datetime.timedelta(minutes=2)
    assert database_cache.prune_counters(later) == 3
    assert database_cache.prune_counters(later) == 2
    assert database_cache.prune_counters(later) == 0
    current = database_cache.counter_key("current")
    assert list(RateCounter.objects.values_list("key", "hits")) == [(current, 1)]


@pytest.mark.django_db
def test_a_hit_that_starts_a_new_window_now_and_then_deletes_ended_ones(
    database_cache, monkeypatch
):
    monkeypatch.setattr(shared_cache, "PRUNE_CHANCE", 0.0)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(3):
            hit(f"gone-{n}", 60)
    monkeypatch.setattr(shared_cache, "PRUNE_CHANCE", 1.0)
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        assert hit("new-visitor", 60) == 1
        assert list(RateCounter.objects.values_list("key", flat=True)) == [
            database_cache.counter_key("new-visitor")
        ]
        RateCounter.objects.create(
            key="ended", hits=1, expires=timezone.now() - datetime.timedelta(seconds=1)
        )
        assert hit("new-visitor", 60) == 2  # not a new window: nothing is deleted
        assert RateCounter.objects.filter(key="ended").exists()


# Across processes ------------------------------------------------------------------------

WORKER = """
import json, os, sys, time
import django
django.setup()
from services.clients import hit
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.005)
print(json.dumps([hit("everyone", 3600) for _ in range(int(sys.argv[2]))]))
"""


def _hit_from_processes(env: dict, workdir: Path) -> list[int]:
    """PROCESSES processes hit one key HITS_EACH times each, all starting at once."""
    go = workdir / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(go), str(HITS_EACH)],
            env=env,
            cwd=django_settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(PROCESSES)
    ]
    time.sleep(3)  # Django set up in every process
    go.touch()
    counts = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-3000:]
        counts.extend(json.loads(out))
    return counts


def _worker_env(**database: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "PYTEST", "DJANGO_SETTINGS", "CACHE_URL"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "recovery_directory.settings",
        "SECRET_KEY": "x" * 50,
        "DEBUG": "false",
        "CACHE_URL": "",  # the database cache
        **database,
    }


@pytest.mark.slow
def test_processes_hitting_one_key_at_once_lose_no_count_on_an_sqlite_file(tmp_path):
    env = _worker_env(DATA_DIR=str(tmp_path))
    create = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from services.models import RateCounter\n"
        "with connection.schema_editor() as editor: editor.create_model(RateCounter)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", create], env=env, cwd=django_settings.BASE_DIR,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(_hit_from_processes(env, tmp_path)) == list(range(1, PROCESSES * HITS_EACH + 1))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_processes_hitting_one_key_at_once_lose_no_count_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite (CI runs it again on PostgreSQL)")
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgresql://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    counts = _hit_from_processes(_worker_env(DATABASE_URL=url), tmp_path)
    assert sorted(counts) == list(range(1, PROCESSES * HITS_EACH + 1))


# Redis -----------------------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings, tmp_path):
    url = os.environ.get("CACHE_URL", "")
    process = None
    if not url.startswith("redis://"):
        binary = shutil.which("redis-server")
        if not binary:
            pytest.skip("CACHE_URL names no Redis server and there is no redis-server binary")
        port = free_port(8700, 8749)
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if time.monotonic() > deadline:
                process.terminate()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
        url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"rate-test-{uuid.uuid4().hex}",  # nothing shared with other runs
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    yield caches["default"]
    if process:
        process.terminate()
        process.wait(timeout=10)


def test_on_redis_a_window_counts_up_expires_and_starts_again_at_one(redis_cache):
    assert [hit("visitor", 1) for _ in range(3)] == [1, 2, 3]
    client = redis_cache._cache.get_client(write=True)
    full_key = redis_cache.make_and_validate_key("visitor")
    assert 0 < client.pttl(full_key) <= 1000  # the first hit started the window's expiry
    assert redis_cache.get("visitor") == 3  # a plain integer the cache reads back
    time.sleep(1.2)
    assert [hit("visitor", 1) for _ in range(2)] == [1, 2]


def test_on_redis_a_hit_is_one_round_trip(redis_cache, monkeypatch):
    import redis.client

    executed = []
    real_execute = redis.client.Pipeline.execute

    def counting_execute(pipeline, *args, **kwargs):
        executed.append([command[0][0] for command in pipeline.command_stack])
        return real_execute(pipeline, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("a command outside the pipeline")

    monkeypatch.setattr(redis.client.Pipeline, "execute", counting_execute)
    monkeypatch.setattr(redis.client.Redis, "execute_command", refuse)
    assert hit("visitor", 60) == 1
    assert executed == [["SET", "INCRBY"]]


def test_on_redis_threads_hitting_one_key_at_once_lose_no_count(redis_cache):
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: hit("everyone", 60), range(200)))
    assert sorted(counts) == list(range(1, 201))
