import io
import json
import logging
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
from django.core.cache import cache

from services.geo import placenames
from services.geo.distance import (
    KM_PER_DEGREE_LATITUDE,
    bounding_box,
    distance_km_expression,
    haversine_km,
)
from services.geo.osgb import grid_to_osgb36, osgb36_to_wgs84
from services.geo.resolve import LocationKind, PlaceChoice, resolve_location
from services.models import Area, Location, Postcode
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

PLACES = Path(__file__).resolve().parent.parent / "data" / "places_sample.csv"
REAL_PLACES = None  # The real file, services/data/scottish_places.csv.


@pytest.fixture(autouse=True)
def _sample_places_and_empty_cache(monkeypatch):
    monkeypatch.setattr(placenames, "PLACES_FILE", PLACES)
    placenames.clear_cache()
    cache.clear()
    yield
    placenames.clear_cache()
    cache.clear()


@pytest.fixture
def no_network(monkeypatch):
    def fail(*args, **kwargs):
        pytest.fail("No HTTP request may be made")

    monkeypatch.setattr(urllib.request, "urlopen", fail)


def postcode(code: str, lat: float, lon: float, council: str = "renfrewshire") -> Postcode:
    return Postcode.objects.create(
        postcode=code,
        district=code.split()[0],
        latitude=lat,
        longitude=lon,
        council_area=Area.objects.get(slug=council),
    )


# Postcodes and districts ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["PA1 1AA", "pa11aa", "  Pa1   1aA "])
def test_a_full_postcode_is_found_in_the_imported_table(typed, no_network):
    postcode("PA1 1AA", 55.8456, -4.4239)

    result = resolve_location(typed)

    assert result.kind == LocationKind.POSTCODE
    assert result.label == "PA1 1AA"
    assert (result.lat, result.lon) == (55.8456, -4.4239)
    assert result.council_area == "renfrewshire"
    assert result.found


def test_a_district_is_the_centre_of_its_imported_postcodes(no_network):
    postcode("PA1 1AA", 55.84, -4.42)
    postcode("PA1 1AB", 55.86, -4.44)
    postcode("PA1 2BB", 55.85, -4.43, council="east-renfrewshire")
    postcode("PA2 6AB", 56.0, -5.0)

    result = resolve_location("pa1")

    assert result.kind == LocationKind.DISTRICT
    assert result.label == "PA1"
    assert result.lat == pytest.approx(55.85)
    assert result.lon == pytest.approx(-4.43)
    assert result.council_area == "renfrewshire"


def test_a_full_postcode_missing_from_the_table_falls_back_to_its_district(no_network):
    postcode("PA1 1AA", 55.84, -4.42)

    result = resolve_location("PA1 9ZZ")

    assert (result.kind, result.label, result.lat) == (LocationKind.DISTRICT, "PA1", 55.84)


def test_a_district_missing_from_the_table_comes_from_the_places_file(no_network):
    result = resolve_location("KY16 9AJ")

    assert result.kind == LocationKind.DISTRICT
    assert result.label == "KY16"
    assert (result.lat, result.lon) == (56.33871, -2.79902)
    assert result.council_area == "fife"


def test_an_unknown_postcode_is_not_found(no_network):
    result = resolve_location("ZE9 9ZZ")

    assert result.kind == LocationKind.NOT_FOUND
    assert not result.found


# Place names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["St Andrews", "st. andrews", "ST ANDREWS", "Saint Andrews", "st-andrews"]
)
def test_place_names_ignore_case_punctuation_and_saint(typed):
    result = resolve_location(typed)

    assert result.kind == LocationKind.PLACE
    assert result.label == "Saint Andrews, Fife"
    assert (result.lat, result.lon) == (56.33871, -2.79902)
    assert result.council_area == "fife"


@pytest.mark.parametrize("typed", ["Bo'ness", "Bo’ness", "boness", "BO'NESS"])
def test_place_names_ignore_apostrophes(typed):
    assert resolve_location(typed).label == "Bo’ness, Falkirk"


def test_a_place_without_a_known_council_area_is_labelled_by_name():
    result = resolve_location("nowhere special")

    assert (result.kind, result.label, result.council_area) == (
        LocationKind.PLACE,
        "Nowhere Special",
        None,
    )


def test_a_name_shared_by_several_places_asks_which_one():
    result = resolve_location("newton")

    assert result.kind == LocationKind.AMBIGUOUS
    assert not result.found
    assert result.choices == (
        PlaceChoice("Newton", "South Lanarkshire", "Newton, South Lanarkshire"),
        PlaceChoice("Newton", "West Lothian", "Newton, West Lothian"),
    )


def test_a_choice_from_an_ambiguous_name_finds_that_place():
    result = resolve_location("Newton, West Lothian")

    assert result.kind == LocationKind.PLACE
    assert (result.lat, result.council_area) == (55.956, "west-lothian")
    assert resolve_location("newton, west-lothian").lat == 55.956


def test_an_unknown_name_suggests_close_matches():
    result = resolve_location("Paisly")

    assert result.kind == LocationKind.NOT_FOUND
    assert result.suggestions == ("Paisley",)
    assert resolve_location("Xyzzy quux").suggestions == ()


def test_very_long_text_is_not_looked_up():
    assert resolve_location("Paisley " * 20).kind == LocationKind.NOT_FOUND


def test_the_real_places_file_knows_st_andrews(monkeypatch):
    monkeypatch.setattr(placenames, "PLACES_FILE", REAL_PLACES)
    placenames.clear_cache()

    assert resolve_location("st. andrews").council_area == "fife"


