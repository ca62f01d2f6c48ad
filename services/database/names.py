"""Quoted table and column names, from the models' metadata, for the few statements written
as fixed SQL (never with user input in their text): the search index's reads, the change
log's version, the search counter, the rate-limit counter."""

from typing import Any, cast

from django.db import connection, models


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[models.Model], name: str) -> str:
    """A concrete field's column, quoted."""
    field = cast("models.Field[Any, Any]", model._meta.get_field(name))
    return connection.ops.quote_name(cast(str, field.column))
