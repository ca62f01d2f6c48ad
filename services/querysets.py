import datetime

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone

from services.vocabulary_loader import VOCABULARY_RELATIONS


def located_at() -> Prefetch:
    """A service's places (`service_locations`, with each location and its council area),
    by location name."""
    from services.models import ServiceAtLocation

    return Prefetch(
        "service_locations",
        queryset=ServiceAtLocation.objects.select_related("location__council_area").order_by(
            "location__name"
        ),
    )


class ServiceQuerySet(models.QuerySet):
    def published(self) -> "ServiceQuerySet":
        """What the public sees: active services of listed organisations."""
        return self.filter(status="active", organisation__is_active=True)

    def stamp_first_published(self, now: datetime.datetime | None = None) -> int:
        """Give published services that have no `first_published_at` one (now): those listed
        by a bulk update (an organisation listed again, an admin action) that skipped
        `Service.save()`. Email alerts run it before each digest."""
        unstamped = self.published().filter(first_published_at__isnull=True)
        return unstamped.update(first_published_at=now or timezone.now())

    def needs_review(self, days: int) -> "ServiceQuerySet":
        """Not checked in the last `days` days (never-checked services included)."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff))

    def taking_referrals(self) -> "ServiceQuerySet":
        """Services link workers can refer to: `services.models.listings.takes_referrals`
        in SQL (accepts referrals and has a referral email)."""
        return self.filter(accepts_referrals=True).exclude(referral_email="")

    def with_vocabularies(self, relations=VOCABULARY_RELATIONS) -> "ServiceQuerySet":
        """Prefetch these vocabulary relations of the fetched services, in display order
        (the vocabularies' default ordering): one query per relation, whatever the number
        of services."""
        return self.prefetch_related(*relations)

    def with_listing_data(self) -> "ServiceQuerySet":
        """Everything a results page or list endpoint renders, in a fixed number of queries:
        the services, their six vocabularies, areas, locations, schedules and upcoming
        course runs."""
        from services.models import CourseRun, Schedule

        return (
            self.select_related("organisation")
            .with_vocabularies()
            .prefetch_related(
                "areas",
                located_at(),
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
        )

    def near(self, lat: float, lon: float, km: float) -> "ServiceQuerySet":
        """Services with a location within `km` km of (lat, lon), annotated with
        `distance_km` to their nearest location."""
        from services.search.sql import near_filter, with_distance

        return with_distance(near_filter(self, lat, lon, km), lat, lon, km)

    def in_areas(self, areas) -> "ServiceQuerySet":
        """Services serving any of these council areas or health boards (and national ones)."""
        from services.search.sql import in_areas_q

        return self.filter(in_areas_q(list(areas)))
