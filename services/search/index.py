"""The in-memory search index behind `/search/` and `/api/v1/services/`.

Why it exists: at 100 000 services (21 000 of them within 25 km of Paisley in `make bench`)
every SQL formulation of "near a place + filters + facet counts" had to join and re-read
tens of thousands of rows per request (0.5–0.7 s on PostgreSQL). The index keeps, for every
published service, only what searches filter, sort and count on — its place in name order,
flags, ages, intake, its vocabulary terms as a boolean matrix and the coordinates of its
locations — as numpy arrays. A search is then a few vectorised operations, and the database
is asked only for the page of services shown.

The database stays the only source of truth; the index is a per-process cache of it:

- built from the database (a few queries; about 2 s at 100 000 services, a fraction of a
  second at the size of the real directory), by gunicorn workers before their first request;
- before each search, its token is compared with `SearchIndexState.token` (one query);
  every edit that can change results gives that row a new random token (signals in
  `services.signals`, and `changed()` after bulk loads), so an edit in any process is seen
  by every process on its next search;
- rebuilt when the tokens differ.

Filters the index does not hold — keyword, area, accessibility, day and open now — run in
SQL (one query for all of them) and narrow the index's results to the ids it returns.
`services.filters.ServiceFilterSet.qs` is the same search written wholly in SQL; tests check
that both agree.
"""

import datetime
import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from services.geo.distance import EARTH_RADIUS_KM, bounding_box
from services.vocabulary_loader import VOCABULARY_RELATIONS

# Terms of one vocabulary are packed into integer columns of this many bits each, so any
# number of terms fits (SQLite and PostgreSQL integers are 64-bit signed).
BITS_PER_COLUMN = 62


@dataclass(frozen=True)
class Terms:
    """One vocabulary relation: its terms in display order (one column each), and which
    services have each."""

    terms: list  # vocabulary model instances, in display order
    columns: dict[int, int]  # term id -> column
    matrix: np.ndarray  # bool, services × terms

    def of(self, position: int) -> list:
        """The terms of the service at `position`, in display order."""
        row = self.matrix[position]
        return [term for column, term in enumerate(self.terms) if row[column]]

    def any_of(self, term_ids: Iterable[int], rows: np.ndarray) -> np.ndarray:
        """For the services at `rows`: whether each has any of `term_ids`."""
        wanted = [self.columns[pk] for pk in term_ids if pk in self.columns]
        if not wanted:
            return np.zeros(len(rows), dtype=bool)
        return self.matrix[np.ix_(rows, wanted)].any(axis=1)


