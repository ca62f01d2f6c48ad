"""Measures what a sign-in attack costs everyone else: /areas/ response times while 8 clients
send wrong passwords to /admin/login/ as fast as they can, with sign-in protection switched
off (every attempt hashes a password, as before django-axes) and on (the defaults).

Not a test (timings depend on the machine); figures go in the README ("Sign-in protection").
Run with: DJANGO_SETTINGS_MODULE=recovery_directory.settings SECRET_KEY=x \\
    .venv/bin/python -m tests.engagement.sign_in_load [seconds]
The app is served by gunicorn (3 workers) on a port of 8100-8149, with a temporary SQLite
database and the database cache, as `make run` serves it."""

import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import django

django.setup()

from tests.engagement.test_limits_across_workers import (  # noqa: E402
    NoRedirects,
    _status,
    prepare,
    served,
)

ATTACKERS = 8
NO_PROTECTION = {"SIGN_IN_LOCKOUT_FAILURES": "1000000", "SIGN_IN_ATTEMPTS_PER_HOUR": "1000000"}


def attack(base: str, stop: threading.Event, statuses: Counter, number: int) -> None:
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirects)
    page = _status(opener, base + "/admin/login/")[1]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "the sign-in page has a CSRF token"
    token = found.group(1)
    body = urllib.parse.urlencode(
        {"username": f"admin{number % 2}", "password": "guess", "csrfmiddlewaretoken": token}
    ).encode()
    while not stop.is_set():
        statuses[_status(opener, urllib.request.Request(base + "/admin/login/", body))[0]] += 1


def areas_times(base: str, seconds: float) -> list[float]:
    opener = urllib.request.build_opener()
    times, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        assert _status(opener, base + "/areas/", timeout=60)[0] == 200
        times.append((time.monotonic() - started) * 1000)
        time.sleep(0.1)
    return times


def measure(migrated: Path, label: str, seconds: float, **env: str) -> None:
    with (
        tempfile.TemporaryDirectory() as workdir,
        served(migrated, Path(workdir), "", **env) as (
            base,
            _,
        ),
    ):
        quiet = areas_times(base, 5)
        stop, statuses = threading.Event(), Counter[int]()
        attackers = [
            threading.Thread(target=attack, args=(base, stop, statuses, n)) for n in range(8)
        ]
        for thread in attackers:
            thread.start()
        busy = areas_times(base, seconds)
        stop.set()
        for thread in attackers:
            thread.join(timeout=60)
    print(
        f"{label}: /areas/ quiet median {statistics.median(quiet):.0f} ms; under attack median "
        f"{statistics.median(busy):.0f} ms, p95 {statistics.quantiles(busy, n=20)[18]:.0f} ms, "
        f"max {max(busy):.0f} ms ({len(busy)} requests); sign-in answers {dict(statuses)}"
    )


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as folder:
        migrated = prepare(Path(folder))
        measure(migrated, "protection off", seconds, **NO_PROTECTION)
        measure(migrated, "protection on ", seconds)
