"""`/api/v1/` reads: the same results as the reference search (tests/search_reference.py)
for every parameter, whole payloads, errors, caching and query counts."""

import datetime

import pytest
from django.core.cache import cache

from services.models import (
    AccessibilityFeature,
    AccessRoute,
    Area,
    Audience,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    Service,
    ServiceType,
)
from services.search import live as search_index
from tests.factories import (
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    council_area,
)
from tests.search_reference import reference_search

from .api_data import full_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


@pytest.fixture
def directory():
    """Services that differ in every searchable way."""
    cafe = full_service()
    edinburgh = LocationFactory(
        name="Leith Hub", town="Edinburgh", postcode="EH6 6AA", latitude=55.975,
        longitude=-3.17, council_area=council_area("city-of-edinburgh"),
    )  # fmt: skip
    leith = ServiceFactory(
        organisation=edinburgh.organisation, name="Leith Walk and Talk", min_age=18,
        types=ServiceType.objects.filter(slug="activity-group"),
        access_routes=AccessRoute.objects.filter(slug__in=["drop-in", "gp"]),
        intake_status=Service.Intake.FULL, accepts_referrals=True,
        referral_email="referrals@leith.example.org",
    )  # fmt: skip
    leith.audiences.set(Audience.objects.filter(slug="men"))
    edinburgh.accessibility.set(AccessibilityFeature.objects.all()[2:3])
    ServiceAtLocationFactory(service=leith, location=edinburgh)
    ScheduleFactory(service=leith, location=edinburgh, weekday=0)
    helpline = ServiceFactory(
        name="Night Helpline", is_national=True, cost=Service.Cost.DONATION,
        types=ServiceType.objects.filter(slug="helpline"),
        delivery_modes=DeliveryMode.objects.filter(slug="phone"),
    )  # fmt: skip
    helpline.languages.set(Language.objects.filter(slug="pl"))
    helpline.lived_experience.set(LivedExperienceInvolvement.objects.filter(slug="co-produced"))
    young = ServiceFactory(name="Young Minds Online", min_age=16, max_age=25)
    young.areas.set(Area.objects.filter(slug="fife"))
    ScheduleFactory(service=young, weekday=5, opens_at=datetime.time(0, 0),
                    closes_at=datetime.time(23, 59))  # fmt: skip
    ServiceFactory(name="Closed Group", status=Service.Status.DEFUNCT)
    return [cafe, leith, helpline, young]


FILTER_QUERIES = [
    "",
    "q=cafe",
    "q=helpline night",
    "near=Paisley",
    "near=Edinburgh&radius_km=5",
    "lat=55.8456&lon=-4.4239",
    "lat=55.8456&lon=-4.4239&radius_km=200",
    "lat=55.8456&lon=-4.4239&include_national=false",
    "type=activity-group",
    "type=activity-group&type=helpline",
    "access_route=gp",
    "lived_experience=peer-led",
    "audience=men",
    "accessibility=" + "{accessibility}",
    "language=pl",
    "delivery=phone",
    "area=fife",
    "area=nhs-greater-glasgow-and-clyde",
    "free=true",
    "free=false",
    "age=17",
    "age=40",
    "day=mon",
    "day=sat&day=tue",
    "open_now=true",
    "accepting=true",
    "takes_referrals=true",
    "takes_referrals=true&accepting=true",
    "include_national=false",
    "sort=name",
    "sort=recently_checked",
    "sort=distance&lat=55.95&lon=-3.19&radius_km=100",
    "type=peer-support-group&free=true&accepting=true&day=tue",
    "delivery=in-person&area=renfrewshire&age=30&include_national=false",
    "q=group&type=peer-support-group&type=activity-group&sort=name",
]


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_every_filter_gives_the_same_services_as_the_search(client, directory, query):
    query = query.format(accessibility=AccessibilityFeature.objects.all()[2].slug)
    params = dict(part.split("=", 1) for part in query.split("&") if part)
    multi = {}
    for part in filter(None, query.split("&")):
        key, value = part.split("=", 1)
        multi.setdefault(key, []).append(value)
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, values in multi.items():
        data.setlist(key, values)
    expected = [str(pk) for pk in reference_search(data).ids]
    response = client.get("/api/v1/services/", data={**params, **multi, "page_size": 100})
    assert response.status_code == 200, response.json()
    assert [result["id"] for result in response.json()["results"]] == expected


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_every_filter_gives_the_same_services_as_the_search_page(client, directory, query):
    query = query.format(accessibility=AccessibilityFeature.objects.all()[2].slug)
    page = client.get(f"/search/?{query}")
    assert page.status_code == 200
    on_page = [str(service.pk) for service in page.context["results"].page.object_list]
    response = client.get(f"/api/v1/services/?{query}&page_size=20")
    assert [result["id"] for result in response.json()["results"]] == on_page


