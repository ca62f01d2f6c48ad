"""Referrals from link workers to services. Personal fields are few, never logged, never
emailed, visible only to the referrer, the receiving organisation and referral auditors, and
purged on a schedule (see engagement/referrals.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from services.permissions import organisation_ids_for
from services.validators import multi_line, single_line, text_validators

PERSONAL_PERMISSION = "engagement.view_referral_personal_data"


class LinkWorkerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="link_worker_profile"
    )
    organisation_name = models.CharField(
        "organisation",
        max_length=200,
        validators=[single_line],
        help_text='For example "Renfrewshire HSCP".',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "link worker profile"

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation_name})"


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReferralQuerySet":
        """Referrals whose personal details this user may see; none for anyone else."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.has_perm(PERSONAL_PERMISSION):
            return self
        return self.filter(
            Q(referrer=user) | Q(service__organisation_id__in=organisation_ids_for(user))
        )

    def received_by(self, user) -> "ReferralQuerySet":
        return self.filter(service__organisation_id__in=organisation_ids_for(user))

    def open(self) -> "ReferralQuerySet":
        return self.exclude(status__in=Referral.FINISHED)


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CONTACTED = "contacted", "Contacted"
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did-not-attend", "Did not attend"
        CLOSED = "closed", "Closed"

    class DeclineReason(models.TextChoices):
        NOT_ELIGIBLE = "not-eligible", "Not eligible for this service"
        NO_CAPACITY = "no-capacity", "No capacity at the moment"
        COULD_NOT_CONTACT = "could-not-contact", "Could not contact the person"
        OTHER = "other", "Another reason"
        NOT_ANSWERED = "not-answered", "Not answered in time (declined automatically)"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"

    # The only legal moves. Anything else raises IllegalTransition (engagement/actions.py).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.SENT: frozenset({Status.OPENED, Status.DECLINED}),
        Status.OPENED: frozenset({Status.ACCEPTED, Status.DECLINED}),
        Status.ACCEPTED: frozenset({Status.CONTACTED, Status.DECLINED}),
        Status.CONTACTED: frozenset({Status.ATTENDED, Status.DID_NOT_ATTEND}),
        Status.ATTENDED: frozenset({Status.CLOSED}),
        Status.DID_NOT_ATTEND: frozenset({Status.CLOSED}),
        Status.DECLINED: frozenset(),
        Status.CLOSED: frozenset(),
    }
    FINISHED = (Status.DECLINED, Status.CLOSED)
    PERSONAL_FIELDS = (
        "first_name",
        "contact_method",
        "contact_detail",
        "best_times",
        "reason",
        "accessibility_needs",
        "do_not_contact_by",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    area = models.ForeignKey(
        "services.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Council area of the service, kept for anonymous statistics.",
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
    )
    referrer_organisation = models.CharField(max_length=200, validators=[single_line])
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.SENT)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    consent_given_at = models.DateTimeField()
    consent_wording = models.TextField(max_length=1000, validators=text_validators(1000))

    # Personal fields: emptied by the purge.
    first_name = models.CharField(
        "first name or initials", max_length=50, blank=True, validators=[single_line]
    )
    contact_method = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    contact_detail = models.CharField(max_length=200, blank=True, validators=[single_line])
    best_times = models.CharField(max_length=200, blank=True, validators=[single_line])
    reason = models.TextField(max_length=500, blank=True, validators=text_validators(500))
    accessibility_needs = models.TextField(
        max_length=500, blank=True, validators=text_validators(500)
    )
    do_not_contact_by = models.JSONField(default=list, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("view_referral_personal_data", "Can see the personal details in any referral"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["finished_at"]),
            models.Index(fields=["purged_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_declined_has_reason",
                violation_error_message="Say why the referral was declined.",
            ),
        ]

    # Never include personal fields: these strings end up in logs and error reports.
    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.status})"

    def __repr__(self) -> str:
        return f"<Referral {self.pk} status={self.status}>"

    def allowed_transitions(self) -> list[str]:
        return [s for s in self.Status.values if s in self.TRANSITIONS[self.status]]

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None

    @property
    def do_not_contact_labels(self) -> list[str]:
        return [self.ContactMethod(v).label for v in self.do_not_contact_by]


NOTE_MAX_LENGTH = 300


class ReferralEvent(models.Model):
    """One step in a referral's life. Its note is free text, so it may hold personal data: it
    is shown only where the referral is, and emptied by the purge with the personal fields."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=15, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Referral.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Referral.DeclineReason.choices, blank=True)
    note = models.CharField(
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=[multi_line],  # typed in a textarea: line breaks are fine
        help_text="A short note for the referrer and the service, shown in the history.",
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
