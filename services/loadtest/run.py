"""Run `make loadtest`: serve the app with gunicorn as `make run` does, on a free loopback port,
send locust's load at it for a bounded time, print the figures per kind of request, and always
stop the server.

Runs, each LOADTEST_USERS users: the baseline (only the home page), varied searches only
(against the baseline's req/s), then the mix without and with a writer (the same number of
users shared between the home page, searches, service pages and the API list, plus one writer
changing a service a second). Every figure of one table comes from the same run.
"""

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from services.loadtest import plan

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
READERS = ["HomePage", "Search", "ServicePage", "ApiServices"]
# The load comes from one address: the API's per-address limits would refuse most of it.
UNTHROTTLED = {
    "API_ANON_THROTTLE_RATE": "1000000/minute",
    "API_TOKEN_THROTTLE_RATE": "1000000/minute",
}


@dataclass(frozen=True)
class Figures:
    name: str
    requests: int
    failures: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


@dataclass(frozen=True)
class Memory:
    """A process's memory in MB: resident (pages shared with other processes counted whole),
    proportional (each shared page divided among the processes mapping it: the workers'
    sum is what they cost together) and unique (its own pages: what stopping it frees).
    Without smaps_rollup (kernels before 4.14) only the resident size is known."""

    rss: float
    pss: float | None = None
    unique: float | None = None

    def __str__(self) -> str:
        if self.pss is None or self.unique is None:
            return f"RSS {self.rss:.0f} MB"
        return f"RSS {self.rss:.0f}, PSS {self.pss:.0f}, unique {self.unique:.0f} MB"


def _kilobytes(text: str) -> dict[str, int]:
    """`Name:   123 kB` lines (/proc/PID/status, smaps_rollup) as name -> kB."""
    fields = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB" and parts[0].isdigit():
            fields[name] = int(parts[0])
    return fields


def process_memory(pid: int, proc: Path = Path("/proc")) -> Memory:
    try:
        rollup = _kilobytes((proc / str(pid) / "smaps_rollup").read_text())
        unique = rollup["Private_Clean"] + rollup["Private_Dirty"]
        return Memory(rollup["Rss"] / 1024, rollup["Pss"] / 1024, unique / 1024)
    except (OSError, KeyError):
        status = _kilobytes((proc / str(pid) / "status").read_text())
        return Memory(status.get("VmRSS", 0) / 1024)


def workers_memory(pid: int, proc: Path = Path("/proc")) -> str:
    """One line per worker of the gunicorn master `pid`."""
    try:
        children = (proc / str(pid) / "task" / str(pid) / "children").read_text().split()
        figures = [process_memory(int(child), proc) for child in children]
    except OSError:
        return "Workers' memory: not readable here (Linux /proc only)."
    lines = [f"  worker {n}: {memory}" for n, memory in enumerate(figures, 1)]
    return "\n".join(["Workers' memory after the runs (smaps_rollup):", *lines])


class Server:
    """gunicorn with the project's own configuration, on 127.0.0.1 only."""

    def __init__(self, port: int, workers: int, log: Path, env: dict | None = None) -> None:
        self.base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            **(env or {}),
            **UNTHROTTLED,
            "DEMO_MODE": "true",
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
        }
        # The web's own statement limit, as `make run` has it (loading the bench data has none).
        env.pop("DB_STATEMENT_TIMEOUT", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "recovery_directory.wsgi", "--config",
             "python:recovery_directory.gunicorn", "--bind", f"127.0.0.1:{port}"],
            env=env, cwd=settings.BASE_DIR, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.log = log

    def wait_until_up(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if answers(self.base + "/healthz"):
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()[-3000:]}")
        # Alive is not enough: pending migrations or a cache that does not answer would turn
        # the whole run into failures.
        if not answers(self.base + "/readyz"):
            raise RuntimeError(f"The app is not ready ({self.base}/readyz): migrate first?")

    def memory(self) -> str:
        """Each worker's memory now (the search index's snapshot files are mapped by all of
        them, so its pages count in every RSS but only once in the PSS sum), from /proc."""
        return workers_memory(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_locust(
    base: str, plan_path: Path, classes: list[str], users: int, seconds: int, prefix: Path
) -> list[Figures]:
    """Run locust headless against `base` and return its figures per request name."""
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base,
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
        "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        *classes,
    ]  # fmt: skip
    env = {**os.environ, "LOADTEST_PLAN": str(plan_path)}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 120,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust wrote no figures:\n{done.stderr[-3000:]}")
    return read_stats(stats)


