import pytest
from django.urls import reverse

from engagement.models import Referral
from tests.factories import ModeratorFactory, UserFactory

from .conftest import PERSONAL_VALUES, make_auditor

DETAIL_VIEWERS = {
    "worker_a": 200,
    "member": 200,
    "worker_b": 404,
    "other_member": 404,
    "moderator": 404,
    "auditor": 200,
}


def _user(world, who):
    if who == "moderator":
        return ModeratorFactory()
    if who == "auditor":
        return make_auditor()
    return world[who]


@pytest.mark.parametrize(("who", "expected"), DETAIL_VIEWERS.items())
def test_only_referrer_receiver_and_auditor_see_a_referral(client, world, who, expected):
    client.force_login(_user(world, who))
    response = client.get(reverse("engagement:referral_detail", args=[world["referral"].pk]))
    assert response.status_code == expected
    body = response.content.decode()
    for value in PERSONAL_VALUES:
        assert (value in body) is (expected == 200)


def test_anonymous_visitor_is_sent_to_sign_in_for_every_referral_page(client, world):
    pk = world["referral"].pk
    urls = [
        reverse("engagement:referral_list"),
        reverse("engagement:referral_inbox"),
        reverse("engagement:referral_detail", args=[pk]),
        reverse("engagement:refer_consent", args=[world["service"].slug]),
        reverse("engagement:refer_details", args=[world["service"].slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]
    response = client.post(reverse("engagement:referral_update", args=[pk]), {"to": "opened"})
    assert response.status_code == 302
    world["referral"].refresh_from_db()
    assert world["referral"].status == Referral.Status.SENT


@pytest.mark.parametrize("who", ["member", "worker_a", "worker_b", "other_member", "moderator"])
def test_people_who_are_not_link_workers_cannot_open_the_referral_form(client, world, who):
    user = _user(world, who)
    client.force_login(user)
    url = reverse("engagement:refer_consent", args=[world["service"].slug])
    expected = 200 if who.startswith("worker") else 403
    assert client.get(url).status_code == expected


def test_inbox_lists_only_referrals_to_the_members_own_organisation(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["member"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("engagement:referral_inbox"))
    assert list(response.context["referrals"]) == [world["referral"]]
    client.force_login(world["other_member"])
    response = client.get(reverse("engagement:referral_inbox"))
    assert list(response.context["referrals"]) == []
    assert "Renfrewshire HSCP" not in response.content.decode()


def test_link_workers_list_shows_only_their_own_referrals(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["worker_a"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("engagement:referral_list"))
    assert list(response.context["referrals"]) == [world["referral"]]
    client.force_login(world["worker_b"])
    response = client.get(reverse("engagement:referral_list"))
    assert list(response.context["referrals"]) == []


@pytest.mark.parametrize(
    ("who", "expected"),
    [("worker_a", 403), ("auditor", 403), ("worker_b", 404), ("other_member", 404)],
)
def test_only_the_receiving_organisation_can_update_a_referral(client, world, who, expected):
    client.force_login(_user(world, who))
    url = reverse("engagement:referral_update", args=[world["referral"].pk])
    response = client.post(url, {"to": "opened"})
    assert response.status_code == expected
    world["referral"].refresh_from_db()
    assert world["referral"].status == Referral.Status.SENT


def test_auditor_viewing_a_referral_does_not_mark_it_opened(client, world):
    client.force_login(make_auditor())
    client.get(reverse("engagement:referral_detail", args=[world["referral"].pk]))
    world["referral"].refresh_from_db()
    assert world["referral"].status == Referral.Status.SENT


def test_referral_text_representations_hold_no_personal_data(world):
    referral = world["referral"]
    for text in (str(referral), repr(referral)):
        for value in PERSONAL_VALUES:
            assert value not in text


def test_admin_shows_no_personal_fields(client, world):
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("admin:engagement_referral_change", args=[world["referral"].pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for value in PERSONAL_VALUES:
        assert value not in body
