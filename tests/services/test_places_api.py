"""`GET /api/v1/places/?q=`: suggestions for the search box while someone types."""

import pytest
from django.core.cache import cache

from services.geo import placenames
from services.geo.resolve import resolve_location
from services.models import Area, Postcode

pytestmark = pytest.mark.django_db

URL = "/api/v1/places/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    placenames.clear_cache()
    cache.clear()
    yield
    cache.clear()


def suggestions(client, typed: str) -> list[dict]:
    response = client.get(URL, {"q": typed})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_town_is_suggested_with_its_council_area(client):
    response = client.get(URL, {"q": "Kirkc"})

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "name": "Kirkcaldy",
                "kind": "place",
                "description": "Fife",
                "value": "Kirkcaldy",
            },
            {
                "name": "Kirkcudbright",
                "kind": "place",
                "description": "Dumfries and Galloway",
                "value": "Kirkcudbright",
            },
            {
                "name": "Kirkconnel",
                "kind": "place",
                "description": "Dumfries and Galloway",
                "value": "Kirkconnel",
            },
        ]
    }


def test_islands_areas_and_partnerships_are_suggested(client):
    assert suggestions(client, "sky")[0] == {
        "name": "Skye",
        "kind": "island",
        "description": "island in Highland",
        "value": "Skye",
    }
    renfrewshire = [(s["name"], s["kind"]) for s in suggestions(client, "Renfrewsh")]
    assert renfrewshire[:2] == [
        ("Renfrewshire", "council-area"),
        ("Renfrewshire Health and Social Care Partnership", "hscp"),
    ]
    assert ("NHS Lothian", "health-board") in [
        (s["name"], s["kind"]) for s in suggestions(client, "lothian")
    ]
    assert suggestions(client, "Glesg")[0]["description"] == "Glasgow"


def test_whole_names_and_prefixes_come_before_words_inside_names(client):
    names = [s["name"] for s in suggestions(client, "Glasgow")]

    assert names[0] == "Glasgow"  # the whole name
    assert names.index("Glasgow City") < names.index("NHS Greater Glasgow and Clyde")
    assert names.index("Glasgow City") < names.index("Port Glasgow")


def test_bigger_places_come_first_among_equal_matches(client):
    names = [s["name"] for s in suggestions(client, "Ab")]

    assert names.index("Aberdeen") < names.index("Aberfeldy")


def test_postcode_districts_are_suggested_from_the_places_file_and_the_postcode_table(client):
    Postcode.objects.create(
        postcode="EH99 1SP",
        district="EH99",
        latitude=55.952,
        longitude=-3.175,
        council_area=Area.objects.get(slug="city-of-edinburgh"),
    )

    found = suggestions(client, "pa")
    assert all(s["kind"] != "district" for s in found)  # letters alone are not a district
    found = suggestions(client, "PA1")
    assert found[0] == {
        "name": "PA1",
        "kind": "district",
        "description": "postcode district, Paisley",
        "value": "PA1",
    }
    assert {s["name"] for s in found} <= {f"PA1{n}" for n in range(10)} | {"PA1"}
    assert suggestions(client, "eh99") == [
        {"name": "EH99", "kind": "district", "description": "postcode district", "value": "EH99"}
    ]


def test_there_are_never_more_than_ten_suggestions(client):
    assert len(suggestions(client, "st")) == 10


@pytest.mark.parametrize("typed", ["Kirkc", "Ren", "sk", "NHS", "Isle of", "Stirl", "Wes", "Uist"])
def test_every_suggestion_searches_for_what_it_names(client, typed):
    for suggestion in suggestions(client, typed):
        found = resolve_location(suggestion["value"])
        assert found.understood, suggestion
        if suggestion["kind"] == "other":  # "Glesga": "Glasgow"
            assert found.label.startswith(suggestion["description"]), suggestion
        else:
            assert suggestion["name"] in found.label, suggestion


def test_a_council_area_named_like_its_town_is_searched_as_the_council_area(client):
    stirling = [s for s in suggestions(client, "Stirling") if s["name"] == "Stirling"]

    assert {(s["kind"], s["value"]) for s in stirling} == {
        ("place", "Stirling"),
        ("council-area", "Stirling council area"),
    }
    assert resolve_location("Stirling council area").area == "stirling"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Type at least 2 letters or numbers of a place or postcode."),
        ({"q": ""}, "Type at least 2 letters or numbers of a place or postcode."),
        ({"q": "k"}, "Type at least 2 letters or numbers of a place or postcode."),
        ({"q": " ! k "}, "Type at least 2 letters or numbers of a place or postcode."),
        ({"q": "x" * 101}, "Type at most 100 characters."),
    ],
)
def test_bad_input_gets_400_with_a_message(client, query, message):
    response = client.get(URL, query)

    assert response.status_code == 400
    assert response.json() == {"q": [message]}


def test_nothing_matching_is_an_empty_list(client):
    assert suggestions(client, "Atlantis") == []


def test_answers_are_cacheable_and_kept_in_the_shared_cache(client, django_assert_max_num_queries):
    first = client.get(URL, {"q": "Kirkc"})
    assert first["Cache-Control"] == "public, max-age=300"
    assert first["ETag"]
    assert (
        client.get(URL, {"q": "Kirkc"}, headers={"If-None-Match": first["ETag"]}).status_code == 304
    )

    placenames.clear_cache()  # a fresh process would rebuild its names…
    with django_assert_max_num_queries(0):  # …but the answer is in the shared cache
        again = client.get(URL, {"q": " kirkc "})
    assert again.json() == first.json()


def test_place_suggestions_are_rate_limited_like_the_rest_of_the_api(client, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"

    statuses = [client.get(URL, {"q": "Kirkc"}).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_the_openapi_schema_documents_place_suggestions(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/places/"]["get"]
    assert operation["summary"] == "Suggest places while typing"
    assert [p["name"] for p in operation["parameters"]] == ["q"]
    assert set(operation["responses"]) >= {"200", "400"}