def test_a_place_that_cannot_be_found_is_an_error_as_on_the_search_page(client, directory):
    response = client.get("/api/v1/services/", {"near": "Nowhere At All Xyz"})
    assert response.status_code == 400
    assert response.json() == {
        "near": [
            "We could not find “Nowhere At All Xyz” in Scotland. Try a postcode or a town name."
        ]
    }
    assert client.get("/search/", {"near": "Nowhere At All Xyz"}).context["results"] is None


def test_a_service_in_the_list_has_every_field(client, directory, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    cafe = directory[0]
    body = client.get("/api/v1/services/", {"q": "tuesday", "lat": 55.8456, "lon": -4.4239}).json()
    [result] = body["results"]
    location = cafe.service_locations.get().location
    assert result == {
        "id": str(cafe.pk),
        "slug": "tuesday-recovery-cafe",
        "name": "Tuesday Recovery Café",
        "summary": "A friendly test group.",
        "organisation": {
            "id": str(cafe.organisation_id),
            "slug": "renfrewshire-peer-network",
            "name": "Renfrewshire Peer Network",
        },
        "types": [{"slug": "peer-support-group", "name": "Peer support group"}],
        "access_routes": [{"slug": "self-referral", "name": "Self-referral"}],
        "lived_experience": [{"slug": "peer-led", "name": "Peer-led"}],
        "delivery_modes": [
            {"slug": "in-person", "name": "In person"},
            {"slug": "online", "name": "Online"},
        ],
        "intake": {"slug": "waiting-list", "label": "Waiting list", "until": "2099-01-31"},
        "cost": "paid",
        "cost_description": "£2 a session",
        "min_age": 16,
        "max_age": 65,
        "is_national": True,
        "areas": [
            {"slug": "renfrewshire", "name": "Renfrewshire", "kind": "council-area"},
            {
                "slug": "nhs-greater-glasgow-and-clyde",
                "name": "NHS Greater Glasgow and Clyde",
                "kind": "health-board",
            },
        ],
        "locations": [
            {
                "id": str(location.pk),
                "name": "Paisley Hub",
                "address_1": "1 High Street",
                "address_2": "Second floor",
                "town": "Paisley",
                "postcode": "PA1 1AA",
                "latitude": 55.8456,
                "longitude": -4.4239,
                "council_area": {
                    "slug": "renfrewshire",
                    "name": "Renfrewshire",
                    "kind": "council-area",
                },
            }
        ],
        "distance_km": 0.0,
        "next_sessions": [
            {
                "starts_at": "2026-06-02T18:00:00+01:00",
                "ends_at": "2026-06-02T20:00:00+01:00",
                "location_id": str(location.pk),
            },
            {
                "starts_at": "2026-06-09T18:00:00+01:00",
                "ends_at": "2026-06-09T20:00:00+01:00",
                "location_id": str(location.pk),
            },
            {
                "starts_at": "2026-06-11T18:00:00+01:00",
                "ends_at": "2026-06-11T20:00:00+01:00",
                "location_id": None,
            },
        ],
        "last_checked_at": "2026-03-02T10:30:00Z",
        "updated_at": result["updated_at"],
        "html_url": result["html_url"],
        "api_url": f"http://127.0.0.1:8000/api/v1/services/{cafe.pk}/",
    }  # fmt: skip
    assert body["location"]["kind"] == "coordinates"


def test_distance_is_given_when_searching_near_a_point(client, directory):
    body = client.get("/api/v1/services/", {"lat": 55.9, "lon": -3.2, "radius_km": 20}).json()
    distances = {result["name"]: result["distance_km"] for result in body["results"]}
    assert distances == {
        "Leith Walk and Talk": 8.55,
        "Tuesday Recovery Café": None,  # national, with no location within 20 km
        "Night Helpline": None,
        "Young Minds Online": None,  # no location: in the "available remotely" group
    }
    assert [
        result["distance_km"] for result in client.get("/api/v1/services/").json()["results"]
    ] == [None] * 4


def test_the_full_record_has_schedules_contacts_and_accessibility(client, directory):
    cafe = directory[0]
    body = client.get(f"/api/v1/services/{cafe.pk}/").json()
    assert body["contact"] == {
        "website": "https://cafe.example.org",
        "email": "cafe@example.org",
        "phone": "0141 111 1111",
        "referral_url": "",
    }
    assert body["first_visit"] == "Someone will meet you at the door."
    assert body["how_to_get_support"] == "Just turn up."
    assert [s["day"] for s in body["schedules"]] == ["tue", "thu", "fri"]
    assert body["schedules"][2]["week_of_month"] == -1
    assert [language["slug"] for language in body["languages"]] == ["en", "bsl"]
    assert [a["slug"] for a in body["audiences"]] == ["everyone", "carers"]
    assert len(body["locations"][0]["accessibility"]) == 2
    assert "referral_email" not in body


def test_facets_are_added_on_request(client, directory):
    body = client.get("/api/v1/services/", {"facets": "true", "type": "helpline"}).json()
    helpline = next(o for o in body["facets"]["type"] if o["slug"] == "helpline")
    assert helpline == {"slug": "helpline", "name": "Helpline or listening service",
                        "count": 1, "selected": True}  # fmt: skip
    assert "facets" not in client.get("/api/v1/services/").json()


def test_modified_after_limits_by_last_change(client, directory):
    Service.objects.filter(name="Night Helpline").update(
        updated_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    body = client.get("/api/v1/services/", {"modified_after": "2029-12-31T00:00:00Z"}).json()
    assert [result["name"] for result in body["results"]] == ["Night Helpline"]


def test_modified_after_takes_any_iso_offset(client, directory):
    # PostgreSQL refuses offsets beyond ±15:59; the API compares in UTC instead.
    response = client.get("/api/v1/services/", {"modified_after": "0835-05-11T15:16:09+16:43"})
    assert response.status_code == 200
    assert response.json()["count"] == Service.objects.published().count()


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"radius_km": "500"}, {"radius_km": ["Enter a number between 1 and 200."]}),
        ({"lat": "abc", "lon": "1"}, {"lat": ["Enter a latitude between -90 and 90."]}),
        ({"lat": "55"}, {"lon": ["Enter a longitude as well as a latitude."]}),
        ({"age": "-1"}, {"age": ["Enter an age between 0 and 120."]}),
        ({"free": "perhaps"}, {"free": ["Enter true or false."]}),
        ({"facets": "perhaps"}, {"facets": ["Enter true or false."]}),
        ({"page_size": "0"}, {"page_size": ["Enter a whole number between 1 and 100."]}),
        ({"page": "x"}, {"page": ["Enter a whole number of 1 or more."]}),
        ({"modified_after": "last week"}, {"modified_after": [
            "Enter a date and time in ISO 8601 format, for example 2026-01-31T09:00:00Z."]}),
    ],
)  # fmt: skip
def test_bad_parameters_are_400_naming_the_parameter(client, directory, query, errors):
    response = client.get("/api/v1/services/", query)
    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize("name", ["type", "day", "sort", "area", "language", "accessibility"])