def failures(prefix: Path) -> list[str]:
    """Why requests failed, one line per kind and reason, most frequent first."""
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open() as f:
        rows = sorted(csv.DictReader(f), key=lambda row: -int(row["Occurrences"]))
    return [f"{row['Occurrences']:>7} x {row['Name']}: {row['Error'][:200]}" for row in rows]


def read_stats(path: Path) -> list[Figures]:
    with path.open() as f:
        return [
            Figures(
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                per_second=float(row["Requests/s"]),
                p50_ms=float(row["50%"]),
                p95_ms=float(row["95%"]),
                p99_ms=float(row["99%"]),
            )
            for row in csv.DictReader(f)
            if row["Name"] != "Aggregated"
        ]


def report(title: str, figures: list[Figures], baseline: float | None) -> str:
    """The table: per kind, req/s, percentiles, failures, and req/s against the home page's
    in the same run (and against the home-only baseline when there is one)."""
    home = next((f.per_second for f in figures if f.name == "home"), 0.0)
    lines = [
        title,
        f"{'kind':<14} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'failures':>9} {'x home':>7}" + (f" {'x base':>7}" if baseline else ""),
    ]
    for f in figures:
        ratio = f"{f.per_second / home:>7.2f}" if home else f"{'-':>7}"
        line = (
            f"{f.name:<14} {f.requests:>9} {f.per_second:>8.1f} {f.p50_ms:>8.0f} {f.p95_ms:>8.0f}"
            f" {f.p99_ms:>8.0f} {f.failures:>9} {ratio}"
        )
        if baseline:
            line += f" {f.per_second / baseline:>7.2f}"
        lines.append(line)
    return "\n".join(lines)


def edits_effect(quiet: list[Figures], edited: list[Figures]) -> str:
    """Searches with one edit a second against the same searches without edits."""
    before = next((f for f in quiet if f.name == "search"), None)
    after = next((f for f in edited if f.name == "search"), None)
    if not before or not after or not before.per_second or not before.p99_ms:
        return "Edits: no search figures to compare."
    return (
        f"Edits: searches with one edit a second ran at {after.per_second / before.per_second:.2f}"
        f" x the req/s without edits; p99 {after.p99_ms:.0f} ms against {before.p99_ms:.0f} ms"
        f" ({after.p99_ms / before.p99_ms:.2f} x)."
    )


def phase(
    server: Server, plan_path: Path, title: str, classes: list[str], users: int, seconds: int,
    prefix: Path, baseline: float | None, out: Callable[[str], None],
) -> list[Figures]:  # fmt: skip
    """One locust run, reported with its failures."""
    figures = run_locust(server.base, plan_path, classes, users, seconds, prefix)
    out(report(f"{title}, {users} users, {seconds} s", figures, baseline))
    for line in failures(prefix):
        out(line)
    out("")
    return figures


def run(
    *,
    seconds: int,
    users: int,
    workers: int = 3,
    port: int | None = None,
    baseline: bool = True,
    out: Callable[[str], None] = print,
) -> dict[str, list[Figures]]:
    """Serve, load, report, stop. Returns the figures of each run ("baseline", "searches",
    "quiet", "mix")."""
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    server = None
    try:
        plan_path = workdir / "plan.json"
        plan.build(plan_path)
        server = Server(port or free_port(), workers, workdir / "server.log")
        server.wait_until_up()
        runs: dict[str, list[Figures]] = {}
        home = None
        if baseline:
            runs["baseline"] = phase(
                server, plan_path, "Baseline: home page only", ["HomePage"], users, seconds,
                workdir / "baseline", None, out,
            )  # fmt: skip
            home = next((f.per_second for f in runs["baseline"] if f.name == "home"), None)
            # The measure: varied searches alone against the home page alone.
            runs["searches"] = phase(
                server, plan_path, "Varied searches only", ["Search"], users, seconds,
                workdir / "searches", home, out,
            )  # fmt: skip
        runs["quiet"] = phase(
            server, plan_path, "Mix without edits", list(READERS), users, seconds,
            workdir / "quiet", home, out,
        )  # fmt: skip
        runs["mix"] = phase(
            server, plan_path, "Mix (one user is the writer)", [*READERS, "Writer"], users,
            seconds, workdir / "mix", home, out,
        )  # fmt: skip
        out(edits_effect(runs["quiet"], runs["mix"]))
        out(server.memory())
        return runs
    finally:
        if server is not None:
            server.stop()
        plan.revoke_tokens()
        shutil.rmtree(workdir, ignore_errors=True)
