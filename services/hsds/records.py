"""One HSDS service record read into our model's terms (`ServiceRecord`), and saved
(`upsert`). The inverse of `serialise.py`."""

import contextlib
import datetime
import math
import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db import router
from django.db.models.signals import post_save

from services.models import Area, Location, Organisation, Service
from services.slugs import unique_slug

from .schedules import ScheduleError, schedule_fields_from_hsds
from .serialise import CHARITY_SCHEME, LANGUAGE_CODES, SCOTLAND_GSS
from .taxonomy import BY_ID, TAXONOMIES, TextField, derived_id

LONDON = ZoneInfo("Europe/London")
STATUSES = {"active": "active", "inactive": "inactive", "defunct": "defunct",
            "temporarily closed": "inactive"}  # fmt: skip
COST_LABELS = {label.lower(): value for value, label in Service.Cost.choices}


class RecordError(ValueError):
    """A record we cannot import; the message says why in plain English."""


@dataclass
class OrganisationPolicy:
    """What an import may do to organisations: create those it does not know, and change
    one already in the directory only when told to (`update_existing`). Existing ones whose
    details in the file differ are noted in `left_unchanged` (id: name) for the report."""

    update_existing: bool = False
    created: set[str] = field(default_factory=set)
    left_unchanged: dict[str, str] = field(default_factory=dict)


class Lookups:
    """Vocabulary terms and areas, read once per import run."""

    def __init__(self):
        self.rows = {t.key: {r.slug: r for r in t.vocabulary.objects.all()}
                     for t in TAXONOMIES if t.vocabulary is not None}  # fmt: skip
        self.terms = {}
        for taxonomy in TAXONOMIES:
            codes = self.rows[taxonomy.key] if taxonomy.vocabulary else taxonomy.choices.values
            for code in codes:
                self.terms[taxonomy.term_id(code)] = (taxonomy, code)
        areas = list(Area.objects.all())
        self.area_by_gss = {area.gss_code: area for area in areas}
        self.area_by_name = {area.name.lower(): area for area in areas}
        hsds_codes = {code: slug for slug, code in LANGUAGE_CODES.items()}
        self.language = {hsds_codes.get(c, c): r for c, r in self.rows["language"].items()}
        self.language.update({code: self.rows["language"][slug] for code, slug in hsds_codes.items()
                              if slug in self.rows["language"]})  # fmt: skip


