"""Import an Open Referral HSDS 3.0 dataset: upsert organisations, services, locations and
schedules by their HSDS ids.

Every record is validated with the models' own validation, and a bad record is reported and
left out without touching the others. Records run in batches (`batch.py`, written in bulk by
`bulk.py`: a few queries per batch); `upsert` below saves one record at a time, each in its
own savepoint, when the database refuses a batch. By default the records are committed in
chunks, so searches and other organisations' edits carry on while a large feed loads;
`atomic=True` (and every dry run) keeps the whole run in one transaction, rolled back if any
record fails. A record is saved only when something in it differs, so importing
the same file twice changes nothing the second time. Taxonomy terms we do not know are
reported, not guessed. An organisation already in the directory is never changed unless
`update_organisations` is set."""

import itertools
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from services.models import Location, Organisation, Schedule, Service, ServiceAtLocation
from services.slugs import unique_slug

from . import bulk
from .batch import Batch, Conflict, Draft
from .batch_upsert import upsert as batched_upsert
from .reader import DatasetError, expand, services_of
from .records import (
    Lookups,
    OrganisationPolicy,
    RecordError,
    ServiceRecord,
    assured_fields,
    last_modified,
    missing_location,
    parse_uuid,
    quietly,
    record_history,
    save_if_changed,
    set_if_changed,
    upsert_location,
)

LONDON = ZoneInfo("Europe/London")
# Services committed together when not atomic: large enough to keep the per-commit cost
# small, small enough that a commit never holds locks for long.
CHUNK_SIZE = 200
RECORD_ERRORS = (
    RecordError,
    ValidationError,
    ValueError,
    TypeError,
    AttributeError,
    KeyError,
    DatabaseError,
)

__all__ = ["DatasetError", "ImportReport", "import_dataset", "import_records"]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    unknown_terms: Counter = field(default_factory=Counter)
    dry_run: bool = False
    atomic: bool = False
    # Organisations in the directory whose details in the file differ, left as they were.
    organisations_left_unchanged: dict[str, str] = field(default_factory=dict)
    # The file stopped being readable part way (chunked runs keep what came before).
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    @property
    def saved(self) -> bool:
        """Whether the services counted were committed."""
        return not self.dry_run and (self.ok or not self.atomic)


def services_in(data) -> list[dict]:
    """The services of already-parsed data: a list of services, a list of organisations
    with their services, or a package object with "services" and/or "organizations"."""
    if isinstance(data, dict):
        services = list(data.get("services") or [])
        for number, organisation in enumerate(data.get("organizations") or [], start=1):
            services += services_of(organisation, f"Organization {number} in the package")
        if not services and "id" in data and "status" in data:
            services = [data]
        return services
    if not isinstance(data, list):
        raise DatasetError("Expected a JSON list of services or organizations, or a package.")
    return [
        service
        for number, item in enumerate(data, start=1)
        for service in expand(item, f"Item {number} of the list")
    ]


def _label(record) -> str:
    record = record if isinstance(record, dict) else {}
    return f"service {record.get('id', '(no id)')} ({record.get('name', 'no name')})"


def _messages(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, DatabaseError):
        return "The database refused this record."
    return str(error)


def import_dataset(data, **options) -> ImportReport:
    """Import every service in already-parsed JSON `data` (see `import_records`)."""
    return import_records(services_in(data), **options)


def import_records(
    records: Iterable[dict],
    *,
    organisation: Organisation | None = None,
    dry_run: bool = False,
    atomic: bool = False,
    update_organisations: bool = False,
    chunk_size: int = CHUNK_SIZE,
    batched: bool = True,
) -> ImportReport:
    """Import a stream of HSDS service records. With `atomic` or `dry_run`, nothing is
    saved unless every record is valid (and never on a dry run); otherwise each chunk of
    `chunk_size` records is committed as it is read, and bad records are left out.
    `batched=False` saves one record at a time (the slow path `_Run.one`, for comparison)."""
    report = ImportReport(dry_run=dry_run, atomic=atomic or dry_run)
    policy = OrganisationPolicy(update_existing=update_organisations)
    run = _Run(report, organisation, policy, batch_size=chunk_size, batched=batched)
    stream = _until_unreadable(records, report)
    if report.atomic:
        with transaction.atomic():
            run.all(stream)
            if not report.ok or dry_run:
                transaction.set_rollback(True)
    else:
        while chunk := list(itertools.islice(stream, chunk_size)):
            with transaction.atomic():
                run.all(chunk)
    return report


def _until_unreadable(records: Iterable[dict], report: ImportReport) -> Iterator[dict]:
    try:
        yield from records
    except DatasetError as error:
        report.file_error = str(error)


