"""Writes that touch more than one model, each in one transaction."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from services.models import OrganisationMembership


@dataclass(frozen=True)
class NewAccount:
    """Details for a staff account created for someone joining an organisation."""

    email: str
    first_name: str
    last_name: str
    password: str


@transaction.atomic
def add_member(
    *, membership: OrganisationMembership, new_account: NewAccount | None = None
) -> OrganisationMembership:
    """Save a new membership, first creating a staff account for the person if they have
    none (their email address becomes their username). An existing account is given staff
    status so that it can sign in to the admin; an inactive account stays inactive."""
    if new_account is not None:
        email = new_account.email.strip().lower()
        user = get_user_model()(
            username=email,
            email=email,
            first_name=new_account.first_name,
            last_name=new_account.last_name,
            is_staff=True,
        )
        user.set_password(new_account.password)
        user.save()
        membership.user = user
    elif not membership.user.is_staff:
        # Members work in the admin; an account without staff status could not sign in.
        membership.user.is_staff = True
        membership.user.save(update_fields=["is_staff"])
    membership.save()
    return membership
