"""Model instances from the rows of a fixed SELECT, for the few hot reads written as SQL.

The ORM's cost of building and compiling a query is several times that of running it when a
page reads a score of small rows (a results page: its services, then their sessions). A
statement written once (from the models' quoted names, services/database/names.py; never
with user input in its text) skips that; this module turns its rows into model instances
exactly as the ORM would: each value through the same converters (SQLite's text dates and
times, its 0/1 booleans and hex UUIDs), and fields not read left deferred (read on first use,
one query each, as after `.only()`)."""

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from services.database.names import column

ModelT = TypeVar("ModelT", bound=models.Model)


def placeholders(count: int) -> str:
    """`%s, %s, …`: one parameter a value, for `IN (…)`."""
    return ", ".join(["%s"] * count)


def db_values(model: type[models.Model], values: Iterable[Any]) -> list:
    """Primary key values as this database stores them (SQLite keeps UUIDs as hex text)."""
    pk = model._meta.pk
    assert pk is not None
    return [pk.get_db_prep_value(value, connection) for value in values]


class Reader:
    """Builds instances of `model` from rows holding the fields `names` (concrete fields; a
    foreign key by its name, read as its id) in the order of `self.names`, the model's own:
    select them with `self.select(alias)`."""

    def __init__(self, model: type[ModelT], names: Sequence[str]):
        order = {field.name: n for n, field in enumerate(model._meta.concrete_fields)}
        self.names = sorted(names, key=order.__getitem__)
        fields = [model._meta.get_field(name) for name in self.names]
        self.model = model
        self.signalled = pre_init.has_listeners(model) or post_init.has_listeners(model)
        self.attnames = [field.attname for field in fields]  # type: ignore[union-attr]
        self.converters = []
        for field in fields:
            expression = field.get_col(model._meta.db_table)  # type: ignore[union-attr]
            found = connection.ops.get_db_converters(expression)
            found += expression.get_db_converters(connection)
            self.converters.append((found, expression))

    def __len__(self) -> int:
        return len(self.attnames)

    def select(self, alias: str) -> str:
        """`alias.col1, alias.col2, …`: the fields' columns, in the order rows must hold them."""
        return ", ".join(f"{alias}.{column(self.model, name)}" for name in self.names)

    def instance(self, values: Sequence[Any]) -> Any:
        """One instance from the first len(self) values of a row: what `Model.from_db`
        makes, without running `Model.__init__` field by field (a tenth of its cost) unless
        something listens for its pre_init or post_init signal."""
        converted = []
        for value, (converters, expression) in zip(values, self.converters, strict=False):
            for convert in converters:
                value = convert(value, expression, connection)
            converted.append(value)
        if self.signalled:
            return self.model.from_db(connection.alias, self.attnames, converted)
        made = self.model.__new__(self.model)
        state = made._state = ModelState()
        state.adding, state.db = False, connection.alias
        made.__dict__.update(zip(self.attnames, converted, strict=True))
        return made
