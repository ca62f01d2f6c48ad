"""The Open Referral HSDS 3.0 API: every endpoint's output validates against the official
compiled schemas (also with additional properties forbidden), and our model maps faithfully."""

import datetime

import pytest

from services.hsds.schedules import ScheduleError, schedule_fields_from_hsds, schedule_to_hsds
from services.hsds.taxonomy import BY_KEY
from services.models import Schedule, Service
from services.search import live
from tests.factories import ScheduleFactory, ServiceFactory

from .api_data import bare_service, full_service
from .hsds_schemas import validate, validate_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    return full_service(), bare_service()


def test_root_says_which_hsds_version(client):
    body = client.get("/api/hsds/").json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/api/schema/")


@pytest.mark.parametrize("full", ["true", "false"])
def test_service_list_validates_against_the_official_schema(client, services, full):
    body = client.get(f"/api/hsds/services?full={full}").json()
    assert body["total_items"] == 2
    validate_page(body, "compiled/service.json" if full == "true" else "compiled/service_list.json")


def test_full_and_bare_services_validate_in_full(client, services):
    for service in services:
        response = client.get(f"/api/hsds/services/{service.pk}")
        assert response.status_code == 200
        validate(response.json(), "compiled/service.json")


def test_organizations_validate(client, services):
    for query in ("", "?full=true", "?full_service=true"):
        body = client.get(f"/api/hsds/organizations{query}").json()
        schema = "compiled/organization_list.json" if not query else "compiled/organization.json"
        validate_page(body, schema)
    for service in services:
        organisation_id = service.organisation_id
        for query in ("", "?full_service=true"):
            body = client.get(f"/api/hsds/organizations/{organisation_id}{query}").json()
            validate(body, "compiled/organization.json")
            assert [s["id"] for s in body["services"]] == [str(service.pk)]


def test_service_at_locations_validate(client, services):
    for full, schema in (("false", "service_at_location_list"), ("true", "service_at_location")):
        body = client.get(f"/api/hsds/service_at_locations?full={full}").json()
        assert body["total_items"] == 1
        validate_page(body, f"compiled/{schema}.json")
    link = services[0].service_locations.get()
    body = client.get(f"/api/hsds/service_at_locations/{link.pk}").json()
    validate(body, "compiled/service_at_location.json")
    assert [schedule["byday"] for schedule in body["schedules"]] == ["TU"]


def test_taxonomies_and_terms_validate(client, services):
    body = client.get("/api/hsds/taxonomies?per_page=100").json()
    validate_page(body, "taxonomy.json")
    assert body["total_items"] == len(BY_KEY)
    terms = client.get("/api/hsds/taxonomy_terms?per_page=100").json()
    validate_page(terms, "taxonomy_term.json")
    taxonomy = BY_KEY["type"]
    only_types = client.get(f"/api/hsds/taxonomy_terms?taxonomy_id={taxonomy.id}").json()
    assert {term["taxonomy_id"] for term in only_types["contents"]} == {taxonomy.id}
    validate(client.get(f"/api/hsds/taxonomies/{taxonomy.id}").json(), "taxonomy.json")
    term_id = taxonomy.term_id("peer-support-group")
    term = client.get(f"/api/hsds/taxonomy_terms/{term_id}").json()
    validate(term, "taxonomy_term.json")
    assert term["code"] == "peer-support-group"


