"""Scheduled referral housekeeping: reminders, automatic declines and the purge of personal
details. Run daily by `manage.py process_referrals`."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import emails
from .actions import purge, transition
from .models import Referral


def _days(name: str, default: int) -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, name, default))


@dataclass
class ProcessResult:
    reminded: int = 0
    declined: int = 0
    purged: int = 0


def process_referrals(now: datetime.datetime | None = None) -> ProcessResult:
    now = now or timezone.now()
    result = ProcessResult()
    waiting = Referral.objects.filter(status__in=[Referral.Status.SENT, Referral.Status.OPENED])

    expired = waiting.filter(created_at__lte=now - _days("REFERRAL_AUTO_DECLINE_DAYS", 14))
    for referral in expired:
        transition(
            referral, Referral.Status.DECLINED, by=None, reason=Referral.DeclineReason.NOT_ANSWERED
        )
        result.declined += 1

    due = waiting.filter(
        created_at__lte=now - _days("REFERRAL_REMINDER_DAYS", 7), reminded_at__isnull=True
    ).select_related("service")
    for referral in due:
        with transaction.atomic():  # the reminder is queued if and only if it is recorded
            if referral.service.referral_email:
                emails.referral_reminder(to=referral.service.referral_email)
            Referral.objects.filter(pk=referral.pk).update(reminded_at=now)
        result.reminded += 1

    finished_before = now - _days("REFERRAL_PURGE_AFTER_CLOSED_DAYS", 30)
    older_than = now - _days("REFERRAL_MAX_AGE_DAYS", 180)
    to_purge = Referral.objects.filter(purged_at__isnull=True).filter(
        Q(status__in=Referral.FINISHED, finished_at__lte=finished_before)
        | Q(created_at__lte=older_than)
    )
    for referral in to_purge:
        purge(referral, now=now)
        result.purged += 1
    return result
