import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from services.geo.postcodes import normalise_postcode, validate_postcode
from services.querysets import ServiceQuerySet
from services.validators import single_line, text_validators

from .areas import Area
from .organisations import Organisation

if TYPE_CHECKING:
    from .schedules import CourseRun, Schedule

from .vocabularies import (
    AccessibilityFeature,
    AccessRoute,
    Audience,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    ServiceType,
)


def takes_referrals(accepts_referrals: bool, referral_email: str | None) -> bool:
    """The rule for "takes referrals": the service accepts referrals through the directory
    and has an address to tell about them. Used by `Service.takes_referrals` and the search
    index; `ServiceQuerySet.taking_referrals` is the same rule in SQL (tests check they agree)."""
    return bool(accepts_referrals and referral_email)


# The cost values shown as free (the "Free" filter, and isAccessibleForFree in JSON-LD).
FREE_COSTS = ("free", "donation")


def is_free(cost: str) -> bool:
    return cost in FREE_COSTS


# Intake statuses that mean the service is not taking new people.
RESTRICTED_INTAKES = ("full", "paused")


def restricted_through(intake_status: str, until: datetime.date | None) -> int:
    """The rule for "taking new people", as the ordinal of the last day the service is not
    (0: it is). A full or paused service is restricted through its end date, if it has one,
    else for good. A service is taking new people on day D when this is before D's ordinal:
    `Service.is_accepting` and the search index both ask this function."""
    if intake_status not in RESTRICTED_INTAKES:
        return 0
    return until.toordinal() if until else datetime.date.max.toordinal()


def stale_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """The rule for a stale listing: one last checked before this moment (or never) is
    overdue for review. `Service.is_stale`, `stale_q` and the search index all ask it."""
    now = now or timezone.now()
    return now - datetime.timedelta(days=30 * settings.STALE_LISTING_MONTHS)


def stale_q(now: datetime.datetime | None = None) -> models.Q:
    """`Service.is_stale` in SQL (pages that order services in the database)."""
    return models.Q(last_checked_at__isnull=True) | models.Q(last_checked_at__lt=stale_cutoff(now))


