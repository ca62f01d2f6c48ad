"""Organisation tokens: writes to your own organisation's services, locations and
schedules, the admin's validation, isolation from other organisations, and history."""

import pytest
from django.core.cache import cache

import services.api.admin  # noqa: F401 - registers the token admin before the URLs load
from services.models import Location, OrganisationToken, Schedule, Service
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def make_token(membership) -> tuple[OrganisationToken, str]:
    token = OrganisationToken(
        organisation=membership.organisation, created_by=membership.user, name="Booking system"
    )
    key = token.set_new_key()
    token.save()
    return token, key


@pytest.fixture
def ours():
    membership = MembershipFactory()
    token, key = make_token(membership)
    service = ServiceFactory(organisation=membership.organisation)
    location = LocationFactory(organisation=membership.organisation)
    ServiceAtLocationFactory(service=service, location=location)
    schedule = ScheduleFactory(service=service, location=location)
    return {"membership": membership, "token": token, "key": key, "service": service,
            "location": location, "schedule": schedule}  # fmt: skip


@pytest.fixture
def theirs():
    other = MembershipFactory()
    service = ServiceFactory(organisation=other.organisation)
    location = LocationFactory(organisation=other.organisation)
    return {"service": service, "location": location,
            "schedule": ScheduleFactory(service=service, location=location)}  # fmt: skip


def auth(key: str) -> dict:
    return {"Authorization": f"Token {key}"}


NEW_SERVICE = {
    "name": "Wednesday Walk",
    "summary": "A gentle walk and a chat.",
    "description": "We meet at the gate and walk for an hour.",
    "types": ["activity-group"],
    "access_routes": ["drop-in"],
    "delivery_modes": ["in-person"],
    "areas": ["renfrewshire"],
}


def test_a_token_creates_a_service_for_its_organisation(client, ours):
    response = client.post("/api/v1/services/", NEW_SERVICE, content_type="application/json",
                           headers=auth(ours["key"]))  # fmt: skip
    assert response.status_code == 201, response.json()
    service = Service.objects.get(name="Wednesday Walk")
    assert service.organisation == ours["membership"].organisation
    assert service.slug == "wednesday-walk"
    assert response.json()["types"] == [
        {"slug": "activity-group", "name": "Activity or arts group"}
    ]
    record = service.history.earliest()
    assert record.history_user == ours["membership"].user


def test_writes_are_recorded_in_history_as_the_tokens_user(client, ours):
    service = ours["service"]
    response = client.patch(f"/api/v1/services/{service.pk}/", {"name": "Renamed group"},
                            content_type="application/json", headers=auth(ours["key"]))  # fmt: skip
    assert response.status_code == 200, response.json()
    latest = service.history.latest()
    assert latest.name == "Renamed group"
    assert latest.history_user == ours["membership"].user
    schedule = ours["schedule"]
    client.patch(f"/api/v1/schedules/{schedule.pk}/", {"day": "fri"},
                 content_type="application/json", headers=auth(ours["key"]))  # fmt: skip
    assert schedule.history.latest().history_user == ours["membership"].user
    assert schedule.history.latest().weekday == 4


def test_validation_is_the_admins(client, ours):
    service = ours["service"]
    response = client.patch(
        f"/api/v1/services/{service.pk}/",
        {"min_age": 40, "max_age": 20, "cost": "paid", "accepts_referrals": True},
        content_type="application/json",
        headers=auth(ours["key"]),
    )
    assert response.status_code == 400
    assert response.json() == {
        "max_age": ["The maximum age must be the same as or more than the minimum age."],
        "referral_email": ["Give an email address to tell you about referrals."],
        "cost_description": ["Say what it costs."],
    }
    bad_schedule = client.post(
        "/api/v1/schedules/",
        {"service": str(service.pk), "day": "mon", "opens_at": "20:00", "closes_at": "18:00",
         "frequency": "monthly"},
        content_type="application/json",
        headers=auth(ours["key"]),
    )  # fmt: skip
    assert bad_schedule.status_code == 400
    assert set(bad_schedule.json()) >= {"closes_at", "week_of_month"}
    bad_location = client.post(
        "/api/v1/locations/",
        {"name": "Hall", "address_1": "1 Road", "town": "Paisley", "postcode": "nope",
         "latitude": 99, "longitude": 0, "council_area": "renfrewshire"},
        content_type="application/json",
        headers=auth(ours["key"]),
    )  # fmt: skip
    assert bad_location.status_code == 400
    assert set(bad_location.json()) == {"postcode", "latitude"}


