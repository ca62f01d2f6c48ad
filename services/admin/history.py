"""A record's history in plain words, for the admin's History page and the revert preview.

simple_history keeps one row per save, plus one per many-to-many change made with it. Here
those rows become what a volunteer recognises: who, when, and each change written with the
form's labels and the values' names ("Taking new people?: Welcoming new people → Waiting
list"), with a service's sessions, places and course dates included, and nothing linking to
a page the reader may not open."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from simple_history.utils import get_m2m_reverse_field_name

from services.models import CourseRun, Schedule, ServiceAtLocation
from services.views.display import time_range

from .times import plain_time

HIDDEN_FIELDS = {"id", "created_at", "updated_at", "last_checked_at", "last_checked_by"}
# A save and the changes made to its sessions or places at the same moment are one entry.
SAME_SAVE = datetime.timedelta(seconds=10)
MAX_ENTRIES = 300


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str  # "Added", "Changed", "Marked as checked", …
    changes: list[str] = field(default_factory=list)
    version_id: int | None = None  # for "See this version": own records only
    user_id: int | None = None


class Names:
    """Names of related records (areas, vocabulary terms, places), looked up once each."""

    def __init__(self) -> None:
        self._cache: dict[tuple[type, object], str] = {}

    def __call__(self, model: type[models.Model], pk) -> str:
        key = (model, pk)
        if key not in self._cache:
            found = model._default_manager.filter(pk=pk).first()
            self._cache[key] = str(found) if found else "(removed)"
        return self._cache[key]


def related_model(model_field: models.Field) -> type[models.Model]:
    """The model a relation field points to (django-stubs types it as optional, for fields that
    are not relations)."""
    return cast(type[models.Model], model_field.related_model)


def display(model_field: models.Field, value, names: Names) -> str:
    """A stored value as the admin's form would show it."""
    if value is None or value == "" or value == frozenset():
        return "(empty)"
    if model_field.many_to_many:
        model = related_model(model_field)
        return ", ".join(sorted(names(model, pk) for pk in value))
    if model_field.many_to_one:
        return names(related_model(model_field), value)
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.time):
        return plain_time(value)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return Truncator(str(value)).chars(80)


def load_m2m(records, fields: list[models.Field]) -> None:
    """Each history row's many-to-many values, one query per field for all the rows
    (simple_history's m2m managers cannot be prefetched)."""
    records = list(records)
    if not records:
        return
    history_model = type(records[0])
    by_id = {record.history_id: record for record in records}
    for record in records:
        record._m2m_values = {}
    for model_field in fields:
        if not model_field.many_to_many:
            continue
        m2m_model = history_model.__dict__[model_field.name].model
        through = get_m2m_reverse_field_name(model_field)
        found: dict[int, set] = {pk: set() for pk in by_id}
        rows = m2m_model.objects.filter(history_id__in=by_id).values_list(
            "history_id", f"{through}_id"
        )
        for history_id, pk in rows:
            found[history_id].add(pk)
        for history_id, pks in found.items():
            by_id[history_id]._m2m_values[model_field.name] = frozenset(pks)


def record_values(record, fields: list[models.Field]) -> dict[str, object]:
    values = {}
    for model_field in fields:
        if model_field.many_to_many:
            if getattr(record, "_m2m_values", None) is None:
                load_m2m([record], fields)
            values[model_field.name] = record._m2m_values[model_field.name]
        else:
            values[model_field.name] = getattr(record, model_field.attname)
    return values


def shown_fields(model: type[models.Model], history_model) -> list[models.Field]:
    tracked_m2m = {f.name for f in getattr(history_model, "_history_m2m_fields", ())}
    concrete = [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]
    m2m = [f for f in model._meta.many_to_many if f.name in tracked_m2m]
    return concrete + m2m


def differences(
    before: dict, after: dict, fields: list[models.Field], labels: dict[str, str], names: Names
) -> list[str]:
    lines = []
    for model_field in fields:
        old, new = before.get(model_field.name), after.get(model_field.name)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        label = labels.get(model_field.name) or capfirst(model_field.verbose_name)
        if model_field.many_to_many:
            model = related_model(model_field)
            new_pks, old_pks = new or frozenset(), old or frozenset()
            added = sorted(names(model, pk) for pk in new_pks - old_pks)
            removed = sorted(names(model, pk) for pk in old_pks - new_pks)
            parts = [f"added {', '.join(added)}" if added else ""]
            parts.append(f"removed {', '.join(removed)}" if removed else "")
            lines.append(f"{label}: {'; '.join(p for p in parts if p)}")
        else:
            lines.append(
                f"{label}: {display(model_field, old, names)} → {display(model_field, new, names)}"
            )
    return lines


def person(user) -> str:
    if user is None:
        return "Someone (not recorded)"
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


