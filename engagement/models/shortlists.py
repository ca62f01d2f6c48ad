"""Shortlists hold service ids only: no names, notes or anything about the person."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from services.validators import single_line


def new_token() -> str:
    return secrets.token_urlsafe(18)


class SharedShortlistQuerySet(models.QuerySet):
    def live(self) -> "SharedShortlistQuerySet":
        return self.filter(expires_at__gt=timezone.now())


class SharedShortlist(models.Model):
    """A read-only snapshot of a list, reachable by an unguessable link until it expires."""

    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    service_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    objects = SharedShortlistQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"Shared list of {len(self.service_ids)} services"


class SavedShortlist(models.Model):
    """A named list a link worker keeps in their account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_shortlists"
    )
    name = models.CharField(max_length=100, validators=[single_line])
    service_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_shortlist_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