@dataclass(frozen=True)
class Snapshot:
    """The index at one token. Services are held in (name, id) order, the order the
    database sorts them by name, so a service's position is also its name rank."""

    token: uuid.UUID | None
    ids: list[int]  # the services' UUIDs as integers: ints and int-only dicts cost the
    positions: dict[int, int]  # garbage collector nothing, 100 000 UUID objects would
    checked: np.ndarray  # last_checked_at as POSIX seconds, NaN when never checked
    national: np.ndarray
    has_location: np.ndarray
    free: np.ndarray
    min_age: np.ndarray  # NaN when not set
    max_age: np.ndarray
    restricted: np.ndarray  # intake full or paused…
    restricted_until: np.ndarray  # …until this date's ordinal (0: no end date)
    takes_referrals: np.ndarray  # services.models.listings.takes_referrals
    terms: dict[str, Terms]
    point_lat: np.ndarray  # every location of every service, sorted by latitude
    point_lon: np.ndarray
    point_service: np.ndarray
    point_phi: np.ndarray  # latitude, longitude in radians and cos(latitude), for distances
    point_lambda: np.ndarray
    point_cos_phi: np.ndarray
    uncovered: np.ndarray  # services with no location and no covered area
    covering: dict[str, np.ndarray] = field(default_factory=dict)  # council slug -> positions

    def __len__(self) -> int:
        return len(self.ids)

    # Filters -------------------------------------------------------------------------

    def accepting(self, today: datetime.date) -> np.ndarray:
        until = self.restricted_until
        return ~(self.restricted & ((until == 0) | (until >= today.toordinal())))

    def for_age(self, age: int) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (np.isnan(self.min_age) | (self.min_age <= age)) & (
                np.isnan(self.max_age) | (self.max_age >= age)
            )

    def stale(self, cutoff: datetime.datetime) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.isnan(self.checked) | (self.checked < cutoff.timestamp())

    def remote_group(self, council_area_slug: str | None) -> np.ndarray:
        """Mirrors `services.search.remote_group_q`: national services, and services with no
        location whose covered areas (if any) include the council area (all, if unknown)."""
        group = self.national.copy()
        if not council_area_slug:
            return group | ~self.has_location
        group[self.uncovered] = True
        group[self.covering.get(council_area_slug, np.empty(0, dtype=np.int64))] = True
        return group

    def nearest_km(self, lat: float, lon: float, km: float) -> np.ndarray:
        """Per service: the great-circle distance to its nearest location inside the
        bounding box of the circle (NaN if none), as `services.search.with_distance`."""
        box = bounding_box(lat, lon, km)
        start = np.searchsorted(self.point_lat, box.min_lat, side="left")
        stop = np.searchsorted(self.point_lat, box.max_lat, side="right")
        lons = self.point_lon[start:stop]
        inside = np.flatnonzero((lons >= box.min_lon) & (lons <= box.max_lon)) + start
        owners = self.point_service[inside]
        phi1, lam1 = math.radians(lat), math.radians(lon)
        h = np.square(np.sin((self.point_phi[inside] - phi1) / 2)) + math.cos(
            phi1
        ) * self.point_cos_phi[inside] * np.square(np.sin((self.point_lambda[inside] - lam1) / 2))
        distances = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
        nearest = np.full(len(self), np.inf)
        np.minimum.at(nearest, owners, distances)
        nearest[np.isinf(nearest)] = np.nan
        return nearest


# Building --------------------------------------------------------------------------------
#
# The index is read with two statements written here from the models' metadata (table and
# column names, never user input), because the ORM cannot join grouped subqueries: packing
# each service's terms through correlated subqueries took 3 s at 100 000 services, this
# way takes a fraction of that. Which services are published is still the ORM's definition.


def _terms() -> dict[str, list]:
    """Every term of each relation, in display order (as `attach_vocabularies` orders)."""
    from services.models import Service

    return {
        relation: list(
            Service._meta.get_field(relation).related_model.objects.order_by(
                "position", "name", "pk"
            )
        )
        for relation in VOCABULARY_RELATIONS
    }


def _packed_terms_sql(relation: str, term_ids: list[int], alias: str) -> tuple[str, list[str]]:
    """A grouped subquery packing each service's terms of `relation` into integer columns:
    term n of `term_ids` is bit n % BITS_PER_COLUMN of column n // BITS_PER_COLUMN."""
    from services.models import Service

    quote = connection.ops.quote_name
    relation_field = Service._meta.get_field(relation)
    through = relation_field.remote_field.through._meta
    service_column = quote(through.get_field(relation_field.m2m_field_name()).column)
    term_column = quote(through.get_field(relation_field.m2m_reverse_field_name()).column)
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
        f"FROM {quote(through.db_table)} GROUP BY {service_column}"
    )
    return sql, names