def _history(model, **lookup) -> list:
    records = list(
        model.history.filter(**lookup)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    load_m2m(records, shown_fields(model, model.history.model))
    return records


def _saves(records) -> list[list]:
    """History rows grouped by save: a save and its many-to-many rows share updated_at."""
    groups: list[list] = []
    for record in records:
        key = getattr(record, "updated_at", None)
        same_save = groups and key is not None and record.history_type == "~"
        if same_save and getattr(groups[-1][-1], "updated_at", None) == key:
            groups[-1].append(record)
        else:
            groups.append([record])
    return groups


def own_entries(obj, labels: dict[str, str], names: Names) -> list[HistoryEntry]:
    model = type(obj)
    records = _history(model, **{model._meta.pk.attname: obj.pk})
    fields = shown_fields(model, model.history.model)
    entries, before = [], None
    for group in _saves(records):
        first, last = group[0], group[-1]
        after = record_values(last, fields)
        reason = last.history_change_reason or first.history_change_reason or ""
        changes: list[str]
        if first.history_type == "+":
            what, changes = "Added", []
        elif last.history_type == "-":
            what, changes = "Deleted", []
        else:
            what = reason or "Changed"
            changes = differences(before or {}, after, fields, labels, names)
        entries.append(
            HistoryEntry(
                when=last.history_date,
                who=person(last.history_user),
                what=what,
                changes=changes,
                version_id=last.history_id,
                user_id=last.history_user_id,
            )
        )
        before = after
    return entries


def _describe_session(values: dict, names: Names) -> str:
    day = Schedule._meta.get_field("weekday")
    frequency = Schedule._meta.get_field("frequency")
    times = time_range(values["opens_at"], values["closes_at"])
    how_often = display(frequency, values["frequency"], names).lower()
    text = f"{display(day, values['weekday'], names)} {times}, {how_often}"
    if values.get("location"):
        text += (
            f", at {names(Schedule._meta.get_field('location').related_model, values['location'])}"
        )
    return text


CHILDREN: list[
    tuple[type[Schedule | ServiceAtLocation | CourseRun], str, Callable[[dict, Names], str]]
] = [
    (Schedule, "session", _describe_session),
    (
        ServiceAtLocation,
        "place",
        lambda values, names: names(
            ServiceAtLocation._meta.get_field("location").related_model, values["location"]
        ),
    ),
    (
        CourseRun,
        "course dates",
        lambda values, names: (
            f"{display(CourseRun._meta.get_field('start_date'), values['start_date'], names)} to "
            f"{display(CourseRun._meta.get_field('end_date'), values['end_date'], names)}"
        ),
    ),
]
CHILD_LABELS = {
    "weekday": "Day",
    "opens_at": "Starts at",
    "closes_at": "Finishes at",
    "valid_from": "Date of first session",
    "valid_to": "Date of last session",
    "course_run": "Course dates",
    "week_of_month": "Which week of the month",
    "location": "Place",
    "start_date": "Date of first session",
    "end_date": "Date of last session",
}


def child_entries(service, names: Names) -> list[HistoryEntry]:
    entries = []
    for model, noun, describe in CHILDREN:
        fields = [
            f
            for f in shown_fields(model, model.history.model)
            if f.name != "service" and f.name not in HIDDEN_FIELDS
        ]
        previous: dict = {}
        for record in _history(model, service_id=service.pk):
            values = record_values(record, fields)
            old = previous.get(record.id)
            label = describe(old or values, names)
            if record.history_type == "+":
                change = f"Added {noun}: {describe(values, names)}"
            elif record.history_type == "-":
                change = f"Removed {noun}: {label}"
            else:
                diff = differences(old or {}, values, fields, CHILD_LABELS, names)
                if not diff:
                    previous[record.id] = values
                    continue
                change = f"Changed {noun} {label}: {'; '.join(diff)}"
            previous[record.id] = values
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=person(record.history_user),
                    what="Changed",
                    changes=[change],
                    user_id=record.history_user_id,
                )
            )
    return entries


def merge_same_saves(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """One entry per save: sessions and places saved with the service join its entry."""
    merged: list[HistoryEntry] = []
    for entry in sorted(entries, key=lambda e: e.when):
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.user_id == entry.user_id
            and entry.when - last.when <= SAME_SAVE
            and (last.version_id is None or entry.version_id is None)
            and "Added" not in (last.what, entry.what)
        ):
            last.changes += entry.changes
            last.version_id = last.version_id or entry.version_id
            if entry.version_id is not None:
                last.what = entry.what
            last.when = max(last.when, entry.when)
            continue
        merged.append(entry)
    return [e for e in merged if e.changes or e.what != "Changed"]


def history_entries(obj, labels: dict[str, str]) -> list[HistoryEntry]:
    """Newest first."""
    names = Names()
    entries = own_entries(obj, labels, names)
    if hasattr(obj, "schedules"):
        entries += child_entries(obj, names)
    return list(reversed(merge_same_saves(entries)))[:MAX_ENTRIES]


def revert_preview(current, record, form_fields, labels: dict[str, str]) -> list[tuple]:
    """(label, now, after reverting) for every field the revert form would change."""
    names = Names()
    model = type(current)
    fields = [
        f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.name in form_fields
    ]
    tracked_m2m = {f.name for f in getattr(record, "_history_m2m_fields", ())}
    fields = [f for f in fields if not f.many_to_many or f.name in tracked_m2m]
    now, then = {}, record_values(record, fields)
    for model_field in fields:
        if model_field.many_to_many:
            now[model_field.name] = frozenset(
                getattr(current, model_field.name).values_list("pk", flat=True)
            )
        else:
            now[model_field.name] = getattr(current, model_field.attname)
    rows = []
    for model_field in fields:
        old, new = now[model_field.name], then[model_field.name]
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        label = labels.get(model_field.name) or capfirst(model_field.verbose_name)
        rows.append((label, display(model_field, old, names), display(model_field, new, names)))
    return rows