def parse_uuid(value, what: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise RecordError(f"{what} id {value!r} is not a UUID.") from None


def _text(data: dict, key: str, limit: int | None = None) -> str:
    value = data.get(key)
    text = "" if value is None else str(value).strip()
    return text[:limit] if limit else text


def _age(value):
    return None if value in (None, "") else int(float(value))


def _gss(area: dict) -> str:
    for value in (area.get("extent"), str(area.get("uri") or "").rstrip("/").split("/")[-1]):
        if value and len(str(value)) == 9:
            return str(value).upper()
    return ""


class ServiceRecord:
    def __init__(
        self,
        data: dict,
        lookups: Lookups,
        forced_organisation=None,
        policy: OrganisationPolicy | None = None,
    ):
        if not isinstance(data, dict):
            raise RecordError("A service must be a JSON object.")
        self.data, self.lookups = data, lookups
        self.policy = policy or OrganisationPolicy(update_existing=True)
        self.id = parse_uuid(data.get("id"), "The service")
        self.unknown: Counter = Counter()
        self.forced_organisation = forced_organisation
        self.terms = self._terms(data.get("attributes") or [])

    def _terms(self, attributes: list) -> dict[str, list[tuple[str, str]]]:
        """{taxonomy key: [(code, attribute value)]} for the terms we know."""
        found: dict[str, list[tuple[str, str]]] = {}
        for attribute in attributes:
            term = attribute.get("taxonomy_term") or {}
            term_id = str(attribute.get("taxonomy_term_id") or term.get("id") or "")
            known = self.lookups.terms.get(term_id)
            if known is None and term.get("taxonomy_id") in BY_ID and term.get("code"):
                taxonomy = BY_ID[term["taxonomy_id"]]
                known = self.lookups.terms.get(taxonomy.term_id(term["code"]))
            if known is None:
                name = term.get("name") or term.get("code") or term_id or "(no term)"
                self.unknown[f"{term.get('taxonomy') or 'unknown taxonomy'}: {name}"] += 1
                continue
            taxonomy, code = known
            found.setdefault(taxonomy.key, []).append((code, _text(attribute, "value")))
        return found

    def text(self, field: TextField) -> str:
        values = [value for code, value in self.terms.get("text", []) if code == field]
        return values[0] if values else ""

    @cached_property
    def fields(self) -> dict:
        data = self.data
        name = _text(data, "name")
        if not name:
            raise RecordError("The service has no name.")
        description = _text(data, "description")
        cost, cost_description = self._cost()
        intake = (self.terms.get("intake_status") or [(Service.Intake.WELCOMING, "")])[0]
        phones = data.get("phones") or []
        fields = {
            "name": name[:200],
            "summary": self.text(TextField.SUMMARY) or description[:200],
            "description": description,
            "first_visit": self.text(TextField.FIRST_VISIT),
            "how_to_get_support": _text(data, "application_process"),
            "status": STATUSES.get(_text(data, "status"), _text(data, "status")),
            "intake_status": intake[0],
            "intake_status_until": datetime.date.fromisoformat(intake[1]) if intake[1] else None,
            "website": _text(data, "url"),
            "email": _text(data, "email"),
            "phone": _text(phones[0], "number", 40) if phones else "",
            "cost": cost,
            "cost_description": _text(data, "fees_description") or cost_description,
            "min_age": _age(data.get("minimum_age")),
            "max_age": _age(data.get("maximum_age")),
            "is_national": any(_gss(a) == SCOTLAND_GSS for a in data.get("service_areas") or []),
        }
        if self.text(TextField.SLUG):
            fields["slug"] = self.text(TextField.SLUG)
        return fields

    def _cost(self) -> tuple[str, str]:
        options = self.data.get("cost_options") or []
        if not options:
            return Service.Cost.FREE, ""
        option = options[0]
        cost = COST_LABELS.get(_text(option, "option").lower())
        if cost is None:
            cost = Service.Cost.FREE if option.get("amount") in (0, "0") else Service.Cost.PAID
        return cost, _text(option, "amount_description", 200)

    @cached_property
    def relations(self) -> dict[str, list]:
        relations = {}
        for taxonomy in TAXONOMIES:
            if taxonomy.service_field:
                rows = self.lookups.rows[taxonomy.key]
                codes = {code for code, _ in self.terms.get(taxonomy.key, [])}
                relations[taxonomy.service_field] = [rows[code] for code in sorted(codes)]
        relations["languages"] = self._languages()
        relations["areas"] = self._areas()
        return relations

    def _languages(self) -> list:
        found = []
        for language in self.data.get("languages") or []:
            row = self.lookups.language.get(_text(language, "code").lower())
            if row is None:
                self.unknown[f"language: {_text(language, 'name') or _text(language, 'code')}"] += 1
            elif row not in found:
                found.append(row)
        return found

    def _areas(self) -> list:
        found = []
        for area in self.data.get("service_areas") or []:
            gss = _gss(area)
            if gss == SCOTLAND_GSS:
                continue
            row = self.lookups.area_by_gss.get(gss) or self.lookups.area_by_name.get(
                _text(area, "name").lower()
            )
            if row is None:
                self.unknown[f"service area: {_text(area, 'name') or gss}"] += 1
            elif row not in found:
                found.append(row)
        return found

    def organisation(self, find=None, save=None) -> Organisation:
        """The service's organisation: the one the import was told to use, else the one the
        file names, created from the file when new (and changed only under the policy).
        `find(id)` and `save(organisation, data)` default to the database; a batched import
        passes its own (`batch.py`)."""
        find = find or (lambda pk: Organisation.objects.filter(pk=pk).first())
        save = save or upsert_organisation
        if self.forced_organisation is not None:
            return self.forced_organisation
        nested = self.data.get("organization") or {}
        if not isinstance(nested, dict):
            raise RecordError("The service's organization must be a JSON object.")
        organisation_id = parse_uuid(
            nested.get("id") or self.data.get("organization_id"), "The organization"
        )
        organisation = find(organisation_id)
        if not nested:
            if organisation is None:
                raise RecordError(
                    f"Organization {organisation_id} is not in the file or the directory."
                )
            return organisation
        policy = self.policy
        if organisation is None or policy.update_existing or organisation_id in policy.created:
            if organisation is None:
                policy.created.add(organisation_id)
            return save(organisation or Organisation(id=organisation_id), nested)
        if any(getattr(organisation, name) != value
               for name, value in organisation_fields(nested).items()):  # fmt: skip
            policy.left_unchanged[organisation_id] = organisation.name
        return organisation

    def locations(self) -> list[tuple[dict, dict]]:
        """[(service_at_location data, location data)], the latter possibly empty."""
        return [
            (link, link.get("location") or {})
            for link in self.data.get("service_at_locations") or []
        ]

    def schedules(self) -> list[dict]:
        by_id, locations = {}, {}
        for link in self.data.get("service_at_locations") or []:
            locations[str(link.get("id"))] = link.get("location_id") or (
                link.get("location") or {}
            ).get("id")
            for schedule in link.get("schedules") or []:
                by_id[str(schedule.get("id"))] = {
                    "location_id": locations[str(link.get("id"))],
                    **schedule,
                }
        for schedule in self.data.get("schedules") or []:
            located = schedule.get("location_id") or locations.get(
                str(schedule.get("service_at_location_id"))
            )
            by_id[str(schedule.get("id"))] = {**schedule, "location_id": located}
        found = []
        for schedule_id, schedule in by_id.items():
            try:
                for number, fields in enumerate(schedule_fields_from_hsds(schedule)):
                    own_id = (
                        parse_uuid(schedule_id, "A schedule")
                        if number == 0
                        else derived_id(schedule_id, number)
                    )
                    location = schedule.get("location_id")
                    found.append(
                        {
                            "id": own_id,
                            "location_id": location
                            and uuid.UUID(parse_uuid(location, "A location")),
                            **fields,
                        }
                    )
            except ScheduleError as error:
                raise RecordError(f"Schedule {schedule_id}: {error}") from None
        return found


def assured_fields(record: ServiceRecord, service: Service) -> dict:
    """`last_checked_at` from the record's `assured_date`, when that is another day."""
    value = record.data.get("assured_date")
    if not value:
        return {}
    day = datetime.date.fromisoformat(str(value)[:10])
    current = service.last_checked_at
    if current is not None and current.astimezone(LONDON).date() == day:
        return {}
    return {"last_checked_at": datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON)}


