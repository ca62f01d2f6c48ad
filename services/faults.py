"""What the site does when the database or the shared cache fails: answer fast and kindly.

- A connection attempt gives up after `DB_CONNECT_TIMEOUT` and PostgreSQL ends a statement
  after `DB_STATEMENT_TIMEOUT` (settings). A server whose processes are stopped answers
  nothing at all, not even "statement timeout", so during a web request a watchdog thread
  (`QueryDeadlines`, installed by `DatabaseDeadlineMiddleware`) shuts the socket of a query
  still waiting after that time; psycopg then raises an OperationalError like any lost
  connection, and Django drops the connection at the end of the request.
- Within one request, once the database has failed to answer, it is not asked again: a
  second attempt would add its own wait (a page, the cache and the rate limits may all use
  the database). The PostgreSQL backend (services/database/) refuses new connections at once
  for the rest of that request.
- Writes a read makes in passing (search counters, cache entries, rate-limit counts) are
  best-effort: when the database refuses one (disk full, locked, read-only), the read goes on,
  and the rest of the request skips such writes instead of waiting for each.
- Every exception that escapes a view or a middleware reaches the 500 handler
  (services/views/pages.py), which asks `is_unavailable` and answers with
  `unavailable_response`: a 503 page carrying the crisis numbers (templates/503.html, which
  needs no database, no session and no URL lookup), or JSON under /api/.
"""

import contextlib
import contextvars
import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# A live server ends a statement at DB_STATEMENT_TIMEOUT and says so at once; the watchdog acts
# only on a server that says nothing, this much later.
WATCHDOG_MARGIN_SECONDS = 0.25
UNAVAILABLE_DETAIL = (
    "The directory is not available at the moment. Please try again in a few minutes."
)


def _cache_connection_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is installed with the app
        return ()
    return (RedisConnectionError, RedisTimeoutError)


UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    *_cache_connection_errors(),
)


# None outside web requests (commands keep trying), else whether the database failed yet.
_failed_in_this_request: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "database_failed", default=None
)


def database_failed() -> bool:
    """Whether the database already failed to answer during the current request."""
    return _failed_in_this_request.get() is True


def mark_database_failed() -> None:
    if _failed_in_this_request.get() is not None:
        _failed_in_this_request.set(True)


# Likewise for writes made in passing by a read (counters, cache entries): once the database
# has refused one, the rest of the request skips them instead of waiting for each (SQLite
# waits DB_STATEMENT_TIMEOUT for a lock every time).
_writes_refused_in_this_request: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "writes_refused", default=None
)


def writes_refused() -> bool:
    return _writes_refused_in_this_request.get() is True


def mark_writes_refused() -> None:
    if _writes_refused_in_this_request.get() is not None:
        _writes_refused_in_this_request.set(True)


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether an error means the database or the shared cache cannot be reached (or ended a
    statement that took too long), rather than a fault in our code."""
    return isinstance(exc, UNAVAILABLE_ERRORS)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        response: HttpResponse = JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def savepoint_in_transaction(using: str | None = None) -> contextlib.AbstractContextManager:
    """Around a write that may be refused: inside a transaction a savepoint, so a refused
    write spoils only itself; outside one nothing (one statement commits itself, without
    BEGIN and COMMIT round trips)."""
    from django.db import transaction

    alias = using or DEFAULT_DB_ALIAS
    if connections[alias].in_atomic_block:
        return transaction.atomic(using=alias)
    return contextlib.nullcontext()


def best_effort(what: str, write: Callable[[], object]) -> None:
    """Run a write that a read must not depend on (a counter, a "last used" time). If the
    database refuses it (disk full, locked, read-only), log that it was skipped and go on.
    Inside a transaction a savepoint keeps a failed write from spoiling it; outside one the
    write runs as it is (one statement commits itself: no BEGIN and COMMIT round trips)."""
    if writes_refused():
        logger.warning("Skipped %s: the database refused a write earlier in this request.", what)
        return
    try:
        with savepoint_in_transaction():
            write()
    except DatabaseError as exc:
        mark_writes_refused()
        # The error's class only: its message may quote the values being written.
        logger.warning("Skipped %s: the database refused the write (%s).", what, type(exc).__name__)


class QueryDeadlines:
    """One thread per process that shuts the sockets of queries past their deadline."""

    TICK_SECONDS = 0.1

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[float, int]] = {}  # ticket -> (deadline, socket fd)
        self._tickets = 0
        self._owner_pid = 0  # the watchdog thread does not survive gunicorn's fork

    def watch(self, fd: int, seconds: float) -> int:
        with self._lock:
            if self._owner_pid != os.getpid():
                self._owner_pid = os.getpid()
                self._waiting.clear()
                threading.Thread(target=self._run, name="query-deadlines", daemon=True).start()
            self._tickets += 1
            self._waiting[self._tickets] = (time.monotonic() + seconds, fd)
            return self._tickets

    def done(self, ticket: int) -> None:
        with self._lock:
            self._waiting.pop(ticket, None)

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK_SECONDS)
            now = time.monotonic()
            with self._lock:
                expired = [t for t, (deadline, _) in self._waiting.items() if deadline <= now]
                for ticket in expired:
                    _, fd = self._waiting.pop(ticket)
                    _shut(fd)
                    logger.warning("A database query got no answer in time: connection closed.")


def _shut(fd: int) -> None:
    """Shut down (not close: psycopg still owns the descriptor) the socket behind `fd`, which
    wakes the thread waiting on it with an end of file."""
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


deadlines = QueryDeadlines()


def guard_query(execute, sql, params, many, context):
    try:
        fd = context["connection"].connection.pgconn.socket
    except Exception:  # no live connection: nothing to watch, psycopg reports the state
        fd = -1
    if fd < 0:
        return execute(sql, params, many, context)
    ticket = deadlines.watch(fd, settings.DB_STATEMENT_TIMEOUT + WATCHDOG_MARGIN_SECONDS)
    try:
        return execute(sql, params, many, context)
    except (OperationalError, InterfaceError):
        mark_database_failed()
        raise
    finally:
        deadlines.done(ticket)


class DatabaseDeadlineMiddleware:
    """Bounds every PostgreSQL query of a web request, and marks where a request begins and
    ends for "not again in this request" (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection = connections["default"]
        fresh = _failed_in_this_request.set(False), _writes_refused_in_this_request.set(False)
        try:
            if connection.vendor != "postgresql" or not settings.DB_STATEMENT_TIMEOUT:
                return self.get_response(request)
            with connection.execute_wrapper(guard_query):
                return self.get_response(request)
        finally:
            _failed_in_this_request.reset(fresh[0])
            _writes_refused_in_this_request.reset(fresh[1])
