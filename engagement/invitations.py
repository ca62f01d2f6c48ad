"""Invitations to join an organisation as an editor (or, from a moderator, a manager).

An invitation is a signed, expiring link emailed to an address: nothing is stored until the
person accepts. Whoever opens it either chooses a password for a new account (when no
account has the address) or signs in to their own account and accepts. No existing account
is ever attached, or given staff status, on someone else's word; and nothing tells the
inviter whether the address already has an account.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from services.links import site_url
from services.models import Organisation, OrganisationMembership
from services.permissions import is_moderator, managed_organisation_ids

from . import emails

SALT = "engagement.invitation"


@dataclass(frozen=True)
class Invitation:
    organisation: Organisation
    role: str
    email: str
    invited_by_id: int

    @property
    def role_label(self) -> str:
        return OrganisationMembership.Role(self.role).label.lower()


def send(*, organisation: Organisation, role: str, email: str, invited_by, request=None) -> None:
    """Emails the link (through the outbox). `request` gives the site's address when
    SITE_URL is not set."""
    email = email.strip().lower()
    payload = {"o": str(organisation.pk), "r": role, "e": email, "by": invited_by.pk}
    token = signing.dumps(payload, salt=SALT, compress=True)
    url = site_url(request) + reverse("invitation", args=[token])
    label = OrganisationMembership.Role(role).label.lower()
    emails.invitation(to=email, organisation_name=organisation.name, role=label, url=url)


def read(token: str) -> Invitation | None:
    """The invitation in a link, or None when the link is bad, expired, or its sender may no
    longer invite people to that organisation."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.INVITATION_DAYS * 86400)
        role = OrganisationMembership.Role(payload["r"])
        organisation = Organisation.objects.filter(pk=payload["o"]).first()
        inviter = get_user_model().objects.filter(pk=payload["by"], is_active=True).first()
    except (signing.BadSignature, KeyError, ValueError, TypeError, ValidationError):
        return None
    if organisation is None or inviter is None:
        return None
    allowed = is_moderator(inviter) or (
        role == OrganisationMembership.Role.EDITOR
        and organisation.pk in managed_organisation_ids(inviter)
    )
    if not allowed:
        return None
    return Invitation(organisation, role, payload["e"], inviter.pk)


def account_exists(email: str) -> bool:
    users = get_user_model().objects
    return (
        users.filter(email__iexact=email).exists() or users.filter(username__iexact=email).exists()
    )


@transaction.atomic
def accept(*, invitation: Invitation, user) -> OrganisationMembership:
    """The person, signed in as `user`, accepts: they join and can use the admin."""
    membership, _ = OrganisationMembership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def create_account_and_accept(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
):
    user = get_user_model()(
        username=invitation.email,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_password(password)
    user.save()
    accept(invitation=invitation, user=user)
    return user
