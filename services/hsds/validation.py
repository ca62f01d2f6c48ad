"""A model's own validation (`full_clean`) without a query per record, for batched imports.

`full_clean` asks the database three things per record: that each foreign key exists, that
unique fields are free, and that each `CheckConstraint` holds. A batch already holds those
answers (`Known`: the rows it prefetched, as changed by the records before), so `validate`
runs the model's `clean_fields()` and `clean()` as they are and answers the rest from memory,
in the same order and with the same messages as `full_clean`. A foreign key the batch does
not know is left to Django's own check (a query, only for a bad record), and a constraint
condition `holds` cannot read is checked by Django in the database."""

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q

__all__ = ["Known", "holds", "validate"]

COMPARISONS: dict[str, Callable] = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


class Unreadable(Exception):
    """A condition `holds` cannot evaluate in Python."""


@dataclass
class Known:
    """What a batch knows of the database, as the records before have changed it.

    `present(fk, value)`: a foreign key's value is a row it may point to (present, and within
    its `limit_choices_to`). `holder(model, field, value)`: the pk of the row holding a unique
    value, or None. `siblings(instance)`: the rows a `UniqueConstraint` on its model compares
    it with (those sharing its first field's value)."""

    present: Callable[[Any, object], bool]
    holder: Callable[[type[models.Model], str, object], object]
    siblings: Callable[[models.Model], list] = field(default=lambda instance: [])


def validate(instance: models.Model, known: Known) -> None:
    """Raise the ValidationError `instance.full_clean()` would raise, asking `known`."""
    model = type(instance)
    skip = set()
    for fk in model._meta.concrete_fields:
        value = getattr(instance, fk.attname)
        if fk.is_relation and value is not None and known.present(fk, value):
            skip.add(fk.name)  # present, and within limit_choices_to: Django's check passes
    errors: dict = {}
    for check in (lambda: instance.clean_fields(exclude=skip), instance.clean):
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    for error_field, unique_error in _unique_errors(instance, known, failed):
        errors.setdefault(error_field, []).append(unique_error)
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    for constraint_error in _constraint_errors(instance, known, failed):
        errors = constraint_error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _unique_errors(instance, known: Known, failed: set):
    model = type(instance)
    for model_field in model._meta.concrete_fields:
        if not model_field.unique or model_field.primary_key or model_field.name in failed:
            continue
        value = getattr(instance, model_field.attname)
        if value is None or value == "":
            continue
        holder = known.holder(model, model_field.name, value)
        if holder is not None and holder != instance.pk:
            yield model_field.name, instance.unique_error_message(model, (model_field.name,))


def _constraint_errors(instance, known: Known, failed: set):
    model = type(instance)
    for constraint in model._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if isinstance(constraint, models.CheckConstraint) and isinstance(condition, Q):
            if _refers_to(model, condition, failed):
                continue
            try:
                ok = holds(condition, instance) is not False
            except Unreadable:
                try:
                    constraint.validate(model, instance, exclude=failed)
                except ValidationError as error:
                    yield error
                continue
            if not ok:
                yield ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code
                )
        elif isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            yield from _unique_together(instance, constraint, known, failed)
        else:
            try:
                constraint.validate(model, instance, exclude=failed)
            except ValidationError as error:
                yield error


def _unique_together(instance, constraint, known: Known, failed: set):
    if constraint.condition is not None or failed & set(constraint.fields):
        return
    attnames = [type(instance)._meta.get_field(name).attname for name in constraint.fields]
    values = [getattr(instance, name) for name in attnames]
    if None in values:
        return
    for other in known.siblings(instance):
        if other.pk != instance.pk and [getattr(other, name) for name in attnames] == values:
            yield instance.unique_error_message(type(instance), tuple(constraint.fields))
            return


def _refers_to(model, condition: Q, names: set) -> bool:
    children: list[Any] = list(condition.children)
    for child in children:
        if isinstance(child, Q):
            if _refers_to(model, child, names):
                return True
            continue
        lookup, value = child
        if lookup.split("__")[0] in names:
            return True
        if isinstance(value, F) and value.name in names:  # type: ignore[attr-defined]
            return True
    return False


def holds(condition: Q, instance: models.Model) -> bool | None:
    """`condition` evaluated on `instance` with SQL's three-valued logic (None: unknown,
    which a CHECK constraint lets pass). Understands field comparisons with values or other
    fields (exact, lt, lte, gt, gte, isnull), AND, OR and NOT; raises `Unreadable` otherwise."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(holds(child, instance))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_compare(instance, *child))
        else:
            raise Unreadable(repr(child))
    result = _all(results) if condition.connector == Q.AND else _any(results)
    if condition.negated:
        return None if result is None else not result
    return result


def _compare(instance, lookup: str, value) -> bool | None:
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    if isinstance(value, F):
        value = _value(instance, value.name)  # type: ignore[attr-defined]
    elif hasattr(value, "resolve_expression"):
        raise Unreadable(lookup)
    current = _value(instance, name)
    if kind == "isnull":
        return (current is None) == bool(value)
    if kind not in COMPARISONS:
        raise Unreadable(lookup)
    if current is None or value is None:
        return None
    return COMPARISONS[kind](current, value)


def _value(instance, name: str):
    try:
        return getattr(instance, type(instance)._meta.get_field(name).attname)
    except FieldDoesNotExist as error:
        raise Unreadable(name) from error


def _all(results: list) -> bool | None:
    if False in results:
        return False
    return None if None in results else True


def _any(results: list) -> bool | None:
    if True in results:
        return True
    return None if None in results else False
