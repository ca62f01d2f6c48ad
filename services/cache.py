"""The shared cache's counters, right across processes and servers, in one round trip.

Rate limits count with `hit(key, window_seconds)`: the first hit of a window returns 1 and
starts the window's expiry, later hits in it return 2, 3, …, and after the window a new one
starts at 1. Each hit is one statement:

- the database cache (no `CACHE_URL`): `DatabaseCache.hit`, one `INSERT … ON CONFLICT … DO
  UPDATE … RETURNING` on a table of its own (`services.models.RateCounter`, keyed by a keyed
  hash of the cache key, so it never holds a client's address). PostgreSQL locks
  the row for the statement and SQLite runs one writing statement at a time, so concurrent
  hits never lose a count. Rows of ended windows are deleted a batch at a time, now and then,
  by the hits that start new windows (no scheduled job needed);
- Redis: `redis_hit`, `SET key 0 EX window NX` then `INCR key` in one MULTI/EXEC pipeline.

Django's `DatabaseCache.incr` is a `get` then a `set`: two workers counting at once both
read 4 and both write 5, and the `set` also replaces the key's expiry with the default
timeout. `add` and `incr` here (for anything else that counts in the cache) therefore run in
one transaction that locks the key's row first (PostgreSQL `SELECT … FOR UPDATE`; SQLite
serialises writing transactions, which this project opens with `BEGIN IMMEDIATE`), and `incr`
keeps the expiry.
"""

import datetime
import logging
import random
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from services import faults

logger = logging.getLogger(__name__)

# A hit that starts a new window (and so may have created a row) deletes, with this chance,
# up to PRUNE_BATCH rows of ended windows: on average PRUNE_BATCH / 100 deletions per row
# created, so the table holds little more than the counters of the current windows.
PRUNE_CHANCE = 0.01
PRUNE_BATCH = 1000
COUNTER_KEY_SALT = "services.cache.RateCounter"


def add_then_incr(cache: BaseCache, key: str, window_seconds: int) -> int:
    """A hit counted with `add` and `incr` alone, for caches without a one-statement hit (the
    test suite's local-memory cache): atomic wherever those two are."""
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window
        return 1 if cache.add(key, 1, timeout=window_seconds) else cache.incr(key)


def redis_hit(cache: RedisCache, key: str, window_seconds: int) -> int:
    """One hit in one round trip: MULTI, SET NX with the window's expiry (a no-op once the key
    exists), INCR, EXEC. The key holds a plain integer, which the cache's `get` reads."""
    full_key = cache.make_and_validate_key(key)
    # Django's RedisCache keeps its redis-py client (with the socket timeouts of settings) here.
    client = cache._cache.get_client(full_key, write=True)
    with client.pipeline(transaction=True) as pipe:
        pipe.set(full_key, 0, ex=window_seconds, nx=True)
        pipe.incr(full_key)
        _, count = pipe.execute()
    return int(count)


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

    def hit(self, key: str, window_seconds: int) -> int:
        """Count one hit of `key` in one statement and return the count in this window (see
        the module's docstring). A refused write raises DatabaseError and marks writes refused
        for the rest of the request (services/faults.py), as `add` and `incr` did."""
        from services.models import RateCounter

        if faults.writes_refused():
            raise DatabaseError("Not counted: the database refused a write in this request.")
        alias = router.db_for_write(RateCounter)
        connection = connections[alias]
        features = connection.features
        if not (
            features.supports_update_conflicts_with_target
            and features.can_return_rows_from_bulk_insert  # SQLite 3.35 or later: RETURNING
        ):
            return add_then_incr(self, key, window_seconds)
        stored_key = self.counter_key(key)
        now = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        now_value = adapt(now)
        ends_value = adapt(now + datetime.timedelta(seconds=window_seconds))
        table, key_column, hits, expires = self._counter_names(connection, RateCounter)
        sql = (
            f"INSERT INTO {table} ({key_column}, {hits}, {expires}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{hits} = CASE WHEN {table}.{expires} <= %s THEN 1 "
            f"ELSE {table}.{hits} + 1 END, "
            f"{expires} = CASE WHEN {table}.{expires} <= %s THEN excluded.{expires} "
            f"ELSE {table}.{expires} END "
            f"RETURNING {hits}"
        )
        try:
            # Alone, the statement commits itself; inside a transaction, a savepoint keeps a
            # refused write from spoiling it.
            with faults.savepoint_in_transaction(alias), connection.cursor() as cursor:
                cursor.execute(sql, [stored_key, ends_value, now_value, now_value])
                count = cursor.fetchone()[0]
        except DatabaseError:
            faults.mark_writes_refused()
            raise
        if count == 1 and random.random() < PRUNE_CHANCE:
            self.prune_counters(now)
        return count

    def counter_key(self, key: str) -> str:
        """The counter's row key: a keyed hash (HMAC-SHA256 with SECRET_KEY) of the cache key,
        so the table never holds what a key is made of (the API throttle's key holds the
        client's address), however long a row stays before it is pruned."""
        full_key = self.make_and_validate_key(key)
        return salted_hmac(COUNTER_KEY_SALT, full_key, algorithm="sha256").hexdigest()

    def clear(self) -> None:
        """Everything in the cache, the rate-limit counters included (as with Redis, where
        they are keys like any other)."""
        from services.models import RateCounter

        super().clear()
        RateCounter.objects.using(router.db_for_write(RateCounter)).all().delete()

    def prune_counters(self, now: datetime.datetime | None = None) -> int:
        """Delete up to PRUNE_BATCH counters whose window ended before `now`; how many went.
        Best-effort: a refused delete is logged and left for a later hit."""
        from services.models import RateCounter

        alias = router.db_for_write(RateCounter)
        connection = connections[alias]
        table, key_column, _, expires = self._counter_names(connection, RateCounter)
        now_value = connection.ops.adapt_datetimefield_value(now or timezone.now())
        # The outer `expires <=` is checked again on a row a concurrent hit has just moved to
        # a new window (PostgreSQL re-reads a row updated under it), so no live count is lost.
        sql = (
            f"DELETE FROM {table} WHERE {expires} <= %s AND {key_column} IN "
            f"(SELECT {key_column} FROM {table} WHERE {expires} <= %s LIMIT %s)"
        )
        try:
            with faults.savepoint_in_transaction(alias), connection.cursor() as cursor:
                cursor.execute(sql, [now_value, now_value, PRUNE_BATCH])
                return cursor.rowcount
        except DatabaseError as exc:
            logger.warning("Expired rate counters not deleted (%s).", type(exc).__name__)
            return 0

    @staticmethod
    def _counter_names(connection, model: Any) -> tuple[str, str, str, str]:
        quote = connection.ops.quote_name
        meta = model._meta
        return (
            quote(meta.db_table),
            *(quote(meta.get_field(name).column) for name in ("key", "hits", "expires")),
        )
