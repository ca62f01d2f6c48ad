import datetime

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone


class LocationQuerySet(models.QuerySet):
    def for_user(self, user) -> "LocationQuerySet":
        from services.permissions import is_moderator

        if is_moderator(user):
            return self
        return self.filter(organisation__memberships__user=user)


class ServiceQuerySet(models.QuerySet):
    def published(self) -> "ServiceQuerySet":
        """What the public sees: active services of listed organisations."""
        return self.filter(status="active", organisation__is_active=True)

    def for_user(self, user) -> "ServiceQuerySet":
        from services.permissions import is_moderator

        if is_moderator(user):
            return self
        return self.filter(organisation__memberships__user=user)

    def needs_review(self, days: int) -> "ServiceQuerySet":
        """Not checked in the last `days` days (never-checked services included)."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff))

    def accepting(self, today: datetime.date | None = None) -> "ServiceQuerySet":
        """Hides full or paused services, unless their dated restriction has lapsed."""
        today = today or timezone.localdate()
        restricted = Q(intake_status__in=["full", "paused"]) & (
            Q(intake_status_until__isnull=True) | Q(intake_status_until__gte=today)
        )
        return self.exclude(restricted)

    def with_listing_data(self) -> "ServiceQuerySet":
        """Everything a results page or list endpoint renders, in a fixed number of queries."""
        from services.models import CourseRun, Schedule, ServiceAtLocation

        return self.select_related("organisation").prefetch_related(
            "types",
            "access_routes",
            "lived_experience",
            "audiences",
            "delivery_modes",
            "languages",
            "areas",
            Prefetch(
                "service_locations",
                queryset=ServiceAtLocation.objects.select_related(
                    "location__council_area"
                ).order_by("location__name"),
            ),
            Prefetch(
                "schedules",
                queryset=Schedule.objects.select_related("location").order_by(
                    "weekday", "opens_at"
                ),
            ),
            Prefetch(
                "course_runs",
                queryset=CourseRun.objects.upcoming(),
                to_attr="upcoming_course_runs",
            ),
        )
