import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from services.geo.distance import haversine_km
from services.geo.importer import PostcodeFileError, import_postcodes
from services.models import Postcode

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
ONSPD = DATA / "onspd_sample.csv"
CODE_POINT = DATA / "codepoint_sample.csv"


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_postcodes", str(path), *args, stdout=out)
    return out.getvalue()


def table() -> dict[str, tuple]:
    return {
        row.postcode: (row.district, row.council_area.slug if row.council_area else None)
        for row in Postcode.objects.select_related("council_area")
    }


def test_onspd_keeps_live_scottish_postcodes_only():
    output = run(ONSPD)

    assert table() == {
        "EH1 2NG": ("EH1", "city-of-edinburgh"),
        "KY16 9AJ": ("KY16", "fife"),  # Pre-2018 Fife code mapped to the current one.
        "PA1 1AA": ("PA1", "renfrewshire"),
        "PA1 1AB": ("PA1", "renfrewshire"),
        "PA2 6AB": ("PA2", "renfrewshire"),
    }
    castle = Postcode.objects.get(postcode="EH1 2NG")
    assert (castle.latitude, castle.longitude) == (55.948551, -3.19972)
    assert "Format: ONS Postcode Directory" in output
    assert "Rows read: 9" in output
    assert "Postcodes imported or updated: 5" in output
    assert "Skipped, not in Scotland: 1" in output
    assert "Skipped, terminated: 1" in output
    assert "Skipped, unreadable or without coordinates: 2" in output


def test_code_point_open_is_converted_from_the_national_grid():
    output = run(CODE_POINT)

    assert table() == {
        "EH1 2NG": ("EH1", "city-of-edinburgh"),
        "KY16 9AJ": ("KY16", "fife"),
        "PA1 1AA": ("PA1", "renfrewshire"),
    }
    castle = Postcode.objects.get(postcode="EH1 2NG")
    assert haversine_km(castle.latitude, castle.longitude, 55.948551, -3.19972) < 0.001
    assert "Format: Code-Point Open" in output
    assert "Rows read: 5" in output
    assert "Skipped, not in Scotland: 1" in output
    assert "Skipped, unreadable or without coordinates: 1" in output


def test_running_the_import_again_changes_nothing():
    run(ONSPD)
    first = list(Postcode.objects.values_list("postcode", "latitude", "longitude", "pk"))

    run(ONSPD)

    assert list(Postcode.objects.values_list("postcode", "latitude", "longitude", "pk")) == first


def test_a_newer_file_updates_coordinates_and_removes_terminated_postcodes():
    run(ONSPD)
    newer = (
        "pcds,doterm,oslaua,lat,long\n"
        "PA1 1AA,,S12000038,55.9,-4.5\n"
        "PA1 1AB,202401,S12000038,55.8476,-4.4259\n"
    )

    summary = import_postcodes(io.StringIO(newer))

    assert Postcode.objects.get(postcode="PA1 1AA").latitude == 55.9
    assert not Postcode.objects.filter(postcode="PA1 1AB").exists()
    assert (summary.imported, summary.skipped_terminated, summary.removed_terminated) == (1, 1, 1)


def test_batches_are_committed_with_progress_and_a_run_can_start_part_way():
    output = run(ONSPD, "--batch-size", "2")

    assert "Committed 2 rows (2 postcodes imported)" in output
    Postcode.objects.all().delete()

    output = run(ONSPD, "--start-row", "3")

    assert set(table()) == {"EH1 2NG", "KY16 9AJ"}
    assert "Skipped before --start-row: 3" in output


def test_a_postcode_repeated_within_a_batch_keeps_its_last_row():
    text = "pcds,oslaua,lat,long\nPA1 1AA,S12000038,55.1,-4.1\npa11aa,S12000038,55.2,-4.2\n"

    import_postcodes(io.StringIO(text))

    assert list(Postcode.objects.values_list("postcode", "latitude")) == [("PA1 1AA", 55.2)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty."),
        ("name,value\nx,y\n", "Unrecognised file"),
        ("pcds,lat,long\nPA1 1AA,55,-4\n", "needs the columns pcds (or pcd), lat, long and oslaua"),
    ],
)
def test_files_in_an_unknown_format_are_refused(content, message):
    with pytest.raises(PostcodeFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_postcodes(io.StringIO(content))


def test_the_command_reports_a_missing_file_clearly(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")


def test_the_command_reports_an_unknown_format_clearly(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,value\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Unrecognised file"):
        run(path)


def test_a_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("\ufeffpcds,oslaua,lat,long\nPA1 1AA,S12000038,55.1,-4.1\n", encoding="utf-8")

    run(path)

    assert set(table()) == {"PA1 1AA"}
