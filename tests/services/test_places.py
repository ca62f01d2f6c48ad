"""services.geo.places.load_places: the reader shared by place-name search and the demo data."""

import pytest

from services.geo.places import Place, PlacesFileError, load_places

HEADER = "name,council_area,latitude,longitude,postcode_district,population,geonames_id\n"


def test_the_committed_places_file_loads_as_typed_rows():
    places = load_places()
    paisley = next(place for place in places if place.name == "Paisley")
    assert paisley.council_area == "renfrewshire"
    assert paisley.postcode_district.startswith("PA")
    assert isinstance(paisley.latitude, float)
    assert isinstance(paisley.population, int)
    assert paisley.is_fully_known


def test_unknown_council_area_or_district_stays_empty(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(HEADER + "Isle Of Mull,argyll-and-bute,56.45,-5.99,,2800,2642580\n")
    assert load_places(path) == (
        Place("Isle Of Mull", "argyll-and-bute", 56.45, -5.99, "", 2800, 2642580),
    )
    assert not load_places(path)[0].is_fully_known


def test_a_missing_file_is_reported_plainly(tmp_path):
    with pytest.raises(PlacesFileError, match="does not exist"):
        load_places(tmp_path / "nowhere.csv")


def test_wrong_columns_are_reported(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("name,lat,lon\nPaisley,55.8,-4.4\n")
    with pytest.raises(PlacesFileError, match="expected the columns name, council_area"):
        load_places(path)


@pytest.mark.parametrize(
    "row",
    [
        "Paisley,renfrewshire,north,-4.42,PA1,77000,2640729\n",
        "Paisley,renfrewshire,55.84,-4.42,PA1\n",
    ],
)
def test_a_bad_row_names_its_line(tmp_path, row):
    path = tmp_path / "places.csv"
    path.write_text(HEADER + row)
    with pytest.raises(PlacesFileError, match="line 2"):
        load_places(path)
