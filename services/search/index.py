"""The in-memory search index behind `/search/`, `/api/v1/services/` and the HSDS lists.

Why it exists: at 100 000 services every SQL formulation of "near a place + filters + facet
counts + keywords" had to join and re-read tens of thousands of rows per request. The index
keeps, for every published service, only what searches filter, sort and count on — flags,
ages, intake, its vocabulary terms as a boolean matrix, the coordinates of its locations,
the areas it covers, its place in name order and the stems of its text — as numpy arrays and
keyword postings. A search is then a few vectorised operations, and the database is asked
only for the page of services shown.

The database stays the only source of truth; the index is a per-process copy of it:

- `build()` reads it whole, from one consistent snapshot (a REPEATABLE READ transaction on
  PostgreSQL, one read transaction on SQLite), together with its position in the change log;
- `Index.apply()` returns a new index with some services read again (copy on write: searches
  running on the old one are not disturbed); `services.search.live` feeds it the services
  the change log (`SearchChange`, written by triggers) names.

Filters the index does not hold — area, accessibility, day and open now — run in SQL (one
query for all of them) and narrow the index's results to the ids it returns.
"""

import bisect
import contextlib
import ctypes
import datetime
import math
import uuid
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from typing import Any, cast

import numpy as np
from django.db import connection, models, transaction

from services.database.names import column as _column
from services.geo.distance import EARTH_RADIUS_KM, bounding_box
from services.search import keyword
from services.search.packed import Ids, Positions, Stems, Strings
from services.vocabulary_loader import VOCABULARY_RELATIONS

# Terms of one vocabulary are packed into integer columns of this many bits each when the
# whole index is read, so any number of terms fits (64-bit signed integers in both databases).
BITS_PER_COLUMN = 62
# After this many services changed since the last whole build, the keyword overlay is folded
# into fresh postings (in the background, by `services.search.live`). Large enough that an
# import of a council's feed does not set every worker rebuilding while it runs.
OVERLAY_LIMIT = 50_000


