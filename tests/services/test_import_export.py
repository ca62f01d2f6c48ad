"""export_hsds, import_hsds and export_csv: round trips are lossless, runs are all or
nothing and idempotent, unknown terms are reported."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from services.hsds.export import write_hsds
from services.hsds.importer import import_dataset
from services.models import Location, Organisation, Schedule, Service
from tests.factories import OrganisationFactory, ServiceFactory

from .api_data import bare_service, full_service
from .hsds_schemas import validate

pytestmark = pytest.mark.django_db


def export() -> str:
    stream = io.StringIO()
    write_hsds(stream)
    return stream.getvalue()


def empty_directory() -> None:
    Schedule.objects.all().delete()
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organisation.objects.all().delete()


def test_export_is_a_valid_hsds_service_package(tmp_path):
    full_service()
    bare_service()
    ServiceFactory(status=Service.Status.DEFUNCT)
    call_command("export_hsds", str(tmp_path / "out.json"))
    services = json.loads((tmp_path / "out.json").read_text())
    assert len(services) == 2
    validate(services, "compiled/service_package.json")


def test_round_trip_into_an_empty_directory_gives_the_same_document():
    full_service()
    bare_service()
    first = export()
    empty_directory()
    report = import_dataset(json.loads(first))
    assert report.errors == []
    assert (report.created, report.updated) == (2, 0)
    assert export() == first


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    service = full_service()
    document = json.loads(export())
    empty_directory()
    import_dataset(document)
    history = service.history.model.objects.count()
    report = import_dataset(document)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert service.history.model.objects.count() == history


def test_with_atomic_a_failing_record_means_nothing_is_imported():
    full_service()
    document = json.loads(export())
    empty_directory()
    broken = json.loads(json.dumps(document[0]))
    broken["id"] = "11111111-1111-1111-1111-111111111111"
    broken["minimum_age"], broken["maximum_age"] = 70, 20
    for attribute in broken["attributes"]:
        if (
            attribute["link_type"] == "text"
            and attribute["taxonomy_term"]["code"] == "web-address-name"
        ):
            attribute["value"] = "another-slug"
    broken["service_at_locations"] = []
    broken["schedules"] = []
    report = import_dataset([document[0], broken], atomic=True)
    assert [label for label, _ in report.errors] == [
        "service 11111111-1111-1111-1111-111111111111 (Tuesday Recovery Café)"
    ]
    assert "maximum age" in report.errors[0][1]
    assert Service.objects.count() == 0


def test_dry_run_saves_nothing(tmp_path):
    full_service()
    path = tmp_path / "data.json"
    path.write_text(export())
    empty_directory()
    out = io.StringIO()
    call_command("import_hsds", str(path), "--dry-run", stdout=out)
    assert "Would import: 1 created" in out.getvalue()
    assert Service.objects.count() == 0


def test_unknown_terms_are_reported_and_left_out(tmp_path):
    full_service()
    document = json.loads(export())
    empty_directory()
    document[0]["attributes"].append(
        {
            "id": "22222222-2222-2222-2222-222222222222",
            "taxonomy_term_id": "33333333-3333-3333-3333-333333333333",
            "taxonomy_term": {"id": "33333333-3333-3333-3333-333333333333",
                              "name": "Bereavement", "taxonomy": "Open Eligibility"},
        }
    )  # fmt: skip
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document))
    out = io.StringIO()
    call_command("import_hsds", str(path), stdout=out)
    assert "Not recognised (left out): Open Eligibility: Bereavement (1 records)" in out.getvalue()
    assert Service.objects.count() == 1


def test_organisation_option_puts_every_service_in_that_organisation(tmp_path):
    bare_service()
    document = export()
    empty_directory()
    target = OrganisationFactory(slug="target")
    path = tmp_path / "data.json"
    path.write_text(document)
    call_command("import_hsds", str(path), "--organisation", "target", stdout=io.StringIO())
    assert Service.objects.get().organisation == target


def test_a_list_of_organisations_is_imported(client):
    service = full_service()
    organisation = client.get(
        f"/api/hsds/organizations/{service.organisation_id}?full_service=true"
    ).json()
    empty_directory()
    report = import_dataset([organisation])
    assert report.errors == []
    assert Service.objects.get().organisation.name == "Renfrewshire Peer Network"


def test_bad_files_give_a_clear_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Could not read"):
        call_command("import_hsds", str(path))
    path.write_text('[{"id": "nope", "name": "X", "status": "active"}]')
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 records have errors"):
        call_command("import_hsds", str(path), stderr=err)
    assert "is not a UUID" in err.getvalue()


def test_csv_export_has_one_row_per_published_service_and_defuses_formulas(tmp_path):
    service = full_service()
    ServiceFactory(name="=HYPERLINK(1)", summary="+1")
    path = tmp_path / "out.csv"
    call_command("export_csv", str(path), stderr=io.StringIO())
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 2
    by_id = {row["id"]: row for row in rows}
    row = by_id[str(service.pk)]
    assert row["organisation"] == "Renfrewshire Peer Network"
    assert row["delivery_modes"] == "In person; Online"
    assert row["postcodes"] == "PA1 1AA"
    other = next(r for r in rows if r["id"] != str(service.pk))
    assert other["name"] == "'=HYPERLINK(1)"
    assert other["summary"] == "'+1"


def test_export_reads_in_chunks_with_bounded_queries(django_assert_max_num_queries):
    for _ in range(5):
        full_service_copy = ServiceFactory()
        full_service_copy.refresh_from_db()
    from services.hsds import export as export_module

    chunks = list(export_module.published_in_chunks(size=2))
    assert len(chunks) == 5
    with django_assert_max_num_queries(3 * 16):
        list(export_module.published_in_chunks(size=2))
