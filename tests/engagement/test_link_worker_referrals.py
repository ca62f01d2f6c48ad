"""Link workers never hit a dead end: a landing page with search, lists and referrals; a
referral form that warns about waiting lists, remembers their organisation and lets them
check their answers; status changes that say what changed and can carry a note."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement import actions
from engagement.models import LinkWorkerProfile, Referral, SavedShortlist
from engagement.referral_steps import initials, status_message
from services.models import Service

from .test_referral_journey import DETAILS, _consent

pytestmark = pytest.mark.django_db


def _details(client, service, **changes):
    url = reverse("engagement:refer_details", args=[service.slug])
    return client.post(url, {**DETAILS, **changes})


# Landing page ------------------------------------------------------------------------------


def test_a_link_worker_lands_on_search_lists_and_referrals_after_signing_in(client, world):
    worker = world["worker_a"]
    SavedShortlist.objects.create(user=worker, name="Paisley, low mood", service_ids=[])

    response = client.post(
        reverse("login"), {"username": worker.username, "password": "correct horse battery"}
    )
    page = client.get(response["Location"]).content.decode()

    assert response["Location"] == reverse("engagement:referral_list")
    assert 'role="search"' in page
    assert 'name="takes_referrals" value="true" checked' in page
    assert "Paisley, low mood" in page
    assert "Paisley Peer Group" in page  # their referral, with its status
    assert "Sent" in page


def test_with_no_referrals_the_landing_page_says_what_to_do_first(client, world):
    client.force_login(world["worker_b"])

    page = client.get(reverse("engagement:referral_list")).content.decode()

    assert "You have not made any referrals yet" in page
    assert "Make a referral" in page
    assert "You have no saved lists" in page
    assert "0 services on this device" in page


# Referral form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intake", "words"),
    [
        (Service.Intake.WAITING_LIST, "has a waiting list"),
        (Service.Intake.FULL, "is full and is not taking new people"),
        (Service.Intake.PAUSED, "has paused taking new people"),
    ],
)
def test_every_step_warns_when_the_service_cannot_see_people_soon(client, world, intake, words):
    service = world["service"]
    Service.objects.filter(pk=service.pk).update(intake_status=intake)
    client.force_login(world["worker_b"])

    consent = client.get(reverse("engagement:refer_consent", args=[service.slug]))
    _consent(client, service)
    details = client.get(reverse("engagement:refer_details", args=[service.slug]))
    check = client.get(_details(client, service)["Location"])

    for page in (consent, details, check):
        assert words in page.content.decode()
        assert "ds_warning-text" in page.content.decode()


def test_a_welcoming_service_has_no_warning(client, world):
    client.force_login(world["worker_b"])
    page = client.get(reverse("engagement:refer_consent", args=[world["service"].slug]))
    assert "rd_intake-warning" not in page.content.decode()


def test_a_lapsed_full_status_no_longer_warns(client, world):
    service = world["service"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Service.objects.filter(pk=service.pk).update(
        intake_status=Service.Intake.FULL, intake_status_until=yesterday
    )
    client.force_login(world["worker_b"])
    page = client.get(reverse("engagement:refer_consent", args=[service.slug]))
    assert "rd_intake-warning" not in page.content.decode()


def test_the_organisation_is_remembered_from_the_last_referral(client, world):
    worker = world["worker_b"]
    client.force_login(worker)
    _consent(client, world["service"])
    _details(client, world["service"], organisation_name="Inverclyde HSCP")
    client.post(reverse("engagement:refer_check", args=[world["service"].slug]))

    _consent(client, world["other_service"])
    form = client.get(reverse("engagement:refer_details", args=[world["other_service"].slug]))

    assert form.context["form"]["organisation_name"].value() == "Inverclyde HSCP"
    assert LinkWorkerProfile.objects.get(user=worker).organisation_name == "Inverclyde HSCP"


def test_without_a_profile_the_organisation_comes_from_an_earlier_referral(client, world):
    worker = world["worker_a"]  # made world["referral"], from "Renfrewshire HSCP"
    assert not LinkWorkerProfile.objects.filter(user=worker).exists()
    client.force_login(worker)
    _consent(client, world["other_service"])

    form = client.get(reverse("engagement:refer_details", args=[world["other_service"].slug]))

    assert form.context["form"]["organisation_name"].value() == "Renfrewshire HSCP"


def test_check_your_answers_lists_every_answer_with_a_change_link(client, world):
    service = world["service"]
    client.force_login(world["worker_b"])
    _consent(client, service)

    check = client.get(_details(client, service)["Location"])

    page = check.content.decode()
    details = reverse("engagement:refer_details", args=[service.slug])
    assert "Check your answers before sending the referral" in page
    for value in ("Renfrewshire HSCP", "Morag", "Phone call", "07700 900123", "Letter"):
        assert value in page
    assert f'href="{details}#id_first_name">Change' in page
    assert f'href="{details}#id_contact_method">Change' in page
    assert 'name="submission_key"' in page
    assert not Referral.objects.filter(referrer=world["worker_b"]).exists()


def test_change_goes_back_to_the_details_as_given(client, world):
    service = world["service"]
    client.force_login(world["worker_b"])
    _consent(client, service)
    _details(client, service, first_name="J. M.")

    form = client.get(reverse("engagement:refer_details", args=[service.slug])).context["form"]

    assert form["first_name"].value() == "J. M."
    assert form["do_not_contact_by"].value() == ["letter"]


def test_the_check_page_without_details_goes_back_to_them(client, world):
    service = world["service"]
    client.force_login(world["worker_b"])
    _consent(client, service)

    response = client.post(reverse("engagement:refer_check", args=[service.slug]))

    assert response["Location"] == reverse("engagement:refer_details", args=[service.slug])
    assert not Referral.objects.filter(referrer=world["worker_b"]).exists()


# Status changes -----------------------------------------------------------------------------


def _update(client, referral, **data):
    return client.post(reverse("engagement:referral_update", args=[referral.pk]), data, follow=True)


def test_accepting_says_what_changed_with_the_persons_initials(client, world):
    referral = world["referral"]
    client.force_login(world["member"])
    client.get(reverse("engagement:referral_detail", args=[referral.pk]))

    page = _update(client, referral, to="accepted").content.decode()

    assert "Referral for M. accepted." in page
    assert "Referral updated." not in page


def test_a_status_change_carries_a_note_into_the_history(client, world):
    referral = world["referral"]
    client.force_login(world["member"])
    client.get(reverse("engagement:referral_detail", args=[referral.pk]))

    page = _update(client, referral, to="accepted", note="I will phone on Tuesday morning.")

    assert "Your note is in its history." in page.content.decode()
    assert referral.events.get(to_status="accepted").note == "I will phone on Tuesday morning."
    client.force_login(world["worker_a"])  # the referrer sees it too
    detail = client.get(reverse("engagement:referral_detail", args=[referral.pk]))
    assert "Note: I will phone on Tuesday morning." in detail.content.decode()


def test_a_note_too_long_is_refused_with_a_message_and_nothing_changes(client, world):
    referral = world["referral"]
    client.force_login(world["member"])
    client.get(reverse("engagement:referral_detail", args=[referral.pk]))

    response = _update(client, referral, to="accepted", note="x" * 301)

    assert response.status_code == 400
    assert "Keep the note to 300 characters or fewer (it has 301)" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.OPENED


def test_declining_is_set_apart_as_a_warning_with_its_own_reason_and_note(client, world):
    referral = world["referral"]
    client.force_login(world["member"])

    page = client.get(reverse("engagement:referral_detail", args=[referral.pk])).content.decode()

    accept, decline = page.split("<h2>Decline this referral</h2>")
    assert '<button type="submit" name="to" value="accepted" class="ds_button">' in accept
    assert "Declining ends the referral" in decline
    assert 'class="ds_button  ds_button--secondary">Decline referral' in decline
    assert 'id="decline_note"' in decline
    response = _update(
        client, referral, to="declined", reason="no-capacity", note="Full until March."
    )
    assert "Referral for M. declined." in response.content.decode()
    assert referral.events.get(to_status="declined").note == "Full until March."


def test_declining_without_a_reason_shows_the_error_in_the_decline_form(client, world):
    referral = world["referral"]
    client.force_login(world["member"])

    response = _update(client, referral, to="declined")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#decline_reason"' in page
    assert 'id="decline_reason"' in page


def test_purging_a_referral_empties_the_notes_of_its_history(world):
    referral = world["referral"]
    actions.transition(referral, Referral.Status.DECLINED, by=None, reason="other", note="Morag")

    actions.purge(referral, now=timezone.now())

    assert list(referral.events.values_list("note", flat=True)) == ["", ""]


@pytest.mark.parametrize(
    ("name", "expected"), [("Morag", "M."), ("J. M.", "J. M."), ("anne marie", "A. M."), ("", "")]
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_a_purged_referral_is_named_without_initials(world):
    referral = world["referral"]
    actions.purge(referral, now=timezone.now())

    assert status_message(referral, Referral.Status.CLOSED) == "Referral closed."
