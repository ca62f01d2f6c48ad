"""import_hsds on real files: streamed, committed in chunks, every bad file reported in one
plain line, duplicate ids refused, existing organisations left alone unless asked."""

import io
import json
import tracemalloc
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from services.hsds.export import write_hsds
from services.hsds.importer import import_dataset
from services.hsds.reader import DatasetError, read_services
from services.models import Organisation, Service
from tests.factories import OrganisationFactory

from .api_data import bare_service, full_service

pytestmark = pytest.mark.django_db


def exported() -> list[dict]:
    stream = io.StringIO()
    write_hsds(stream)
    return json.loads(stream.getvalue())


def empty_directory() -> None:
    for model in (Service, Organisation):
        model.objects.all().delete()


def run(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_hsds", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path, *args) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_hsds", str(path), *args, stdout=io.StringIO(), stderr=err)
    return str(caught.value)


def copy_of(record: dict, name: str) -> dict:
    """The same service under new ids, so it is a second, independent service."""
    text = json.dumps(record)
    for old in {record["id"], *(link["id"] for link in record["service_at_locations"])}:
        text = text.replace(old, str(uuid.uuid4()))
    for schedule in record.get("schedules") or []:
        text = text.replace(schedule["id"], str(uuid.uuid4()))
    for link in record["service_at_locations"]:
        for schedule in link.get("schedules") or []:
            text = text.replace(schedule["id"], str(uuid.uuid4()))
        if link.get("location"):
            text = text.replace(link["location"]["id"], str(uuid.uuid4()))
    copy = json.loads(text)
    copy["name"] = name
    copy["attributes"] = [a for a in copy["attributes"]
                          if a["taxonomy_term"].get("code") != "web-address-name"]  # fmt: skip
    return copy


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[{"name": "Caf\xe9"}]', "not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 32 levels"),
        (b'{"organizations": [1, 2]}', "Organization 1 in the package is not a JSON object"),
        (b'{"services": {"id": 1}}', '"services" must be a JSON list'),
        (b"[1, 2]", "Item 1 of the list is not a JSON object"),
        (b'[{"id": 1, "latitude": NaN}]', "not valid JSON"),
        (b"", "not valid JSON"),
        (b'[{"id": "x"}', "not valid JSON"),
        (b'"services"', "Expected a JSON list"),
    ],
)
def test_a_bad_file_is_reported_in_one_plain_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    error = refused(path)
    assert message in error
    assert "\n" not in error
    assert "Traceback" not in error
    assert Service.objects.count() == 0


def test_a_missing_file_is_reported_plainly(tmp_path):
    assert "No such file or directory" in refused(tmp_path / "missing.json")


def test_coordinates_that_are_not_finite_numbers_are_refused():
    full_service()
    document = exported()
    empty_directory()
    location = document[0]["service_at_locations"][0]["location"]
    location["latitude"] = float("nan")
    report = import_dataset(document)
    assert "coordinates must be finite numbers" in report.errors[0][1]
    location["latitude"] = "north"
    report = import_dataset(document)
    assert "coordinates must be numbers" in report.errors[0][1]
    assert Service.objects.count() == 0


def test_a_service_id_twice_in_one_file_is_refused(tmp_path):
    full_service()
    document = exported()
    empty_directory()
    twice = json.loads(json.dumps(document[0]))
    twice["name"] = "Another name"
    path = tmp_path / "twice.json"
    path.write_text(json.dumps([document[0], twice]))
    error = refused(path)
    assert "1 records have errors" in error
    service = Service.objects.get()
    assert service.name == document[0]["name"]
    assert "appears more than once in the file (first as record 1)" in _errors_of(path)


def _errors_of(path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_hsds", str(path), "--dry-run", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_with_atomic_a_repeated_id_saves_nothing(tmp_path):
    full_service()
    document = exported()
    empty_directory()
    path = tmp_path / "twice.json"
    path.write_text(json.dumps([document[0], document[0]]))
    assert "nothing was imported" in refused(path, "--atomic")
    assert Service.objects.count() == 0


def test_an_existing_organisation_is_not_changed_unless_asked(tmp_path):
    full_service()
    document = exported()
    organisation = Organisation.objects.get()
    Service.objects.all().delete()
    document[0]["organization"] = {**document[0]["organization"], "name": "Renamed by a feed"}
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document))
    out, _ = run(path)
    organisation.refresh_from_db()
    assert organisation.name == "Renfrewshire Peer Network"
    assert Service.objects.get().organisation == organisation
    assert "Organisation already in the directory, left unchanged: Renfrewshire Peer Network" in out
    run(path, "--update-organisations")
    organisation.refresh_from_db()
    assert organisation.name == "Renamed by a feed"


