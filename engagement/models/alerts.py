"""Email alerts about new support near a place: who asked, where, how far and which types.

An alert holds an email address, so it lives only as long as it must: a sign-up nobody
confirms is deleted when its confirmation link runs out (ALERT_CONFIRM_DAYS), a confirmed one
12 months (ALERT_RETENTION_MONTHS) after its last confirmation unless renewed from a digest,
and any one at once when its owner unsubscribes. See engagement/alerts.py."""

import uuid

from django.db import models

from services.models import ServiceType
from services.validators import single_line


class AlertSubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> "AlertSubscriptionQuerySet":
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self) -> "AlertSubscriptionQuerySet":
        return self.filter(confirmed_at__isnull=True)


class AlertSubscription(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254)
    place = models.CharField(
        max_length=200, validators=[single_line], help_text="The place as we understood it."
    )
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_km = models.PositiveSmallIntegerField()
    types = models.ManyToManyField(
        ServiceType, blank=True, related_name="+", help_text="None ticked: every type."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the address was last confirmed (or renewed)."
    )
    last_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last digest was sent: the next names only services published since.",
    )

    objects = AlertSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "email alert"
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["confirmed_at"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(radius_km__gte=1, radius_km__lte=200),
                name="alert_radius_between_1_and_200_km",
            )
        ]

    def __str__(self) -> str:
        return f"Alert near {self.place} within {self.radius_km} km"