def test_full_service_maps_every_part(client, services):
    service = services[0]
    body = client.get(f"/api/hsds/services/{service.pk}").json()
    assert body["assured_date"] == "2026-03-02"
    assert (body["minimum_age"], body["maximum_age"]) == (16, 65)
    assert body["cost_options"][0]["amount_description"] == "£2 a session"
    assert [area["name"] for area in body["service_areas"]] == [
        "Scotland",
        "NHS Greater Glasgow and Clyde",
        "Renfrewshire",
    ]
    assert [language["code"] for language in body["languages"]] == ["en", "bfi"]
    by_type = {}
    for attribute in body["attributes"]:
        by_type.setdefault(attribute["link_type"], []).append(attribute["taxonomy_term"]["code"])
    assert by_type["intake_status"] == ["waiting-list"]
    assert by_type["access_route"] == ["self-referral"]
    assert by_type["lived_experience"] == ["peer-led"]
    assert by_type["text"] == ["summary", "what-to-expect", "web-address-name"]
    rules = [(s["freq"], s.get("interval"), s["byday"]) for s in body["schedules"]]
    assert rules == [("WEEKLY", 1, "TU"), ("WEEKLY", 2, "TH"), ("MONTHLY", 1, "-1FR")]
    location = body["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "PA1 1AA"
    assert len(location["accessibility"]) == 2
    assert body["organization"]["organization_identifiers"][0]["identifier"] == "SC012345"


def test_unknown_and_malformed_ids_are_404(client, services):
    for path in (
        "services",
        "organizations",
        "service_at_locations",
        "taxonomies",
        "taxonomy_terms",
    ):
        assert client.get(f"/api/hsds/{path}/not-a-uuid").status_code == 404
        missing = "00000000-0000-0000-0000-000000000000"
        assert client.get(f"/api/hsds/{path}/{missing}").status_code == 404


def test_unpublished_services_are_not_in_hsds(client):
    hidden = ServiceFactory(status=Service.Status.DEFUNCT)
    assert client.get("/api/hsds/services").json()["total_items"] == 0
    assert client.get(f"/api/hsds/services/{hidden.pk}").status_code == 404


def test_hsds_filters(client, services):
    full, bare = services
    type_id = BY_KEY["lived_experience"].term_id("peer-led")

    def ids(query: str) -> list[str]:
        return [s["id"] for s in client.get(f"/api/hsds/services?{query}").json()["contents"]]

    assert ids(f"taxonomy_term_id={type_id}") == [str(full.pk)]
    assert ids(f"taxonomy_id={BY_KEY['language'].id}") == [str(full.pk)]
    assert ids(f"organization_id={bare.organisation_id}") == [str(bare.pk)]
    assert ids("modified_after=2999-01-01T00:00:00Z") == []
    assert ids("search=Café") == [str(full.pk)]
    assert set(ids("search=")) == {str(full.pk), str(bare.pk)}


def test_hsds_modified_after_takes_any_iso_offset(client, services):
    # Found by Schemathesis on PostgreSQL, which refuses offsets beyond ±15:59 (a 500).
    full, bare = services
    response = client.get("/api/hsds/services?modified_after=0835-05-11T15:16:09.6%2B16:43")
    assert response.status_code == 200
    assert {s["id"] for s in response.json()["contents"]} == {str(full.pk), str(bare.pk)}
    response = client.get("/api/hsds/services?modified_after=0001-01-01T00:00:00%2B16:43")
    assert response.status_code == 400
    assert "modified_after" in response.json()


def test_hsds_bad_parameters_are_400_naming_them(client, services):
    for query, name in (
        ("taxonomy_term_id=nope", "taxonomy_term_id"),
        ("taxonomy_term_id=00000000-0000-0000-0000-000000000000", "taxonomy_term_id"),
        ("modified_after=yesterday", "modified_after"),
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
        ("full=perhaps", "full"),
        ("proximity=500", "proximity"),
    ):
        response = client.get(f"/api/hsds/services?{query}")
        assert response.status_code == 400, query
        assert name in response.json(), query


def test_hsds_pagination_envelope(client, services):
    body = client.get("/api/hsds/services?per_page=1&page=2").json()
    assert {k: v for k, v in body.items() if k != "contents"} == {
        "total_items": 2,
        "total_pages": 2,
        "page_number": 2,
        "size": 1,
        "first_page": False,
        "last_page": True,
        "empty": False,
    }
    past_the_end = client.get("/api/hsds/services?per_page=1&page=9").json()
    assert past_the_end["empty"] is True
    assert past_the_end["contents"] == []


def test_hsds_list_query_count_does_not_grow_with_page_size(
    client, services, django_assert_max_num_queries
):
    for _ in range(6):
        full_service_copy = ServiceFactory()
        ScheduleFactory(service=full_service_copy)
    live.rebuild_now()  # a served process builds its search index before its first request
    for size in (2, 8):
        with django_assert_max_num_queries(16):
            client.get(f"/api/hsds/services?full=true&per_page={size}")
        with django_assert_max_num_queries(8):
            client.get(f"/api/hsds/service_at_locations?full=true&per_page={size}")


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"frequency": "weekly"}, {"freq": "WEEKLY", "interval": 1, "byday": "TU"}),
        (
            {"frequency": "fortnightly", "valid_from": datetime.date(2026, 1, 6)},
            {"freq": "WEEKLY", "interval": 2, "byday": "TU", "dtstart": "2026-01-06"},
        ),
        ({"frequency": "monthly", "week_of_month": 2}, {"freq": "MONTHLY", "byday": "2TU"}),
        ({"frequency": "monthly", "week_of_month": -1}, {"freq": "MONTHLY", "byday": "-1TU"}),
    ],
)
def test_schedules_become_rrule_parts_and_back(fields, rule):
    schedule = ScheduleFactory(weekday=1, **fields)
    data = schedule_to_hsds(schedule)
    assert rule.items() <= data.items()
    assert (data["opens_at"], data["closes_at"]) == ("18:00", "20:00")
    [back] = schedule_fields_from_hsds(data)
    for name in ("weekday", "frequency", "week_of_month", "valid_from", "opens_at", "closes_at"):
        assert back[name] == getattr(schedule, name), name


@pytest.mark.parametrize(
    "rule",
    [
        {"freq": "WEEKLY", "interval": 3, "byday": "MO"},
        {"freq": "MONTHLY", "byday": "5MO"},
        {"freq": "DAILY", "byday": "MO"},
        {"freq": "WEEKLY", "byday": ""},
        {"freq": "WEEKLY", "byday": "XX"},
    ],
)
def test_schedules_we_cannot_represent_are_refused_with_a_reason(rule):
    with pytest.raises(ScheduleError):
        schedule_fields_from_hsds({**rule, "opens_at": "10:00", "closes_at": "11:00"})


def test_several_days_become_one_schedule_each():
    found = schedule_fields_from_hsds(
        {"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "10:00:00Z", "closes_at": "11:30"}
    )
    assert [f["weekday"] for f in found] == [0, 2]
    assert found[0]["closes_at"] == datetime.time(11, 30)
    assert Schedule.Frequency.WEEKLY == found[1]["frequency"]
