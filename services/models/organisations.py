import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from services.validators import single_line, text_validators

if TYPE_CHECKING:
    from services.models import Service

oscr_validator = RegexValidator(
    r"^SC\d{6}$",
    "Enter a Scottish charity number: SC followed by 6 digits, for example SC012345.",
)


def normalise_charity_number(value: str) -> str:
    return value.replace(" ", "").upper()


class OrganisationQuerySet(models.QuerySet):
    def live(self) -> "OrganisationQuerySet":
        return self.filter(is_active=True)


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        max_length=200, validators=[single_line], help_text="The name people know you by."
    )
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Used in web addresses. Lowercase, hyphens."
    )
    description = models.TextField(
        blank=True,
        max_length=3000,
        validators=text_validators(3000),
        help_text="What your organisation does, in a few plain sentences.",
    )
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True, help_text="A general contact address.")
    phone = models.CharField(max_length=40, blank=True, validators=[single_line])
    charity_number = models.CharField(
        "Scottish charity number",
        max_length=8,
        blank=True,
        validators=[single_line, oscr_validator],
        help_text="Your OSCR number if you are a Scottish charity, for example SC012345.",
    )
    is_verified = models.BooleanField(
        "verified",
        default=False,
        help_text="Set by directory moderators once the organisation has been checked.",
    )
    is_active = models.BooleanField(
        "listed",
        default=True,
        help_text="Untick to hide the organisation and all its services from the directory.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    # Its published services, where a view prefetches them with Prefetch(to_attr=...).
    published_services: list["Service"]

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if self.is_active:
            # Listing an organisation publishes its active services (see Service.save).
            self.services.stamp_first_published()

    def get_absolute_url(self) -> str:
        return reverse("services:organisation", kwargs={"slug": self.slug})

    def clean_fields(self, exclude=None) -> None:
        # Normalise before validating, so "sc 012345" is accepted as SC012345.
        self.charity_number = normalise_charity_number(self.charity_number)
        super().clean_fields(exclude=exclude)


class OrganisationMembership(models.Model):
    class Role(models.TextChoices):
        EDITOR = "editor", "Editor"
        MANAGER = "manager", "Manager (can add and remove editors)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"