def test_a_token_adds_a_location_and_a_session(client, ours):
    location = client.post(
        "/api/v1/locations/",
        {"name": "Church Hall", "address_1": "2 Kirk Road", "town": "Paisley",
         "postcode": "pa2 7aa", "latitude": 55.84, "longitude": -4.43,
         "council_area": "renfrewshire", "accessibility": ["step-free-access"]},
        content_type="application/json",
        headers=auth(ours["key"]),
    )  # fmt: skip
    assert location.status_code == 201, location.json()
    assert location.json()["postcode"] == "PA2 7AA"
    session = client.post(
        "/api/v1/schedules/",
        {"service": str(ours["service"].pk), "location": location.json()["id"], "day": "wed",
         "opens_at": "10:00", "closes_at": "12:00", "frequency": "monthly", "week_of_month": -1},
        content_type="application/json",
        headers=auth(ours["key"]),
    )  # fmt: skip
    assert session.status_code == 201, session.json()
    assert session.json()["day"] == "wed"
    linked = client.patch(f"/api/v1/services/{ours['service'].pk}/",
                          {"locations": [location.json()["id"]]},
                          content_type="application/json", headers=auth(ours["key"]))  # fmt: skip
    assert [place["name"] for place in linked.json()["locations"]] == ["Church Hall"]


def test_archiving_takes_a_service_out_of_the_directory(client, ours):
    service = ours["service"]
    response = client.post(f"/api/v1/services/{service.pk}/archive/", headers=auth(ours["key"]))
    assert response.status_code == 200
    assert response.json()["status"] == "defunct"
    assert client.get(f"/api/v1/services/{service.pk}/").status_code == 404
    assert service.history.latest().history_user == ours["membership"].user


def test_deleting_a_session_and_a_location(client, ours):
    schedule, location = ours["schedule"], ours["location"]
    assert (
        client.delete(f"/api/v1/schedules/{schedule.pk}/", headers=auth(ours["key"])).status_code
        == 204
    )
    assert not Schedule.objects.filter(pk=schedule.pk).exists()
    assert (
        client.delete(f"/api/v1/locations/{location.pk}/", headers=auth(ours["key"])).status_code
        == 204
    )
    assert not Location.objects.filter(pk=location.pk).exists()


