"""Every way people name a place: islands and island groups, council areas, health boards,
health and social care partnerships and well-known alternative names, resolved with the real
data files in services/data/."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from services.geo import placenames
from services.geo.distance import haversine_km
from services.geo.resolve import LocationKind, resolve_location
from services.models import Area, Service
from services.search.filterset import ServiceFilterSet
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR) / "services" / "data"


@pytest.fixture(autouse=True)
def _real_files():
    placenames.clear_cache()
    cache.clear()
    yield
    placenames.clear_cache()


# Islands ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Skye", "skye", "Isle of Skye", "An t-Eilean Sgitheanach"])
def test_skye_by_any_of_its_names_is_the_island_with_a_radius_covering_it(typed):
    skye = resolve_location(typed)

    assert skye.kind == LocationKind.ISLAND
    assert skye.label == "Skye"
    assert (skye.lat, skye.lon) == (57.33, -6.22)
    assert skye.radius_km == 40
    assert skye.council_area == "highland"
    assert skye.description == "island in Highland"
    assert skye.understood
    assert skye.found
    assert not skye.is_area
    # Portree, Uig and Armadale are all within the radius.
    for lat, lon in ((57.41, -6.19), (57.58, -6.36), (57.06, -5.90)):
        assert haversine_km(skye.lat, skye.lon, lat, lon) < skye.radius_km


@pytest.mark.parametrize(
    ("typed", "label", "council"),
    [
        ("Mull", "Mull", "argyll-and-bute"),
        ("Isle of Mull", "Mull", "argyll-and-bute"),  # also a GeoNames place: the island wins
        ("Islay", "Islay", "argyll-and-bute"),
        ("Arran", "Arran", "north-ayrshire"),
        ("Lewis", "Lewis", "na-h-eileanan-siar"),
        ("Leòdhas", "Lewis", "na-h-eileanan-siar"),
        ("Harris", "Harris", "na-h-eileanan-siar"),
        ("South Uist", "South Uist", "na-h-eileanan-siar"),
        ("Uibhist a Deas", "South Uist", "na-h-eileanan-siar"),
        ("Unst", "Unst", "shetland-islands"),
    ],
)
def test_islands_resolve_by_english_and_gaelic_names(typed, label, council):
    island = resolve_location(typed)

    assert (island.kind, island.label, island.council_area) == (
        LocationKind.ISLAND,
        label,
        council,
    )
    assert island.radius_km >= 5


def test_an_island_group_is_a_circle_round_its_islands():
    small_isles = resolve_location("Small Isles")

    assert small_isles.kind == LocationKind.ISLAND
    assert small_isles.label == "Small Isles"
    assert small_isles.description == "islands in Highland"
    for island in placenames.islands():
        if island.group == "Small Isles":
            distance = haversine_km(
                small_isles.lat, small_isles.lon, island.latitude, island.longitude
            )
            assert distance + island.radius_km <= small_isles.radius_km


def test_the_uists_are_north_uist_benbecula_and_south_uist_together():
    uists = resolve_location("the Uists")

    assert uists.kind == LocationKind.ISLAND
    assert uists.label == "North Uist, Benbecula and South Uist"
    assert uists.council_area == "na-h-eileanan-siar"
    assert 57.25 < uists.lat < 57.6
    assert uists.radius_km < 60


# Areas -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "slug", "description"),
    [
        ("Renfrewshire", "renfrewshire", "council area"),
        ("renfrewshire", "renfrewshire", "council area"),
        ("Fife", "fife", "council area"),
        ("Dumfries & Galloway", "dumfries-and-galloway", "council area"),
        ("NHS Lothian", "nhs-lothian", "health board"),
        ("Lothian", "nhs-lothian", "health board"),
        ("Greater Glasgow and Clyde", "nhs-greater-glasgow-and-clyde", "health board"),
        (
            "Renfrewshire Health and Social Care Partnership",
            "renfrewshire-hscp",
            "health and social care partnership",
        ),
        ("Renfrewshire HSCP", "renfrewshire-hscp", "health and social care partnership"),
        (
            "Clackmannanshire and Stirling",
            "clackmannanshire-and-stirling-hscp",
            "health and social care partnership",
        ),
        ("Edinburgh HSCP", "edinburgh-hscp", "health and social care partnership"),
    ],
)
def test_areas_resolve_to_the_area_itself(typed, slug, description):
    area = resolve_location(typed)

    assert area.kind == LocationKind.AREA
    assert area.area == slug
    assert area.label == Area.objects.get(slug=slug).name
    assert area.description == description
    assert area.understood
    assert area.is_area
    assert not area.found
    assert area.council_area == (slug if description == "council area" else None)


def test_a_town_named_like_its_council_area_is_the_town():
    stirling = resolve_location("Stirling")

    assert stirling.kind == LocationKind.PLACE
    assert stirling.label == "Stirling, Stirling"


# Alternative names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "label"),
    [
        ("Glesga", LocationKind.PLACE, "Glasgow, Glasgow City"),
        ("Auld Reekie", LocationKind.PLACE, "Edinburgh, City of Edinburgh"),
        ("Inbhir Nis", LocationKind.PLACE, "Inverness, Highland"),
        ("Steòrnabhagh", LocationKind.PLACE, "Stornoway, Na h-Eileanan Siar"),
        ("Western Isles", LocationKind.AREA, "Na h-Eileanan Siar"),
        ("the Western Isles", LocationKind.AREA, "Na h-Eileanan Siar"),
        ("Outer Hebrides", LocationKind.AREA, "Na h-Eileanan Siar"),
        ("Orkney", LocationKind.AREA, "Orkney Islands"),
        ("Shetland", LocationKind.AREA, "Shetland Islands"),
        ("the Borders", LocationKind.AREA, "Scottish Borders"),
        ("Highlands", LocationKind.AREA, "Highland"),
        ("Ayrshire", LocationKind.AREA, "NHS Ayrshire and Arran"),
    ],
)
def test_well_known_alternative_names_resolve_to_what_they_stand_for(typed, kind, label):
    found = resolve_location(typed)

    assert (found.kind, found.label) == (kind, label)


def test_every_alternative_name_in_the_file_resolves():
    with (DATA / "place_alternatives.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    assert rows
    for row in rows:
        found = resolve_location(row["name"])
        assert found.understood, row["name"]


def test_every_island_and_group_in_the_file_resolves_to_itself():
    for island in placenames.islands():
        for name in island.names:
            assert resolve_location(name).label == island.name, name
        assert resolve_location(island.group).understood, island.group


# What is still not found -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Kirkcaldie", "Kirkcaldy"),
        ("Renfrewshir", "Renfrewshire"),
        ("Skie", "Skye"),
        ("Lothain", "NHS Lothian"),
    ],
)
def test_near_misses_suggest_places_islands_and_areas(typed, suggested):
    found = resolve_location(typed)

    assert found.kind == LocationKind.NOT_FOUND
    assert suggested in found.suggestions


def test_nonsense_is_not_found():
    assert resolve_location("Atlantis").kind == LocationKind.NOT_FOUND


# In the search ---------------------------------------------------------------------------------


def located_in(council: str, name: str, lat: float, lon: float) -> Service:
    created = ServiceFactory.create(name=name)
    location = LocationFactory(
        organisation=created.organisation,
        council_area=Area.objects.get(slug=council),
        latitude=lat,
        longitude=lon,
    )
    ServiceAtLocationFactory(service=created, location=location)
    return created


def result_names(query: dict) -> set[str]:
    filterset = ServiceFilterSet(query)
    assert filterset.is_valid(), filterset.errors
    return set(Service.objects.filter(pk__in=filterset.result_ids).values_list("name", flat=True))


def test_searching_near_an_area_searches_in_that_area():
    located_in("renfrewshire", "Paisley group", 55.85, -4.42)
    located_in("renfrewshire", "Lochwinnoch walk", 55.79, -4.63)  # 16 km from Paisley
    located_in("glasgow-city", "Glasgow group", 55.86, -4.26)  # 10 km from Paisley
    ServiceFactory(name="National line", is_national=True)

    assert result_names({"near": "Renfrewshire"}) == {
        "Paisley group",
        "Lochwinnoch walk",
        "National line",
    }
    assert result_names({"near": "Renfrewshire", "area": "glasgow-city"}) == {"National line"}
    assert result_names({"near": "Renfrewshire HSCP", "include_national": "false"}) == {
        "Paisley group",
        "Lochwinnoch walk",
    }


def test_searching_near_an_island_uses_a_radius_covering_it_unless_one_is_chosen():
    located_in("highland", "Portree drop-in", 57.41, -6.19)
    located_in("highland", "Broadford cafe", 57.24, -5.91)  # 20 km from Skye's centre
    located_in("highland", "Inverness group", 57.48, -4.22)

    filterset = ServiceFilterSet({"near": "Skye"})
    assert filterset.is_valid()
    assert filterset.search_radius_km == 40
    assert result_names({"near": "Skye"}) == {"Portree drop-in", "Broadford cafe"}
    assert result_names({"near": "Skye", "radius_km": "10"}) == {"Portree drop-in"}


def test_the_api_says_how_an_area_or_island_was_understood(client):
    body = client.get("/api/v1/services/", {"near": "Renfrewshire HSCP"}).json()
    assert body["location"]["kind"] == "area"
    assert body["location"]["area"] == "renfrewshire-hscp"
    assert body["location"]["label"] == "Renfrewshire Health and Social Care Partnership"

    body = client.get("/api/v1/services/", {"near": "Skye"}).json()
    assert body["location"]["kind"] == "island"
    assert body["location"]["radius_km"] == 40
    assert body["location"]["area"] is None


def test_embedded_search_takes_an_area_without_saying_it_was_not_found(client):
    located_in("renfrewshire", "Paisley group", 55.85, -4.42)
    located_in("fife", "Kirkcaldy group", 56.11, -3.16)

    html = client.get("/embed/", {"near": "Renfrewshire"}).content.decode()

    assert "could not find" not in html
    assert "Paisley group" in html
    assert "Kirkcaldy group" not in html


def test_an_alert_for_a_whole_area_asks_for_a_town_or_postcode_in_it(client):
    response = client.post(
        "/alerts/",
        {"email": "someone@example.org", "near": "Renfrewshire", "radius_km": "10", "website": ""},
    )

    html = response.content.decode()
    assert "Renfrewshire is a whole council area, and alerts need a point to measure from." in html
