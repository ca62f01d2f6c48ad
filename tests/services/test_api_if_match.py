"""API writes with If-Match: a record's GET gives an ETag; a PATCH, DELETE or archive sent
with a stale one is refused with 412 and changes nothing, so one client cannot silently undo
another's change."""

import pytest

from services.models import Location, Schedule, Service
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

from .test_api_write import auth, make_token

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def ours():
    membership = MembershipFactory()
    _, key = make_token(membership)
    service = ServiceFactory(organisation=membership.organisation)
    location = LocationFactory(organisation=membership.organisation)
    ServiceAtLocationFactory(service=service, location=location)
    schedule = ScheduleFactory(service=service, location=location)
    return {"key": key, "service": service, "location": location, "schedule": schedule}


def read(client, key, path):
    response = client.get(path, headers=auth(key))
    assert response.status_code == 200
    return response


def test_a_record_read_gives_an_etag_that_a_write_can_send_back(client, ours):
    path = f"/api/v1/services/{ours['service'].pk}/"
    etag = read(client, ours["key"], path)["ETag"]

    response = client.patch(path, {"phone": "0141 111 2222"}, content_type=JSON,
                            headers=auth(ours["key"]) | {"If-Match": etag})  # fmt: skip

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response["ETag"] == read(client, ours["key"], path)["ETag"]
    ours["service"].refresh_from_db()
    assert ours["service"].phone == "0141 111 2222"


def test_a_write_with_a_stale_etag_is_refused_and_changes_nothing(client, ours):
    path = f"/api/v1/services/{ours['service'].pk}/"
    stale = read(client, ours["key"], path)["ETag"]
    first = client.patch(path, {"phone": "0141 111 2222"}, content_type=JSON,
                         headers=auth(ours["key"]) | {"If-Match": stale})  # fmt: skip
    assert first.status_code == 200

    second = client.patch(path, {"email": "hello@example.org"}, content_type=JSON,
                          headers=auth(ours["key"]) | {"If-Match": stale})  # fmt: skip

    assert second.status_code == 412
    body = second.json()
    assert "changed since you read it" in body["detail"]
    assert body["etag"] == first["ETag"]
    service = Service.objects.get(pk=ours["service"].pk)
    assert (service.phone, service.email) == ("0141 111 2222", "")


def test_archive_and_delete_check_if_match_too(client, ours):
    service_path = f"/api/v1/services/{ours['service'].pk}/"
    schedule_path = f"/api/v1/schedules/{ours['schedule'].pk}/"
    stale = '"0000000000000000000000000000000a"'

    archived = client.post(service_path + "archive/", content_type=JSON,
                           headers=auth(ours["key"]) | {"If-Match": stale})  # fmt: skip
    deleted = client.delete(schedule_path, headers=auth(ours["key"]) | {"If-Match": stale})

    assert (archived.status_code, deleted.status_code) == (412, 412)
    assert Service.objects.get(pk=ours["service"].pk).status == Service.Status.ACTIVE
    assert Schedule.objects.filter(pk=ours["schedule"].pk).exists()

    etag = read(client, ours["key"], schedule_path)["ETag"]
    deleted = client.delete(schedule_path, headers=auth(ours["key"]) | {"If-Match": etag})
    assert deleted.status_code == 204


def test_location_writes_check_if_match(client, ours):
    path = f"/api/v1/locations/{ours['location'].pk}/"
    etag = read(client, ours["key"], path)["ETag"]
    client.patch(path, {"directions": "Round the back."}, content_type=JSON,
                 headers=auth(ours["key"]))  # fmt: skip

    response = client.patch(path, {"name": "Renamed"}, content_type=JSON,
                            headers=auth(ours["key"]) | {"If-Match": etag})  # fmt: skip

    assert response.status_code == 412
    assert Location.objects.get(pk=ours["location"].pk).name != "Renamed"


def test_if_match_is_optional_and_star_matches_any_version(client, ours):
    path = f"/api/v1/services/{ours['service'].pk}/"

    without = client.patch(path, {"phone": "01"}, content_type=JSON, headers=auth(ours["key"]))
    star = client.patch(path, {"phone": "02"}, content_type=JSON,
                        headers=auth(ours["key"]) | {"If-Match": "*"})  # fmt: skip

    assert (without.status_code, star.status_code) == (200, 200)
    assert Service.objects.get(pk=ours["service"].pk).phone == "02"


def test_the_etag_does_not_depend_on_how_the_json_is_indented(client, ours):
    path = f"/api/v1/services/{ours['service'].pk}/"
    plain = client.get(path)
    indented = client.get(path, headers={"Accept": "application/json; indent=4"})

    assert plain.content != indented.content
    assert plain["ETag"] == indented["ETag"]


# Locations from their postcode, as in the admin --------------------------------------------


@pytest.fixture
def johnstone_postcode():
    from services.models import Area, Postcode

    return Postcode.objects.create(
        postcode="PA5 8AA",
        district="PA5",
        latitude=55.8301,
        longitude=-4.5112,
        council_area=Area.objects.get(slug="renfrewshire"),
    )


def test_a_location_added_through_the_api_is_placed_from_its_postcode(
    client, ours, johnstone_postcode
):
    body = {"name": "Town Hall", "address_1": "25 Rankine Street", "town": "Johnstone",
            "postcode": "PA5 8AA"}  # fmt: skip

    response = client.post("/api/v1/locations/", body, content_type=JSON, headers=auth(ours["key"]))

    assert response.status_code == 201, response.json()
    location = Location.objects.get(name="Town Hall")
    assert (location.latitude, location.longitude) == (55.8301, -4.5112)
    assert location.council_area.slug == "renfrewshire"


def test_an_api_postcode_change_moves_the_location_or_is_refused(client, ours, johnstone_postcode):
    path = f"/api/v1/locations/{ours['location'].pk}/"

    moved = client.patch(path, {"postcode": "PA5 8AA", "town": "Johnstone"}, content_type=JSON,
                         headers=auth(ours["key"]))  # fmt: skip
    london = client.patch(path, {"postcode": "SW1A 1AA"}, content_type=JSON,
                          headers=auth(ours["key"]))  # fmt: skip

    assert moved.status_code == 200
    assert london.status_code == 400
    assert "SW1A 1AA is not a Scottish postcode" in london.json()["postcode"][0]
    location = Location.objects.get(pk=ours["location"].pk)
    assert (location.postcode, location.latitude) == ("PA5 8AA", 55.8301)