def last_modified(record: ServiceRecord) -> datetime.datetime | None:
    """The record's `last_modified`, which a changed service keeps as its `updated_at`."""
    value = record.data.get("last_modified")
    return datetime.datetime.fromisoformat(str(value)) if value else None


def missing_location(location_id) -> RecordError:
    """A service at a location that names neither a location in the file nor one in the
    directory."""
    return RecordError(f"Location {location_id} is not in the file or the directory.")


def organisation_fields(data: dict) -> dict:
    identifiers = [i for i in data.get("organization_identifiers") or []
                   if i.get("identifier_scheme") == CHARITY_SCHEME]  # fmt: skip
    phones = data.get("phones") or []
    return {
        "name": _text(data, "name", 200),
        "description": _text(data, "description"),
        "email": _text(data, "email"),
        "website": _text(data, "website"),
        "phone": _text(phones[0], "number", 40) if phones else "",
        "charity_number": _text(identifiers[0], "identifier") if identifiers else "",
    }


def upsert_organisation(organisation: Organisation, data: dict) -> Organisation:
    fields = organisation_fields(data)
    if organisation._state.adding:
        wanted = str(data.get("uri") or "").rstrip("/").split("/")[-1]
        organisation.slug = unique_slug(
            Organisation, fields["name"], wanted if data.get("uri") else ""
        )
    save_if_changed(organisation, fields)
    return organisation


