"""What the public tells us: problems with a listing and services we are missing."""

from django.conf import settings
from django.db import models

from services.validators import single_line, text_validators


class ProblemReportQuerySet(models.QuerySet):
    def open(self) -> "ProblemReportQuerySet":
        return self.filter(status=ProblemReport.Status.OPEN)


class ProblemReport(models.Model):
    class Reason(models.TextChoices):
        CLOSED = "closed", "It has closed or stopped running"
        WRONG_TIMES = "wrong-times", "The days or times are wrong"
        WRONG_CONTACT = "wrong-contact", "The contact details are wrong"
        NOT_IN_AREA = "not-in-area", "It is not in my area"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="problem_reports"
    )
    reason = models.CharField(max_length=15, choices=Reason.choices)
    details = models.TextField(max_length=1000, blank=True, validators=text_validators(1000))
    reporter_email = models.EmailField(
        blank=True, help_text="Only to tell them it is fixed. Emptied once they have been told."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%d %b %Y})"


class Suggestion(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        DRAFTED = "drafted", "Draft listing created"
        REJECTED = "rejected", "Not added"

    class HowKnown(models.TextChoices):
        RUN_IT = "run-it", "I run it or work there"
        USE_IT = "use-it", "I go to it"
        PROFESSIONAL = "professional", "I refer people to it"
        HEARD = "heard", "I have heard about it"

    name = models.CharField("name of the service", max_length=200, validators=[single_line])
    organisation_name = models.CharField(
        "who runs it", max_length=200, blank=True, validators=[single_line]
    )
    description = models.TextField("what it is", max_length=1000, validators=text_validators(1000))
    where = models.CharField(max_length=300, validators=[single_line])
    contact = models.CharField(
        "how to contact it", max_length=300, blank=True, validators=[single_line]
    )
    how_known = models.CharField("how you know about it", max_length=15, choices=HowKnown.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    draft_service = models.ForeignKey(
        "services.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
