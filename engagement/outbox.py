"""The outbox: every email is queued in the database in the same transaction as what it is
about, tried once straight after commit, and retried by `manage.py send_queued_mail`.

A sender claims an email with one conditional UPDATE that moves `next_attempt_at` past now
(a lease): only the sender whose UPDATE changed the row sends it, so two runs of the command
(on one server or several), or the command and a request's first try, never send it twice.
If a sender dies mid-send, the lease runs out and the email is tried again (at least once,
never lost). A sent email is deleted; after EMAIL_MAX_ATTEMPTS it is marked failed, for
moderators to see (and retry) in the admin.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from services.validators import one_line

from .models import OutgoingEmail, SubmissionKey

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=10)
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=6)
KEEP_FAILED = datetime.timedelta(days=30)
KEEP_SUBMISSION_KEYS = datetime.timedelta(days=7)
SUBJECT_LENGTH = OutgoingEmail._meta.get_field("subject").max_length


def header_safe(text: str) -> str:
    """One line for a Subject header: control characters (say a CR/LF in a name stored
    before names refused them) become spaces, so the email cannot fail with BadHeaderError."""
    return one_line(text)[:SUBJECT_LENGTH]


def queue(
    *,
    kind: str,
    subject: str,
    body: str,
    to: list[str],
    from_email: str = "",
    headers: dict[str, str] | None = None,
) -> OutgoingEmail | None:
    """Queue an email in the current transaction; try it once after commit."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    email = OutgoingEmail.objects.create(
        kind=kind,
        subject=header_safe(subject),
        body=body,
        from_email=from_email,
        to=recipients,
        headers=headers or {},
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: send_one(email.pk), robust=True)
    return email


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8… minutes after the 1st, 2nd, 3rd, 4th… failure, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _claim(pk: int) -> OutgoingEmail | None:
    now = timezone.now()
    won = OutgoingEmail.objects.due(now).filter(pk=pk).update(next_attempt_at=now + LEASE)
    return OutgoingEmail.objects.filter(pk=pk).first() if won else None


def _failed(email: OutgoingEmail, error: Exception) -> None:
    attempts = email.attempts + 1
    # The error's type only: SMTP messages can quote the recipients' addresses.
    changes = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:300]}
    if attempts >= settings.EMAIL_MAX_ATTEMPTS:
        changes["status"] = OutgoingEmail.Status.FAILED
        logger.error("Gave up on %s email %s: %s", email.kind, email.pk, type(error).__name__)
    else:
        changes["next_attempt_at"] = timezone.now() + retry_delay(attempts)
        logger.warning(
            "Could not send %s email %s (attempt %s): %s",
            email.kind,
            email.pk,
            attempts,
            type(error).__name__,
        )
    OutgoingEmail.objects.filter(pk=email.pk).update(**changes)


def _deliver(email: OutgoingEmail) -> bool:
    message = EmailMessage(
        email.subject, email.body, email.from_email or None, email.to, headers=email.headers
    )
    try:
        message.send()
    except Exception as error:  # refused, timed out, rejected: all are retried later
        _failed(email, error)
        return False
    OutgoingEmail.objects.filter(pk=email.pk).delete()
    logger.info("Sent %s email %s", email.kind, email.pk)
    return True


def send_one(pk: int) -> bool:
    """Send one queued email now if it is due and nobody else is sending it."""
    email = _claim(pk)
    return _deliver(email) if email else False


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def send_due(*, limit: int = 1000) -> SendResult:
    """Send every due email (up to `limit`), then forget what is no longer needed."""
    result = SendResult()
    due = OutgoingEmail.objects.due(timezone.now()).order_by("next_attempt_at", "pk")
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        email = _claim(pk)
        if email is None:  # another sender has it, or sent it already
            result.skipped += 1
        elif _deliver(email):
            result.sent += 1
        else:
            result.failed += 1
    forget_old(timezone.now())
    return result


def forget_old(now: datetime.datetime) -> None:
    OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.FAILED, created_at__lt=now - KEEP_FAILED
    ).delete()
    SubmissionKey.objects.filter(created_at__lt=now - KEEP_SUBMISSION_KEYS).delete()


def retry(queryset) -> int:
    """Queue failed emails again with a fresh set of attempts (the admin's action)."""
    return queryset.filter(status=OutgoingEmail.Status.FAILED).update(
        status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