def _service_rows(term_ids: dict[str, list[int]]) -> tuple[list, dict[str, list[str]]]:
    from services.models import Service, ServiceAtLocation

    quote = connection.ops.quote_name
    meta = Service._meta

    def column(name: str) -> str:
        return f"s.{quote(meta.get_field(name).column)}"

    checked = column("last_checked_at")
    if connection.vendor == "postgresql":
        checked = f"EXTRACT(EPOCH FROM {checked})"
    located = ServiceAtLocation._meta
    located_service = quote(located.get_field("service").column)
    joins, packed = [], {}
    for number, (relation, ids) in enumerate(term_ids.items()):
        sql, names = _packed_terms_sql(relation, ids, f"r{number}")
        joins.append(
            f"LEFT JOIN ({sql}) r{number} ON r{number}.service_id = s.{quote(meta.pk.column)}"
        )
        packed[relation] = names
    published_sql, params = (
        Service.objects.published().order_by().values("pk").query.sql_with_params()
    )
    pk = f"s.{quote(meta.pk.column)}"
    sql = (
        f"SELECT {pk}, {checked}, {column('is_national')}, {column('cost')}, "
        f"{column('min_age')}, {column('max_age')}, {column('intake_status')}, "
        f"{column('intake_status_until')}, located.service_id IS NOT NULL, "
        f"{column('accepts_referrals')}, {column('referral_email')}, "
        f"{', '.join(name for names in packed.values() for name in names)} "
        f"FROM {quote(meta.db_table)} s {' '.join(joins)} "
        f"LEFT JOIN (SELECT DISTINCT {located_service} AS service_id "
        f"FROM {quote(located.db_table)}) located ON located.service_id = {pk} "
        f"WHERE {pk} IN ({published_sql}) "
        f"ORDER BY {column('name')}, {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall(), packed


def _points() -> list:
    from services.models import Location, ServiceAtLocation

    quote = connection.ops.quote_name
    located, place = ServiceAtLocation._meta, Location._meta
    sql = (
        f"SELECT sal.{quote(located.get_field('service').column)}, "
        f"l.{quote(place.get_field('latitude').column)}, "
        f"l.{quote(place.get_field('longitude').column)} "
        f"FROM {quote(located.db_table)} sal JOIN {quote(place.db_table)} l "
        f"ON l.{quote(place.pk.column)} = sal.{quote(located.get_field('location').column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


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


def _as_ordinal(value) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value.toordinal()


def _unpack(values: list, count: int) -> np.ndarray:
    """Bool matrix (services × terms) from the packed columns (each a list of int or None)."""
    matrix = np.zeros((len(values[0]) if values else 0, count), dtype=bool)
    for column, packed in enumerate(values):
        array = np.array([value or 0 for value in packed], dtype=np.int64)
        for bit in range(min(BITS_PER_COLUMN, count - column * BITS_PER_COLUMN)):
            matrix[:, column * BITS_PER_COLUMN + bit] = (array >> bit) & 1
    return matrix


def build(token) -> Snapshot:
    from services.models import Area, Service
    from services.models.listings import takes_referrals
    from services.search.filterset import FREE_COSTS

    all_terms = _terms()
    term_ids = {relation: [term.pk for term in terms] for relation, terms in all_terms.items()}
    rows, packed = _service_rows(term_ids)
    width = 11 + sum(len(names) for names in packed.values())
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    to_uuid = Service._meta.pk.to_python
    raw_positions = {raw: n for n, raw in enumerate(columns[0])}
    ids = [to_uuid(raw).int for raw in columns[0]]
    positions = {pk: n for n, pk in enumerate(ids)}
    restricted_statuses = {Service.Intake.FULL, Service.Intake.PAUSED}

    def floats(values) -> np.ndarray:
        return np.array([math.nan if v is None else v for v in values], dtype=np.float64)

    terms, offset = {}, 11
    for relation, names in packed.items():
        matrix = _unpack(list(columns[offset : offset + len(names)]), len(term_ids[relation]))
        by_id = {pk: n for n, pk in enumerate(term_ids[relation])}
        terms[relation] = Terms(all_terms[relation], by_id, matrix)
        offset += len(names)

    point_service, point_lat, point_lon = [], [], []
    for raw, lat, lon in _points():
        position = raw_positions.get(raw)
        if position is not None:
            point_service.append(position)
            point_lat.append(lat)
            point_lon.append(lon)
    lat_array = np.array(point_lat, dtype=np.float64)
    by_latitude = np.argsort(lat_array, kind="stable")

    has_location = np.array(columns[8], dtype=bool)
    national = np.array(columns[2], dtype=bool)
    uncovered, covering = _coverage(
        [uuid.UUID(int=ids[n]) for n in np.flatnonzero(~has_location & ~national)],
        positions,
        Area,
        Service,
    )
    return Snapshot(
        token=token,
        ids=ids,
        positions=positions,
        checked=np.array([_as_timestamp(value) for value in columns[1]], dtype=np.float64),
        national=national,
        has_location=has_location,
        free=np.array([cost in FREE_COSTS for cost in columns[3]], dtype=bool),
        min_age=floats(columns[4]),
        max_age=floats(columns[5]),
        restricted=np.array([status in restricted_statuses for status in columns[6]], bool),
        restricted_until=np.array([_as_ordinal(v) for v in columns[7]], dtype=np.int64),
        takes_referrals=np.array(
            [takes_referrals(*pair) for pair in zip(columns[9], columns[10], strict=True)],
            dtype=bool,
        ),
        terms=terms,
        point_lat=lat_array[by_latitude],
        point_lon=np.array(point_lon, dtype=np.float64)[by_latitude],
        point_service=np.array(point_service, dtype=np.int64)[by_latitude],
        point_phi=np.radians(lat_array[by_latitude]),
        point_lambda=np.radians(np.array(point_lon, dtype=np.float64)[by_latitude]),
        point_cos_phi=np.cos(np.radians(lat_array[by_latitude])),
        uncovered=uncovered,
        covering=covering,
    )


def _coverage(remote_ids: list, positions: dict, area_model, service_model):
    """For services with no location: those covering no area, and per council area the
    ones covering it (directly or through its health board or partnership)."""
    councils_of_board: dict[int, list[str]] = defaultdict(list)
    slug_of: dict[int, str] = {}
    rows = area_model.objects.values_list("pk", "slug", "health_board_id", "partnership_id")
    for pk, slug, *wholes in rows:
        slug_of[pk] = slug
        for whole in wholes:
            if whole:
                councils_of_board[whole].append(slug)
    covered: dict[str, list[int]] = defaultdict(list)
    with_areas = set()
    through = service_model.areas.through.objects.filter(service_id__in=remote_ids)
    for service_id, area_id in through.values_list("service_id", "area_id").iterator():
        position = positions[service_id.int]
        with_areas.add(position)
        for slug in (slug_of[area_id], *councils_of_board.get(area_id, ())):
            covered[slug].append(position)
    uncovered = [positions[pk.int] for pk in remote_ids if positions[pk.int] not in with_areas]
    return (
        np.array(uncovered, dtype=np.int64),
        {slug: np.array(found, dtype=np.int64) for slug, found in covered.items()},
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
    only_ids: Sequence | None = None  # the ids matching the SQL filters, if any
    ranks: dict | None = None  # id -> keyword rank, for sort=relevance
    facet_relations: Sequence[str] = ()


@dataclass
class Hits:
    """The results of one search: positions in result order, with what each card needs."""

    snapshot: Snapshot
    order: np.ndarray
    in_group: np.ndarray  # per result, in order: in the national/online group
    stale: np.ndarray
    distance: np.ndarray | None  # per result, in order: km to the nearest location or NaN
    ranks: np.ndarray | None
    facets: dict[str, dict[int, int]]
    is_grouped: bool

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def national_total(self) -> int:
        return int(self.in_group.sum())

    @property
    def ids(self) -> list:
        return [uuid.UUID(int=self.snapshot.ids[position]) for position in self.order]

    def page(self, key: slice, prepare: Callable, relations: Sequence[str] = ()) -> list:
        """The services of one slice of the results, from the database (with whatever
        `prepare` adds to the queryset), annotated like the SQL search's results, with the
        vocabulary `relations` filled in from the index (no query), as
        `ServiceQuerySet.with_vocabularies` would."""
        from services.models import Service
        from services.vocabulary_loader import fill_prefetch_cache

        chosen = range(len(self.order))[key]
        wanted = [uuid.UUID(int=self.snapshot.ids[self.order[n]]) for n in chosen]
        if not wanted:
            return []
        found = {service.pk: service for service in prepare(Service.objects.filter(pk__in=wanted))}
        services = []
        for n, pk in zip(chosen, wanted, strict=True):
            service = found.get(pk)
            if service is None:  # gone since the index was checked, moments ago
                continue
            service.listing_is_stale = bool(self.stale[n])
            if self.is_grouped:
                service.in_national_group = bool(self.in_group[n])
                distance = self.distance[n]
                service.distance_km = None if np.isnan(distance) else float(distance)
            if self.ranks is not None:
                service.search_rank = float(self.ranks[n])
            position = self.snapshot.positions[pk.int]
            fill_prefetch_cache(
                service,
                {relation: self.snapshot.terms[relation].of(position) for relation in relations},
            )
            services.append(service)
        return services


def search(snapshot: Snapshot, criteria: Criteria) -> Hits:
    size = len(snapshot)
    base = np.ones(size, dtype=bool)
    if criteria.only_ids is not None:
        base[:] = False
        positions = snapshot.positions
        base[[positions[pk.int] for pk in criteria.only_ids if pk.int in positions]] = True
    if criteria.free:
        base &= snapshot.free
    if criteria.age is not None:
        base &= snapshot.for_age(criteria.age)
    if criteria.accepting:
        base &= snapshot.accepting(criteria.today)
    if criteria.takes_referrals:
        base &= snapshot.takes_referrals

    group = distance = None
    if criteria.point:
        lat, lon, km = criteria.point
        distance = snapshot.nearest_km(lat, lon, km)
        with np.errstate(invalid="ignore"):
            near = distance <= km
        group = snapshot.remote_group(criteria.council_area)
        base &= (near | group) if criteria.include_national else (near & ~snapshot.national)
    elif not criteria.include_national:
        base &= ~snapshot.national

    # Vocabulary filters, worked on the candidates only.
    candidates = np.flatnonzero(base)
    matches = {
        relation: snapshot.terms[relation].any_of(selected, candidates)
        for relation, selected in criteria.terms.items()
        if selected
    }
    everything = np.ones(len(candidates), dtype=bool)
    for match in matches.values():
        everything &= match
    facets = {}
    for relation in criteria.facet_relations:
        others = np.ones(len(candidates), dtype=bool)
        for name, match in matches.items():
            if name != relation:
                others &= match
        terms = snapshot.terms[relation]
        chosen = matches.get(relation)
        if chosen is None:  # nothing chosen here: count the results having each option
            already, extra = 0, np.count_nonzero(terms.matrix[candidates[others]], axis=0)
        else:  # the results, plus those of the other filters having this option instead
            already = int(np.count_nonzero(chosen[others]))
            extra = np.count_nonzero(terms.matrix[candidates[others & ~chosen]], axis=0)
        facets[relation] = {pk: already + int(extra[col]) for pk, col in terms.columns.items()}
    results = candidates[everything]

    stale = snapshot.stale(criteria.stale_cutoff)[results]
    in_group = group[results] if group is not None else np.zeros(len(results), dtype=bool)
    distances = distance[results] if distance is not None else None
    ranks = None
    if criteria.ranks is not None:
        by_position = np.zeros(size, dtype=np.float64)
        for pk, rank in criteria.ranks.items():
            position = snapshot.positions.get(pk.int)
            if position is not None:
                by_position[position] = rank or 0.0
        ranks = by_position[results]
    # `results` ascend, and a position is a name rank: they are already in name order, the
    # last tie-breaker, which np.lexsort (a stable sort) keeps.
    keys = []
    if criteria.sort == "distance" and distances is not None:
        local = np.where(in_group, np.inf, np.nan_to_num(distances, nan=np.inf))
        keys.append(local)
    elif criteria.sort == "recently_checked":
        checked = snapshot.checked[results]
        keys.append(np.where(np.isnan(checked), np.inf, -checked))
    elif criteria.sort == "relevance" and ranks is not None:
        keys.append(-ranks)
    keys.append(stale)
    if criteria.point:
        keys.append(in_group)
    order = np.lexsort(keys)
    return Hits(
        snapshot=snapshot,
        order=results[order],
        in_group=in_group[order],
        stale=stale[order],
        distance=distances[order] if distances is not None else None,
        ranks=ranks[order] if ranks is not None else None,
        facets=facets,
        is_grouped=criteria.point is not None,
    )