# Coordinates ---------------------------------------------------------------------------------


def test_coordinates_are_used_when_no_text_is_given():
    result = resolve_location("", "55.95", "-3.19")

    assert (result.kind, result.lat, result.lon) == (LocationKind.COORDINATES, 55.95, -3.19)
    assert result.label == "your location"


@pytest.mark.parametrize(
    ("lat", "lon"),
    [("91", "0"), ("0", "-181"), ("abc", "1"), ("nan", "1"), ("inf", "1"), ("", "1")],
)
def test_invalid_coordinates_are_reported(lat, lon):
    assert resolve_location("", lat, lon).kind == LocationKind.INVALID


def test_no_location_at_all_is_none():
    assert resolve_location("  ", None, "") is None


# Optional HTTP lookup ------------------------------------------------------------------------


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def test_the_http_lookup_is_off_by_default(no_network, settings):
    assert settings.POSTCODE_LOOKUP_URL == ""

    assert resolve_location("EH1 1AA").kind == LocationKind.NOT_FOUND


def test_the_http_lookup_finds_postcodes_missing_from_the_table(monkeypatch, settings):
    settings.POSTCODE_LOOKUP_URL = "https://postcodes.example"
    calls = []

    def fake_urlopen(request, timeout):
        calls.append((request.full_url, timeout))
        body = {
            "status": 200,
            "result": {
                "postcode": "EH1 1AA",
                "latitude": 55.9521,
                "longitude": -3.1899,
                "admin_district": "City of Edinburgh",
                "codes": {"admin_district": "S12000036"},
            },
        }
        return FakeResponse(json.dumps(body).encode())

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)

    first = resolve_location("eh11aa")
    second = resolve_location("EH1 1AA")

    assert calls == [("https://postcodes.example/postcodes/EH1%201AA", 2)]
    assert first == second
    assert first.kind == LocationKind.POSTCODE
    assert (first.label, first.lat, first.lon) == ("EH1 1AA", 55.9521, -3.1899)
    assert first.council_area == "city-of-edinburgh"


@pytest.mark.parametrize(
    "failure",
    [
        OSError("network unreachable"),
        TimeoutError("timed out"),
        urllib.error.HTTPError("u", 404, "Not Found", Message(), None),
    ],
)
def test_a_failed_http_lookup_counts_as_not_found_and_logs_nothing(
    failure, monkeypatch, settings, caplog
):
    settings.POSTCODE_LOOKUP_URL = "https://postcodes.example"

    def broken(request, timeout):
        raise failure

    monkeypatch.setattr(urllib.request, "urlopen", broken)

    with caplog.at_level(logging.DEBUG):
        result = resolve_location("KY16 9XX")

    assert (result.kind, result.label) == (LocationKind.DISTRICT, "KY16")
    assert "KY16" not in caplog.text


def test_a_bad_http_response_counts_as_not_found(monkeypatch, settings):
    settings.POSTCODE_LOOKUP_URL = "https://postcodes.example"
    monkeypatch.setattr(
        urllib.request,
        "urlopen",
        lambda request, timeout: FakeResponse(b'{"status": 200, "result": {"latitude": null}}'),
    )

    assert resolve_location("ZE9 9ZZ").kind == LocationKind.NOT_FOUND


# Distances and coordinate conversion ---------------------------------------------------------


def test_haversine_distance_along_a_meridian_is_exact():
    assert haversine_km(55.0, -4.0, 56.0, -4.0) == pytest.approx(KM_PER_DEGREE_LATITUDE)
    assert haversine_km(55.0, -4.0, 55.0, -4.0) == 0


def test_the_sql_distance_equals_the_python_distance():
    LocationFactory(latitude=55.8456, longitude=-4.4239)
    LocationFactory(latitude=57.4791, longitude=-4.2254)

    rows = Location.objects.annotate(
        km=distance_km_expression(55.9533, -3.1883, "latitude", "longitude")
    ).values_list("latitude", "longitude", "km")

    for lat, lon, km in rows:
        assert km == pytest.approx(haversine_km(55.9533, -3.1883, lat, lon), abs=1e-6)


def test_the_bounding_box_contains_the_whole_radius():
    box = bounding_box(58.0, -3.0, 50)

    assert haversine_km(58.0, -3.0, box.max_lat, -3.0) > 50
    assert haversine_km(58.0, -3.0, 58.0, box.min_lon) > 50


def test_national_grid_projection_matches_the_ordnance_survey_worked_example():
    # OS "A guide to coordinate systems in Great Britain", annex C: Caister water tower.
    lat, lon = grid_to_osgb36(651409.903, 313177.270)

    assert lat == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-8)
    assert lon == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-8)


@pytest.mark.parametrize(
    ("easting", "northing", "lat", "lon"),
    [
        # Reference values from PROJ (pyproj 3, EPSG:27700 -> EPSG:4326, Helmert transform).
        (325175, 673485, 55.9485510, -3.1997197),  # Edinburgh Castle
        (248500, 664300, 55.8480381, -4.4214179),  # Paisley
        (441000, 1139000, 60.1334842, -1.2637797),  # Shetland
        (651409.903, 313177.270, 52.6579786, 1.7160520),  # Caister water tower
    ],
)
def test_osgb36_to_wgs84_is_within_a_metre_of_proj(easting, northing, lat, lon):
    got_lat, got_lon = osgb36_to_wgs84(easting, northing)

    assert haversine_km(got_lat, got_lon, lat, lon) < 0.001
