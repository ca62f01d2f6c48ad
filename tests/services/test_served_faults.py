"""The served app (gunicorn with recovery_directory/gunicorn.py, 3 workers, as `make run` and the
container run it) against a PostgreSQL cluster of its own, which the tests stop, hang
(SIGSTOP) and bring back: pages answer 503 with the crisis numbers within 5 s, /help-now/,
static files and /healthz keep answering, /readyz says 503, and the app recovers by itself.
Also: 20 clients sending their requests a byte at a time do not stop /help-now/ answering,
and LOG_FORMAT=json logs carry no query strings.

Needs root (the cluster runs as the postgres user) and PostgreSQL 15's binaries; CI has both.
Never touches the shared servers: the cluster lives in a temporary folder on a port of
55500-55509, the app on a port of 8200-8299."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CRISIS_NUMBERS = ["tel:999", "tel:111", "tel:116123", "tel:0800838587", "sms:85258"]
ANSWER_WITHIN_SECONDS = 5.0

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        os.geteuid() != 0, reason="needs root to run a PostgreSQL cluster as postgres"
    ),
    pytest.mark.skipif(
        not (PG_BIN / "initdb").exists(), reason=f"PostgreSQL 15 binaries not found in {PG_BIN}"
    ),
]


def as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True,
                   timeout=60)  # fmt: skip


class Cluster:
    """A throwaway PostgreSQL 15 cluster owned by the postgres user."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="rd-faults-pg-"))
        shutil.chown(self.root, "postgres", "postgres")
        self.data = self.root / "data"
        self.port = free_port(55500, 55509)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/directory"
        self.stopped_pids: list[int] = []
        as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                    "postgres", "directory")  # fmt: skip

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                    "-w", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def processes(self) -> list[int]:
        """The postmaster and its children, by process id."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def hang(self) -> None:
        self.stopped_pids = self.processes()
        for pid in self.stopped_pids:
            os.kill(pid, signal.SIGSTOP)

    def resume(self) -> None:
        for pid in self.stopped_pids:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.stopped_pids = []

    def remove(self) -> None:
        self.resume()
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D",
                        str(self.data), "-m", "immediate", "stop"], capture_output=True,
                       timeout=60)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


class ServedApp:
    """gunicorn serving the app as `make run` does, on a port of 8200-8299."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.port = free_port(8200, 8299)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "server.log"
        self.env = {
            **os.environ,
            "DEMO_MODE": "true",
            "HTTPS": "false",
            "DEBUG": "false",
            "DATABASE_URL": database_url,
            "DATA_DIR": str(workdir),
            "CACHE_URL": "",  # the database cache, as `make run` has it
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_FORMAT": "json",
        }
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        setup = (
            ["migrate", "--noinput"],
            ["seed_demo", "--if-empty"],
            ["collectstatic", "--noinput", "--ignore", "src", "--verbosity", "0"],
        )
        for command in setup:
            done = subprocess.run(
                [*manage, *command], env={**self.env, "DB_STATEMENT_TIMEOUT": "0"},
                capture_output=True, text=True, timeout=300, cwd=settings.BASE_DIR,
            )  # fmt: skip
            assert done.returncode == 0, (command, done.stderr[-3000:])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "recovery_directory.wsgi", "--config",
             "python:recovery_directory.gunicorn", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "3"],
            env=self.env, cwd=settings.BASE_DIR, stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.get("/healthz", timeout=2)[0] == 200:
                return
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def get(self, path: str, timeout: float = 10) -> tuple[int, str, float]:
        """(status, body, seconds taken); status 0 when nothing answered."""
        started = time.monotonic()
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        except OSError:
            status, body = 0, ""
        return status, body, time.monotonic() - started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def served(cluster, tmp_path_factory):
    app = ServedApp(cluster.url, tmp_path_factory.mktemp("served"))
    yield app
    app.stop()


