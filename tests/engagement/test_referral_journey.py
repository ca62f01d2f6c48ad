from django.core import mail
from django.urls import reverse

from engagement.models import LinkWorkerProfile, Referral
from tests.factories import ServiceFactory

from .conftest import PERSONAL_VALUES

DETAILS = {
    "organisation_name": "Renfrewshire HSCP",
    "first_name": "Morag",
    "contact_method": "phone",
    "contact_detail": "07700 900123",
    "best_times": "Mornings",
    "reason": "Feeling isolated since moving to Paisley",
    "accessibility_needs": "Step-free access",
    "do_not_contact_by": ["letter"],
}


def _consent(client, service):
    url = reverse("engagement:refer_consent", args=[service.slug])
    return client.post(url, {"consent": "on"})


def test_consent_page_stops_the_journey_without_consent(client, world):
    client.force_login(world["worker_b"])
    url = reverse("engagement:refer_consent", args=[world["service"].slug])
    response = client.post(url, {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Confirm the person has agreed" in body
    assert "This is not for emergencies" in body
    details = client.get(reverse("engagement:refer_details", args=[world["service"].slug]))
    assert details.status_code == 302
    assert details["Location"] == url


def test_consent_for_one_service_does_not_carry_over_to_another(client, world):
    client.force_login(world["worker_b"])
    _consent(client, world["service"])
    other = world["other_service"]
    response = client.get(reverse("engagement:refer_details", args=[other.slug]))
    assert response["Location"] == reverse("engagement:refer_consent", args=[other.slug])


def test_link_worker_makes_a_referral_with_consent_recorded(client, world):
    worker, service = world["worker_b"], world["service"]
    client.force_login(worker)
    response = _consent(client, service)
    assert response["Location"] == reverse("engagement:refer_details", args=[service.slug])
    response = client.post(response["Location"], DETAILS)
    check = reverse("engagement:refer_check", args=[service.slug])
    assert response["Location"] == check
    assert not Referral.objects.filter(referrer=worker).exists()  # not before checking
    response = client.post(check)
    referral = Referral.objects.get(referrer=worker)
    assert response["Location"] == reverse("engagement:referral_detail", args=[referral.pk])
    assert referral.status == Referral.Status.SENT
    assert referral.first_name == "Morag"
    assert referral.do_not_contact_by == ["letter"]
    assert service.name in referral.consent_wording
    assert "has agreed" in referral.consent_wording
    assert referral.consent_given_at is not None
    assert referral.area == service.service_locations.get().location.council_area
    assert LinkWorkerProfile.objects.get(user=worker).organisation_name == "Renfrewshire HSCP"
    assert list(referral.events.values_list("to_status", flat=True)) == ["sent"]


def test_new_referral_email_says_only_to_sign_in(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["worker_b"])
    _consent(client, world["service"])
    url = reverse("engagement:refer_details", args=[world["service"].slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, DETAILS)
        client.post(reverse("engagement:refer_check", args=[world["service"].slug]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["referrals@example.org"]
    assert (
        "http://testserver/referrals/inbox/" in message.body or "/referrals/inbox/" in message.body
    )
    for value in [*PERSONAL_VALUES, "Renfrewshire", world["service"].name]:
        assert value not in message.body
        assert value not in message.subject


def test_bad_referral_details_show_an_error_summary(client, world):
    client.force_login(world["worker_b"])
    _consent(client, world["service"])
    url = reverse("engagement:refer_details", args=[world["service"].slug])
    bad = {**DETAILS, "first_name": "", "reason": "x" * 501, "do_not_contact_by": ["phone"]}
    response = client.post(url, bad)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_first_name"' in body
    assert "Enter their first name or initials" in body
    assert "at most 500 characters" in body
    assert "You cannot choose the same way" in body
    assert not Referral.objects.filter(referrer=world["worker_b"]).exists()


def test_a_service_that_does_not_accept_referrals_is_refused(client, world):
    service = ServiceFactory(accepts_referrals=False)
    client.force_login(world["worker_b"])
    assert client.get(reverse("engagement:refer_consent", args=[service.slug])).status_code == 404
    assert _consent(client, service).status_code == 404
    url = reverse("engagement:refer_details", args=[service.slug])
    assert client.post(url, DETAILS).status_code == 404
    assert not Referral.objects.filter(service=service).exists()


def test_opening_a_referral_in_the_inbox_marks_it_opened(client, world):
    client.force_login(world["member"])
    response = client.get(reverse("engagement:referral_detail", args=[world["referral"].pk]))
    assert response.status_code == 200
    world["referral"].refresh_from_db()
    assert world["referral"].status == Referral.Status.OPENED
    assert "Accept referral" in response.content.decode()


def test_receiving_organisation_accepts_and_declines(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["member"])
    detail = reverse("engagement:referral_detail", args=[world["referral"].pk])
    update = reverse("engagement:referral_update", args=[world["referral"].pk])
    client.get(detail)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(update, {"to": "accepted"})
    assert response["Location"] == detail
    world["referral"].refresh_from_db()
    assert world["referral"].status == Referral.Status.ACCEPTED
    assert mail.outbox[-1].to == [world["worker_a"].email]
    for value in PERSONAL_VALUES:
        assert value not in mail.outbox[-1].body

    response = client.post(update, {"to": "declined"})
    assert response.status_code == 400
    assert "Choose why you are declining the referral" in response.content.decode()
    client.post(update, {"to": "declined", "reason": "could-not-contact"})
    world["referral"].refresh_from_db()
    assert world["referral"].decline_reason == "could-not-contact"


def test_an_illegal_move_posted_to_the_inbox_is_rejected_with_a_message(client, world):
    client.force_login(world["member"])
    update = reverse("engagement:referral_update", args=[world["referral"].pk])
    response = client.post(update, {"to": "closed"})
    assert response.status_code == 400
    assert "cannot be moved to that status" in response.content.decode()
    world["referral"].refresh_from_db()
    assert world["referral"].status == Referral.Status.SENT
