"""API tokens that let an organisation's members write to its listings through the API."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from services.validators import single_line

from .organisations import Organisation

# The visible start of a key, shown in the admin so people can tell their tokens apart.
PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class OrganisationTokenQuerySet(models.QuerySet):
    def active(self) -> "OrganisationTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class OrganisationToken(models.Model):
    """A secret key for one organisation. Only its SHA-256 hash is stored: the key itself is
    shown once, when the token is created."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_tokens",
        help_text="API changes made with this token are recorded as this person's edits.",
    )
    name = models.CharField(
        max_length=100,
        validators=[single_line],
        help_text='What the token is for, e.g. "Our booking system".',
    )
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OrganisationTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_new_key(self) -> str:
        """Give the token a fresh random key and return it; only its hash is kept."""
        key = secrets.token_urlsafe(32)
        self.prefix = key[:PREFIX_LENGTH]
        self.key_hash = hash_key(key)
        return key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
