"""The database cache, with counters that hold across processes.

Django's `DatabaseCache.incr` is a `get` then a `set`: two workers counting at once both
read 4 and both write 5, and the `set` also replaces the key's expiry with the default
timeout. Rate limits need both to be right, so here `add` and `incr` run in one transaction
that locks the key's row first (PostgreSQL `SELECT … FOR UPDATE`; SQLite serialises writing
transactions, which this project opens with `BEGIN IMMEDIATE`), and `incr` keeps the expiry.
"""

from collections.abc import Callable
from contextlib import contextmanager

from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import DatabaseError, connections, router, transaction

from services import faults


class DatabaseCache(db.DatabaseCache):
    # Set and defined by Django's DatabaseCache; django-stubs leaves these private parts out.
    _table: str
    _base_set: Callable[..., bool]

    @contextmanager
    def _row_lock(self, key: str, version):
        """Yields the cursor and the row's current expiry (None when there is no row)."""
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('expires')} FROM {quote(self._table)} "
                f"WHERE {quote('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            yield cursor, key, (row[0] if row else None)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        if faults.writes_refused():  # no second wait for a lock in one request
            return
        key = self.make_and_validate_key(key, version=version)
        if not self._base_set("set", key, value, timeout):  # False only when refused
            faults.mark_writes_refused()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        if faults.writes_refused():
            return False
        try:
            with self._row_lock(key, version) as (_, _, expires):
                added = super().add(key, value, timeout, version)
            if not added and expires is None:  # no row, yet not added: the insert was refused
                faults.mark_writes_refused()
            return added
        except DatabaseError:
            # As in Django's own set() and add(): a write the database refuses (disk full,
            # locked, read-only) is "not added", never an error, so reads that cache
            # something keep working (services/faults.py). Counters then fail in incr().
            faults.mark_writes_refused()
            return False

    def incr(self, key, delta=1, version=None) -> int:
        if faults.writes_refused():
            raise DatabaseError("Not counted: the database refused a write in this request.")
        with self._row_lock(key, version) as (cursor, full_key, expires):
            value = super().incr(key, delta, version)  # get + set, under the lock
            quote = cursor.db.ops.quote_name
            cursor.execute(
                f"UPDATE {quote(self._table)} SET {quote('expires')} = %s "
                f"WHERE {quote('cache_key')} = %s",
                [expires, full_key],
            )
            return value

    def decr(self, key, delta=1, version=None) -> int:
        return self.incr(key, -delta, version)
