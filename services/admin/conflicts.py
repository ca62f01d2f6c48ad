"""Two people editing the same record: the second save must not silently undo the first.

Every admin form carries the version of the record it was opened on (a hidden field). When
it is saved, the record is locked (`select_for_update`, inside the admin's transaction) and
its version compared. If someone else saved in between, each field is merged three ways:
the value when the page was opened (from the record's history), the value saved since, and
the value in this form. A field only one person changed takes that person's value; a field
both changed differently is a conflict, and the save is refused with the three values shown.
"""

import hashlib
from dataclasses import dataclass
from typing import cast

from django import forms
from django.db import models, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.utils import get_m2m_reverse_field_name

from .history import related_model

VERSION_FIELD = "record_version"


def record_version(instance) -> str:
    """The saved state a form was opened on: `updated_at` where the model has it (every
    save bumps it), otherwise a hash of the row's own values."""
    if instance.pk is None or instance._state.adding:
        return ""  # a new record (UUID keys are set before the first save)
    updated_at = getattr(instance, "updated_at", None)
    if updated_at is not None:
        return updated_at.isoformat()
    return _row_hash(type(instance), instance)


def _row_hash(model, row) -> str:
    values = [(f.attname, str(getattr(row, f.attname))) for f in model._meta.concrete_fields]
    return "h" + hashlib.sha256(repr(values).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Conflict:
    label: str
    opened: str  # when this person opened the page ("" if unknown)
    saved: str  # what someone else saved since
    yours: str  # what this form holds


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return frozenset(_comparable(item) for item in value)
    return None if value == "" else value


def _display(field: models.Field, value) -> str:
    if value in (None, "", frozenset()):
        return "(empty)"
    if field.many_to_many:
        names = (
            related_model(field)
            ._default_manager.filter(pk__in=value)
            .values_list("name", flat=True)
        )
        return ", ".join(sorted(str(name) for name in names))
    if field.many_to_one:
        related = related_model(field)._default_manager.filter(pk=value).first()
        return str(related) if related else "(deleted)"
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _saved_value(instance, field: models.Field):
    if field.many_to_many:
        return frozenset(getattr(instance, field.name).values_list("pk", flat=True))
    return _comparable(getattr(instance, field.attname))


def _historical_value(record, field: models.Field):
    if field.many_to_many:
        if field.name not in {f.name for f in getattr(record, "_history_m2m_fields", ())}:
            raise LookupError(field.name)
        through = get_m2m_reverse_field_name(field)
        return frozenset(getattr(record, field.name).values_list(through, flat=True))
    return _comparable(getattr(record, field.attname))


def opened_record(current, version: str):
    """The history entry for the state `version` names, or None: the last one with that
    `updated_at` (it includes the many-to-many changes saved with it), or for models
    without one, the latest whose values hash to it."""
    history = getattr(current, "history", None)
    if history is None or not version:
        return None
    if version.startswith("h"):
        model = type(current)
        records = history.order_by("-history_date", "-history_id")[:50]
        return next((r for r in records if _row_hash(model, r) == version), None)
    try:
        when = models.DateTimeField().to_python(version)
    except Exception:  # noqa: BLE001 - a tampered or malformed version: no merge, only compare
        return None
    return history.filter(updated_at=when).order_by("-history_date", "-history_id").first()


def who_saved(current) -> str:
    history = getattr(current, "history", None)
    latest = history.order_by("-history_date", "-history_id").first() if history else None
    if latest is None:
        return "Someone else"
    user = latest.history_user
    name = (user.get_full_name() or user.username) if user else "Someone else"
    when = date_format(timezone.localtime(latest.history_date), "j F Y \\a\\t H:i")
    return f"{name} (at {when})"


class VersionedForm(forms.ModelForm):
    """A model form that refuses, or merges, a save made over someone else's newer one."""

    record_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set by the admin on a revert page: the form shows an old version (`reverting_to`, a
    # history record, whose many-to-many values it shows too), but it is opened on the
    # record as it is saved now.
    opened_on_saved_record = False
    reverting_to = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conflicts: list[Conflict] = []
        self.merged: list[str] = []
        self.saved_by = ""
        instance = self.instance
        if self.opened_on_saved_record and not instance._state.adding:
            instance = type(instance)._default_manager.filter(pk=instance.pk).first() or instance
        self.fields[VERSION_FIELD].initial = record_version(instance)
        if self.reverting_to is not None and not self.is_bound:
            for field in self._model_fields():
                if field.many_to_many:
                    try:
                        self.initial[field.name] = list(_historical_value(self.reverting_to, field))
                    except LookupError:
                        continue

    def _model_fields(self) -> list[models.Field]:
        names = set(self.fields) - {VERSION_FIELD}
        opts = self._meta.model._meta
        return [
            field
            for field in [*opts.concrete_fields, *opts.many_to_many]
            if field.name in names and field.editable
        ]

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get(VERSION_FIELD)
        if self.instance._state.adding or not opened:
            return cleaned
        if self.empty_permitted and not self.has_changed():
            return cleaned
        if self.cleaned_data.get("DELETE"):
            return cleaned
        with transaction.atomic():
            current = (
                type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk)
            ).first()
            if current is None:
                raise forms.ValidationError(
                    "Someone else deleted this since you opened the page. Nothing was saved."
                )
            if record_version(current) != opened:
                self._merge(current, opened, cleaned)
        return cleaned

    def _merge(self, current, opened: str, cleaned: dict) -> None:
        base = opened_record(current, opened)
        for field in self._model_fields():
            if field.name not in cleaned:
                continue
            mine, saved = _comparable(cleaned[field.name]), _saved_value(current, field)
            if mine == saved:
                continue
            was = None
            if base is not None:
                try:
                    was = _historical_value(base, field)
                except LookupError:
                    base_known = False
                else:
                    base_known = True
                if base_known and mine == was:
                    cleaned[field.name] = self._form_value(current, field)
                    self.merged.append(str(self.fields[field.name].label or field.verbose_name))
                    continue
                if base_known and saved == was:
                    continue
            self.conflicts.append(
                Conflict(
                    label=str(self.fields[field.name].label or field.verbose_name),
                    opened=_display(field, was) if base is not None else "",
                    saved=_display(field, saved),
                    yours=_display(field, mine),
                )
            )
        self.saved_by = who_saved(current)
        if self.conflicts:
            # Saving again now means "I have seen their version": open on it.
            data = cast(QueryDict, self.data).copy()  # the admin binds its forms to request.POST
            data[self.add_prefix(VERSION_FIELD)] = record_version(current)
            self.data = data
            raise forms.ValidationError(
                f"{self.saved_by} saved a change to the same "
                f"{'field' if len(self.conflicts) == 1 else 'fields'} since you opened this "
                "page, so nothing was saved. Compare the versions below, correct the form "
                "if needed, and save again.",
                code="conflict",
            )

    def _form_value(self, current, field: models.Field):
        if field.many_to_many:
            return getattr(current, field.name).all()
        if field.many_to_one:
            return getattr(current, field.name)
        return getattr(current, field.attname)
