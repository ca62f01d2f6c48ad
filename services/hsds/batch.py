"""Import HSDS service records a batch at a time, with a few queries per batch rather than
about 120 per service.

A batch reads everything its records may touch in one go (`Batch.read`: their services,
organisations, locations, services-at-locations, schedules, many-to-many rows and the slugs
they need), then runs each record as `importer.upsert` would (`batch_upsert.upsert`),
against those rows in memory (`Draft`): the same rules, the models' own validation
(`validation.validate`, which answers full_clean's database questions from the batch) and
the same messages. A record that fails is left out and the batch carries on; one that would
change a row an earlier record of the batch has already changed ends the batch (`Conflict`),
so each row is written at most once. Then `bulk.write` saves the batch with bulk inserts and
updates and writes one history entry per saved row, as `save()` would have."""

import copy
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.utils import timezone

from services.models import Location, Organisation, Schedule, Service, ServiceAtLocation
from services.slugs import first_free, slug_base

from .records import ServiceRecord, organisation_fields
from .taxonomy import derived_id
from .validation import Known, validate

# Relations saved with their owner, and the fields of through rows holding each side.
RELATIONS = {
    Service: [f.name for f in Service._meta.many_to_many if f.name != "locations"],
    Location: ["accessibility"],
}
# Foreign keys an import sets; any other (last_checked_by, course_run) keeps its stored value.
IMPORTED_KEYS = {"organisation", "council_area", "service", "location"}
# A schedule with days on several weekdays becomes several rows (taxonomy.derived_id).
MAX_DERIVED = 7


class Conflict(Exception):
    """The record would change a row an earlier record of the batch changed: it starts the
    next batch, after this one is written."""


def as_uuid(value) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


class _Slugs:
    """Which slugs of a model are taken (slug: pk), read from the database a few at a time
    and kept up to date with the batch's changes. A container, for `slugs.first_free`."""

    def __init__(self, model, wanted: Iterable[str]):
        self.model, self.prefixes = model, set[str]()
        wanted = set(wanted)
        self.rows: dict[str, Any] = dict.fromkeys(wanted)
        self.rows.update(model._default_manager.filter(slug__in=wanted).values_list("slug", "pk"))
        self.draft: dict[str, Any] = {}

    def holder(self, slug: str):
        if slug in self.draft:
            return self.draft[slug]
        if slug not in self.rows and not any(slug.startswith(p) for p in self.prefixes):
            found = self.model._default_manager.filter(slug=slug).values_list("pk", flat=True)
            self.rows[slug] = found.first()
        return self.rows.get(slug)

    def __contains__(self, slug) -> bool:
        return self.holder(slug) is not None

    def new(self, name: str, wanted: str = "") -> str:
        base = slug_base(self.model, name, wanted)
        if base in self and base not in self.prefixes:
            found = self.model._default_manager.filter(slug__startswith=base)
            self.rows.update(found.values_list("slug", "pk"))
            self.rows.update(found)
            self.prefixes.add(base)
        return first_free(base, self)


