"""The outbox: every email the site sends is a row here first, written in the same
transaction as what it is about, so a saved referral or report never loses its email and a
mail-server failure never undoes (or errors) the save. See engagement/outbox.py."""

from django.db import models


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now) -> "OutgoingEmailQuerySet":
        return self.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)


class OutgoingEmail(models.Model):
    """A queued email. Deleted once sent (the addresses and text go with it); kept, marked
    failed, after the last attempt, for moderators to see in the admin."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        FAILED = "failed", "Failed: no more attempts"

    kind = models.CharField(max_length=30, help_text="Which of the site's emails this is.")
    subject = models.CharField(max_length=300)
    body = models.TextField(max_length=100_000)
    from_email = models.CharField(max_length=254, blank=True)
    to = models.JSONField(default=list)
    headers = models.JSONField(
        default=dict, blank=True, help_text="Extra headers, such as List-Unsubscribe."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        help_text="Not sent before this time. Also moved on while a sender is trying it, "
        "so two senders never send it twice."
    )
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "outgoing email"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} email of {self.created_at:%d %b %Y %H:%M}"
