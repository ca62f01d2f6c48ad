"""Import an Open Referral HSDS 3.0 dataset: upsert organisations, services, locations and
schedules by their HSDS ids.

A run is all-or-nothing: every record is validated with the models' own `full_clean()`,
and if any record fails (or it is a dry run) the whole transaction is rolled back. A record
is saved only when something in it differs, so importing the same file twice changes
nothing the second time. Taxonomy terms we do not know are reported, not guessed."""

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from services.models import Organisation, Schedule, Service, ServiceAtLocation

from .records import (
    Lookups,
    RecordError,
    ServiceRecord,
    parse_uuid,
    save_if_changed,
    set_if_changed,
    unique_slug,
    upsert_location,
)

LONDON = ZoneInfo("Europe/London")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    unknown_terms: Counter = field(default_factory=Counter)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class DatasetError(ValueError):
    """The file is not an HSDS dataset we can read."""


def services_in(data) -> list[dict]:
    """The services of a dataset: a list of services, a list of organisations with their
    services, or a package object with "services" and/or "organizations"."""
    if isinstance(data, dict):
        services = list(data.get("services") or [])
        for organisation in data.get("organizations") or []:
            services += _services_of(organisation)
        if not services and "id" in data and "status" in data:
            services = [data]
        return services
    if not isinstance(data, list):
        raise DatasetError("Expected a JSON list of services or organizations, or a package.")
    services = []
    for item in data:
        if not isinstance(item, dict):
            raise DatasetError("Every item in the list must be a JSON object.")
        services += _services_of(item) if "services" in item and "status" not in item else [item]
    return services


def _services_of(organisation: dict) -> list[dict]:
    brief = {key: value for key, value in organisation.items() if key != "services"}
    return [
        {**service, "organization": service.get("organization") or brief}
        for service in organisation.get("services") or []
    ]


def _label(record: dict) -> str:
    return f"service {record.get('id', '(no id)')} ({record.get('name', 'no name')})"


def _messages(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def import_dataset(
    data, *, organisation: Organisation | None = None, dry_run: bool = False
) -> ImportReport:
    """Import every service in `data` (parsed JSON). Nothing is saved unless every record
    is valid and `dry_run` is false."""
    report = ImportReport(dry_run=dry_run)
    records = services_in(data)
    lookups = Lookups()
    with transaction.atomic():
        for raw in records:
            try:
                with transaction.atomic():
                    record = ServiceRecord(raw, lookups, forced_organisation=organisation)
                    outcome = upsert(record)
                    report.unknown_terms.update(record.unknown)
            except (
                RecordError,
                ValidationError,
                ValueError,
                TypeError,
                AttributeError,
                KeyError,
            ) as error:
                report.errors.append(
                    (_label(raw if isinstance(raw, dict) else {}), _messages(error))
                )
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    return report


def _assured(record: ServiceRecord, service: Service) -> dict:
    value = record.data.get("assured_date")
    if not value:
        return {}
    day = datetime.date.fromisoformat(str(value)[:10])
    current = service.last_checked_at
    if current is not None and current.astimezone(LONDON).date() == day:
        return {}
    return {"last_checked_at": datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON)}


def _links(record: ServiceRecord, service: Service) -> bool:
    changed, kept = False, []
    for link_data, location_data in record.locations():
        if location_data:
            location, location_changed = upsert_location(
                record, service.organisation, location_data
            )
            changed |= location_changed
            location_id = location.pk
        else:
            location_id = uuid.UUID(parse_uuid(link_data.get("location_id"), "A location"))
        link_id = str(link_data.get("id"))
        link = ServiceAtLocation.objects.filter(pk=link_id).first() or ServiceAtLocation(id=link_id)
        if not link._state.adding and link.service_id != service.pk:
            raise RecordError(f"Service at location {link_id} belongs to another service.")
        fields = {"service_id": service.pk, "location_id": location_id,
                  "description": str(link_data.get("description") or "")[:200]}  # fmt: skip
        changed |= save_if_changed(link, fields)
        kept.append(link.pk)
    removed, _ = service.service_locations.exclude(pk__in=kept).delete()
    return changed or bool(removed)


def _schedules(record: ServiceRecord, service: Service) -> bool:
    changed, kept = False, []
    for fields in record.schedules():
        schedule_id = fields.pop("id")
        schedule = Schedule.objects.filter(pk=schedule_id).first() or Schedule(id=schedule_id)
        if not schedule._state.adding and schedule.service_id != service.pk:
            raise RecordError(f"Schedule {schedule_id} belongs to another service.")
        changed |= save_if_changed(schedule, {"service_id": service.pk, **fields})
        kept.append(schedule.pk)
    removed, _ = service.schedules.exclude(pk__in=kept).delete()
    return changed or bool(removed)


def upsert(record: ServiceRecord) -> str:
    """Save one service and its parts; returns "created", "updated" or "unchanged"."""
    service = Service.objects.filter(pk=record.id).first() or Service(id=record.id)
    organisation = record.organisation()
    if not service._state.adding and service.organisation_id != organisation.pk:
        raise RecordError("This service belongs to another organisation in the directory.")
    fields = {"organisation_id": organisation.pk, **record.fields, **_assured(record, service)}
    if service._state.adding and "slug" not in fields:
        fields["slug"] = unique_slug(Service, fields["name"])
    created = service._state.adding
    changed = save_if_changed(service, fields)
    for name, rows in record.relations.items():
        changed |= set_if_changed(getattr(service, name), rows)
    changed |= _links(record, service)
    changed |= _schedules(record, service)
    if changed and record.data.get("last_modified"):
        modified = datetime.datetime.fromisoformat(str(record.data["last_modified"]))
        Service.objects.filter(pk=service.pk).update(updated_at=modified)
    if created:
        return "created"
    return "updated" if changed else "unchanged"
