"""Review reminders: organisations are asked to confirm their listings are still correct, and
moderators are told about listings nobody has checked for a year. Run daily by
`manage.py send_review_reminders`; each listing is mentioned at most once a week
(REVIEW_REMINDER_INTERVAL_DAYS), so a second run on the same day sends nothing."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from services.links import site_url
from services.models import Service
from services.models.organisations import OrganisationMembership

from . import emails
from .models import ReviewReminder

TOKEN_SALT = "engagement.reminders.still-correct"
CHECKED_REASON = "Marked as checked (from a reminder email)"


class InvalidLink(Exception):
    """A "still correct" link that is tampered with, too old or no longer the member's."""


def _months_in_days(name: str, default: int) -> int:
    return 30 * getattr(settings, name, default)


def interval() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "REVIEW_REMINDER_INTERVAL_DAYS", 7))


def link_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "REVIEW_LINK_DAYS", 30))


def still_correct_token(*, service, user) -> str:
    return signing.TimestampSigner(salt=TOKEN_SALT).sign_object(
        {"s": str(service.pk), "u": user.pk}
    )


def still_correct_url(*, service, user) -> str:
    token = still_correct_token(service=service, user=user)
    return site_url() + reverse("engagement:still_correct", kwargs={"token": token})


def resolve_token(token: str) -> tuple[Service, "object"]:
    """The service and member a link was sent for, or InvalidLink. The member must still
    belong to the service's organisation."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        payload = signer.unsign_object(token, max_age=link_max_age())
        service_id, user_id = payload["s"], int(payload["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidLink from None
    service = Service.objects.select_related("organisation").filter(pk=service_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if service is None or user is None:
        raise InvalidLink
    if not user.memberships.filter(organisation_id=service.organisation_id).exists():
        raise InvalidLink
    return service, user


def confirm_still_correct(*, service: Service, user) -> None:
    """One click from a reminder email: the listing is checked today, by the member the email
    was sent to, recorded in the listing's history."""
    service.mark_checked(user, CHECKED_REASON)


@dataclass
class ReminderResult:
    reminded_services: int = 0
    reminder_emails: int = 0
    escalated_services: int = 0
    digest_emails: int = 0


def _not_mentioned_since(queryset, kind: str, today: datetime.date):
    recently = ReviewReminder.objects.filter(kind=kind, day__gt=today - interval())
    return queryset.exclude(pk__in=recently.values("service_id"))


def not_checked_for(days: int) -> Q:
    """Not checked for `days`; a listing never checked counts from when it was added, so a
    listing added last week is not overdue."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return Q(last_checked_at__lt=cutoff) | Q(last_checked_at__isnull=True, created_at__lt=cutoff)


def due_for_review(queryset, days: int):
    return queryset.needs_review(days).filter(not_checked_for(days))


def _reviewable():
    return Service.objects.exclude(status=Service.Status.DEFUNCT).filter(
        organisation__is_active=True
    )


def _log(services, kind: str, today: datetime.date, recipients: int) -> None:
    ReviewReminder.objects.bulk_create(
        [ReviewReminder(service=s, kind=kind, day=today, recipients=recipients) for s in services],
        ignore_conflicts=True,
    )


def remind_organisations(today: datetime.date) -> tuple[int, int]:
    """Email each member of an organisation the list of its listings due for review."""
    days = _months_in_days("REVIEW_OVERDUE_MONTHS", 6)
    due = _not_mentioned_since(
        due_for_review(_reviewable(), days), ReviewReminder.Kind.REMINDER, today
    ).select_related("organisation")
    by_organisation = defaultdict(list)
    for service in due.order_by("organisation__name", "name"):
        by_organisation[service.organisation].append(service)
    members = defaultdict(list)
    for membership in (
        OrganisationMembership.objects.filter(
            organisation__in=list(by_organisation), user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
    ):
        members[membership.organisation_id].append(membership.user)
    services_reminded = emails_sent = 0
    for organisation, services in by_organisation.items():
        recipients = members[organisation.pk]
        if not recipients:  # nobody to tell: the moderators' digest will catch it
            continue
        with transaction.atomic():  # queued if and only if logged
            for user in recipients:
                items = [(s, still_correct_url(service=s, user=user)) for s in services]
                emails.review_reminder(to=user.email, organisation=organisation, items=items)
            _log(services, ReviewReminder.Kind.REMINDER, today, len(recipients))
        emails_sent += len(recipients)
        services_reminded += len(services)
    return services_reminded, emails_sent


def escalate_to_moderators(today: datetime.date) -> int:
    """One digest to every moderator of listings unchecked for STALE_LISTING_MONTHS."""
    days = _months_in_days("STALE_LISTING_MONTHS", 12)
    stale = list(
        _not_mentioned_since(
            due_for_review(_reviewable(), days), ReviewReminder.Kind.ESCALATION, today
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    moderators = list(
        get_user_model()
        .objects.filter(groups__name=settings.MODERATORS_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not stale or not moderators:
        return 0
    with transaction.atomic():
        emails.stale_listings_digest(to=sorted(moderators), services=stale)
        _log(stale, ReviewReminder.Kind.ESCALATION, today, len(moderators))
    return len(stale)


def send_review_reminders(today: datetime.date | None = None) -> ReminderResult:
    today = today or timezone.localdate()
    reminded, sent = remind_organisations(today)
    escalated = escalate_to_moderators(today)
    return ReminderResult(
        reminded_services=reminded,
        reminder_emails=sent,
        escalated_services=escalated,
        digest_emails=1 if escalated else 0,
    )
