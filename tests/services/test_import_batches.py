"""import_hsds in batches: the same outcome, messages and history as saving one record at a
time, with a number of queries that does not grow with the number of services."""

import copy
import io
import itertools
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models
from django.db.models import Q, Value
from django.test.utils import CaptureQueriesContext

from services.hsds import bulk
from services.hsds.benchmark import write_copies
from services.hsds.export import write_hsds
from services.hsds.importer import import_dataset
from services.hsds.validation import holds
from services.models import Location, Organisation, Schedule, Service, ServiceAtLocation

from .api_data import bare_service, full_service

pytestmark = pytest.mark.django_db

HISTORIES: list[Any] = [Organisation, Location, Service, ServiceAtLocation, Schedule]


def exported() -> list[dict]:
    stream = io.StringIO()
    write_hsds(stream)
    return json.loads(stream.getvalue())


def copies(services: list[dict], count: int) -> list[dict]:
    stream = io.StringIO()
    write_copies(services, count, stream)
    return json.loads(stream.getvalue())


def empty_directory() -> None:
    for model in (Schedule, Service, Location, Organisation):
        model.objects.all().delete()


def histories() -> dict[str, int]:
    counts = {m.__name__: m.history.model.objects.count() for m in HISTORIES}
    counts["ServiceTypes"] = Service.history.model.types.model.objects.count()
    counts["LocationAccessibility"] = Location.history.model.accessibility.model.objects.count()
    return counts


def imported(records: list[dict], **options) -> tuple:
    """Import `records` into an empty directory: the report, the directory exported, and
    the history entries the import wrote."""
    empty_directory()
    before = histories()
    report = import_dataset(copy.deepcopy(records), **options)
    after = histories()
    written = {name: after[name] - before[name] for name in after}
    return report, exported(), written


def with_slug(record: dict, slug: str) -> dict:
    template = next(a for a in FULL["attributes"]
                    if a["taxonomy_term"].get("code") == "web-address-name")  # fmt: skip
    record["attributes"].append({**template, "value": slug, "link_id": record["id"]})
    return record


FULL: dict = {}


@pytest.fixture
def feed() -> list[dict]:
    """Good records and every kind of bad one, several invalid only against another record
    of the same chunk."""
    full_service()
    bare_service()
    document = exported()
    FULL.update(next(s for s in document if s["name"] == "Tuesday Recovery Café"))
    bare = [s for s in document if s["id"] != FULL["id"]]
    records = copies([FULL], 9) + copies(bare, 2)
    first, twin, ages, other_org, missing, orphan, sibling, clock, broken = records[:9]
    with_slug(first, "shared-slug")
    with_slug(twin, "shared-slug")
    ages["minimum_age"], ages["maximum_age"] = 70, 20
    other_org["service_at_locations"][0]["location"]["id"] = first["service_at_locations"][0][
        "location"
    ]["id"]
    missing["service_at_locations"] = [
        {"id": "5a0e6f3c-1b7e-4c55-9a51-8d2f1e0c9b11",
         "location_id": "6b1f7a4d-2c8f-4d66-8b62-9e3a2f1dac22"}
    ]  # fmt: skip
    missing["schedules"] = [s for s in missing["schedules"] if not s.get("location_id")]
    orphan["organization"] = None
    orphan["organization_id"] = "7c2a8b5e-3d9a-4e77-9c73-af4b3a2ebd33"
    sibling["organization"] = copy.deepcopy(first["organization"])
    sibling["organization_id"] = first["organization_id"]
    sibling["service_at_locations"] = copy.deepcopy(first["service_at_locations"])
    for number, link in enumerate(sibling["service_at_locations"]):
        link["id"] = f"8d3b9c6f-4e0b-4f88-8d84-b05c4b3fce4{number}"
    sibling["schedules"] = [s for s in sibling["schedules"] if not s.get("location_id")]
    clock["schedules"][0]["opens_at"], clock["schedules"][0]["closes_at"] = "20:00", "18:00"
    broken["name"] = "Two\nlines"
    return [*records, first]


def test_batches_give_the_same_outcome_messages_and_history_as_one_at_a_time(feed):
    slow_report, slow_directory, slow_history = imported(feed, batched=False)
    report, directory, history = imported(feed)
    assert report.errors == slow_report.errors
    assert (report.created, report.updated, report.unchanged) == (
        slow_report.created, slow_report.updated, slow_report.unchanged)  # fmt: skip
    assert directory == slow_directory
    assert history == slow_history
    assert report.unknown_terms == slow_report.unknown_terms