class Batch:
    """The rows a batch of records may touch, as its records have changed them, and the
    writes still to make (`saved`, `created`, `history`, `stored_relations`, `deleted`)."""

    def __init__(self, raws: list, records: list, lookups, forced: Organisation | None):
        self.lookups, self.forced = lookups, forced
        self.rows: dict[tuple, Any] = {}
        self.relations: dict[tuple, dict] = {}
        self.children: dict[tuple, set] = {}
        self.saved: dict[tuple, set] = {}
        self.created: set[tuple] = set()
        self.history: dict[tuple, None] = {}
        self.stored_relations: dict[tuple, dict] = {}
        self.deleted: set[tuple] = set()
        self.modified: dict = {}
        self.touched: set[tuple] = set()  # rows saved, deleted or with relations changed
        self.now = timezone.now()
        self.read(raws, [r for r in records if isinstance(r, ServiceRecord)])
        if forced is not None:
            self.rows[(Organisation, forced.pk)] = forced
        self.council_areas = {a.pk for a in lookups.area_by_gss.values() if a.is_council_area}

    def read(self, raws: list, records: list[ServiceRecord]) -> None:
        ids = _ids(raws)
        parents: tuple[type[Model], ...] = (Service, Organisation, Location)
        for parent in parents:
            # Locked until the chunk commits (PostgreSQL), so an edit made meanwhile waits
            # rather than being overwritten by the batch's copy read here; "no key" still
            # lets others add rows pointing at them (a new service of the organisation).
            found = parent._default_manager.select_for_update(of=("self",), no_key=True)
            self._keep(parent, ids[parent], found.in_bulk(ids[parent]).values())
        services = ids[Service]
        children: tuple[type[Model], ...] = (ServiceAtLocation, Schedule)
        for model in children:
            # Two queries, each on its own index (an OR of the two reads every row). A
            # derived schedule id is looked for among its service's schedules only: one
            # that belongs to another service fails the bulk insert, and the batch reruns
            # one record at a time, which reports it.
            rows: list[Any] = [*model._default_manager.filter(service_id__in=services)]
            rows += model._default_manager.filter(pk__in=ids[model] - {row.pk for row in rows})
            self._keep(model, ids[model] | ids.get((model, "derived"), set()), rows)
            for service in services:
                self.children[(model, service)] = set()
            for row in rows:
                self.children.setdefault((model, row.service_id), set()).add(row.pk)
        for owner, names in RELATIONS.items():
            owners = [pk for (model, pk), row in self.rows.items() if model is owner and row]
            for name in names:
                self._read_relation(owner, name, owners)
        self.slugs = {
            Service: _Slugs(Service, self._wanted_slugs(records, Service)),
            Organisation: _Slugs(Organisation, self._wanted_slugs(records, Organisation)),
        }

    def _keep(self, model, asked: set, rows) -> None:
        self.rows.update(dict.fromkeys(((model, pk) for pk in asked), None))
        self.rows.update(((model, row.pk), row) for row in rows)

    def _read_relation(self, owner, name: str, owners: list) -> None:
        field = owner._meta.get_field(name)
        through = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).attname
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        for pk in owners:
            self.relations[(owner, pk, name)] = {}
        rows = through.objects.filter(**{f"{source}__in": owners})
        for row_id, owner_id, target_id in rows.values_list("pk", source, target):
            self.relations[(owner, owner_id, name)][target_id] = row_id

    def _wanted_slugs(self, records: list[ServiceRecord], model) -> set[str]:
        """The slugs the records may take or keep, to read in one query."""
        wanted = set()
        for record in records:
            if model is Service:
                try:
                    fields = record.fields
                except Exception:  # noqa: BLE001 - a bad record is reported when it is run
                    continue
                if "slug" in fields:
                    wanted.add(fields["slug"])
                elif self.rows.get((Service, as_uuid(record.id))) is None:
                    wanted.add(slug_base(Service, fields["name"]))
                continue
            nested: Any = record.data.get("organization")
            try:
                uri = str(nested.get("uri") or "").rstrip("/").split("/")[-1]
                name = organisation_fields(nested)["name"]
            except Exception:  # noqa: BLE001 - as above
                continue
            wanted.add(slug_base(Organisation, name, uri if nested.get("uri") else ""))
        return wanted

    def commit(self, draft: "Draft") -> None:
        """Keep a record's changes: the next records see them, `bulk.write` saves them."""
        touched = set(draft.saved) | draft.deleted | {k[:2] for k in draft.relations_changed}
        if not touched.isdisjoint(self.touched):
            raise Conflict
        self.touched |= touched
        for key, row in draft.rows.items():
            if key in draft.saved and row is not None and row._state.adding:
                self.created.add(key)
                row._state.adding = False  # later records of the batch see it as stored
            self.rows[key] = row
        for key, names in draft.saved.items():
            self.saved.setdefault(key, set()).update(names)
        for key in draft.relations_changed:
            self.stored_relations[key] = self.relations.get(key, {})
        self.relations.update(draft.relations)
        self.children.update(draft.children)
        self.history.update(draft.history)
        self.deleted |= draft.deleted
        self.modified.update(draft.modified)
        for slugs in self.slugs.values():
            slugs.rows.update(slugs.draft)
            slugs.draft = {}


