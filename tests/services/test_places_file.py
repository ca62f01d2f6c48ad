"""Checks on the committed GeoNames-derived places file (no database)."""

import csv
from pathlib import Path

import pytest

from services.geo.places import COLUMNS
from services.geo.places_build import COUNCIL_AREA_SLUGS
from services.geo.postcodes import is_postcode_district

PLACES_CSV = Path(__file__).resolve().parents[2] / "services" / "data" / "scottish_places.csv"


def _read() -> tuple[list[str], list[dict[str, str]]]:
    with PLACES_CSV.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read()[1]


def test_header_is_exact() -> None:
    assert _read()[0] == list(COLUMNS)


def test_has_at_least_600_rows(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 600


def test_coordinates_are_in_scotland(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert 54.5 <= float(row["latitude"]) <= 61.0, row
        assert -9.0 <= float(row["longitude"]) <= -0.5, row


def test_council_areas_are_known_slugs_or_empty(rows: list[dict[str, str]]) -> None:
    assert {row["council_area"] for row in rows} <= COUNCIL_AREA_SLUGS | {""}


def test_every_council_area_has_a_place(rows: list[dict[str, str]]) -> None:
    assert {row["council_area"] for row in rows} >= COUNCIL_AREA_SLUGS


def test_postcode_districts_are_well_formed_or_empty(rows: list[dict[str, str]]) -> None:
    for row in rows:
        district = row["postcode_district"]
        assert district == "" or is_postcode_district(district), row


def test_geonames_ids_are_unique(rows: list[dict[str, str]]) -> None:
    ids = [row["geonames_id"] for row in rows]
    assert len(ids) == len(set(ids))


def test_rows_are_sorted_by_name_then_id(rows: list[dict[str, str]]) -> None:
    keys = [(row["name"], int(row["geonames_id"])) for row in rows]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("name", "council_area"),
    [
        ("Glasgow", "glasgow-city"),
        ("Edinburgh", "city-of-edinburgh"),
        ("Paisley", "renfrewshire"),
        ("Inverness", "highland"),
    ],
)
def test_main_towns_have_the_right_council_area(
    rows: list[dict[str, str]], name: str, council_area: str
) -> None:
    matches = [row for row in rows if row["name"] == name]
    assert len(matches) == 1
    assert matches[0]["council_area"] == council_area