def test_records_of_the_wrong_shape_are_reported_as_one_at_a_time_reports_them(feed):
    odd = copy.deepcopy(feed[:5])
    odd[0]["service_at_locations"][0]["location"] = [1]
    odd[1]["service_at_locations"] = ["not an object"]
    odd[2]["schedules"] = "weekly"
    odd[3]["organization"] = [1]
    odd[4]["phones"] = "0141 000 0000"
    slow_report, slow_directory, _ = imported(odd, batched=False)
    report, directory, _ = imported(odd)
    assert report.errors == slow_report.errors
    assert len(report.errors) == 5
    assert directory == slow_directory


def test_a_bad_record_is_reported_and_the_good_ones_of_its_chunk_are_kept(feed):
    report, directory, _ = imported(feed)
    messages = dict(report.errors)
    assert len(report.errors) == 8
    assert report.created == 4
    assert len(directory) == 4
    by_name = {label.split(" (", 1)[1].rstrip(")"): message for label, message in messages.items()}
    assert by_name["Tuesday Recovery Café 2"] == "slug: Service with this Slug already exists."
    assert by_name["Tuesday Recovery Café 3"] == (
        "max_age: The maximum age must be the same as or more than the minimum age."
    )
    assert by_name["Tuesday Recovery Café 4"].endswith("belongs to another organisation.")
    assert by_name["Tuesday Recovery Café 5"] == (
        "Location 6b1f7a4d-2c8f-4d66-8b62-9e3a2f1dac22 is not in the file or the directory."
    )
    assert by_name["Tuesday Recovery Café 6"] == (
        "Organization 7c2a8b5e-3d9a-4e77-9c73-af4b3a2ebd33 is not in the file or the directory."
    )
    assert by_name["Tuesday Recovery Café 8"] == (
        "closes_at: The finish time must be after the start time."
    )
    assert by_name["Two\nlines"].startswith("name: ")
    assert "appears more than once in the file (first as record 1)" in by_name[
        "Tuesday Recovery Café 1"
    ]  # fmt: skip


def test_two_services_of_one_chunk_share_a_location_written_once(feed):
    report, _, history = imported(feed)
    first, sibling = feed[0], feed[6]
    location_id = first["service_at_locations"][0]["location"]["id"]
    assert Location.objects.get(pk=location_id).services.count() == 2
    assert Location.history.model.objects.filter(id=location_id).count() == 1
    assert Service.objects.filter(pk=sibling["id"]).exists()


def test_importing_the_same_feed_again_changes_nothing_and_writes_no_history(feed):
    import_dataset(copy.deepcopy(feed))
    before = histories()
    report = import_dataset(copy.deepcopy(feed))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert histories() == before


def updated(base: list[dict], changed: list[dict], **options) -> tuple:
    """Import `base` into an empty directory, then `changed`: the second run's report, the
    directory exported, and the history entries the second run wrote."""
    empty_directory()
    import_dataset(copy.deepcopy(base))
    before = histories()
    report = import_dataset(copy.deepcopy(changed), **options)
    after = histories()
    return report, exported(), {name: after[name] - before[name] for name in after}


def test_updates_deletions_and_renames_match_one_at_a_time(feed):
    base = [r for r in feed[:-1] if r["name"] != "Two\nlines"]
    changed = copy.deepcopy(base)
    first, sibling = changed[0], changed[6]
    first["organization"]["name"] = "Renamed by the feed"
    sibling["organization"]["name"] = "Renamed by the feed"
    first["attributes"] = [a for a in first["attributes"]
                           if a["taxonomy_term"]["taxonomy"] != "Delivery mode"]  # fmt: skip
    first["service_at_locations"][0]["location"]["accessibility"] = []
    first["service_at_locations"][0]["location"]["attributes"] = []
    first["schedules"] = first["schedules"][1:]
    sibling["service_at_locations"] = []
    sibling["schedules"] = [s for s in sibling["schedules"] if not s.get("location_id")]
    with_slug(changed[-1], "a-new-web-address")
    changed[-2]["description"] = "Changed."
    for options in ({}, {"update_organisations": True}):
        slow = updated(base, changed, batched=False, **options)
        fast = updated(base, changed, **options)
        assert fast[0] == slow[0]
        assert fast[1] == slow[1]
        assert fast[2] == slow[2]
    report, directory, history = fast
    assert (report.created, report.updated) == (0, 4)
    assert {s["organization"]["name"] for s in directory} >= {"Renamed by the feed"}
    # Relations, a slug and a description changed; the sibling only lost its links.
    assert history["Service"] == 3
    assert history["Organisation"] == 1
    assert history["ServiceAtLocation"] == len(feed[6]["service_at_locations"])  # deleted
    assert history["LocationAccessibility"] == 0  # the location's entry lists none now