def test_an_organisation_new_to_the_directory_is_created_from_the_file():
    full_service()
    document = exported()
    empty_directory()
    report = import_dataset(document)
    assert report.ok
    assert Organisation.objects.get().name == "Renfrewshire Peer Network"
    assert report.organisations_left_unchanged == {}


def test_chunks_keep_the_good_records_and_report_the_bad(tmp_path):
    full_service()
    document = exported()
    empty_directory()
    good = [document[0]] + [copy_of(document[0], f"Copy {n}") for n in range(4)]
    bad = copy_of(document[0], "Broken")
    bad["minimum_age"], bad["maximum_age"] = 70, 20
    path = tmp_path / "data.json"
    path.write_text(json.dumps(good[:2] + [bad] + good[2:]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 records have errors: the others were imported"):
        call_command(
            "import_hsds", str(path), "--chunk-size", "2", stdout=io.StringIO(), stderr=err
        )
    assert "(Broken)" in err.getvalue()
    assert Service.objects.count() == 5


def test_a_file_that_breaks_part_way_keeps_the_chunks_before_it(tmp_path):
    full_service()
    document = exported()
    empty_directory()
    records = [document[0]] + [copy_of(document[0], f"Copy {n}") for n in range(3)]
    text = json.dumps(records)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.rindex('{"id"')])
    error = refused(path, "--chunk-size", "1")
    assert "Could not read all of" in error
    assert Service.objects.count() == 3


def test_a_package_object_and_a_list_of_organisations_stream_alike(tmp_path, client):
    service = full_service()
    organisation = client.get(
        f"/api/hsds/organizations/{service.organisation_id}?full_service=true"
    ).json()
    bare_service()
    services = exported()
    empty_directory()
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"name": "A feed", "organizations": [organisation]}))
    out, _ = run(path)
    assert "Imported: 1 created" in out
    path.write_text(json.dumps({"services": services}))
    out, _ = run(path)
    assert "1 created, 0 updated, 1 unchanged" in out


def test_reading_holds_one_record_at_a_time(tmp_path):
    record = {"id": "x", "name": "n" * 1000, "description": "d" * 10_000}
    path = tmp_path / "big.json"
    with path.open("w") as stream:
        stream.write("[")
        stream.write(",".join(json.dumps(record) for _ in range(2_000)))
        stream.write("]")
    assert path.stat().st_size > 20_000_000
    tracemalloc.start()
    with path.open("rb") as stream:
        count = sum(1 for _ in read_services(stream))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 2_000
    assert peak < 2_000_000


def test_the_reader_refuses_a_services_entry_that_is_not_an_object():
    with pytest.raises(DatasetError, match="Service 2 in the package is not a JSON object"):
        list(read_services(io.BytesIO(b'{"services": [{"id": "a"}, 3]}')))


def test_one_history_entry_per_imported_service_with_its_relations():
    full_service()
    document = exported()
    empty_directory()
    history = Service.history.model.objects.filter(id=document[0]["id"])
    before = set(history.values_list("history_id", flat=True))
    import_dataset(document)
    service = Service.objects.get()
    entries = list(history.exclude(history_id__in=before))
    assert len(entries) == 1
    assert entries[0].history_type == "+"
    assert sorted(t.servicetype.slug for t in entries[0].types.all()) == sorted(
        t.slug for t in service.types.all()
    )


def test_an_organisation_is_required_when_the_file_names_none():
    OrganisationFactory()
    full_service()
    document = exported()
    empty_directory()
    document[0]["organization"] = "not an object"
    report = import_dataset(document)
    assert "organization must be a JSON object" in report.errors[0][1]


def test_a_name_with_a_line_break_is_refused_with_the_admins_message():
    from services.validators import SINGLE_LINE_MESSAGE

    full_service()
    document = exported()
    empty_directory()
    document[0]["name"] = "Tuesday\r\nRecovery Café"
    report = import_dataset(document)
    assert report.errors[0][1] == f"name: {SINGLE_LINE_MESSAGE}"
    assert Service.objects.count() == 0
