"""Rate limits hold exactly across worker processes: the app served by gunicorn with 3 workers
(DEBUG off, a temporary SQLite database), hit by many clients at once, once with the database
cache (`make run`'s default) and once with Redis (CACHE_URL).

The Redis variant starts its own `redis-server` on a loopback port when the binary is there,
else uses CACHE_URL when it names a Redis server (as .ci/run's cache step does), else it is
skipped. The app listens on a port of 8100-8149, Redis on one of 8150-8199."""

import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import free_port

pytestmark = [pytest.mark.cache, pytest.mark.slow]

FORM_LIMIT = 5
API_LIMIT = 10
CLIENTS = 24
# New each run: rate-limit keys are keyed hashes, so a reused Redis starts from zero.
SECRET_KEY = secrets.token_urlsafe(50)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as an HTTPError we can read


def _status(opener, request, timeout: float = 20) -> tuple[int, str]:
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post_form(base: str, path: str, data: dict) -> int:
    """One visitor: loads the form (for the CSRF cookie and token), then sends it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirects)
    status, page = _status(opener, base + path)
    assert status == 200, page[-500:]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page[-500:]
    token = found.group(1)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    return _status(opener, urllib.request.Request(base + path, data=body))[0]


def _environment(workdir: Path, cache_url: str, **extra: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "PYTEST", "DJANGO_SETTINGS"))
    }
    return env | {
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "HTTPS": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATA_DIR": str(workdir),
        "CACHE_URL": cache_url,
        "PUBLIC_FORMS_PER_HOUR": str(FORM_LIMIT),
        "API_ANON_THROTTLE_RATE": f"{API_LIMIT}/day",
        "REQUIRE_TWO_FACTOR": "false",
        **extra,
    }


def prepare(workdir: Path) -> Path:
    """A data folder with a migrated SQLite database (and the database cache's table),
    copied for each server; static files collected once."""
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    for command in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput", "--ignore", "src", "--verbosity", "0"],
    ):
        done = subprocess.run(
            [*manage, *command], env=_environment(workdir, ""), capture_output=True, text=True,
            timeout=300, cwd=settings.BASE_DIR,
        )  # fmt: skip
        assert done.returncode == 0, (command, done.stderr[-3000:])
    return workdir


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    return prepare(tmp_path_factory.mktemp("migrated"))


@contextmanager
def served(migrated: Path, workdir: Path, cache_url: str, **extra_env: str):
    port = free_port(8100, 8149)
    base = f"http://127.0.0.1:{port}"
    for database in migrated.glob("*.sqlite3"):
        shutil.copy(database, workdir / database.name)
    env = _environment(workdir, cache_url, **extra_env)
    log = workdir / "server.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "recovery_directory.wsgi", "--config",
         "python:recovery_directory.gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "3"],
        env=env, cwd=settings.BASE_DIR, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base, log
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """gunicorn and its workers (their own process group)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:  # it had already stopped
        process.wait()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def redis_url():
    binary = shutil.which("redis-server")
    if binary:
        port = free_port(8150, 8199)
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 10
            while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.1)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
        return
    configured = os.environ.get("CACHE_URL", "")
    if not configured.startswith("redis://"):
        pytest.skip("no redis-server binary and CACHE_URL names no Redis server")
    yield configured


def _in_parallel(call, count: int) -> list:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: call(), range(count)))


def _limits_hold_exactly(base: str) -> None:
    forms = _in_parallel(
        lambda: post_form(base, "/accounts/password_reset/", {"email": "someone@example.org"}),
        CLIENTS,
    )
    assert sorted(forms) == [302] * FORM_LIMIT + [429] * (CLIENTS - FORM_LIMIT)

    def api_read() -> int:
        opener = urllib.request.build_opener()
        return _status(opener, base + "/api/v1/areas/")[0]

    reads = _in_parallel(api_read, CLIENTS)
    assert sorted(reads) == [200] * API_LIMIT + [429] * (CLIENTS - API_LIMIT)


def _served_by_several_workers(log: Path) -> bool:
    return len(set(re.findall(r"Booting worker with pid: (\d+)", log.read_text()))) == 3


def test_limits_hold_exactly_across_three_workers_with_the_database_cache(migrated, tmp_path):
    with served(migrated, tmp_path, cache_url="") as (base, log):
        _limits_hold_exactly(base)
        assert _served_by_several_workers(log)


def test_limits_hold_exactly_across_three_workers_with_redis(migrated, tmp_path):
    with redis_url() as url, served(migrated, tmp_path, cache_url=url) as (base, log):
        _limits_hold_exactly(base)
        assert _served_by_several_workers(log)
