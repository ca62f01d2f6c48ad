"""Multi-step writes for engagement. Keyword-only, typed, atomic."""

import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator

from services.models import Organisation, Service
from services.slugs import unique_slug

from . import emails
from .models import LinkWorkerProfile, ProblemReport, Referral, ReferralEvent, Suggestion


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
        emails.new_referral(to=service.referral_email)
    return referral


@transaction.atomic
def transition(referral: Referral, to: str, *, by, reason: str = "", note: str = "") -> Referral:
    """Move a referral to `to`, recording who did it, why and any short note. `by` is None
    for the system."""
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
        referral=referral,
        from_status=referral.status,
        to_status=to,
        by=by,
        reason=reason,
        note=note.strip(),
        at=now,
    )
    referral.status = to
    referral.decline_reason = reason
    if to in Referral.FINISHED:
        referral.finished_at = now
    referral.save(update_fields=["status", "decline_reason", "finished_at", "updated_at"])
    referrer = referral.referrer
    if to != Referral.Status.OPENED and referrer is not None and referrer.email:
        emails.referral_updated(to=referrer.email)
    return referral


def purge(referral: Referral, *, now: datetime.datetime) -> None:
    """Empty the personal fields, keeping service, area, dates and outcome."""
    for name in Referral.PERSONAL_FIELDS:
        field = Referral._meta.get_field(name)
        assert isinstance(field, models.Field), "personal fields are concrete fields"
        setattr(referral, name, field.get_default())
    referral.purged_at = now
    referral.save(update_fields=[*Referral.PERSONAL_FIELDS, "purged_at", "updated_at"])
    referral.events.exclude(note="").update(note="")  # free text: may hold personal data


@transaction.atomic
def submit_problem_report(*, service, reason: str, details: str, reporter_email: str):
    report = ProblemReport.objects.create(
        service=service, reason=reason, details=details, reporter_email=reporter_email
    )
    members = service.organisation.memberships.select_related("user")
    addresses = sorted({m.user.email for m in members if m.user.email})
    if addresses:
        emails.problem_reported(report=report, to=addresses)
    return report


@transaction.atomic
def resolve_problem_report(report: ProblemReport, *, by, tell_reporter: bool) -> bool:
    """Mark a report resolved; optionally email the reporter, then forget their address."""
    told = bool(tell_reporter and report.reporter_email)
    if told:
        emails.problem_fixed(to=report.reporter_email, service_name=report.service.name)
    report.status = ProblemReport.Status.RESOLVED
    report.resolved_at = timezone.now()
    report.resolved_by = by
    report.reporter_email = ""
    report.save(update_fields=["status", "resolved_at", "resolved_by", "reporter_email"])
    return told


@transaction.atomic
def draft_from_suggestion(suggestion: Suggestion) -> Service:
    """A draft organisation and an inactive service for moderators to complete and review."""
    org_name = suggestion.organisation_name or suggestion.name
    organisation = Organisation.objects.filter(name__iexact=org_name).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name=org_name, slug=unique_slug(Organisation, org_name), is_verified=False
        )
    service = Service.objects.create(
        organisation=organisation,
        name=suggestion.name,
        slug=unique_slug(Service, suggestion.name),
        summary=Truncator(suggestion.description).chars(200),
        description=(
            f"{suggestion.description}\n\nWhere (as suggested): {suggestion.where}\n"
            f"Contact (as suggested): {suggestion.contact or 'not given'}"
        ),
        status=Service.Status.INACTIVE,
    )
    suggestion.status = Suggestion.Status.DRAFTED
    suggestion.draft_service = service
    suggestion.save(update_fields=["status", "draft_service"])
    return service