def save_if_changed(instance, fields: dict) -> bool:
    """Apply `fields`; validate and save only if something differs (or it is new)."""
    changed = instance._state.adding
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.full_clean()
        instance.save()
    return changed


@contextlib.contextmanager
def quietly(instance):
    """Save `instance` and its many-to-many relations without a history entry for each
    step; follow with `record_history` once they are all in place."""
    instance.skip_history_when_saving = True
    try:
        yield instance
    finally:
        del instance.skip_history_when_saving


def record_history(instance, *, created: bool) -> None:
    """One history entry (with its relations) for a record saved `quietly`: the post_save
    that simple_history and the search index listen for, sent once after the relations are
    set, rather than one entry per relation (README, Import and export)."""
    post_save.send(
        sender=type(instance),
        instance=instance,
        created=created,
        update_fields=None,
        raw=False,
        using=router.db_for_write(type(instance), instance=instance),
    )


def set_if_changed(manager, rows) -> bool:
    if set(manager.values_list("pk", flat=True)) == {row.pk for row in rows}:
        return False
    manager.set(rows)
    return True


def accessibility(record: ServiceRecord, location: dict) -> list:
    rows = record.lookups.rows["accessibility"]
    by_name = {row.name.lower(): row for row in rows.values()}
    found = {}
    for attribute in location.get("attributes") or []:
        term = record.lookups.terms.get(str(attribute.get("taxonomy_term_id")))
        if term and term[0].key == "accessibility":
            found[term[1]] = rows[term[1]]
    for item in location.get("accessibility") or []:
        row = by_name.get(_text(item, "description").lower())
        if row is not None:
            found[row.slug] = row
        elif not found:
            record.unknown[f"accessibility: {_text(item, 'description')}"] += 1
    return list(found.values())


def _council_area(record: ServiceRecord, location: dict, address: dict) -> Area:
    area = record.lookups.area_by_gss.get(_text(location, "external_identifier").upper())
    area = area or record.lookups.area_by_name.get(_text(address, "region").lower())
    if area is None or not area.is_council_area:
        raise RecordError(
            f"Location {location.get('id')}: say which Scottish council area it is in."
        )
    return area


def upsert_location(record: ServiceRecord, organisation, data: dict) -> tuple[Location, bool]:
    location_id = parse_uuid(data.get("id"), "A location")
    location = Location.objects.filter(pk=location_id).first() or Location(id=location_id)
    if not location._state.adding and location.organisation_id != organisation.pk:
        raise RecordError(f"Location {location_id} belongs to another organisation.")
    fields = location_fields(record, organisation, data, location_id)
    created = location._state.adding
    with quietly(location):
        changed = save_if_changed(location, fields)
        changed |= set_if_changed(location.accessibility, accessibility(record, data))
    if changed:
        record_history(location, created=created)
    return location, changed


def location_fields(record: ServiceRecord, organisation, data: dict, location_id: str) -> dict:
    """The fields of an HSDS location (with its physical address) in our model's terms."""
    addresses = data.get("addresses") or [{}]
    address = next((a for a in addresses if a.get("address_type") == "physical"), addresses[0])
    return {
        "organisation_id": organisation.pk,
        "name": _text(data, "name", 200) or _text(address, "address_1", 200),
        "address_1": _text(address, "address_1", 200),
        "address_2": _text(address, "address_2", 200),
        "town": _text(address, "city", 100),
        "postcode": _text(address, "postal_code", 8).upper(),
        "latitude": _coordinate(data.get("latitude"), location_id),
        "longitude": _coordinate(data.get("longitude"), location_id),
        "council_area_id": _council_area(record, data, address).pk,
        "directions": _text(data, "transportation"),
    }


def _coordinate(value, location_id: str):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RecordError(f"Location {location_id}: coordinates must be numbers.")
    try:
        number = float(value)
    except ValueError:
        raise RecordError(f"Location {location_id}: coordinates must be numbers.") from None
    if not math.isfinite(number):
        raise RecordError(f"Location {location_id}: coordinates must be finite numbers.")
    return number