class Draft:
    """One record's changes on top of the batch, dropped if the record fails."""

    def __init__(self, batch: Batch):
        self.batch = batch
        self.rows: dict[tuple, Any] = {}
        self.relations: dict[tuple, dict] = {}
        self.children: dict[tuple, set] = {}
        self.saved: dict[tuple, set] = {}
        self.history: dict[tuple, None] = {}
        self.relations_changed: set[tuple] = set()
        self.deleted: set[tuple] = set()
        self.modified: dict = {}
        for slugs in batch.slugs.values():
            slugs.draft = {}
        self.known = Known(present=self.present, holder=self.holder, siblings=self.siblings)

    def get(self, model, pk):
        key = (model, as_uuid(pk))
        if key not in self.rows:
            if key not in self.batch.rows:
                self.batch.rows[key] = model.objects.filter(pk=key[1]).first()
            stored = self.batch.rows[key]
            self.rows[key] = copy.copy(stored) if stored is not None else None
        return self.rows[key]

    def present(self, fk, value) -> bool:
        if fk.name not in IMPORTED_KEYS:
            return True  # as stored: the import never sets it
        if fk.name == "council_area":
            return value in self.batch.council_areas
        return self.get(fk.related_model, value) is not None

    def holder(self, model, name: str, value):
        assert name == "slug", f"{model.__name__}.{name} is unique: teach the batch about it"
        return self.batch.slugs[model].holder(value)

    def siblings(self, instance) -> list:
        assert isinstance(instance, ServiceAtLocation), "the only unique constraint imported"
        links = self.children_of(ServiceAtLocation, instance.service_id)
        return [row for pk in links if (row := self.get(ServiceAtLocation, pk))]

    def children_of(self, model, service) -> set:
        key = (model, service)
        if key not in self.children:
            known = self.batch.children.get(key)
            if known is None:
                known = set(model.objects.filter(service_id=service).values_list("pk", flat=True))
            self.children[key] = set(known)
        return self.children[key]

    def relation(self, owner, name: str) -> dict:
        key = (type(owner), owner.pk, name)
        if key not in self.relations:
            if key not in self.batch.relations and not owner._state.adding:
                self.batch._read_relation(type(owner), name, [owner.pk])
            self.relations[key] = dict(self.batch.relations.get(key, {}))
        return self.relations[key]

    def save_if_changed(self, instance, fields: dict, **related) -> bool:
        """`records.save_if_changed` in memory: apply `fields`; validate and keep the row if
        something differs or it is new. `related` primes the instances `clean()` reads."""
        names = {"*"} if instance._state.adding else set()
        slug = None if instance._state.adding else getattr(instance, "slug", None)
        for name, value in fields.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                names.add(name)
        if not names:
            return False
        for name, row in related.items():
            if row is not None:
                setattr(instance, name, row)
        validate(instance, self.known)
        self._stamp(instance, names)
        if hasattr(instance, "slug") and instance.slug != slug:
            slugs = self.batch.slugs[type(instance)]
            if slug:
                slugs.draft[slug] = None
            slugs.draft[instance.slug] = instance.pk
        key = (type(instance), instance.pk)
        self.rows[key] = instance
        self.saved.setdefault(key, set()).update(names)
        return True

    def _stamp(self, instance, names: set) -> None:
        """What `save()` adds: the time of the change, and (for a service the public can now
        see) when it was first published."""
        if hasattr(instance, "updated_at"):
            instance.updated_at = self.batch.now
            names.add("updated_at")
        if isinstance(instance, Service) and instance.first_published_at is None:
            organisation = self.get(Organisation, instance.organisation_id)
            if instance.status == Service.Status.ACTIVE and organisation.is_active:
                instance.first_published_at = self.batch.now
                names.add("first_published_at")

    def set_if_changed(self, owner, name: str, rows) -> bool:
        current = self.relation(owner, name)
        wanted = {row.pk for row in rows}
        if set(current) == wanted:
            return False
        self.relations[(type(owner), owner.pk, name)] = {t: current.get(t) for t in wanted}
        self.relations_changed.add((type(owner), owner.pk, name))
        return True

    def delete(self, model, service, pks: set) -> None:
        for pk in pks:
            self.rows[(model, pk)] = None
            self.deleted.add((model, pk))
        self.children_of(model, service).difference_update(pks)


def _ids(raws: list) -> dict[Any, set]:
    """Every id the records name, by model (schedules with the ids derived from them)."""
    ids: dict[Any, set] = {
        m: set() for m in (Service, Organisation, Location, ServiceAtLocation, Schedule)
    }
    ids[(Schedule, "derived")] = set()

    def add(model, value):
        if (key := as_uuid(value)) is not None:
            ids[model].add(key)

    for raw in raws:
        try:
            _add_ids(raw, add)
        except (AttributeError, TypeError):
            continue  # a record of the wrong shape: reported when it is run
    return ids


def _add_ids(raw, add) -> None:
    add(Service, raw.get("id"))
    nested = raw.get("organization")
    add(Organisation, nested.get("id") if isinstance(nested, dict) else None)
    add(Organisation, raw.get("organization_id"))
    schedules = list(raw.get("schedules") or [])
    for link in raw.get("service_at_locations") or []:
        add(ServiceAtLocation, link.get("id"))
        add(Location, link.get("location_id"))
        add(Location, (link.get("location") or {}).get("id"))
        schedules += link.get("schedules") or []
    for schedule in schedules:
        add(Location, schedule.get("location_id"))
        add(Schedule, schedule.get("id"))
        for number in range(1, MAX_DERIVED):
            add((Schedule, "derived"), derived_id(str(schedule.get("id")), number))
