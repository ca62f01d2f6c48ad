"""Health and social care partnerships (HSCPs): the third kind of area, seeded from
services/data/hscp.csv, in the area filter (SQL and the index alike), area pages, the API
and Open Referral service areas."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings

from services.hsds.export import write_hsds
from services.hsds.importer import import_dataset
from services.models import Area, Service
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory
from tests.services.test_search_index_engine import (  # noqa: F401 (fixtures)
    _no_history,
    assert_same_results,
    build_directory,
    frozen,
    search,
    service,
)

pytestmark = pytest.mark.django_db

HSCP_FILE = Path(settings.BASE_DIR) / "services" / "data" / "hscp.csv"


def located_in(council: str, name: str) -> Service:
    created = ServiceFactory.create(name=name)
    location = LocationFactory(
        organisation=created.organisation, council_area=Area.objects.get(slug=council)
    )
    ServiceAtLocationFactory(service=created, location=location)
    return created


def covering(slug: str, name: str) -> Service:
    created = ServiceFactory.create(name=name)
    created.areas.add(Area.objects.get(slug=slug))
    return created


def names(query: str) -> set[str]:
    filterset = search(query)
    return set(Service.objects.filter(pk__in=filterset.result_ids).values_list("name", flat=True))


# Seeding ---------------------------------------------------------------------------------------


def test_all_31_partnerships_are_seeded_with_their_gss_codes_and_council_areas():
    partnerships = Area.objects.partnerships()
    assert partnerships.count() == 31
    with HSCP_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        partnership = partnerships.get(gss_code=row["gss_code"])
        councils = set(partnership.partnership_council_areas.values_list("gss_code", flat=True))
        assert councils == set(row["council_area_gss_codes"].split(";")), row["name"]
    # Every council area belongs to exactly one partnership.
    assert not Area.objects.council_areas().filter(partnership__isnull=True).exists()


def test_partnerships_have_readable_names_and_lasting_slugs():
    renfrewshire = Area.objects.get(slug="renfrewshire-hscp")
    assert renfrewshire.name == "Renfrewshire Health and Social Care Partnership"
    assert renfrewshire.gss_code == "S37000024"
    assert renfrewshire.get_kind_display() == "Health and social care partnership"
    shared = Area.objects.get(slug="clackmannanshire-and-stirling-hscp")
    assert sorted(shared.partnership_council_areas.values_list("slug", flat=True)) == [
        "clackmannanshire",
        "stirling",
    ]
    assert Area.objects.get(slug="fife-hscp").gss_code == "S37000032"  # the 2018 code
    assert Area.objects.get(slug="fife").partnership.slug == "fife-hscp"


# The area filter -------------------------------------------------------------------------------


def test_a_partnership_matches_services_in_its_council_areas_or_covering_it():
    located_in("clackmannanshire", "In Alloa")
    located_in("stirling", "In Stirling")
    located_in("falkirk", "In Falkirk")
    covering("clackmannanshire-and-stirling-hscp", "Covers the partnership")
    covering("stirling", "Covers Stirling council")
    covering("nhs-forth-valley", "Covers the health board")
    covering("fife-hscp", "Covers another partnership")
    ServiceFactory(name="National", is_national=True)

    assert names("area=clackmannanshire-and-stirling-hscp") == {
        "In Alloa",
        "In Stirling",
        "Covers the partnership",
        "Covers Stirling council",
        "Covers the health board",
        "National",
    }


def test_a_service_covering_a_partnership_serves_its_council_areas_and_health_board():
    covering("renfrewshire-hscp", "Covers the partnership")
    covering("fife-hscp", "Covers Fife's partnership")

    assert names("area=renfrewshire") == {"Covers the partnership"}
    assert names("area=nhs-greater-glasgow-and-clyde") == {"Covers the partnership"}
    assert names("area=east-renfrewshire") == set()


# (query, whether a phone line covering Renfrewshire's partnership is found)
PARTNERSHIP_QUERIES = [
    ("area=renfrewshire-hscp", True),
    ("area=fife-hscp&include_national=false", False),
    ("area=renfrewshire-hscp&area=fife-hscp&type=helpline", True),
    ("area=renfrewshire", True),
    ("area=nhs-greater-glasgow-and-clyde", True),
    ("area=east-renfrewshire-hscp", False),
    ("near=PA1+1AA", True),
    ("near=KY1+1AA&radius_km=30", False),
    ("near=Renfrewshire+HSCP", True),
    ("near=Renfrewshire&type=helpline", True),
    ("near=Fife", False),
]


@pytest.mark.parametrize(("query", "sedge_found"), PARTNERSHIP_QUERIES)
def test_partnership_areas_give_the_same_results_in_the_index_and_in_sql(
    frozen,  # noqa: F811
    query,
    sedge_found,
):
    build_directory()
    service(
        "Sedge phone line",
        types=("helpline",),
        delivery=("phone",),
        areas=("renfrewshire-hscp",),
    )

    filterset = assert_same_results(query)

    found = Service.objects.filter(pk__in=filterset.result_ids, name="Sedge phone line")
    assert found.exists() == sedge_found
    assert filterset.result_ids  # each query finds something to compare


# Pages, API and Open Referral ------------------------------------------------------------------


def test_areas_page_lists_the_partnerships(client):
    html = client.get("/areas/").content.decode()

    assert '<h2 id="partnerships-heading">Health and social care partnerships</h2>' in html
    for partnership in Area.objects.partnerships():
        assert f'<a href="/areas/{partnership.slug}/">{partnership.name}</a>' in html


def test_a_partnership_page_lists_its_services_and_names_its_council_areas(client):
    located_in("stirling", "In Stirling")
    located_in("falkirk", "In Falkirk")

    html = client.get("/areas/clackmannanshire-and-stirling-hscp/").content.decode()

    assert "Support in Clackmannanshire and Stirling Health and Social Care Partnership" in html
    assert "Health and social care partnership" in html
    assert '<a href="/areas/clackmannanshire/">Clackmannanshire</a> and ' in html
    assert "In Stirling" in html
    assert "In Falkirk" not in html


def test_api_areas_gives_each_kind_with_its_relations(client):
    body = client.get("/api/v1/areas/").json()

    assert len(body) == 32 + 14 + 31
    by_slug = {area["slug"]: area for area in body}
    assert by_slug["clackmannanshire-and-stirling-hscp"] == {
        "slug": "clackmannanshire-and-stirling-hscp",
        "name": "Clackmannanshire and Stirling Health and Social Care Partnership",
        "kind": "hscp",
        "gss_code": "S37000005",
        "health_board": None,
        "partnership": None,
        "council_areas": ["clackmannanshire", "stirling"],
    }
    assert by_slug["stirling"]["partnership"] == "clackmannanshire-and-stirling-hscp"
    assert by_slug["stirling"]["health_board"] == "nhs-forth-valley"
    assert by_slug["stirling"]["council_areas"] == []
    assert "fife" in by_slug["nhs-fife"]["council_areas"]


def test_api_areas_filters_by_kind_and_rejects_an_unknown_kind(client):
    body = client.get("/api/v1/areas/", {"kind": "hscp"}).json()
    assert len(body) == 31
    assert {area["kind"] for area in body} == {"hscp"}

    response = client.get("/api/v1/areas/", {"kind": "parish"})
    assert response.status_code == 400
    assert response.json() == {"kind": ["Enter one of: council-area, health-board, hscp."]}


def test_api_search_takes_a_partnership_as_area(client):
    covering("renfrewshire-hscp", "Covers the partnership")
    covering("fife", "Covers Fife")

    body = client.get("/api/v1/services/", {"area": "renfrewshire-hscp"}).json()

    assert [result["name"] for result in body["results"]] == ["Covers the partnership"]
    assert body["results"][0]["areas"] == [
        {
            "slug": "renfrewshire-hscp",
            "name": "Renfrewshire Health and Social Care Partnership",
            "kind": "hscp",
        }
    ]


def test_open_referral_service_areas_include_a_partnership_with_its_gss_code(client):
    created = covering("renfrewshire-hscp", "Covers the partnership")
    created.areas.add(Area.objects.get(slug="renfrewshire"), Area.objects.get(slug="nhs-fife"))

    body = client.get(f"/api/hsds/services/{created.pk}").json()

    assert [(area["name"], area["extent"]) for area in body["service_areas"]] == [
        ("NHS Fife", "S08000029"),
        ("Renfrewshire Health and Social Care Partnership", "S37000024"),
        ("Renfrewshire", "S12000038"),
    ]


def test_a_partnership_service_area_survives_an_open_referral_round_trip():
    created = covering("clackmannanshire-and-stirling-hscp", "Covers the partnership")
    created.areas.add(Area.objects.get(slug="stirling"))
    stream = io.StringIO()
    write_hsds(stream)
    document = json.loads(stream.getvalue())
    Service.objects.all().delete()

    report = import_dataset(document)

    assert report.errors == []
    imported = Service.objects.get(name="Covers the partnership")
    assert sorted(imported.areas.values_list("slug", flat=True)) == [
        "clackmannanshire-and-stirling-hscp",
        "stirling",
    ]