class Location(models.Model):
    """A physical place where support happens (HSDS `location` with its `address`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(
        max_length=200,
        validators=[single_line],
        help_text='For example "Paisley Community Hub".',
    )
    address_1 = models.CharField("address line 1", max_length=200, validators=[single_line])
    address_2 = models.CharField(
        "address line 2", max_length=200, blank=True, validators=[single_line]
    )
    town = models.CharField(max_length=100, validators=[single_line])
    postcode = models.CharField(
        max_length=8,
        validators=[single_line, validate_postcode],
        help_text="For example PA1 1AA.",
    )
    latitude = models.FloatField(
        validators=[
            MinValueValidator(-90, "Latitude must be between -90 and 90."),
            MaxValueValidator(90, "Latitude must be between -90 and 90."),
        ],
        help_text="Between -90 and 90. Scotland is about 54.6 to 60.9.",
    )
    longitude = models.FloatField(
        validators=[
            MinValueValidator(-180, "Longitude must be between -180 and 180."),
            MaxValueValidator(180, "Longitude must be between -180 and 180."),
        ],
        help_text="Between -180 and 180. Scotland is about -8.7 to -0.7.",
    )
    council_area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="locations",
        limit_choices_to={"kind": Area.Kind.COUNCIL_AREA},
    )
    accessibility = models.ManyToManyField(
        AccessibilityFeature,
        blank=True,
        related_name="locations",
        help_text="Tick everything that is true of this building.",
    )
    directions = models.TextField(
        blank=True,
        max_length=1000,
        validators=text_validators(1000),
        help_text="How to find the door: buses, parking, which entrance, which floor.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[accessibility])

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["postcode"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
                violation_error_message="Latitude must be between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
                violation_error_message="Longitude must be between -180 and 180.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.town}"

    def clean_fields(self, exclude=None) -> None:
        # Normalise before validating, so "pa11aa" is accepted as PA1 1AA.
        self.postcode = normalise_postcode(self.postcode) or self.postcode
        super().clean_fields(exclude=exclude)

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.address_1, self.address_2, self.town, self.postcode) if line]

    @property
    def directions_url(self) -> str:
        # OpenStreetMap directions: no tracking, no key, opens the person's own app or browser.
        return (
            "https://www.openstreetmap.org/directions?to="
            f"{self.latitude:.5f}%2C{self.longitude:.5f}"
        )


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive (temporarily not running)"
        DEFUNCT = "defunct", "Defunct (closed for good)"

    class Intake(models.TextChoices):
        WELCOMING = "welcoming", "Welcoming new people"
        WAITING_LIST = "waiting-list", "Waiting list"
        FULL = "full", "Full"
        PAUSED = "paused", "Paused"

    class Cost(models.TextChoices):
        FREE = "free", "Free"
        DONATION = "donation", "Free, donations welcome"
        PAID = "paid", "There is a charge"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=200, validators=[single_line])
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the web address.")
    summary = models.CharField(
        max_length=200,
        validators=[single_line],
        help_text="One or two sentences shown in search results (200 characters).",
    )
    description = models.TextField(
        max_length=5000,
        validators=text_validators(5000),
        help_text="What happens, who runs it, what people get from it.",
    )
    first_visit = models.TextField(
        "what to expect at your first visit",
        blank=True,
        max_length=2000,
        validators=text_validators(2000),
        help_text="Who will meet them, whether they have to talk, can they bring someone.",
    )
    how_to_get_support = models.TextField(
        blank=True,
        max_length=2000,
        validators=text_validators(2000),
        help_text="Plain steps: turn up, phone first, ask your GP, fill in a form…",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    intake_status = models.CharField(
        "taking new people?", max_length=15, choices=Intake.choices, default=Intake.WELCOMING
    )
    intake_status_until = models.DateField(
        "until",
        null=True,
        blank=True,
        help_text="Optional. After this date the service shows as welcoming new people again.",
    )
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[single_line])
    referral_url = models.URLField(
        "referral form address", blank=True, help_text="A web form for referrals, if you have one."
    )
    cost = models.CharField(max_length=10, choices=Cost.choices, default=Cost.FREE)
    cost_description = models.CharField(
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text='For example "£3 a session, free if that is hard".',
    )
    min_age = models.PositiveSmallIntegerField(
        "minimum age", null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        "maximum age", null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    is_national = models.BooleanField(
        "available across Scotland",
        default=False,
        help_text="Tick for services anyone in Scotland can use (online, phone or national).",
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="services", help_text="Council areas or health boards."
    )
    types = models.ManyToManyField(ServiceType, related_name="services")
    access_routes = models.ManyToManyField(
        AccessRoute, related_name="services", verbose_name="how to get in"
    )
    lived_experience = models.ManyToManyField(
        LivedExperienceInvolvement, blank=True, related_name="services"
    )
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="services", verbose_name="who it is for"
    )
    delivery_modes = models.ManyToManyField(DeliveryMode, related_name="services")
    languages = models.ManyToManyField(Language, blank=True, related_name="services")
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", blank=True, related_name="services"
    )
    accepts_referrals = models.BooleanField(
        "accepts referrals through the directory",
        default=False,
        help_text="Link workers can send referrals to this service.",
    )
    referral_email = models.EmailField(
        "referral contact email",
        blank=True,
        help_text="Where we tell you a referral is waiting. No personal details are emailed.",
    )
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When it first appeared in the directory (email alerts name new services).",
    )

    history = HistoricalRecords(
        m2m_fields=[
            types,
            access_routes,
            lived_experience,
            audiences,
            delivery_modes,
            languages,
            areas,
        ],
    )
    objects = ServiceQuerySet.as_manager()
    # Filled by Prefetch(..., to_attr=...) where a page shows sessions and courses.
    current_schedules: list["Schedule"]
    upcoming_course_runs: list["CourseRun"]
    # Set on the services of a page of search results (services.search.index.Hits.page).
    listing_is_stale: bool
    in_national_group: bool
    distance_km: float | None
    search_rank: float

    # The history note when someone confirms a listing is still correct.
    CHECKED_REASON = "Marked as checked"

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "organisation"]),
            models.Index(fields=["intake_status", "intake_status_until"]),
            models.Index(fields=["is_national"]),
            models.Index(fields=["cost"]),
            models.Index(fields=["min_age", "max_age"]),
            models.Index(fields=["last_checked_at"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="service_min_age_not_above_max_age",
                violation_error_message="The minimum age must not be more than the maximum age.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The first save that lists it records when it was published (email alerts).
        if self.first_published_at is None and self.is_published():
            self.first_published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "first_published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("services:service", kwargs={"slug": self.slug})

    def is_published(self) -> bool:
        """Seen by the public: the same rule as `ServiceQuerySet.published()`."""
        return self.status == self.Status.ACTIVE and self.organisation.is_active

    def clean(self) -> None:
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = "The maximum age must be the same as or more than the minimum age."
        if self.accepts_referrals and not self.referral_email:
            errors["referral_email"] = "Give an email address to tell you about referrals."
        if self.cost == self.Cost.PAID and not self.cost_description:
            errors["cost_description"] = "Say what it costs."
        if errors:
            raise ValidationError(errors)

    def current_intake_status(self, today: datetime.date | None = None) -> str:
        """The intake status in force today: a dated restriction lapses after its date."""
        today = today or timezone.localdate()
        if self.intake_status_until and self.intake_status_until < today:
            return self.Intake.WELCOMING
        return self.intake_status

    @property
    def current_intake_label(self) -> str:
        return self.Intake(self.current_intake_status()).label

    @property
    def takes_referrals(self) -> bool:
        """Link workers can refer people here through the directory (the same rule as
        `ServiceQuerySet.taking_referrals` and the search index's `takes_referrals`)."""
        return takes_referrals(self.accepts_referrals, self.referral_email)

    @property
    def is_accepting(self) -> bool:
        """Taking new people today (`restricted_through`)."""
        restricted = restricted_through(self.intake_status, self.intake_status_until)
        return restricted < timezone.localdate().toordinal()

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        """Not checked for longer than STALE_LISTING_MONTHS (shown to the public)."""
        return self.last_checked_at is None or self.last_checked_at < stale_cutoff(now)

    def note_checked(self, user, reason: str) -> None:
        """Note, without saving, that `user` confirmed today that the listing is correct; the
        next save records it in the listing's history, by `user`, with `reason`."""
        self.last_checked_at = timezone.now()
        self.last_checked_by = user
        self._history_user = user
        self._change_reason = reason

    @transaction.atomic
    def mark_checked(self, user, reason: str = CHECKED_REASON) -> None:
        """Record that `user` confirmed today that the listing is correct, in its history."""
        self.note_checked(user, reason)
        self.save(update_fields=["last_checked_at", "last_checked_by", "updated_at"])


class ServiceAtLocation(models.Model):
    """A service delivered at a location (HSDS `service_at_location`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_locations")
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_locations"
    )
    description = models.CharField(
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text='Anything particular to this place, e.g. "Room 2".',
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "location of this service"
        verbose_name_plural = "locations of this service"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"

    def clean(self) -> None:
        service, location = getattr(self, "service", None), getattr(self, "location", None)
        if service and location and service.organisation_id != location.organisation_id:
            raise ValidationError({"location": "Choose one of your own organisation's locations."})