def test_unknown_choices_are_400_and_name_the_parameter(client, directory, name):
    response = client.get("/api/v1/services/", {name: "no-such-thing"})
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_unknown_and_malformed_ids_are_404(client, directory):
    for path in ("services", "organisations"):
        assert (
            client.get(f"/api/v1/{path}/00000000-0000-0000-0000-000000000000/").status_code == 404
        )
        assert client.get(f"/api/v1/{path}/not-a-uuid/").status_code == 404
    hidden = Service.objects.get(name="Closed Group")
    assert client.get(f"/api/v1/services/{hidden.pk}/").status_code == 404


def test_list_query_count_does_not_depend_on_page_size(
    client, directory, django_assert_max_num_queries
):
    for number in range(40):
        service = ServiceFactory(name=f"Extra {number}")
        ServiceAtLocationFactory(service=service)
        ScheduleFactory(service=service)
    search_index.current()  # kept across requests: measure the steady state
    counts = []
    for size in (5, 50):
        with django_assert_max_num_queries(20) as captured:
            assert client.get("/api/v1/services/", {"page_size": size}).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(25):
        client.get("/api/v1/services/", {"page_size": 50, "facets": "true", "type": "drop-in"})


def test_other_list_endpoints_have_bounded_queries(
    client, directory, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        client.get("/api/v1/organisations/", {"page_size": 100})
    with django_assert_max_num_queries(2):
        client.get("/api/v1/areas/")
    with django_assert_max_num_queries(8):
        client.get("/api/v1/vocabularies/")


def test_reads_are_cacheable_and_conditional(client, directory):
    response = client.get("/api/v1/services/")
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"]
    assert response["Last-Modified"]
    again = client.get("/api/v1/services/", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    detail = client.get(f"/api/v1/services/{directory[0].pk}/")
    assert (
        client.get(
            f"/api/v1/services/{directory[0].pk}/",
            headers={"If-Modified-Since": detail["Last-Modified"]},
        ).status_code
        == 304
    )


def test_cors_is_open_for_reads(client, directory):
    response = client.get("/api/v1/services/", headers={"Origin": "https://example.com"})
    assert response["Access-Control-Allow-Origin"] == "*"


def test_anonymous_reads_are_throttled_at_the_configured_rate(client, directory, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    statuses = [client.get("/api/v1/areas/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_vocabularies_list_every_vocabulary_with_descriptions(client, directory):
    body = client.get("/api/v1/vocabularies/").json()
    parameters = [vocabulary["parameter"] for vocabulary in body]
    assert parameters == [
        "type", "access_route", "lived_experience", "audience", "accessibility", "delivery",
        "language", "day", "sort", "intake", "cost", "frequency",
    ]  # fmt: skip
    drop_in = next(t for t in body[0]["terms"] if t["slug"] == "drop-in")
    assert drop_in["description"].startswith("A place you can just turn up")


def test_organisation_detail_lists_its_published_services(client, directory):
    cafe = directory[0]
    body = client.get(f"/api/v1/organisations/{cafe.organisation_id}/").json()
    assert [service["slug"] for service in body["services"]] == ["tuesday-recovery-cafe"]
    assert body["charity_number"] == "SC012345"


def test_docs_page_loads_only_our_own_scripts_and_styles(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in html
    assert "<script>" not in html
    assert "https://" not in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert (
        client.get("/api/schema/?format=json").json()["info"]["title"] == "Recovery Directory API"
    )


def test_takes_referrals_finds_only_services_link_workers_can_refer_to(client, directory):
    response = client.get("/api/v1/services/", {"takes_referrals": "true"})

    assert [result["name"] for result in response.json()["results"]] == ["Leith Walk and Talk"]
    bad = client.get("/api/v1/services/", {"takes_referrals": "maybe"})
    assert bad.status_code == 400
    assert bad.json() == {"takes_referrals": ["Enter true or false."]}


def test_the_schema_documents_the_takes_referrals_parameter(client):
    schema = client.get("/api/schema/?format=json").json()

    parameters = schema["paths"]["/api/v1/services/"]["get"]["parameters"]
    (documented,) = [p for p in parameters if p["name"] == "takes_referrals"]
    assert documented["in"] == "query"
    assert documented["schema"]["type"] == "boolean"
    assert "refer" in documented["description"]
