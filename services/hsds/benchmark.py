"""Measure `import_hsds`: services a second, queries per service, and how slow searches get
while it runs (`manage.py bench_import`; the README's Import section gives the figures).

A feed of any size is made from an HSDS export by copying it under new ids (`write_copies`),
so the same demo data can stand for a council's or a national feed. Searches run in a child
process, one after another, from before the import starts until it ends: through the test
client (its own database connection and search index) for a path, or over HTTP for a full
URL of a running server."""

import json
import multiprocessing
import re
import statistics
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

from django.db import connection, connections

from .importer import ImportReport, import_records
from .reader import read_services

T = TypeVar("T")
UUID_TEXT = re.compile(r'"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')


def write_copies(services: list[dict], copies: int, out: IO[str]) -> int:
    """Write `copies` copies of `services` as one JSON list, each copy under new ids (derived
    from the old id and the copy's number, so the feed is the same every time) and with its
    names numbered; taxonomy terms keep their ids. Returns the number of services written."""
    terms = _term_ids(services)
    text = json.dumps(services)
    out.write("[")
    written = 0
    for number in range(copies):

        def new_id(match: re.Match, number: int = number) -> str:
            value = match.group(1)
            return (
                match.group(0)
                if value in terms
                else f'"{uuid.uuid5(uuid.UUID(value), str(number))}"'
            )

        for service in json.loads(UUID_TEXT.sub(new_id, text)):
            _number(service, number)
            out.write(("," if written else "") + json.dumps(service))
            written += 1
    out.write("]")
    return written


def _term_ids(services: list[dict]) -> set[str]:
    found: set[str] = set()
    attributes = [a for s in services for a in s.get("attributes") or []]
    for service in services:
        for link in service.get("service_at_locations") or []:
            attributes += (link.get("location") or {}).get("attributes") or []
    for attribute in attributes:
        term = attribute.get("taxonomy_term") or {}
        found.update(str(v) for v in (attribute.get("taxonomy_term_id"), term.get("id"),
                                      term.get("taxonomy_id")) if v)  # fmt: skip
    return found


def _number(service: dict, number: int) -> None:
    service["name"] = f"{service['name']} {number + 1}"
    service["attributes"] = [
        a for a in service.get("attributes") or []
        if (a.get("taxonomy_term") or {}).get("code") != "web-address-name"
    ]  # fmt: skip
    organisation = service.get("organization")
    if isinstance(organisation, dict):
        organisation["name"] = f"{organisation.get('name')} {number + 1}"
        organisation.pop("uri", None)


@dataclass
class ImportTiming:
    report: ImportReport
    seconds: float
    cpu_seconds: float
    queries: int

    @property
    def services(self) -> int:
        return self.report.created + self.report.updated + self.report.unchanged

    @property
    def per_second(self) -> float:
        return self.services / self.seconds if self.seconds else 0.0


def timed_import(path: Path, **options) -> ImportTiming:
    """Import the HSDS file at `path`, counting queries and time."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count), path.open("rb") as stream:
        started, cpu = time.perf_counter(), time.process_time()
        report = import_records(read_services(stream), **options)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return ImportTiming(report, seconds, cpu, queries)


@dataclass
class SearchTimes:
    seconds: list[float] = field(default_factory=list)
    # When each search started, in seconds after the first, to see what the slow ones met.
    started: list[float] = field(default_factory=list)
    failures: int = 0

    def slowest(self, count: int = 5) -> str:
        ranked = sorted(zip(self.seconds, self.started, strict=True), reverse=True)[:count]
        return ", ".join(f"{s * 1000:.0f} ms at {at:.1f} s" for s, at in ranked)

    def summary(self) -> str:
        if not self.seconds:
            return "no searches ran"
        ordered = sorted(self.seconds)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return (
            f"{len(ordered)} searches: p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, slowest {ordered[-1] * 1000:.0f} ms, "
            f"{sum(s > 1 for s in ordered)} over 1 s, {self.failures} not 200"
        )


def while_searching(url: str, work: Callable[[], T]) -> tuple[T, SearchTimes]:
    """Run `work()` while a child process searches `url` again and again; returns what
    `work` returned and the searches' times (the first, which builds the child's search
    index, is left out)."""
    context = multiprocessing.get_context("fork")
    ready, stop = context.Event(), context.Event()
    results = context.Queue()
    connections.close_all()
    child = context.Process(target=_search, args=(url, ready, stop, results), daemon=True)
    child.start()
    try:
        if not ready.wait(timeout=300):
            raise RuntimeError("The search process did not start within 300 s.")
        outcome = work()
    finally:
        stop.set()
    times = results.get(timeout=60)
    child.join(timeout=10)
    return outcome, times


def _search(url: str, ready, stop, results) -> None:
    get = _served if url.startswith(("http://", "https://")) else _test_client()
    times = SearchTimes()
    get(url)
    ready.set()
    first = time.perf_counter()
    while not stop.is_set():
        started = time.perf_counter()
        status = get(url)
        times.seconds.append(time.perf_counter() - started)
        times.started.append(started - first)
        times.failures += status != 200
    results.put(times)


def _test_client() -> Callable[[str], int]:
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host in
    client = Client()
    return lambda url: client.get(url).status_code


def _served(url: str) -> int:
    """A page of a running server (`make run`, gunicorn), with the issue's 10 s timeout."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except OSError as error:  # HTTPError (with its code), refused, timed out
        return getattr(error, "code", 0)