# The change-log position an index reflects -------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """SQLite: every change up to `last_id` is applied (one writer at a time: ids commit in
    order). PostgreSQL: every change of a transaction older than `xmin` is applied, and the
    `seen` ids of newer ones (they can commit in any order, so ids alone cannot tell)."""

    last_id: int = 0
    xmin: int | None = None
    seen: frozenset[int] = frozenset()


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def read_changes(cursor: Cursor) -> tuple[Cursor, list[uuid.UUID | None]]:
    """The changes after `cursor` (service ids; None for a vocabulary or area change) and the
    cursor after them, in one query. The same statement reads the vocabularies' version
    (services.vocabulary_loader), so a search asks the change log once, not twice."""
    from services.models import SearchChange
    from services.vocabulary_loader import note_version, version_query

    table = connection.ops.quote_name(SearchChange._meta.db_table)
    with connection.cursor() as db:
        if _postgresql():
            db.execute(
                "SELECT s.xmin, v.terms, v.last_term, c.id, c.service_id, c.xid FROM (SELECT "
                "pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) s "
                f"CROSS JOIN ({version_query()}) v "
                f"LEFT JOIN {table} c ON c.xid >= %s ORDER BY c.id",
                [cursor.xmin if cursor.xmin is not None else 0],
            )
            rows = db.fetchall()
            xmin = rows[0][0]
            note_version((rows[0][1], rows[0][2]))
            new = [row for row in rows if row[3] is not None and row[3] not in cursor.seen]
            seen = frozenset(row[3] for row in rows if row[3] is not None and row[5] >= xmin)
            last = max([cursor.last_id, *(row[3] for row in new)])
            return Cursor(last, xmin, seen), [_as_uuid(row[4]) for row in new]
        db.execute(
            f"SELECT v.terms, v.last_term, c.id, c.service_id FROM ({version_query()}) v "
            f"LEFT JOIN {table} c ON c.id > %s ORDER BY c.id",
            [cursor.last_id],
        )
        rows = db.fetchall()
    note_version((rows[0][0], rows[0][1]))
    rows = [row[2:] for row in rows if row[2] is not None]
    if not rows:
        return cursor, []
    return Cursor(rows[-1][0]), [_as_uuid(row[1]) for row in rows]


def _as_uuid(value) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(value)


def _start_cursor() -> Cursor:
    """The position of the change log as the current snapshot sees it: its last id and, on
    PostgreSQL, the rows of transactions still open (all read again until they are done)."""
    from services.models import SearchChange

    table = connection.ops.quote_name(SearchChange._meta.db_table)
    with connection.cursor() as db:
        if not _postgresql():
            db.execute(f"SELECT MAX(id) FROM {table}")
            return Cursor(db.fetchone()[0] or 0)
        db.execute(
            "SELECT s.xmin, (SELECT MAX(id) FROM " + table + ") FROM "
            "(SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) s"
        )
        xmin, last = db.fetchone()
    # Rows of transactions from xmin on that this snapshot sees are in the build: seen.
    cursor, _changes = read_changes(Cursor(last or 0, xmin))
    return cursor


@contextlib.contextmanager
def consistent_read() -> Iterator[None]:
    """Every query inside reads one snapshot of the database. Inside an outer transaction
    (tests, a management command's) that transaction's view is used as it is."""
    if connection.in_atomic_block:
        yield
        return
    if _postgresql():
        with transaction.atomic():
            with connection.cursor() as db:
                db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    # SQLite (WAL): a deferred transaction reads one snapshot and takes no write lock (the
    # connection's own transactions are IMMEDIATE, which would block writers meanwhile).
    connection.ensure_connection()
    with connection.cursor() as db:
        db.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            db.execute("COMMIT")


# The index --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """One vocabulary relation: its terms in display order, which column of the matrix holds
    each, and which services have each."""

    terms: list  # vocabulary model instances, in display order
    columns: dict[int, int]  # term id -> column
    matrix: np.ndarray  # bool, services × terms

    def of(self, position: int) -> list:
        """The terms of the service at `position`, in display order."""
        has = self.matrix[position].tolist()  # Python bools: a numpy scalar each is slower
        return [term for term, column in self._in_display_order if has[column]]

    @cached_property
    def _in_display_order(self) -> list[tuple[Any, int]]:
        """(term, its column), in display order: a results page asks for three relations'
        terms of each of its services."""
        return [(term, self.columns[term.pk]) for term in self.terms]

    def by_term(self, rows: np.ndarray) -> np.ndarray:
        """The matrix for the services at `rows`, turned: one contiguous row per term
        column (terms × services). Testing or counting a term is then one pass over
        contiguous bytes; counting down the columns of `matrix[rows]` took three times as long
        (and `np.take` gathers rows faster than fancy indexing)."""
        return np.ascontiguousarray(np.take(self.matrix, rows, axis=0).T)

    def any_of(self, term_ids: Iterable[int], by_term: np.ndarray) -> np.ndarray:
        """Per service of `by_term` (from `by_term`): whether it has any of `term_ids`."""
        wanted = [self.columns[pk] for pk in term_ids if pk in self.columns]
        if not wanted:
            return np.zeros(by_term.shape[1], dtype=bool)
        return np.asarray(by_term[wanted].any(axis=0))


@dataclass(frozen=True)
class Points:
    """Every location of every service, sorted by latitude (radians and cosines are worked
    out for the few inside a search's box, not held for all)."""

    lat: np.ndarray
    lon: np.ndarray
    service: np.ndarray  # position of the service, int32

    @classmethod
    def of(cls, service: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> "Points":
        order = np.argsort(lat, kind="stable")
        return cls(lat[order], lon[order], service[order].astype(np.int32))

    def hold(self, positions: np.ndarray, service: list, lat: list, lon: list) -> bool:
        """Whether the points of the services at `positions` are exactly these."""
        mine = np.isin(self.service, positions)
        held = (self.service[mine].tolist(), self.lat[mine].tolist(), self.lon[mine].tolist())
        given = (service, *(np.asarray(values, np.float64).tolist() for values in (lat, lon)))
        return sorted(zip(*held, strict=True)) == sorted(zip(*given, strict=True))

    def without(self, positions: np.ndarray) -> "Points":
        keep = ~np.isin(self.service, positions)
        return Points(*(getattr(self, name)[keep] for name in self.__dataclass_fields__))

    def plus(self, service: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> "Points":
        """With more points, each inserted in latitude order (no re-sort of the others)."""
        if not len(service):
            return self
        added = Points.of(service, lat, lon)
        at = np.searchsorted(self.lat, added.lat, side="right")
        return Points(
            *(
                np.insert(getattr(self, name), at, getattr(added, name))
                for name in self.__dataclass_fields__
            )
        )


@dataclass(frozen=True)
class Text:
    """Keyword postings: for each stem, the positions of the services whose text has it and
    the weight of the heaviest field it is in, stored end to end (stem n's are
    `positions[starts[n]:starts[n + 1]]`). Services changed since the postings were built
    are masked out of the postings by `dirty` and held in `overlay` (position -> stem ->
    weight) and, the other way round, `overlay_stems` (stem -> position -> weight)."""

    stems: Stems  # stem n is the nth (by length, then as strings)
    starts: np.ndarray  # int64, one more than there are stems
    positions: np.ndarray  # int32
    weights: np.ndarray  # uint8
    dirty: np.ndarray  # bool per service
    overlay: dict[int, dict[str, int]]
    overlay_stems: dict[str, dict[int, int]] = field(default_factory=dict)

    def changed(
        self, dirty: np.ndarray, removed: Iterable[int], added: dict[int, dict[str, int]]
    ) -> "Text":
        """The postings with the services at `removed` gone and those of `added` in (copy
        on write: only the inner dictionaries of the stems touched are copied)."""
        overlay = dict(self.overlay)
        by_stem = dict(self.overlay_stems)
        copied: set[str] = set()

        def of(stem: str) -> dict[int, int]:
            if stem not in copied:
                by_stem[stem] = dict(by_stem.get(stem, {}))
                copied.add(stem)
            return by_stem[stem]

        for position in removed:
            for stem in overlay.pop(position, {}):
                of(stem).pop(position, None)
        for position, document in added.items():
            overlay[position] = document
            for stem, weight in document.items():
                of(stem)[position] = weight
        return replace(self, dirty=dirty, overlay=overlay, overlay_stems=by_stem)

    def postings(self, stem: str) -> tuple[np.ndarray, np.ndarray]:
        found = self.stems.find(stem)
        if found is None:
            positions, weights = np.empty(0, np.int32), np.empty(0, np.uint8)
        else:
            start, stop = self.starts[found], self.starts[found + 1]
            positions, weights = self.positions[start:stop], self.weights[start:stop]
            keep = ~self.dirty[positions]  # changed since: their stems are in the overlay
            positions, weights = positions[keep], weights[keep]
        extra = self.overlay_stems.get(stem)
        if extra:
            more_positions = np.fromiter(extra.keys(), np.int32, len(extra))
            more_weights = np.fromiter(extra.values(), np.uint8, len(extra))
            positions = np.concatenate([positions, more_positions])
            weights = np.concatenate([weights, more_weights])
        return positions, weights.astype(np.float64)

    def vocabulary(self, shortest: int, longest: int) -> list[str]:
        """Every stem of `shortest` to `longest` characters (a list made for the occasion:
        misspelt words only)."""
        extra = [
            stem
            for stem, found in self.overlay_stems.items()
            if found and shortest <= len(stem) <= longest and self.stems.find(stem) is None
        ]
        return [*self.stems.of_lengths(shortest, longest), *extra]


@dataclass(frozen=True)
class Index:
    """The index at one position of the change log. A service keeps its position for the
    index's life (a service that leaves is marked not `live`; one that arrives is appended);
    `name_rank` orders services by (name, id)."""

    cursor: Cursor
    ids: Ids  # the services' UUIDs by position (`ids[position]` is one as an int)
    live: np.ndarray  # published now
    name_rank: np.ndarray
    by_name: array  # int32 positions of live services, in (name, id) order
    labels: Strings  # name by position
    checked: np.ndarray  # last_checked_at as POSIX seconds, NaN when never checked
    national: np.ndarray
    has_location: np.ndarray
    free: np.ndarray
    min_age: np.ndarray  # NaN when not set
    max_age: np.ndarray
    restricted_through: np.ndarray  # ordinal of the last day intake is restricted (0: none)
    takes_referrals: np.ndarray
    terms: dict[str, Terms]
    points: Points
    # Per service, the council areas it covers (directly or as a whole), one bit each:
    # np.packbits of a bool services × council areas matrix (1 MB at 100 000 services, not 8).
    covers: np.ndarray
    covers_any: np.ndarray  # has any covered area at all
    councils: dict[str, int]  # council area slug -> column of `covers`
    area_wholes: dict[int, tuple[str, ...]]  # area id -> council slugs it stands for
    text: Text
    changes_applied: int = 0

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def positions(self) -> Positions:
        """UUID int -> position, as a read-only mapping."""
        return Positions(self.ids)

    @property
    def size(self) -> int:
        """Published services."""
        return int(self.live.sum())

    def terms_of(self, pk: uuid.UUID) -> dict[str, list] | None:
        """A published service's vocabulary terms, relation by relation, in display order
        (None when the index does not hold it)."""
        position = self.ids.position(pk.int)
        if position is None or not self.live[position]:
            return None
        return {relation: held.of(position) for relation, held in self.terms.items()}

    # Filters -------------------------------------------------------------------------

    def accepting(self, today: datetime.date) -> np.ndarray:
        return self.restricted_through < today.toordinal()

    def for_age(self, age: int) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (np.isnan(self.min_age) | (self.min_age <= age)) & (
                np.isnan(self.max_age) | (self.max_age >= age)
            )

    def stale(self, positions: np.ndarray, cutoff: datetime.datetime) -> np.ndarray:
        """For the services at `positions`: whether each is overdue for review (worked out
        for a search's results only, not for every service)."""
        checked = self.checked[positions]
        with np.errstate(invalid="ignore"):
            return np.isnan(checked) | (checked < cutoff.timestamp())

    def remote_group(self, council_area_slug: str | None) -> np.ndarray:
        """The "across Scotland, online or by phone" group for a place: national services,
        and services with no location whose covered areas (if any) include the place's
        council area (all of them, if that is unknown)."""
        remote = ~self.has_location
        if council_area_slug:
            column = self.councils.get(council_area_slug)
            here = _bit(self.covers, column) if column is not None else False
            remote = remote & (~self.covers_any | here)
        return self.national | remote

    def reach(self, lat: float, lon: float, km: float, among: np.ndarray) -> "Reach":
        """The locations in the box around (lat, lon) of the services `among` (bool per
        service) allows, told apart cheaply as certainly within `km`, certainly beyond, or
        too near the edge to tell (`Reach`). The other filters cost little per service;
        exact distances (sines and cosines) are what a search near a place spent most on."""
        points = self.points
        box = bounding_box(lat, lon, km)
        start = np.searchsorted(points.lat, box.min_lat, side="left")
        stop = np.searchsorted(points.lat, box.max_lat, side="right")
        lons = points.lon[start:stop]
        inside = np.flatnonzero((lons >= box.min_lon) & (lons <= box.max_lon)) + start
        owners = points.service[inside]
        wanted = among[owners]
        inside, owners = inside[wanted], owners[wanted]
        return Reach.of(lat, lon, km, box, points.lat[inside], points.lon[inside], owners)

    def relevance(self, words: Sequence[keyword.Word]) -> np.ndarray:
        """Per service: its relevance to every one of `words` (0 when one does not match)."""
        total = np.zeros(len(self), dtype=np.float64)
        first = True
        for word in words:
            score = np.zeros(len(self), dtype=np.float64)
            positions, weights = self.text.postings(word.stem)
            if not self.live[positions].any() and word.may_be_misspelt:
                # Within n edits a stem is at most n characters longer or shorter.
                length = len(word.stem)
                vocabulary = self.text.vocabulary(length - word.edits, length + word.edits)
                for near in keyword.near_stems(word, vocabulary):
                    more, more_weights = self.text.postings(near)
                    np.maximum.at(score, more, more_weights * keyword.FUZZY_WEIGHT)
            np.maximum.at(score, positions, weights)
            if not score.any():
                return score
            total = score if first else np.where((score > 0) & (total > 0), total + score, 0)
            first = False
        return total

    # Changes -------------------------------------------------------------------------

    def apply(self, cursor: Cursor, services: list, vocabulary_changed: bool) -> "Index":
        """A new index at `cursor`, with `services` (ids) read again from the database and,
        if the vocabularies or areas changed, those too."""
        index = self
        if vocabulary_changed:
            index = index._with_vocabularies()
        wanted = list(dict.fromkeys(pk for pk in services if pk is not None))
        if wanted:
            index = index._with_services(wanted)
        return replace(index, cursor=cursor, changes_applied=index.changes_applied + len(wanted))

    def _with_vocabularies(self) -> "Index":
        all_terms = _terms()
        terms = {}
        for relation, listed in all_terms.items():
            old = self.terms[relation]
            columns = dict(old.columns)
            for term in listed:
                columns.setdefault(term.pk, len(columns))
            matrix = old.matrix
            if len(columns) > matrix.shape[1]:
                extra = np.zeros((matrix.shape[0], len(columns) - matrix.shape[1]), bool)
                matrix = np.hstack([matrix, extra])
            terms[relation] = Terms(listed, columns, matrix)
        wholes = _area_wholes()
        councils = _council_columns(wholes, self.councils)
        covers = self.covers
        if -(-len(councils) // 8) > covers.shape[1]:  # new areas' bits past the last byte
            extra = np.zeros((covers.shape[0], -(-len(councils) // 8) - covers.shape[1]), np.uint8)
            covers = np.hstack([covers, extra])
        index = replace(self, terms=terms, councils=councils, area_wholes=wholes, covers=covers)
        # What an area stands for may have changed: read every covering service again.
        covering = self.ids.uuids(np.flatnonzero(self.covers_any))
        return index._with_services(covering) if covering else index

    def _with_services(self, wanted: list[uuid.UUID]) -> "Index":
        rows = {row.pk.int: row for row in read_services(self.area_wholes, only=wanted)}
        arriving = [pk for pk in rows if self.ids.position(pk) is None]
        # The ids and names are copied only when they change (copy on write).
        ids, labels = self.ids.plus(arriving), self.labels
        if arriving:
            labels = labels.with_changes(
                {len(self.ids) + n: rows[pk].name for n, pk in enumerate(arriving)}
            )
        grow = len(ids) - len(self.ids)
        arrays = {
            name: _grown(getattr(self, name), grow, fill)
            for name, fill in (
                ("live", False),
                ("name_rank", 0.0),
                ("checked", math.nan),
                ("national", False),
                ("has_location", False),
                ("free", False),
                ("min_age", math.nan),
                ("max_age", math.nan),
                ("restricted_through", 0),
                ("takes_referrals", False),
                ("covers", False),
                ("covers_any", False),
            )
        }
        terms = {
            relation: replace(held, matrix=_grown(held.matrix, grow, False))
            for relation, held in self.terms.items()
        }
        changed = ids.positions_of(wanted)
        # Services that leave their place in name order, arrive in it or move (renamed).
        moving = {
            position
            for position in changed.tolist()
            if not arrays["live"][position]
            or (row := rows.get(ids[position])) is None
            or row.name != labels[position]
        }
        by_name = self.by_name[:] if moving else self.by_name
        renamed: dict[int, str] = {}

        def name_key(position: int) -> tuple[str, int]:
            name = renamed.get(position)
            return (labels[position] if name is None else name), ids[position]

        dirty = _grown(self.text.dirty, grow, False)
        documents: dict[int, dict[str, int]] = {}
        for position in changed.tolist():
            if position in moving and arrays["live"][position]:  # its old place, by old name
                at = bisect.bisect_left(by_name, name_key(position), key=name_key)
                if at < len(by_name) and by_name[at] == position:
                    del by_name[at]
            arrays["live"][position] = False
            dirty[position] = True
            for held in terms.values():
                held.matrix[position] = False
        new_service, new_lat, new_lon = [], [], []
        for pk, row in rows.items():
            position = ids.position(pk)
            assert position is not None, "arriving services were added"
            arrays["live"][position] = True
            for name in ROW_ARRAYS:
                arrays[name][position] = getattr(row, name)
            for relation, term_ids in row.terms.items():
                held = terms[relation]
                for term_id in term_ids:
                    column = held.columns.get(term_id)
                    if column is not None:
                        held.matrix[position, column] = True
            covered = [self.councils[slug] for slug in row.councils if slug in self.councils]
            bits = np.zeros(arrays["covers"].shape[1] * 8, bool)
            bits[covered] = True
            arrays["covers"][position] = np.packbits(bits)
            arrays["covers_any"][position] = row.covers_any
            if position in moving:
                renamed[position] = row.name
                bisect.insort(by_name, position, key=name_key)
                at = bisect.bisect_left(by_name, name_key(position), key=name_key)
                arrays["name_rank"][position] = _rank_between(by_name, at, arrays["name_rank"])
            documents[position] = row.document
            for lat, lon in row.points:
                new_service.append(position)
                new_lat.append(lat)
                new_lon.append(lon)
        points = self.points
        if not points.hold(changed, new_service, new_lat, new_lon):
            points = points.without(changed).plus(
                np.array(new_service, np.int64), np.array(new_lat), np.array(new_lon)
            )
        if not grow:
            # Arrays whose changed rows came back as they were stay the ones already held
            # (an edit of a summary copies none of them: shared with a mapped snapshot).
            arrays = {
                name: _kept_if_same(getattr(self, name), values, changed)
                for name, values in arrays.items()
            }
            for relation, held in terms.items():
                before = self.terms[relation]
                if _kept_if_same(before.matrix, held.matrix, changed) is before.matrix:
                    terms[relation] = before
        changed_index = replace(
            self,
            ids=ids,
            by_name=by_name,
            labels=labels.with_changes(renamed) if renamed else labels,
            terms=terms,
            points=points,
            text=self.text.changed(dirty, changed.tolist(), documents),
        )
        for name, values in arrays.items():  # the copied arrays (replace() checks no types)
            object.__setattr__(changed_index, name, values)
        return changed_index


def _council_columns(wholes: dict, existing: dict[str, int]) -> dict[str, int]:
    """A column of `covers` for every council area: those already given keep theirs."""
    councils = dict(existing)
    for slugs in wholes.values():
        for slug in slugs:
            councils.setdefault(slug, len(councils))
    return councils


def _bit(packed: np.ndarray, column: int) -> np.ndarray:
    """Column `column` of a bool matrix stored as np.packbits(matrix, axis=1)."""
    byte, bit = divmod(column, 8)
    return ((packed[:, byte] >> (7 - bit)) & 1).astype(bool)


def _grown(array: np.ndarray, grow: int, fill) -> np.ndarray:
    """A copy of `array` with `grow` more rows of `fill` (copy on write)."""
    if not grow:
        return array.copy()
    extra = np.full((grow, *array.shape[1:]), fill, dtype=array.dtype)
    return np.concatenate([array, extra])


def _kept_if_same(old: np.ndarray, new: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`old` if `new` (a changed copy of it) has the same values at `rows`, else `new`."""
    same = np.array_equal(old[rows], new[rows], equal_nan=old.dtype.kind == "f")
    return old if same else new


def _rank_between(by_name: Sequence[int], at: int, ranks: np.ndarray) -> float:
    """A name rank for the service at `by_name[at]` between its neighbours' ranks."""
    before = float(ranks[by_name[at - 1]]) if at > 0 else None
    after = float(ranks[by_name[at + 1]]) if at + 1 < len(by_name) else None
    if before is None and after is None:
        return 0.0
    if before is None:
        assert after is not None
        return after - 1.0
    if after is None:
        return before + 1.0
    return (before + after) / 2


# Reading the database -----------------------------------------------------------------------
#
# Services are read with statements written here from the models' metadata (table and column
# names, never user input), because the ORM cannot join grouped subqueries: packing each
# service's terms through correlated subqueries took 3 s at 100 000 services, this way takes
# a fraction of that. Which services are published is still the ORM's definition.

ROW_ARRAYS = (
    "checked",
    "national",
    "has_location",
    "free",
    "min_age",
    "max_age",
    "restricted_through",
    "takes_referrals",
)


@dataclass(slots=True)
class ServiceRow:
    pk: uuid.UUID
    name: str
    checked: float
    national: bool
    has_location: bool
    free: bool
    min_age: float
    max_age: float
    restricted_through: int
    takes_referrals: bool
    terms: dict[str, list[int]] = field(default_factory=dict)
    points: list[tuple[float, float]] = field(default_factory=list)
    councils: set[str] = field(default_factory=set)
    covers_any: bool = False
    document: dict[str, int] = field(default_factory=dict)


def _m2m(relation: str) -> "models.ManyToManyField[Any, Any]":
    from services.models import Service

    return cast("models.ManyToManyField[Any, Any]", Service._meta.get_field(relation))


def _pk(model: type[models.Model]) -> str:
    return connection.ops.quote_name(cast(str, model._meta.pk.column))


def _terms() -> dict[str, list]:
    """Every term of each relation, in display order (position, then name)."""
    return {
        relation: list(
            _m2m(relation).related_model._default_manager.all().order_by("position", "name", "pk")
        )
        for relation in VOCABULARY_RELATIONS
    }


def _area_wholes() -> dict[int, tuple[str, ...]]:
    """Area id -> the council areas it stands for (itself, or those naming it as their
    health board or partnership)."""
    from services.models import Area

    wholes: dict[int, list[str]] = defaultdict(list)
    for pk, slug, *parents in Area.objects.values_list(
        "pk", "slug", "health_board_id", "partnership_id"
    ):
        wholes[pk].append(slug)
        for parent in parents:
            if parent:
                wholes[parent].append(slug)
    return {pk: tuple(slugs) for pk, slugs in wholes.items()}


def _packed_terms_sql(relation: str, term_ids: list[int], alias: str) -> tuple[str, list[str]]:
    """A grouped subquery packing each service's terms of `relation` into integer columns:
    term n of `term_ids` is bit n % BITS_PER_COLUMN of column n // BITS_PER_COLUMN."""
    quote = connection.ops.quote_name
    relation_field = _m2m(relation)
    through = cast(type[models.Model], relation_field.remote_field.through)
    service_column = _column(through, relation_field.m2m_field_name())
    term_column = _column(through, relation_field.m2m_reverse_field_name())
    sums, names = [], []
    for column, start in enumerate(range(0, max(len(term_ids), 1), BITS_PER_COLUMN)):
        chunk = term_ids[start : start + BITS_PER_COLUMN]
        cases = " ".join(f"WHEN {int(pk)} THEN {1 << bit}" for bit, pk in enumerate(chunk))
        value = f"CASE {term_column} {cases} ELSE 0 END" if chunk else "0"
        name = f"{alias}_{column}"
        sums.append(f"SUM({value}) AS {name}")
        names.append(f"{alias}.{name}")
    sql = (
        f"SELECT {service_column} AS service_id, {', '.join(sums)} "
        f"FROM {quote(through._meta.db_table)} GROUP BY {service_column}"
    )
    return sql, names


def _unpack(values: list, count: int) -> np.ndarray:
    """Bool matrix (services × terms) from the packed columns (each a list of int or None)."""
    matrix = np.zeros((len(values[0]) if values else 0, count), dtype=bool)
    for column, packed in enumerate(values):
        array = np.array([value or 0 for value in packed], dtype=np.int64)
        for bit in range(min(BITS_PER_COLUMN, count - column * BITS_PER_COLUMN)):
            matrix[:, column * BITS_PER_COLUMN + bit] = (array >> bit) & 1
    return matrix


def _as_timestamp(value) -> float:
    """last_checked_at as read: seconds (PostgreSQL), a UTC datetime or text (SQLite)."""
    if value is None:
        return math.nan
    if isinstance(value, str | datetime.datetime):
        moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment.timestamp()
    return float(value)


def _as_date(value) -> datetime.date | None:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _service_columns() -> tuple[str, str]:
    """The select list and FROM clause of one service's row (alias s, organisation o)."""
    from services.models import Organisation, Service

    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return f"s.{_column(Service, name)}"

    checked = column("last_checked_at")
    if _postgresql():
        checked = f"EXTRACT(EPOCH FROM {checked})"
    organisation = Organisation._meta
    select = (
        f"s.{_pk(Service)}, {column('name')}, {checked}, {column('is_national')}, "
        f"{column('cost')}, {column('min_age')}, {column('max_age')}, "
        f"{column('intake_status')}, {column('intake_status_until')}, "
        f"{column('accepts_referrals')}, {column('referral_email')}, "
        f"{column('summary')}, {column('description')}, "
        f"o.{_column(Organisation, 'name')}"
    )
    source = (
        f"{quote(Service._meta.db_table)} s JOIN {quote(organisation.db_table)} o "
        f"ON o.{_pk(Organisation)} = {column('organisation')}"
    )
    return select, source


def _published_sql(only: list | None) -> tuple[str, tuple]:
    from services.models import Service

    queryset = Service.objects.published().order_by()
    if only is not None:
        queryset = queryset.filter(pk__in=only)
    return queryset.values("pk").query.sql_with_params()


def _row(values: Sequence, postings: "PostingsBuilder | None" = None) -> ServiceRow:
    from services.models import Service
    from services.models.listings import is_free, restricted_through, takes_referrals

    (pk, name, checked, national, cost, min_age, max_age, intake, until, accepts, email) = values[
        :11
    ]
    summary, description, organisation = values[11:14]
    document = keyword.document(name, summary or "", description or "", organisation or "")
    if postings is not None:  # a whole build: straight into the postings, not kept per row
        postings.add(document)
        document = {}
    return ServiceRow(
        pk=Service._meta.pk.to_python(pk),
        name=name,
        checked=_as_timestamp(checked),
        national=bool(national),
        has_location=False,
        free=is_free(cost),
        min_age=math.nan if min_age is None else float(min_age),
        max_age=math.nan if max_age is None else float(max_age),
        restricted_through=restricted_through(intake, _as_date(until)),
        takes_referrals=takes_referrals(accepts, email),
        document=document,
    )


def read_services(
    wholes: dict, only: list | None = None, postings: "PostingsBuilder | None" = None
) -> list[ServiceRow]:
    """Published services (all, or those of `only`) with everything the index holds of them,
    in (name, id) order. Term ids are read through the vocabulary tables: for the whole
    directory packed into a few integer columns a service, for a few services row by row.
    With `postings` (a whole build), each service's words go there as it is read."""
    from services.models import Service, ServiceAtLocation

    select, source = _service_columns()
    published, params = _published_sql(only)
    pk = f"s.{_pk(Service)}"
    name = f"s.{_column(Service, 'name')}"
    if _postgresql():
        name += ' COLLATE "C"'  # code-point order, as Python compares strings
    rows: list[ServiceRow] = []
    with connection.cursor() as db:
        db.execute(
            f"SELECT {select} FROM {source} WHERE {pk} IN ({published}) ORDER BY {name}, {pk}",
            params,
        )
        while chunk := db.fetchmany(5000):
            rows.extend(_row(values, postings) for values in chunk)
    by_raw = {row.pk: row for row in rows}
    ids = list(by_raw)
    if not ids:
        return rows
    narrowed = only is not None

    def of_these(queryset):
        return queryset.filter(service_id__in=ids) if narrowed else queryset

    # The whole directory's terms are read packed (`_packed_terms`); a few services' here.
    for relation in VOCABULARY_RELATIONS if narrowed else ():
        field_ = _m2m(relation)
        through = cast(type[models.Model], field_.remote_field.through)
        target = f"{field_.m2m_reverse_field_name()}_id"
        pairs = of_these(through._default_manager.all()).values_list("service_id", target)
        for service_id, term_id in pairs.iterator(chunk_size=10_000):
            by_raw[service_id].terms.setdefault(relation, []).append(term_id)
    located = of_these(ServiceAtLocation.objects.all()).values_list(
        "service_id", "location__latitude", "location__longitude"
    )
    for service_id, lat, lon in located.iterator(chunk_size=10_000):
        row = by_raw.get(service_id)
        if row is not None:
            row.has_location = True
            row.points.append((lat, lon))
    areas = of_these(Service.areas.through.objects.all()).values_list("service_id", "area_id")
    for service_id, area_id in areas.iterator(chunk_size=10_000):
        row = by_raw.get(service_id)
        if row is not None:
            row.covers_any = True
            row.councils.update(wholes.get(area_id, ()))
    return rows


def _packed_terms(all_terms: dict[str, list], ids: list) -> dict[str, np.ndarray]:
    """Per relation, the bool matrix (services in `ids` order × terms in `all_terms` order)
    read packed: a few integer columns a service, not a row a term."""
    from services.models import Service

    quote = connection.ops.quote_name
    pk = _pk(Service)
    joins, packed, term_ids = [], {}, {}
    for number, (relation, terms) in enumerate(all_terms.items()):
        term_ids[relation] = [term.pk for term in terms]
        sql, names = _packed_terms_sql(relation, term_ids[relation], f"r{number}")
        joins.append(f"LEFT JOIN ({sql}) r{number} ON r{number}.service_id = s.{pk}")
        packed[relation] = names
    published, params = _published_sql(None)
    columns = ", ".join(name for names in packed.values() for name in names)
    with connection.cursor() as db:
        db.execute(
            f"SELECT s.{pk}, {columns} FROM {quote(Service._meta.db_table)} s "
            f"{' '.join(joins)} WHERE s.{pk} IN ({published})",
            params,
        )
        fetched = db.fetchall()
    to_uuid = Service._meta.pk.to_python
    order = {pk: n for n, pk in enumerate(ids)}
    fetched.sort(key=lambda values: order[to_uuid(values[0])])
    columns_of = list(zip(*fetched, strict=True)) if fetched else []
    matrices, offset = {}, 1
    for relation, names in packed.items():
        values = [list(columns_of[offset + n]) for n in range(len(names))] if fetched else []
        matrices[relation] = (
            _unpack(values, len(term_ids[relation]))
            if fetched
            else np.zeros((0, len(term_ids[relation])), bool)
        )
        offset += len(names)
    return matrices


def build() -> Index:
    """The whole index, read from one snapshot of the database."""
    with consistent_read():
        cursor = _start_cursor()
        all_terms = _terms()
        wholes = _area_wholes()
        postings = PostingsBuilder()
        rows = read_services(wholes, postings=postings)
        keys = [(row.name, row.pk.int) for row in rows]
        if keys != sorted(keys):  # the database's order is not Python's: put it right
            order = sorted(range(len(rows)), key=keys.__getitem__)
            rows = [rows[n] for n in order]
            postings.reorder(order)
        del keys
        ids_uuid = [row.pk for row in rows]
        matrices = _packed_terms(all_terms, ids_uuid)
    index = _assemble(cursor, all_terms, wholes, rows, matrices, postings.text(len(rows)))
    del rows, matrices, postings
    keyword.forget_texts()
    give_back_memory()
    return index


def give_back_memory() -> None:
    """Return freed memory to the system (glibc keeps it otherwise): after a build, and
    after an index is replaced."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _assemble(cursor, all_terms, wholes, rows: list[ServiceRow], matrices, text) -> Index:
    size = len(rows)
    councils = _council_columns(wholes, {})
    covers = np.zeros((size, len(councils)), bool)
    point_service, point_lat, point_lon = [], [], []
    for n, row in enumerate(rows):
        covers[n, [councils[slug] for slug in row.councils]] = True
        for lat, lon in row.points:
            point_service.append(n)
            point_lat.append(lat)
            point_lon.append(lon)
    terms = {
        relation: Terms(listed, {term.pk: n for n, term in enumerate(listed)}, matrices[relation])
        for relation, listed in all_terms.items()
    }

    def values(name: str, dtype) -> np.ndarray:
        return np.array([getattr(row, name) for row in rows], dtype=dtype)

    return Index(
        cursor=cursor,
        ids=Ids.of(row.pk for row in rows),
        live=np.ones(size, bool),
        name_rank=np.arange(size, dtype=np.float64),
        by_name=array("i", range(size)),  # rows are in (name, id) order
        labels=Strings(row.name for row in rows),
        checked=values("checked", np.float64),
        national=values("national", bool),
        has_location=values("has_location", bool),
        free=values("free", bool),
        min_age=values("min_age", np.float64),
        max_age=values("max_age", np.float64),
        restricted_through=values("restricted_through", np.int64),
        takes_referrals=values("takes_referrals", bool),
        terms=terms,
        points=Points.of(
            np.array(point_service, np.int64),
            np.array(point_lat, np.float64),
            np.array(point_lon, np.float64),
        ),
        covers=np.packbits(covers, axis=1),
        covers_any=values("covers_any", bool),
        councils=councils,
        area_wholes=wholes,
        text=text,
    )


class PostingsBuilder:
    """Collects each service's stems and weights, in the order services are read, into flat
    arrays (a few bytes a posting, no object per service), then sorts them by stem."""

    def __init__(self) -> None:
        self.stems: dict[str, int] = {}
        self.stem_of, self.position_of, self.weight_of = array("i"), array("i"), array("B")
        self.count = 0

    def add(self, document: dict[str, int]) -> None:
        stems, position = self.stems, self.count
        for stem, weight in document.items():
            number = stems.get(stem)
            if number is None:
                number = stems[stem] = len(stems)
            self.stem_of.append(number)
            self.position_of.append(position)
            self.weight_of.append(weight)
        self.count += 1

    def reorder(self, order: list[int]) -> None:
        """Services were reordered: row n is now the one read at order[n]."""
        new_position = np.empty(len(order), dtype=np.int32)
        new_position[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
        moved = new_position[np.frombuffer(self.position_of, dtype=np.int32)]
        self.position_of = array("i", moved.tobytes())

    def text(self, size: int) -> Text:
        """The postings, with the stems numbered in `Stems` order (found by bisection)."""
        names = list(self.stems)  # by number, as first seen
        by_stem = Stems.order(names)
        renumber = np.empty(len(names), dtype=np.int32)
        renumber[np.array(by_stem, dtype=np.int64)] = np.arange(len(names), dtype=np.int32)
        numbers = renumber[np.frombuffer(self.stem_of, dtype=np.int32)]
        order = np.argsort(numbers, kind="stable")  # by stem, then position
        starts = np.zeros(len(names) + 1, dtype=np.int64)
        np.cumsum(np.bincount(numbers, minlength=len(names)), out=starts[1:])
        stems = Stems.of_ordered([names[n] for n in by_stem])
        del names, by_stem, numbers
        self.stems = {}
        return Text(
            stems=stems,
            starts=starts,
            positions=np.frombuffer(self.position_of, dtype=np.int32)[order],
            weights=np.frombuffer(self.weight_of, dtype=np.uint8)[order],
            dirty=np.zeros(size, bool),
            overlay={},
        )


# Searching -------------------------------------------------------------------------------


@dataclass
class Criteria:
    """A validated search, in the index's terms (built by `ServiceFilterSet.criteria`)."""

    terms: dict[str, list[int]]  # relation -> selected term ids (OR within, AND across)
    today: datetime.date
    stale_cutoff: datetime.datetime
    sort: str  # distance, name, recently_checked or relevance
    free: bool = False
    age: int | None = None
    accepting: bool = False
    takes_referrals: bool = False
    include_national: bool = True
    point: tuple[float, float, float] | None = None  # lat, lon, radius km
    council_area: str | None = None
    only_ids: Sequence | np.ndarray | None = None  # ids matching the SQL filters (or their keys)
    words: Sequence[keyword.Word] = ()
    facet_relations: Sequence[str] = ()


def _haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances from (lat, lon) to each (lats, lons), in km: the haversine
    formula, as `services.geo.distance.haversine_km` works it out for one. Worked in place
    (a quarter faster than one new array per step; the same operations, the same values)."""
    phi1, lam1 = math.radians(lat), math.radians(lon)
    phi = np.radians(lats)
    h = phi - phi1
    h /= 2
    np.square(np.sin(h, out=h), out=h)  # sin²(Δφ/2)
    across = np.radians(lons)
    across -= lam1
    across /= 2
    np.square(np.sin(across, out=across), out=across)  # sin²(Δλ/2)
    cosines = np.cos(phi, out=phi)
    cosines *= math.cos(phi1)  # cos φ1·cos φ, then times sin²(Δλ/2): the formula's order
    across *= cosines
    h += across
    np.arcsin(np.sqrt(h, out=h), out=h)
    h *= 2 * EARTH_RADIUS_KM
    return h


@dataclass(frozen=True)
class Reach:
    """The locations around a searched place whose services are still candidates (their
    coordinates and services' positions), each marked as certainly within the distance
    (`sure`), certainly beyond it, or too near the edge to tell without the exact formula
    (`unsure`).

    Told apart with a polynomial in the differences of latitude and longitude instead of
    the haversine formula's sines and cosines (a few multiplications a location instead of
    three transcendental functions: about a twentieth of the cost), with a bound on its
    error worked out once per search (`_haversine_error`) and a margin for rounding, so a
    location is only ever called certain when the exact formula agrees. Exact distances are
    then worked out only for the unsure and for the services a search returns."""

    lat: float
    lon: float
    km: float
    lats: np.ndarray
    lons: np.ndarray
    owners: np.ndarray
    sure: np.ndarray
    unsure: np.ndarray
    h: np.ndarray  # the polynomial's h for each location
    error: float  # the most h can be off by, rounding included

    @classmethod
    def of(cls, lat, lon, km, box, lats: np.ndarray, lons: np.ndarray, owners) -> "Reach":
        phi1 = math.radians(lat)
        # h of the haversine formula, hav(d / R) = sin²(Δφ/2) + cos φ1·cos φ·sin²(Δλ/2),
        # with sin x ≈ x and cos φ ≈ cos φ1 - sin φ1·Δφ; d ≤ km exactly when h ≤ limit.
        d_phi = np.radians(lats - lat)
        half_lambda = np.radians(lons - lon) / 2
        across = np.square(half_lambda, out=half_lambda)
        across *= math.cos(phi1) - math.sin(phi1) * d_phi
        across *= math.cos(phi1)
        h = np.square(d_phi / 2, out=d_phi)
        h += across
        limit = math.sin(km / (2 * EARTH_RADIUS_KM)) ** 2
        error = _haversine_error(
            math.radians(max(box.max_lat - lat, lat - box.min_lat)),
            math.radians(max(box.max_lon - lon, lon - box.min_lon)),
        )
        sure = h <= limit * (1 - ROUNDING_MARGIN) - error
        unsure = ~sure & (h < limit * (1 + ROUNDING_MARGIN) + error)
        return cls(lat, lon, km, lats, lons, owners, sure, unsure, h, error)

    def near(self, size: int) -> np.ndarray:
        """Per service of an index of `size`: whether it has a location within the distance."""
        near = np.zeros(size, dtype=bool)
        near[self.owners[self.sure]] = True
        unsure = np.flatnonzero(self.unsure)
        if len(unsure):
            km = _haversine_km(self.lat, self.lon, self.lats[unsure], self.lons[unsure])
            near[self.owners[unsure[km <= self.km]]] = True
        return near

    def nearby(self, size: int, wanted: np.ndarray | None = None) -> "Nearby":
        """The services (those `wanted`, bool per service, allows) with a location within
        the distance, and their exact distances."""
        measured = self.sure | self.unsure
        if wanted is not None:
            measured &= wanted[self.owners]
        return self._measured(np.flatnonzero(measured), size)

    def nearest(self, size: int, wanted: np.ndarray) -> "Nearby":
        """The service (or those tied) with the nearest location within the distance, of
        those `wanted` (bool per service) allows. Only the locations whose least possible
        h is below the least of the largest possible are measured exactly: a handful."""
        measured = np.flatnonzero((self.sure | self.unsure) & wanted[self.owners])
        if len(measured):
            h = self.h[measured]
            best = (float(h.min()) + self.error) * (1 + ROUNDING_MARGIN)
            measured = measured[h - self.error <= best]
        return self._measured(measured, size)

    def _measured(self, measured: np.ndarray, size: int) -> "Nearby":
        km = _haversine_km(self.lat, self.lon, self.lats[measured], self.lons[measured])
        within = km <= self.km
        return Nearby.of(self.owners[measured[within]], km[within], size)


# A location is certainly within (or beyond) a distance only this far (relatively) inside
# (or outside) it by the polynomial: far more than the exact formula's relative rounding.
ROUNDING_MARGIN = 1e-9
# The most the exact formula's differences of radians (φ - φ1, λ - λ1: each a difference of
# two rounded conversions of degrees) can be off by: several units in the last place of π.
RADIANS_SLACK = 1e-15


def _haversine_error(d_phi: float, d_lambda: float) -> float:
    """The most `Reach`'s polynomial can differ from the haversine formula's h as worked out
    in floating point, for differences of latitude and longitude (radians) up to these:
    |sin²x - x²| ≤ x⁴/3, |cos(φ1 + δ) - (cos φ1 - sin φ1·δ)| ≤ δ²/2 + |δ|³/6, and the
    rounding of the differences themselves (h changes by at most |δ| and |λ| times theirs:
    what matters for a radius of a few metres, where h is tiny)."""
    half_phi, half_lambda = d_phi / 2, d_lambda / 2
    return (
        half_phi**4 / 3
        + half_lambda**4 / 3
        + (d_phi**2 / 2 + d_phi**3 / 6) * half_lambda**2
        + (d_phi + d_lambda) * RADIANS_SLACK
    )


@dataclass(frozen=True)
class Nearby:
    """The services with a location within a search's distance (positions, ascending) and
    the distance in km to the nearest location of each."""

    positions: np.ndarray  # int64
    km: np.ndarray  # float64

    @classmethod
    def of(cls, owners: np.ndarray, distances: np.ndarray, size: int) -> "Nearby":
        """From locations (their services' positions, any order, repeated for a service with
        several) and their distances: the smallest per service. For a few locations,
        sorting them is cheapest; for many, one slot per service of the index is."""
        if not len(owners):
            return cls(np.empty(0, np.int64), np.empty(0, np.float64))
        if len(owners) * 16 < size:
            order = np.argsort(owners, kind="stable")
            owners, distances = owners[order], distances[order]
            firsts = np.flatnonzero(np.diff(owners, prepend=-1))
            return cls(owners[firsts].astype(np.int64), np.minimum.reduceat(distances, firsts))
        nearest = np.full(size, np.inf)
        np.minimum.at(nearest, owners, distances)
        positions = np.flatnonzero(nearest != np.inf)
        return cls(positions, nearest[positions])

    def km_of(self, positions: np.ndarray) -> np.ndarray:
        """The distances of the services at `positions` (ascending), NaN for those not
        nearby."""
        km = np.full(len(positions), np.nan)
        if not len(self.positions):
            return km
        at = np.minimum(np.searchsorted(self.positions, positions), len(self.positions) - 1)
        found = self.positions[at] == positions
        km[found] = self.km[at[found]]
        return km


# Relevance with a place: a service this many km away counts half as relevant as one here.
RELEVANCE_HALF_KM = 10.0


@dataclass
class Hits:
    """The results of one search: positions in result order, with what each card needs."""

    index: Index
    order: np.ndarray
    in_group: np.ndarray  # per result, in order: in the national/online group
    stale: np.ndarray
    distance: np.ndarray | None  # per result, in order: km to the nearest location or NaN
    ranks: np.ndarray | None
    is_grouped: bool
    count_facets: Callable[[], dict[str, dict[int, int]]] = field(default=dict, repr=False)

    @cached_property
    def facets(self) -> dict[str, dict[int, int]]:
        """Per faceted relation, per term: how many results there would be with it also
        selected. Counted when first asked: the search page shows them, the API only when
        asked (facets=true), the HSDS lists and the nearest support never."""
        return self.count_facets()

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def national_total(self) -> int:
        return int(self.in_group.sum())

    @property
    def ids(self) -> list:
        return self.index.ids.uuids(self.order)

    def page(self, key: slice, fetch: Callable, relations: Sequence[str] = ()) -> list:
        """The services of one slice of the results, from the database (`fetch` reads the
        services of a list of ids), annotated for the result cards, with the vocabulary
        `relations` filled in from the index (no query)."""
        from services.vocabulary_loader import fill_prefetch_cache

        chosen = range(len(self.order))[key]
        wanted = self.index.ids.uuids(self.order[key])
        if not wanted:
            return []
        found = {service.pk: service for service in fetch(wanted)}
        services = []
        for n, pk in zip(chosen, wanted, strict=True):
            service = found.get(pk)
            if service is None:  # gone since the index was checked, moments ago
                continue
            service.listing_is_stale = bool(self.stale[n])
            if self.is_grouped and self.distance is not None:
                service.in_national_group = bool(self.in_group[n])
                distance = self.distance[n]
                service.distance_km = None if np.isnan(distance) else float(distance)
            if self.ranks is not None:
                service.search_rank = float(self.ranks[n])
            position = self.order[n]
            fill_prefetch_cache(
                service,
                {relation: self.index.terms[relation].of(position) for relation in relations},
            )
            services.append(service)
        return services


def search(index: Index, criteria: Criteria) -> Hits:
    """The results of a search, in order (facet counts when asked). The cheap tests (flags
    held per service) run over every service; what costs more per service (distances,
    vocabulary terms, staleness, order) only over those still in the running."""
    base, relevance = _filtered(index, criteria)
    group = reach = None
    if criteria.point:
        lat, lon, km = criteria.point
        group = index.remote_group(criteria.council_area)
        if not criteria.include_national:
            base &= ~index.national
        reach = index.reach(lat, lon, km, among=base)
        near = reach.near(len(index))
        base &= (near | group) if criteria.include_national else near
    elif not criteria.include_national:
        base &= ~index.national
    candidates = np.flatnonzero(base)
    by_term = {
        relation: index.terms[relation].by_term(candidates) for relation in _chosen(criteria)
    }
    matches = {
        relation: index.terms[relation].any_of(criteria.terms[relation], by_term[relation])
        for relation in _chosen(criteria)
    }
    everything = np.ones(len(candidates), dtype=bool)
    for match in matches.values():
        everything &= match
    facets = partial(_facets, index, criteria.facet_relations, candidates, by_term, matches)
    results = candidates[everything]
    in_group = group[results] if group is not None else np.zeros(len(results), dtype=bool)
    distances = None
    if reach is not None:
        distances = reach.nearby(len(index), wanted=_mask(results, len(index))).km_of(results)
    ranks = relevance[results] if relevance is not None else None
    return _in_order(index, criteria, results, in_group, distances, ranks, facets)


def _mask(positions: np.ndarray, size: int) -> np.ndarray:
    """True at `positions`, of `size`."""
    mask = np.zeros(size, dtype=bool)
    mask[positions] = True
    return mask


def _chosen(criteria: Criteria) -> list[str]:
    """The vocabulary relations the search filters on."""
    return [relation for relation, selected in criteria.terms.items() if selected]


def _filtered(index: Index, criteria: Criteria) -> tuple[np.ndarray, np.ndarray | None]:
    """Per service: whether it passes the filters held as flags, the SQL filters' ids and
    the words (not the place, not the vocabularies); and its relevance to the words."""
    base = index.live.copy()
    if criteria.only_ids is not None:
        wanted = np.zeros(len(index), dtype=bool)
        wanted[index.ids.positions_of(criteria.only_ids)] = True
        base &= wanted
    if criteria.free:
        base &= index.free
    if criteria.age is not None:
        base &= index.for_age(criteria.age)
    if criteria.accepting:
        base &= index.accepting(criteria.today)
    if criteria.takes_referrals:
        base &= index.takes_referrals
    relevance = None
    if criteria.words:
        relevance = index.relevance(criteria.words)
        base &= relevance > 0
    return base, relevance


def _facets(
    index: Index,
    relations: Sequence[str],
    candidates: np.ndarray,
    by_term: dict[str, np.ndarray],
    matches: dict[str, np.ndarray],
) -> dict[str, dict[int, int]]:
    """The facet counts of `relations`, over the candidates (`by_term` has the terms of the
    relations chosen, turned: see `Terms.by_term`)."""
    counts = {}
    for relation in relations:
        terms = index.terms[relation]
        turned = by_term[relation] if relation in by_term else terms.by_term(candidates)
        counts[relation] = _facet_counts(terms, turned, relation, matches)
    return counts


def _facet_counts(
    terms: Terms, by_term: np.ndarray, relation: str, matches: dict[str, np.ndarray]
) -> dict[int, int]:
    """Per term of `relation`: how many results there would be with it also selected,
    counted over the candidates (`by_term`, `matches` per relation chosen)."""
    others = np.ones(by_term.shape[1], dtype=bool)
    for name, match in matches.items():
        if name != relation:
            others &= match
    chosen = matches.get(relation)
    if chosen is None:  # nothing chosen here: count the results having each option
        already, counted = 0, others
    else:  # the results, plus those of the other filters having this option instead
        already, counted = int(np.count_nonzero(chosen[others])), others & ~chosen
    extra = [np.count_nonzero(row & counted) for row in by_term]
    return {pk: already + int(extra[column]) for pk, column in terms.columns.items()}


def _in_order(
    index: Index,
    criteria: Criteria,
    results: np.ndarray,
    in_group: np.ndarray,
    distances: np.ndarray | None,
    ranks: np.ndarray | None,
    facets: Callable[[], dict[str, dict[int, int]]],
) -> Hits:
    """The results in the order asked for: the local group first, fresh listings before
    overdue ones, then by the sort, then by name."""
    stale = index.stale(results, criteria.stale_cutoff)
    keys = [index.name_rank[results]]  # np.lexsort: the last key is the most significant
    if criteria.sort == "distance" and distances is not None:
        keys.append(np.where(in_group, np.inf, np.nan_to_num(distances, nan=np.inf)))
    elif criteria.sort == "recently_checked":
        checked = index.checked[results]
        keys.append(np.where(np.isnan(checked), np.inf, -checked))
    elif criteria.sort == "relevance" and ranks is not None:
        score = ranks
        if distances is not None:
            nearness = RELEVANCE_HALF_KM / (RELEVANCE_HALF_KM + np.nan_to_num(distances, nan=0))
            score = np.where(in_group, ranks, ranks * nearness)
        keys.append(-score)
    keys.append(stale)
    if criteria.point:
        keys.append(in_group)
    order = np.lexsort(keys)
    return Hits(
        index=index,
        order=results[order],
        in_group=in_group[order],
        stale=stale[order],
        distance=distances[order] if distances is not None else None,
        ranks=ranks[order] if ranks is not None else None,
        is_grouped=criteria.point is not None,
        count_facets=facets,
    )


def nearest_local(index: Index, criteria: Criteria, limit_km: float) -> tuple[int, float] | None:
    """The position of the service, and its distance, that `search` for `criteria` at
    `limit_km` sorted by distance would list first outside the national/online group: the
    nearest to the place matching the rest of the search (fresh before overdue on a tie,
    then by name); None if none is within `limit_km`.

    It looks within growing distances, doubling, and stops at the first that finds one
    (anything farther out is farther than it): a search that found nothing near a town
    rarely needs the whole country measured. The first look is at twice the distance
    searched: it is asked when the search found nothing within that (and were something
    there, the first look would find it all the same)."""
    assert criteria.point is not None, "only a search near a place has a nearest"
    lat, lon, km = criteria.point
    base, _relevance = _filtered(index, criteria)
    # The group holds every national service, so excluding national services adds nothing.
    eligible = base & ~index.remote_group(criteria.council_area)
    radius = min(2 * km, limit_km)
    while True:
        reach = index.reach(lat, lon, radius, among=eligible)
        # Exact distances only for the services that have the vocabulary terms asked for.
        owners = reach.owners[reach.sure | reach.unsure]
        matching = np.ones(len(owners), dtype=bool)
        for relation in _chosen(criteria):
            held = index.terms[relation]
            matching &= held.any_of(criteria.terms[relation], held.by_term(owners))
        nearby = reach.nearest(len(index), wanted=_mask(owners[matching], len(index)))
        if len(nearby.positions):
            return _nearest_of(index, criteria, nearby.positions, nearby.km)
        if radius >= limit_km:
            return None
        radius = min(limit_km, radius * 2)


def _nearest_of(
    index: Index, criteria: Criteria, positions: np.ndarray, km: np.ndarray
) -> tuple[int, float]:
    """Of services and their distances, the one a search sorted by distance lists first."""
    closest = np.flatnonzero(km == km.min())
    stale = index.stale(positions[closest], criteria.stale_cutoff)
    first = closest[np.lexsort((index.name_rank[positions[closest]], stale))[0]]
    return int(positions[first]), float(km[first])
