"""The places file's build reads its hand-checked council areas and districts from
services/data/place_districts.csv."""

from services.geo.places_build import build_places, read_known_tables, validate_known_tables


def city(name: str, latitude: float, longitude: float, geonameid: int) -> dict:
    return {
        "name": name,
        "latitude": latitude,
        "longitude": longitude,
        "population": 1000,
        "geonameid": geonameid,
        "countrycode": "GB",
        "admin1code": "SCT",
    }


def test_the_committed_table_names_known_council_areas_and_well_formed_districts():
    validate_known_tables()


def test_a_place_gets_its_council_area_and_district_and_repeated_names_need_coordinates():
    cities = {
        "1": city("Paisley", 55.833, -4.433, 1),
        "2": city("Balloch", 56.0, -4.583, 2),
        "3": city("Balloch", 57.492, -4.117, 3),
        "4": city("Balloch", 55.0, -3.0, 4),  # a third Balloch nobody checked
    }
    places = {(p.name, p.geonames_id): p for p in build_places(cities=cities)}
    assert (places["Paisley", 1].council_area, places["Paisley", 1].postcode_district) == (
        "renfrewshire",
        "PA1",
    )
    assert places["Balloch", 2].council_area == "west-dunbartonshire"
    assert places["Balloch", 3].postcode_district == "IV2"
    assert (places["Balloch", 4].council_area, places["Balloch", 4].postcode_district) == ("", "")


def test_a_name_listed_twice_without_coordinates_is_reported(tmp_path):
    table = tmp_path / "place_districts.csv"
    table.write_text(
        "name,latitude,longitude,council_area,postcode_district\n"
        "Paisley,,,renfrewshire,PA1\n"
        "Paisley,,,inverclyde,PA15\n"
        "Croy,55.961,-4.039,north-lanarkshire,G65\n",
        encoding="utf-8",
    )
    tables = read_known_tables(table)
    assert tables.repeated == ("Paisley",)
    assert tables.places == {"Paisley": ("renfrewshire", "PA1")}
    assert tables.duplicates == {("Croy", 55.961, -4.039): ("north-lanarkshire", "G65")}