def test_a_changed_service_is_updated_with_one_history_entry_and_its_last_modified():
    full_service()
    document = exported()
    empty_directory()
    import_dataset(copy.deepcopy(document))
    document[0]["description"] = "Now on Wednesdays too."
    document[0]["last_modified"] = "2026-11-01T12:00:00+00:00"
    entries = Service.history.model.objects.filter(id=document[0]["id"])
    before = entries.count()
    report = import_dataset(document)
    service = Service.objects.get()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert service.description == "Now on Wednesdays too."
    assert service.updated_at.isoformat() == "2026-11-01T12:00:00+00:00"
    assert entries.count() == before + 1
    assert entries.latest("history_id").history_type == "~"


def test_queries_do_not_grow_with_the_number_of_services():
    full_service()
    bare_service()
    document = exported()

    def queries(count: int) -> int:
        empty_directory()
        with CaptureQueriesContext(connection) as captured:
            report = import_dataset(copies(document, count))
        assert report.created == 2 * count
        return len(captured)

    assert queries(10) == queries(2)


def test_a_batch_the_database_refuses_is_imported_one_record_at_a_time(feed, monkeypatch):
    def refuse(batch):
        raise IntegrityError("someone else changed a row meanwhile")

    expected, directory, _ = imported(feed)
    monkeypatch.setattr(bulk, "write", refuse)
    report, directory_again, _ = imported(feed)
    assert report.errors == expected.errors
    assert directory_again == directory


def test_with_atomic_a_record_invalid_against_another_of_its_batch_saves_nothing(feed):
    report, directory, _ = imported(feed[:2], atomic=True)
    assert report.errors == [
        (f"service {feed[1]['id']} (Tuesday Recovery Café 2)",
         "slug: Service with this Slug already exists.")
    ]  # fmt: skip
    assert directory == []


GRIDS: dict[type[models.Model], dict[str, list[Any]]] = {
    Schedule: {
        "opens_at": [None, "09:00", "18:00"],
        "closes_at": [None, "09:00", "20:00"],
        "frequency": ["weekly", "fortnightly", "monthly"],
        "week_of_month": [None, 2],
        "valid_from": [None, "2026-01-01"],
        "valid_to": [None, "2025-12-31", "2026-06-30"],
    },
    Service: {"min_age": [None, 0, 18, 65], "max_age": [None, 0, 18, 65]},
    Location: {"latitude": [-91, -90, 0, 90, 91], "longitude": [-181, -180, 0, 180, 181]},
}


@pytest.mark.parametrize("model", list(GRIDS))
def test_constraints_read_in_python_agree_with_the_database(model):
    grid = GRIDS[model]
    for row in itertools.product(*grid.values()):
        instance = model()
        for name, value in zip(grid, row, strict=True):
            field = model._meta.get_field(name)
            setattr(instance, field.attname, field.to_python(value))
        against = {field.name: Value(getattr(instance, field.attname), output_field=field)
                   for field in model._meta.concrete_fields}  # fmt: skip
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                in_python = holds(constraint.condition, instance) is not False
                in_database = Q(constraint.condition).check(against)
                assert in_python == in_database, (dict(zip(grid, row, strict=True)), constraint)


def test_bench_import_prints_speed_and_queries_and_changes_nothing_the_second_time(tmp_path):
    full_service()
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(exported()))
    empty_directory()
    out = io.StringIO()
    call_command("bench_import", str(path), "--copies", "3", "--twice", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"3 services in 3 copies of {path}."
    assert lines[1].startswith("Import (first): 3 services (3 created, 0 updated, 0 unchanged")
    assert lines[2].startswith("Import (again): 3 services (0 created, 0 updated, 3 unchanged")
    assert all("services/s;" in line and "per service." in line for line in lines[1:])
    assert Service.objects.count() == 3