@pytest.fixture(scope="module")
def pages(served):
    """Addresses that read the database, found on the running site."""
    status, body, _ = served.get("/search/?near=Paisley&radius_km=50")
    assert status == 200
    service = re.search(r'href="(/services/[a-z0-9-]+/)"', body).group(1)
    return ["/", "/search/?near=Paisley", service, "/areas/"]


def _static_file(served) -> str:
    status, body, _ = served.get("/help-now/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body)
    assert stylesheet, "the page links a stylesheet"
    return stylesheet.group(1)


def _assert_outage_answers(served, pages) -> None:
    for path in pages:
        status, body, seconds = served.get(path)
        assert status == 503, (path, status, body[:300])
        assert seconds < ANSWER_WITHIN_SECONDS, (path, seconds)
        for number in CRISIS_NUMBERS:
            assert f'href="{number}"' in body
    status, body, seconds = served.get("/api/v1/services/?near=Paisley")
    assert (status, seconds < ANSWER_WITHIN_SECONDS) == (503, True)
    assert json.loads(body)["detail"].startswith("The directory is not available")
    for path in ("/help-now/", _static_file(served), "/healthz"):
        status, _, seconds = served.get(path)
        assert (path, status) == (path, 200)
        assert seconds < 2, (path, seconds)
    status, body, seconds = served.get("/readyz")
    assert (status, json.loads(body)["database"]) == (503, "unavailable")
    assert seconds < ANSWER_WITHIN_SECONDS


def _assert_recovers(served, pages) -> None:
    """Back to normal without restarting the app: every page answers 200 again (a worker
    thread still holding a connection from before may give the 503 page once)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(served.get(path)[0] == 200 for path in [*pages, "/readyz"] * 3):
            return
        time.sleep(0.5)
    pytest.fail("the app did not recover after the database came back")


def test_the_served_app_answers_normally(served, pages):
    for path in [*pages, "/readyz", "/healthz"]:
        assert served.get(path)[0] == 200, path


def test_twenty_slow_clients_do_not_stop_help_now_answering(served):
    stop = threading.Event()
    request = b"GET /help-now/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n"

    def dribble() -> None:
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
            for byte in request * 20:
                if stop.is_set():
                    return
                sock.send(bytes([byte]))
                time.sleep(0.2)

    clients = [threading.Thread(target=dribble, daemon=True) for _ in range(20)]
    for client in clients:
        client.start()
    try:
        time.sleep(1.5)  # every slow client is connected and holding a thread
        timings = []
        for _ in range(10):
            status, body, seconds = served.get("/help-now/", timeout=10)
            assert status == 200
            assert 'href="tel:116123"' in body
            timings.append(seconds)
        assert max(timings) < 2, timings
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=5)


def test_pages_answer_503_fast_while_postgresql_is_stopped_and_recover(served, pages, cluster):
    cluster.stop()
    try:
        _assert_outage_answers(served, pages)
    finally:
        cluster.start()
    _assert_recovers(served, pages)


def test_pages_answer_503_fast_while_postgresql_is_hung_and_recover(served, pages, cluster):
    # Warm every worker's connections first, so both a live connection (whose query the
    # watchdog ends) and a new one (connect_timeout) meet the hung server.
    for _ in range(6):
        for path in pages:
            served.get(path)
    cluster.hang()
    try:
        _assert_outage_answers(served, pages)
        _assert_outage_answers(served, pages)
    finally:
        cluster.resume()
    _assert_recovers(served, pages)


def test_json_request_logs_carry_no_query_strings(served):
    served.get("/search/?near=PA1+1AA&q=private+words")
    time.sleep(0.5)
    lines = [line for line in served.log.read_text().splitlines() if line.startswith("{")]
    requests = [json.loads(line) for line in lines if '"message": "request"' in line]
    assert requests
    assert {"request_id", "method", "path", "status", "duration_ms"} <= set(requests[-1])
    assert any(entry["path"] == "/search/" for entry in requests)
    log = served.log.read_text()
    assert "PA1" not in log
    assert "private" not in log
    assert "?" not in "".join(entry["path"] for entry in requests)