WRITES = [
    ("patch", "/api/v1/services/{service}/", {"name": "Hijacked"}),
    ("post", "/api/v1/services/{service}/archive/", {}),
    ("get", "/api/v1/locations/{location}/", None),
    ("patch", "/api/v1/locations/{location}/", {"name": "Hijacked"}),
    ("delete", "/api/v1/locations/{location}/", None),
    ("get", "/api/v1/schedules/{schedule}/", None),
    ("patch", "/api/v1/schedules/{schedule}/", {"description": "Hijacked"}),
    ("delete", "/api/v1/schedules/{schedule}/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_another_organisations_records_cannot_be_changed(client, ours, theirs, method, path, body):
    url = path.format(**{name: theirs[name].pk for name in ("service", "location", "schedule")})
    kwargs = {"content_type": "application/json", "headers": auth(ours["key"])}
    response = (
        getattr(client, method)(url, body, **kwargs)
        if body is not None
        else getattr(client, method)(url, headers=auth(ours["key"]))
    )
    assert response.status_code in (403, 404)
    assert Service.objects.get(pk=theirs["service"].pk).status == Service.Status.ACTIVE
    assert Service.objects.get(pk=theirs["service"].pk).name != "Hijacked"
    assert Location.objects.filter(pk=theirs["location"].pk).exclude(name="Hijacked").exists()
    assert (
        Schedule.objects.filter(pk=theirs["schedule"].pk).exclude(description="Hijacked").exists()
    )


def test_new_records_cannot_point_at_another_organisations_records(client, ours, theirs):
    session = client.post(
        "/api/v1/schedules/",
        {"service": str(theirs["service"].pk), "day": "mon", "opens_at": "10:00",
         "closes_at": "11:00"},
        content_type="application/json", headers=auth(ours["key"]),
    )  # fmt: skip
    assert session.status_code == 400
    assert "service" in session.json()
    moved = client.patch(
        f"/api/v1/services/{ours['service'].pk}/", {"locations": [str(theirs["location"].pk)]},
        content_type="application/json", headers=auth(ours["key"]),
    )  # fmt: skip
    assert moved.status_code == 400
    assert "locations" in moved.json()
    lists = [client.get(url, headers=auth(ours["key"])).json()["results"]
             for url in ("/api/v1/locations/", "/api/v1/schedules/")]  # fmt: skip
    assert [item["id"] for item in lists[0]] == [str(ours["location"].pk)]
    assert [item["id"] for item in lists[1]] == [str(ours["schedule"].pk)]


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/v1/services/"), ("patch", "/api/v1/services/{service}/"),
     ("post", "/api/v1/services/{service}/archive/"), ("get", "/api/v1/locations/"),
     ("post", "/api/v1/locations/"), ("get", "/api/v1/schedules/"), ("post", "/api/v1/schedules/")],
)  # fmt: skip
def test_writing_needs_a_valid_token(client, ours, method, path):
    url = path.format(service=ours["service"].pk)
    assert getattr(client, method)(url, {}, content_type="application/json").status_code == 401
    bad = getattr(client, method)(url, {}, content_type="application/json", headers=auth("nope"))
    assert bad.status_code == 401


def test_revoked_tokens_and_former_members_are_refused(client, ours):
    url = f"/api/v1/services/{ours['service'].pk}/"
    ours["token"].revoke()
    response = client.patch(
        url, {"name": "x"}, content_type="application/json", headers=auth(ours["key"])
    )
    assert response.status_code == 401
    _, key = make_token(ours["membership"])
    ours["membership"].delete()
    response = client.patch(url, {"name": "x"}, content_type="application/json", headers=auth(key))
    assert response.status_code == 401


def test_only_the_hash_of_a_key_is_stored(ours):
    token = OrganisationToken.objects.get(pk=ours["token"].pk)
    assert ours["key"] not in (token.key_hash, token.prefix)
    assert ours["key"].startswith(token.prefix)
    assert len(token.key_hash) == 64


def test_a_token_records_when_it_was_last_used(client, ours):
    client.get("/api/v1/locations/", headers=auth(ours["key"]))
    assert OrganisationToken.objects.get(pk=ours["token"].pk).last_used_at is not None


def test_token_reads_are_private_to_caches(client, ours):
    response = client.get(f"/api/v1/services/{ours['service'].pk}/", headers=auth(ours["key"]))
    assert "private" in response["Cache-Control"]


def test_members_create_tokens_in_the_admin_and_see_the_key_once(client, ours):
    user = ours["membership"].user
    client.force_login(user)
    response = client.post(
        "/admin/services/organisationtoken/add/",
        {"organisation": str(ours["membership"].organisation_id), "name": "Website sync"},
        follow=True,
    )
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"] if "copy it now" in str(m)]
    key = message.split(" is ")[1].split(" ")[0]
    token = OrganisationToken.objects.get(name="Website sync")
    assert token.created_by == user
    assert key.startswith(token.prefix)
    assert (
        client.get(f"/admin/services/organisationtoken/{token.pk}/change/").content.count(
            key.encode()
        )
        == 0
    )
    client.logout()
    listed = client.get("/api/v1/locations/", headers=auth(key))
    assert listed.status_code == 200


def test_members_cannot_make_tokens_for_other_organisations(client, ours, theirs):
    client.force_login(ours["membership"].user)
    response = client.post(
        "/admin/services/organisationtoken/add/",
        {"organisation": str(theirs["service"].organisation_id), "name": "Sneaky"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert not OrganisationToken.objects.filter(name="Sneaky").exists()
