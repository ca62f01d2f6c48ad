"""This process's current search index."""

import contextlib
import threading
import uuid
from collections.abc import Callable

from django.db import connection, transaction

from services.search.index import Snapshot, build

# The current snapshot of this process ------------------------------------------------------

_lock = threading.Lock()
_snapshot: Snapshot | None = None


def _current_token():
    from services.models import SearchIndexState

    return SearchIndexState.objects.filter(pk=1).values_list("token", flat=True).first()


def current() -> Snapshot:
    """The index, rebuilt first if the directory changed since it was built (1 query when
    it did not)."""
    global _snapshot
    token = _current_token()
    snapshot = _snapshot
    if snapshot is not None and snapshot.token == token:
        return snapshot
    with _lock:
        if _snapshot is None or _snapshot.token != token:
            _snapshot = build(token)
        return _snapshot


_deferral = threading.local()


@contextlib.contextmanager
def deferred_changes():
    """Within this block (on this thread), the index gets one new token at the end, and
    other cache invalidations passed to `run_or_defer` run once, rather than once per saved
    row: bulk writers such as the importer wrap each transaction in it."""
    if getattr(_deferral, "pending", None) is not None:
        yield
        return
    _deferral.pending = {}
    try:
        yield
        callbacks = list(_deferral.pending.values())
    finally:
        _deferral.pending = None
    if not (connection.in_atomic_block and transaction.get_rollback()):
        for callback in callbacks:
            callback()


def run_or_defer(callback: Callable[[], None]) -> None:
    """Run `callback` now, or once at the end of the current `deferred_changes` block."""
    pending = getattr(_deferral, "pending", None)
    if pending is None:
        callback()
    else:
        pending.setdefault(callback, callback)


def changed(**kwargs) -> None:
    """Give the index state a new token: every process rebuilds before its next search.
    Connected to the signals of every model a search reads; call it after bulk writes."""
    run_or_defer(_new_token)


def _new_token() -> None:
    from services.models import SearchIndexState

    token = uuid.uuid4()
    if not SearchIndexState.objects.filter(pk=1).update(token=token):
        SearchIndexState.objects.update_or_create(pk=1, defaults={"token": token})


def forget() -> None:
    """Drop this process's index (tests start each from an empty one)."""
    global _snapshot
    with _lock:
        _snapshot = None
