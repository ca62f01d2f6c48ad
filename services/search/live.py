"""This process's current search index, kept up to date from the change log.

Every write a search can see leaves rows in `SearchChange` (database triggers, so every
write path counts). Before each search, `current()` reads the rows after its index's
position (one query) and, when there are some, makes a new index with just those services
read again (`Index.apply`, a few queries and milliseconds). No request waits for a whole
rebuild: one happens only when a process starts (before its first request, in gunicorn's
`post_worker_init`), and in the background after many changes (a bulk load), while
searches go on with the index they have.

In the served app (gunicorn, `share_builds()`), a whole build is made by a builder process
and mapped from files that all workers share (`services.search.snapshot`); elsewhere
(tests, management commands) it is made in this process.

Inside a transaction (a request that wrote, a test), the changes are applied to a copy used
by that search only: a rolled-back write must never reach the process's index. Otherwise the
changes and the rows they name are read in one snapshot (a REPEATABLE READ transaction on
PostgreSQL, a deferred read transaction on SQLite), as a whole build is.
"""

import contextlib
import datetime
import logging
import os
import threading
import time
from dataclasses import replace

from django.conf import settings
from django.db import connection
from django.utils import timezone

from services.search.index import (
    OVERLAY_LIMIT,
    Cursor,
    Index,
    build,
    consistent_read,
    give_back_memory,
    read_changes,
)
from services.vocabulary_loader import request_token

logger = logging.getLogger(__name__)

# More changed services than this at once (a bulk load): rebuild in the background instead.
REBUILD_AFTER_CHANGES = 5000

_lock = threading.Lock()  # one thread at a time brings the index up to date
_asked = threading.local()  # the request for which this thread last read the change log
_index: Index | None = None
_rebuilding: threading.Thread | None = None
_polled_at = 0.0  # time.monotonic() of this process's last look at the change log
_shared_builds = False  # whole builds from a builder process, mapped (see share_builds)
# Rows deleted per statement when pruning, so each stays short.
PRUNE_BATCH = 10_000


def share_builds() -> None:
    """Make whole builds in a builder process and map them, shared with this machine's
    other workers (gunicorn's workers call this before their first build)."""
    global _shared_builds
    _shared_builds = True


def _whole(lowest_priority: bool = False) -> Index:
    """A whole index, read after this call began."""
    if not _shared_builds:
        return build()
    from services.search import snapshot

    return snapshot.shared(time.time(), lowest_priority=lowest_priority)


def _build_now() -> Index:
    global _index
    with _lock:
        index = _index
        if index is None:
            index = _index = _whole()
        return index


def current() -> Index:
    """The index, up to date with every committed change (1 query when nothing changed, and
    none when this request has already asked)."""
    index = _index or _build_now()
    if connection.in_atomic_block:
        return _with_changes(index, *read_changes(index.cursor))
    request = request_token()
    if request is not None and getattr(_asked, "request", None) is request:
        return _index or index  # asked once in this request: a request is short
    if not _lock.acquire(blocking=False):
        return index  # another thread is bringing it up to date: use the one we have
    try:
        caught_up = _catch_up()
        _asked.request = request
        return caught_up
    finally:
        _lock.release()


def catch_up_if_loaded() -> None:
    """Bring this process's index up to date if it has one (a served worker); a process
    without one (a management command) builds none for this."""
    if _index is not None:
        current()


def _catch_up() -> Index:
    global _index, _polled_at
    index = _index
    assert index is not None, "built by current()"
    now = time.monotonic()
    if _polled_at and now - _polled_at > kept().total_seconds() / 2:
        # Not looked at for so long that changes it has not seen may have been pruned.
        _polled_at = now
        if not _rebuild_in_background():
            _index = _whole()
        return index
    _polled_at = now
    cursor, changes = read_changes(index.cursor)
    if changes:
        services = {change for change in changes if change is not None}
        if len(services) > REBUILD_AFTER_CHANGES and _rebuild_in_background():
            return index
        with consistent_read():  # the changes and the rows they name, from one snapshot
            cursor, changes = read_changes(index.cursor)
            index = _with_changes(index, cursor, changes)
    else:
        index = _with_changes(index, cursor, changes)
    _index = index
    if index.changes_applied > OVERLAY_LIMIT:
        _rebuild_in_background()
    return index


def _with_changes(index: Index, cursor: Cursor, changes: list) -> Index:
    """`index` with `changes` applied and at `cursor` (the same index when nothing moved;
    a new position alone when other transactions ended without changing a service)."""
    if not changes:
        return index if cursor == index.cursor else replace(index, cursor=cursor)
    return index.apply(cursor, changes, vocabulary_changed=None in changes)


def _rebuild_in_background() -> bool:
    """Start a whole build beside the live index, swapped in when done (False if one is
    already running, or background work is off)."""
    global _rebuilding
    if not settings.SEARCH_BACKGROUND_REBUILD:
        return False
    if _rebuilding is not None and _rebuilding.is_alive():
        return False
    _rebuilding = threading.Thread(target=_rebuild, name="search-index-rebuild", daemon=True)
    _rebuilding.start()
    return True


def _rebuild() -> None:
    global _index
    with contextlib.suppress(AttributeError, OSError):
        # The lowest CPU priority for this thread (Linux schedules threads one by one), so
        # the requests of this process and the others go first.
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    try:
        fresh = _whole(lowest_priority=True)
        with _lock:
            _index = fresh
    except Exception:  # the live index stays; the next change tries again
        logger.exception("Rebuilding the search index in the background failed.")
    finally:
        connection.close()
        give_back_memory()


def kept() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SEARCH_CHANGES_KEPT_MINUTES)


def prune() -> int:
    """Delete change-log rows older than SEARCH_CHANGES_KEPT_MINUTES (on PostgreSQL, only
    those of transactions no reader can still be waiting for), PRUNE_BATCH rows a
    statement. Returns how many (`prune_search_changes`, run from the scheduler)."""
    from services.models import SearchChange

    old = SearchChange.objects.filter(created_at__lt=timezone.now() - kept())
    if connection.vendor == "postgresql":
        with connection.cursor() as db:
            db.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            (xmin,) = db.fetchone()
        old = old.filter(xid__lt=xmin)
    deleted = 0
    while batch := list(old.order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH]):
        SearchChange.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
    return deleted


def rebuild_now() -> Index:
    """Build a fresh index and use it (management commands, tests)."""
    global _index
    fresh = build()
    with _lock:
        _index = fresh
    return fresh


def forget() -> None:
    """Drop this process's index (tests start each from an empty one)."""
    global _index, _polled_at
    with _lock:
        _index = None
        _polled_at = time.monotonic()


def wait_for_rebuild(timeout: float | None = None) -> None:
    """Wait for a background rebuild, if one is running (tests, benchmarks)."""
    thread = _rebuilding
    if thread is not None:
        thread.join(timeout)
