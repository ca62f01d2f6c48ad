"""Ways into the shortlist and the referral journey from other pages: the header's "My list"
link, "Make a referral" on a service page, and the way back from a referral."""

from django.urls import reverse

from .conftest import make_link_worker


def _service_page(client, service) -> str:
    response = client.get(reverse("services:service", args=[service.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_page_links_to_my_list_in_the_header(client, world):
    body = _service_page(client, world["service"])
    header = body[body.index('<header class="ds_site-header"') : body.index("</header>")]
    assert f'href="{reverse("engagement:shortlist")}">My list</a>' in header


def test_a_signed_in_link_worker_sees_make_a_referral_on_a_service_that_takes_them(client, world):
    client.force_login(world["worker_b"])
    body = _service_page(client, world["service"])
    assert reverse("engagement:refer_consent", args=[world["service"].slug]) in body
    assert "Make a referral" in body


def test_the_public_are_not_offered_make_a_referral(client, world):
    body = _service_page(client, world["service"])
    assert "Make a referral" not in body


def test_no_make_a_referral_on_a_service_that_does_not_take_them(client, world):
    service = world["service"]
    service.accepts_referrals = False
    service.save(update_fields=["accepts_referrals"])
    client.force_login(make_link_worker())
    body = _service_page(client, service)
    assert "Make a referral" not in body


def test_a_referral_links_back_to_the_referrers_list_and_to_the_receivers_inbox(client, world):
    url = reverse("engagement:referral_detail", args=[world["referral"].pk])
    client.force_login(world["worker_a"])
    assert f'href="{reverse("engagement:referral_list")}">All your referrals' in (
        client.get(url).content.decode()
    )
    client.force_login(world["member"])
    assert f'href="{reverse("engagement:referral_inbox")}">Back to the referrals inbox' in (
        client.get(url).content.decode()
    )


def test_organisation_members_who_are_not_link_workers_are_not_offered_make_a_referral(
    client, world
):
    client.force_login(world["member"])
    body = _service_page(client, world["service"])
    assert "Make a referral" not in body
