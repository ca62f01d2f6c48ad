"""Record searches as anonymous counters (see models/insight.py)."""

import functools
import re

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from services import faults
from services.database.names import column, table
from services.models import WEEKDAY_SLUGS, Service
from services.vocabulary_loader import registry

from .models import SearchAggregate

PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


# The known values, and the registry of vocabularies they were worked out from.
_known: tuple[object, frozenset[str]] = (None, frozenset())


def _known_values() -> frozenset[str]:
    """Every value a filter may take: vocabulary slugs and fixed choices. Anything else
    (free text, postcodes, numbers) is dropped before it is stored. Worked out again only
    when the vocabularies change (a new registry), not for every search."""
    global _known
    terms = registry()
    held, values = _known
    if held is not terms:
        values = _values_of(terms)
        _known = (terms, values)
    return values


def _values_of(terms) -> frozenset[str]:
    values = set(WEEKDAY_SLUGS)
    for slugs in terms.terms.values():
        values.update(slugs)
    values.update(Service.Cost.values)
    values.update(Service.Intake.values)
    values.update(terms.areas)
    return frozenset(values)


def bucket(result_count: int) -> str:
    if result_count <= 0:
        return SearchAggregate.ResultBucket.NONE
    if result_count <= 5:
        return SearchAggregate.ResultBucket.FEW
    if result_count <= 20:
        return SearchAggregate.ResultBucket.SOME
    return SearchAggregate.ResultBucket.MANY


def canonical_filters(filters: dict[str, list[str]]) -> str:
    known = _known_values()
    pairs = sorted(
        f"{name}={value}"
        for name, values in filters.items()
        if PARAMETER_NAME.match(name)
        for value in set(values)
        if value in known
    )
    return ";".join(pairs)[:500]


def record_search(
    *, council_area_slug: str | None, filters: dict[str, list[str]], result_count: int
) -> None:
    """Count one search. Pass parameter names and vocabulary slugs only; unknown values are
    dropped, so a postcode or typed words can never be stored. If the database refuses the
    write, the search is not counted and a warning without its details is logged."""
    area = registry().areas.get(council_area_slug or "")
    if area and area.is_health_board:
        area = None
    cell = {
        "day": timezone.localdate(),
        "council_area": area,
        "filters": canonical_filters(filters),
        "result_bucket": bucket(result_count),
    }
    # Best-effort: a search must answer even when the database refuses writes.
    faults.best_effort("counting a search", lambda: _count(cell))


def _count(cell: dict) -> None:
    if connection.vendor == "postgresql":
        _upsert(cell)
        return
    if _add_one(cell):
        return
    try:
        with transaction.atomic():
            SearchAggregate.objects.create(**cell, count=1)
    except IntegrityError:  # another request created the row first
        _add_one(cell)


def _add_one(cell: dict) -> int:
    """count + 1 on the cell's row, if there is one. The statement is fixed text with the
    cell's values as parameters: compiling the ORM's UPDATE took a tenth of a search's
    server time, and this runs on every first page of results."""
    area = cell["council_area"]
    params = [
        connection.ops.adapt_datefield_value(cell["day"]),
        cell["filters"],
        cell["result_bucket"],
    ]
    if area is not None:
        params.append(area.pk)
    with connection.cursor() as cursor:
        cursor.execute(_update_statement(area is None), params)
        return cursor.rowcount


def _upsert(cell: dict) -> None:
    """PostgreSQL: the cell's row made or counted in one fixed statement (its unique
    constraint treats "anywhere" cells' NULL areas as equal). Most varied searches fall in a
    cell not yet counted that day, which otherwise took an UPDATE that found nothing, then a
    transaction around an INSERT."""
    area = cell["council_area"]
    params = [cell["day"], area.pk if area is not None else None, cell["filters"]]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_statement(), [*params, cell["result_bucket"]])


def _named(name: str) -> str:
    return column(SearchAggregate, name)


@functools.cache
def _upsert_statement() -> str:
    count = _named("count")
    cell = ", ".join(_named(name) for name in ("day", "council_area", "filters", "result_bucket"))
    return (
        f"INSERT INTO {table(SearchAggregate)} ({cell}, {count}) VALUES (%s, %s, %s, %s, 1) "
        "ON CONFLICT ON CONSTRAINT search_aggregate_unique_cell "
        f"DO UPDATE SET {count} = {table(SearchAggregate)}.{count} + 1"
    )


@functools.cache
def _update_statement(anywhere: bool) -> str:
    area = f"{_named('council_area')} IS NULL" if anywhere else f"{_named('council_area')} = %s"
    return (
        f"UPDATE {table(SearchAggregate)} SET {_named('count')} = {_named('count')} + 1 "
        f"WHERE {_named('day')} = %s AND {_named('filters')} = %s "
        f"AND {_named('result_bucket')} = %s AND {area}"
    )
