"""A manager adds an editor by email invitation: a signed, expiring link where the person
sets their own password, or signs in to the account they already have and accepts. Nobody
else's word attaches an account or makes it staff, and nothing tells the manager whether the
address has an account."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from services.models import OrganisationMembership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = OrganisationMembership.Role
PASSWORD = "correct horse battery"


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Paisley Peer Network")


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.MANAGER).user


def invite(client, manager, organisation, email, capture) -> str:
    """The manager sends an invitation from the admin; returns the link's path."""
    client.force_login(manager)
    with capture(execute=True):
        response = client.post(
            reverse("admin:services_organisationmembership_add"),
            {"organisation": organisation.pk, "role": Role.EDITOR, "email": email},
        )
    assert response.status_code == 302
    client.logout()
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", str(mail.outbox[-1].body))
    assert link, "the invitation email has a link"
    return link.group(1)


def test_a_new_editor_accepts_by_choosing_their_own_password(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    link = invite(
        client, manager, organisation, "Alex@Example.org", django_capture_on_commit_callbacks
    )

    page = client.get(link)
    accepted = client.post(
        link,
        {"first_name": "Alex", "last_name": "Morgan", "password1": "kettle-lighthouse-47",
         "password2": "kettle-lighthouse-47"},
    )  # fmt: skip

    assert "Join Paisley Peer Network" in page.content.decode()
    assert "alex@example.org" in page.content.decode()
    assert accepted["Location"] == "/admin/"
    person = User.objects.get(username="alex@example.org")
    assert person.is_staff
    assert person.check_password("kettle-lighthouse-47")
    assert person.memberships.get().organisation == organisation
    assert person.memberships.get().role == Role.EDITOR
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.get("/admin/").status_code == 200


def test_mismatched_or_weak_passwords_are_explained_and_nothing_is_made(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    link = invite(
        client, manager, organisation, "alex@example.org", django_capture_on_commit_callbacks
    )
    details = {"first_name": "Alex", "last_name": "Morgan"}

    mismatched = client.post(link, details | {"password1": "kettle-lh-47", "password2": "x"})
    weak = client.post(link, details | {"password1": "1234", "password2": "1234"})
    empty = client.post(link, {})

    assert mismatched.status_code == 400
    assert "The two passwords are different." in mismatched.content.decode()
    assert "This password is too short" in weak.content.decode()
    assert '<a href="#id_first_name">Enter your first name.</a>' in empty.content.decode()
    assert not User.objects.filter(email="alex@example.org").exists()


def test_someone_with_an_account_signs_in_and_accepts_and_only_then_becomes_staff(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    person = UserFactory(username="sam", email="sam@example.org", is_staff=False)
    link = invite(
        client, manager, organisation, "SAM@example.org", django_capture_on_commit_callbacks
    )

    signed_out = client.get(link).content.decode()
    person.refresh_from_db()
    assert "Sign in to accept" in signed_out
    assert 'href="/accounts/login/?next=/accounts/invitation/' in signed_out
    assert person.is_staff is False
    assert not person.memberships.exists()

    signed_in = client.post(
        "/accounts/login/", {"username": "sam", "password": PASSWORD, "next": link}
    )
    assert signed_in["Location"] == link
    assert "Accept and join Paisley Peer Network" in client.get(link).content.decode()
    accepted = client.post(link)

    person.refresh_from_db()
    assert accepted["Location"] == "/admin/"
    assert person.is_staff
    assert person.memberships.get().organisation == organisation


def test_a_different_signed_in_account_cannot_accept_someone_elses_invitation(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    link = invite(
        client, manager, organisation, "sam@example.org", django_capture_on_commit_callbacks
    )
    intruder = UserFactory(email="intruder@example.org", is_staff=False)
    client.force_login(intruder)

    page = client.get(link).content.decode()
    client.post(link)

    intruder.refresh_from_db()
    assert "signed in with an account for a different email address" in page
    assert not intruder.memberships.exists()
    assert intruder.is_staff is False


def test_accepting_twice_makes_one_membership(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    person = UserFactory(email="sam@example.org")
    link = invite(
        client, manager, organisation, "sam@example.org", django_capture_on_commit_callbacks
    )
    client.force_login(person)

    client.post(link)
    client.post(link)

    assert person.memberships.count() == 1


def test_an_expired_link_says_so_and_does_nothing(
    client, manager, organisation, django_capture_on_commit_callbacks, settings
):
    link = invite(
        client, manager, organisation, "late@example.org", django_capture_on_commit_callbacks
    )
    later = timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS, hours=1)

    with time_machine.travel(later):
        response = client.get(link)

    assert response.status_code == 404
    assert "This invitation does not work" in response.content.decode()


def test_a_changed_link_does_not_work(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    link = invite(
        client, manager, organisation, "a@example.org", django_capture_on_commit_callbacks
    )
    assert client.get(link[:-3] + "xx/").status_code == 404


def test_an_invitation_stops_working_when_its_sender_no_longer_manages_the_organisation(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    link = invite(
        client, manager, organisation, "a@example.org", django_capture_on_commit_callbacks
    )
    manager.memberships.update(role=Role.EDITOR)

    assert client.get(link).status_code == 404


def test_the_invitation_email_says_what_it_is_for_and_how_long_it_works(
    client, manager, organisation, django_capture_on_commit_callbacks, settings
):
    invite(client, manager, organisation, "a@example.org", django_capture_on_commit_callbacks)

    message = mail.outbox[-1]
    assert message.subject == "You are invited to keep Paisley Peer Network's listings up to date"
    assert f"within {settings.INVITATION_DAYS} days" in message.body
    assert "as editor" in message.body
