"""Multi-step writes for engagement. Keyword-only, typed, atomic."""

import datetime

from django.db import transaction
from django.utils import timezone

from . import emails
from .models import LinkWorkerProfile, Referral, ReferralEvent


class IllegalTransition(Exception):
    """A referral was asked to move to a status it cannot reach from where it is."""


@transaction.atomic
def create_referral(
    *,
    service,
    referrer,
    organisation_name: str,
    consent_given_at: datetime.datetime,
    consent_wording: str,
    details: dict,
) -> Referral:
    LinkWorkerProfile.objects.update_or_create(
        user=referrer, defaults={"organisation_name": organisation_name}
    )
    first_location = service.service_locations.select_related("location").first()
    referral = Referral.objects.create(
        service=service,
        area_id=first_location.location.council_area_id if first_location else None,
        referrer=referrer,
        referrer_organisation=organisation_name,
        consent_given_at=consent_given_at,
        consent_wording=consent_wording,
        **{name: details[name] for name in Referral.PERSONAL_FIELDS if name in details},
    )
    ReferralEvent.objects.create(
        referral=referral, to_status=Referral.Status.SENT, by=referrer, at=referral.created_at
    )
    if service.referral_email:
        transaction.on_commit(lambda: emails.new_referral(to=service.referral_email))
    return referral


@transaction.atomic
def transition(referral: Referral, to: str, *, by, reason: str = "") -> Referral:
    """Move a referral to `to`, recording who did it and why. `by` is None for the system."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral.can_move_to(to):
        raise IllegalTransition(
            f"A referral cannot go from {referral.get_status_display().lower()} to {to}."
        )
    if to == Referral.Status.DECLINED and reason not in Referral.DeclineReason.values:
        raise IllegalTransition("Give a reason for declining the referral.")
    if to != Referral.Status.DECLINED:
        reason = ""
    now = timezone.now()
    ReferralEvent.objects.create(
        referral=referral, from_status=referral.status, to_status=to, by=by, reason=reason, at=now
    )
    referral.status = to
    referral.decline_reason = reason
    if to in Referral.FINISHED:
        referral.finished_at = now
    referral.save(update_fields=["status", "decline_reason", "finished_at", "updated_at"])
    notify = to != Referral.Status.OPENED and referral.referrer and referral.referrer.email
    if notify:
        address = referral.referrer.email
        transaction.on_commit(lambda: emails.referral_updated(to=address))
    return referral


def purge(referral: Referral, *, now: datetime.datetime) -> None:
    """Empty the personal fields, keeping service, area, dates and outcome."""
    for name in Referral.PERSONAL_FIELDS:
        field = Referral._meta.get_field(name)
        setattr(referral, name, field.get_default())
    referral.purged_at = now
    referral.save(update_fields=[*Referral.PERSONAL_FIELDS, "purged_at", "updated_at"])
