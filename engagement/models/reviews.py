"""A log of review reminders, so `send_review_reminders` tells nobody twice about the same
listing within a week, however often it runs."""

from django.db import models


class ReviewReminder(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder to the organisation"
        ESCALATION = "escalation", "Escalated to moderators"

    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="review_reminders"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "day"], name="review_reminder_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["kind", "day"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.day}"
