"""Vocabularies outside the ORM's own loading.

`fill_prefetch_cache` fills a service's prefetch cache with terms read elsewhere (the search
index), so `service.types.all()` and friends are served from memory exactly as after
`prefetch_related("types", …)`. The registry below keeps every term and area in each process,
behind a version read from the database.
"""

import functools
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import QuerySet, Value

from services.database.names import column, table

if TYPE_CHECKING:
    from services.models import Area, Vocabulary

VOCABULARY_RELATIONS = (
    "types",
    "access_routes",
    "lived_experience",
    "audiences",
    "delivery_modes",
    "languages",
)


def _cached_queryset(model, items: list, query):
    """A queryset that already holds `items`, as after prefetch_related. They share one
    empty Query per model (building one per service and relation was most of the cost):
    safe, because a QuerySet clones its query before changing it, and the manager's
    query has no per-request state."""
    queryset: QuerySet[Any, Any] = QuerySet(model=model, query=query)
    queryset._result_cache = items
    # Private QuerySet state, as prefetch_related leaves it; django-stubs does not declare it.
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    return queryset


_empty_queries: dict = {}


def fill_prefetch_cache(service, terms: dict[str, list]) -> None:
    """Make `service.<relation>.all()` return these terms without a query, exactly as
    after `prefetch_related(relation)`."""
    cache = service.__dict__.setdefault("_prefetched_objects_cache", {})
    for relation, items in terms.items():
        model = type(service)._meta.get_field(relation).related_model
        query = _empty_queries.get(model)
        if query is None:
            query = _empty_queries[model] = model._default_manager.all().query
        cache[relation] = _cached_queryset(model, items, query)


# The registry of every vocabulary term and area ------------------------------------------
#
# Vocabularies and areas change only through migrations and moderators, but nearly every
# request needs them (validating filters, naming facet options, recording insight). Each
# process keeps one copy in memory, tagged with the version of the vocabularies: the number
# and the last id of the search change log's rows with no service, which the database's
# triggers write for every change to a vocabulary or an area however it is made (the same
# log the search index follows). The version is read once per request (one indexed query),
# so every process sees a change at once.

_loaded: dict[tuple, "Registry"] = {}
_checked = threading.local()


@dataclass(frozen=True)
class Registry:
    terms: dict[str, dict[str, "Vocabulary"]]  # parameter -> slug -> term, in display order
    areas: dict[str, "Area"]  # slug -> Area, council areas then health boards, by name

    def options(self, parameter: str) -> list[tuple[str, str]]:
        return [(slug, term.name) for slug, term in self.terms[parameter].items()]


def _load_registry() -> Registry:
    from services.models import VOCABULARIES, Area, Vocabulary

    combined: QuerySet[Any, Any] | None = None
    for model in VOCABULARIES:
        part = (
            model.objects.annotate(vocabulary=Value(model.parameter))
            .values("vocabulary", "id", "slug", "name", "description", "position")
            .order_by()
        )
        combined = part if combined is None else combined.union(part, all=True)
    by_parameter = {model.parameter: model for model in VOCABULARIES}
    terms: dict[str, dict[str, Vocabulary]] = {model.parameter: {} for model in VOCABULARIES}
    assert combined is not None, "VOCABULARIES is not empty"
    for row in combined.order_by("vocabulary", "position", "name"):
        parameter = row.pop("vocabulary")
        terms[parameter][row["slug"]] = by_parameter[parameter](**row)
    areas = {area.slug: area for area in Area.objects.order_by("kind", "name")}
    return Registry(terms=terms, areas=areas)


def vocabulary_version() -> tuple:
    """The vocabularies' version: it changes with every change to a term or an area. A fixed
    statement: it runs on most requests, and compiling the ORM's aggregate cost more than
    running it."""
    with connection.cursor() as cursor:
        cursor.execute(version_query())
        count, last = cursor.fetchone()
    return (count, last)


@functools.cache
def version_query() -> str:
    """The version as a query of one row (terms, last_term): run alone, or joined into the
    search index's read of its changes (services.search.index.read_changes)."""
    from services.models import SearchChange

    pk, service = column(SearchChange, "id"), column(SearchChange, "service_id")
    return (
        f"SELECT COUNT({pk}) AS terms, MAX({pk}) AS last_term FROM {table(SearchChange)} "
        f"WHERE {service} IS NULL"
    )


def request_token() -> object | None:
    """What tells this thread's requests apart (None outside a request)."""
    return getattr(_checked, "request", None)


def note_version(version: tuple) -> None:
    """The version, read by the search index with its changes (one statement for both): the
    rest of this request uses it."""
    request = request_token()
    if request is not None:
        _checked.version, _checked.checked_for = version, request


def _version_known() -> bool:
    request = request_token()
    return request is not None and request == getattr(_checked, "checked_for", None)


def registry() -> Registry:
    if not _version_known():
        # In a served worker the search index is brought up to date first: it reads the
        # version in the same statement (a process without an index builds none for this).
        from services.search import live

        live.catch_up_if_loaded()
    if _version_known():
        version = _checked.version
    else:
        version = vocabulary_version()
        _checked.version, _checked.checked_for = version, request_token()
    found = _loaded.get(version)
    if found is None:
        found = _load_registry()
        _loaded.clear()
        _loaded[version] = found
    return found


def new_request(**kwargs) -> None:
    """Connected to request_started: the next `registry()` reads the version again."""
    _checked.request = object()


def forget_registry() -> None:
    """Drop this process's registry (tests start each from an empty one)."""
    _loaded.clear()
    _checked.__dict__.clear()
