"""One HSDS service record run against a batch (`batch.Draft`): `importer.upsert`'s steps
(service, organisation, locations, services-at-locations, schedules) on the batch's rows in
memory, with the same rules and messages, the rows to write left in the draft."""

import uuid

from services.models import Location, Organisation, Schedule, Service, ServiceAtLocation

from .batch import Draft, as_uuid
from .records import (
    RecordError,
    ServiceRecord,
    accessibility,
    assured_fields,
    last_modified,
    location_fields,
    missing_location,
    organisation_fields,
    parse_uuid,
)


def upsert(record: ServiceRecord, draft: Draft) -> str:
    """`importer.upsert`, against the batch: "created", "updated" or "unchanged"."""
    service = draft.get(Service, record.id) or Service(id=as_uuid(record.id))
    created = service._state.adding
    organisation = record.organisation(
        find=lambda pk: draft.get(Organisation, pk), save=lambda o, d: _organisation(draft, o, d)
    )
    if not created and service.organisation_id != organisation.pk:
        raise RecordError("This service belongs to another organisation in the directory.")
    fields = {"organisation_id": organisation.pk, **record.fields}
    fields.update(assured_fields(record, service))
    if created and "slug" not in fields:
        fields["slug"] = draft.batch.slugs[Service].new(fields["name"])
    changed = draft.save_if_changed(service, fields)
    for name, rows in record.relations.items():
        changed |= draft.set_if_changed(service, name, rows)
    if changed:
        draft.history.setdefault((Service, service.pk))
    changed |= _links(record, service, organisation, draft)
    changed |= _schedules(record, service, draft)
    if changed and (modified := last_modified(record)):
        draft.modified[service.pk] = modified
    if created:
        return "created"
    return "updated" if changed else "unchanged"


def _organisation(draft: Draft, organisation: Organisation, data: dict) -> Organisation:
    fields = organisation_fields(data)
    if organisation._state.adding:
        organisation.pk = as_uuid(organisation.pk)
        wanted = str(data.get("uri") or "").rstrip("/").split("/")[-1]
        slugs = draft.batch.slugs[Organisation]
        organisation.slug = slugs.new(fields["name"], wanted if data.get("uri") else "")
    if draft.save_if_changed(organisation, fields):
        draft.history.setdefault((Organisation, organisation.pk))
    return organisation


def _location(record, organisation, data: dict, draft: Draft) -> tuple[Location, bool]:
    location_id = parse_uuid(data.get("id"), "A location")
    location = draft.get(Location, location_id) or Location(id=as_uuid(location_id))
    if not location._state.adding and location.organisation_id != organisation.pk:
        raise RecordError(f"Location {location_id} belongs to another organisation.")
    fields = location_fields(record, organisation, data, location_id)
    changed = draft.save_if_changed(location, fields)
    changed |= draft.set_if_changed(location, "accessibility", accessibility(record, data))
    if changed:
        draft.history.setdefault((Location, location.pk))
    return location, changed


def _links(record, service, organisation, draft: Draft) -> bool:
    changed, kept = False, set[uuid.UUID]()
    for link_data, location_data in record.locations():
        if location_data:
            location, location_changed = _location(record, organisation, location_data, draft)
            changed |= location_changed
        else:
            location = draft.get(Location, parse_uuid(link_data.get("location_id"), "A location"))
            if location is None:
                raise missing_location(as_uuid(link_data.get("location_id")))
        link_id = ServiceAtLocation._meta.pk.to_python(str(link_data.get("id")))
        link = draft.get(ServiceAtLocation, link_id) or ServiceAtLocation(id=link_id)
        if not link._state.adding and link.service_id != service.pk:
            raise RecordError(f"Service at location {link_id} belongs to another service.")
        fields = {"service_id": service.pk, "location_id": location.pk,
                  "description": str(link_data.get("description") or "")[:200]}  # fmt: skip
        changed |= _keep_child(draft, link, fields, service, kept, location=location)
    return _drop_other_children(draft, ServiceAtLocation, service, kept) or changed


def _schedules(record, service, draft: Draft) -> bool:
    changed, kept = False, set[uuid.UUID]()
    for fields in record.schedules():
        schedule_id = fields.pop("id")
        schedule = draft.get(Schedule, schedule_id) or Schedule(id=as_uuid(schedule_id))
        if not schedule._state.adding and schedule.service_id != service.pk:
            raise RecordError(f"Schedule {schedule_id} belongs to another service.")
        fields = {"service_id": service.pk, **fields}
        changed |= _keep_child(draft, schedule, fields, service, kept)
    return _drop_other_children(draft, Schedule, service, kept) or changed


def _keep_child(draft: Draft, child, fields: dict, service, kept: set, **related) -> bool:
    """Save a service's link or session if it changed (with history), and note it kept."""
    changed = draft.save_if_changed(child, fields, service=service, **related)
    if changed:
        draft.history.setdefault((type(child), child.pk))
    draft.children_of(type(child), service.pk).add(child.pk)
    kept.add(child.pk)
    return changed


def _drop_other_children(draft: Draft, model, service, kept: set) -> bool:
    """Delete the service's rows of `model` the record no longer has."""
    removed = draft.children_of(model, service.pk) - kept
    draft.delete(model, service.pk, removed)
    return bool(removed)