class _Run:
    """One import run: the lookups read once, the ids seen so far, the report.

    Records go through in batches (`batch.py`, written by `bulk.py`): a few queries per
    batch. Should writing a batch fail in the database (a row someone changed meanwhile, say),
    the batch is rolled back to its savepoint and its records go through one at a time
    (`one`, each in its own savepoint), which reports each record's own error."""

    def __init__(self, report, organisation, policy, batch_size=CHUNK_SIZE, batched=True):
        self.report, self.forced, self.policy = report, organisation, policy
        self.lookups = Lookups()
        self.seen: dict[str, int] = {}
        self.position = 0
        self.batch_size, self.batched = batch_size, batched

    def all(self, records: Iterable[dict]) -> None:
        records = iter(records)
        while chunk := list(itertools.islice(records, self.batch_size)):
            if self.batched:
                self.batches(chunk)
            else:
                for raw in chunk:
                    self.one(raw)
        self.report.organisations_left_unchanged.update(self.policy.left_unchanged)

    def batches(self, raws: list) -> None:
        while raws:
            try:
                with transaction.atomic():
                    done, outcomes = self.batch(raws)
            except DatabaseError:
                for raw in raws:
                    self.one(raw)
                return
            for raw, outcome in outcomes:
                self._count(raw, outcome)
            raws = raws[done:]

    def batch(self, raws: list) -> tuple[int, list]:
        """Run `raws` against one `Batch` until one would change a row an earlier one
        changed; write them. Returns how many ran, and each one's outcome or error."""
        records = [self._parse(raw) for raw in raws]
        batch = Batch(raws, records, self.lookups, self.forced)
        outcomes: list = []
        seen: dict[str, int] = {}
        for raw, record in zip(raws, records, strict=True):
            number = self.position + len(outcomes) + 1
            try:
                self._refuse_repeats(raw, number, seen)
                if isinstance(record, Exception):
                    raise record
                draft = Draft(batch)
                outcome = batched_upsert(record, draft)
                batch.commit(draft)
            except Conflict:
                break
            except DatabaseError:
                raise
            except RECORD_ERRORS as error:
                outcomes.append((raw, error))
                continue
            seen[record.id] = number
            outcomes.append((raw, (record, outcome)))
        bulk.write(batch)
        return len(outcomes), outcomes

    def _parse(self, raw) -> ServiceRecord | Exception:
        try:
            return ServiceRecord(
                raw, self.lookups, forced_organisation=self.forced, policy=self.policy
            )
        except RECORD_ERRORS as error:
            return error

    def _count(self, raw, outcome) -> None:
        self.position += 1
        if isinstance(outcome, Exception):
            self.report.errors.append((_label(raw), _messages(outcome)))
            return
        record, result = outcome
        self.report.unknown_terms.update(record.unknown)
        self.seen[record.id] = self.position
        setattr(self.report, result, getattr(self.report, result) + 1)

    def one(self, raw) -> None:
        try:
            self._refuse_repeats(raw, self.position + 1)
            with transaction.atomic():
                record = ServiceRecord(
                    raw, self.lookups, forced_organisation=self.forced, policy=self.policy
                )
                outcome = upsert(record)
        except RECORD_ERRORS as error:
            self._count(raw, error)
            return
        self._count(raw, (record, outcome))

    def _refuse_repeats(self, raw, number: int, batch_seen: dict | None = None) -> None:
        if not isinstance(raw, dict):
            return
        try:
            service_id = str(uuid.UUID(str(raw.get("id"))))
        except ValueError:
            return
        first = self.seen.get(service_id) or (batch_seen or {}).get(service_id)
        if first:
            raise RecordError(
                f"This id appears more than once in the file (first as record "
                f"{first}); each service must appear once."
            )


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
            if not Location.objects.filter(pk=location_id).exists():
                raise missing_location(location_id)
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
    fields = {
        "organisation_id": organisation.pk,
        **record.fields,
        **assured_fields(record, service),
    }
    if service._state.adding and "slug" not in fields:
        fields["slug"] = unique_slug(Service, fields["name"])
    created = service._state.adding
    with quietly(service):
        changed = save_if_changed(service, fields)
        for name, rows in record.relations.items():
            changed |= set_if_changed(getattr(service, name), rows)
    if changed:
        record_history(service, created=created)
    changed |= _links(record, service)
    changed |= _schedules(record, service)
    if changed and (modified := last_modified(record)):
        Service.objects.filter(pk=service.pk).update(updated_at=modified)
    if created:
        return "created"
    return "updated" if changed else "unchanged"
