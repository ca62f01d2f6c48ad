import datetime
import uuid
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from services.validators import single_line, text_validators

from .listings import Location, Service

LONDON = ZoneInfo("Europe/London")
# How far ahead next_occurrences looks before giving up (a monthly "5th"-style rule or a
# far-off valid_from still finds its date well within this).
SEARCH_HORIZON_DAYS = 800


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


WEEKDAY_SLUGS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Weekdays as iCalendar (RFC 5545) writes them, Monday first like `Weekday`.
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class CourseRunQuerySet(models.QuerySet):
    def upcoming(self, today: datetime.date | None = None) -> "CourseRunQuerySet":
        return self.filter(end_date__gte=today or timezone.localdate())


class CourseRun(models.Model):
    """One run of a fixed-length programme, e.g. a ten-week recovery college course."""

    class Enrolment(models.TextChoices):
        OPEN = "open", "Open for enrolment"
        WAITING_LIST = "waiting-list", "Waiting list"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="course_runs")
    name = models.CharField(
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text='For example "Spring 2027".',
    )
    start_date = models.DateField()
    end_date = models.DateField()
    enrolment_status = models.CharField(
        max_length=15, choices=Enrolment.choices, default=Enrolment.OPEN
    )
    places = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Places in total.")
    how_to_enrol = models.TextField(blank=True, max_length=1000, validators=text_validators(1000))

    history = HistoricalRecords()
    objects = CourseRunQuerySet.as_manager()

    class Meta:
        verbose_name = "course dates"
        verbose_name_plural = "course dates"
        ordering = ["start_date"]
        indexes = [models.Index(fields=["service", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__lte=models.F("end_date")),
                name="course_run_starts_before_it_ends",
                violation_error_message="A course must start on or before the day it ends.",
            )
        ]

    def __str__(self) -> str:
        return self.name or f"{self.service} from {self.start_date:%-d %b %Y}"


class Schedule(models.Model):
    """A regular session (HSDS `schedule`): a weekday and times, weekly, fortnightly or on
    the Nth weekday of the month, within optional dates. Times are Scottish local time."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every other week"
        MONTHLY = "monthly", "Once a month"

    class WeekOfMonth(models.IntegerChoices):
        FIRST = 1, "First"
        SECOND = 2, "Second"
        THIRD = 3, "Third"
        FOURTH = 4, "Fourth"
        LAST = -1, "Last"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="schedules",
        help_text="Leave empty for online or phone sessions.",
    )
    course_run = models.ForeignKey(
        CourseRun,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
        help_text="Only for sessions that belong to one run of a course.",
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default="weekly")
    week_of_month = models.SmallIntegerField(
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text='For monthly sessions: "first", "second", … or "last" of that weekday.',
    )
    valid_from = models.DateField(
        null=True,
        blank=True,
        help_text="First date it runs. Needed for every-other-week sessions (sets the weeks).",
    )
    valid_to = models.DateField(null=True, blank=True, help_text="Last date it runs, if known.")
    description = models.CharField(
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text='For example "Term time only".',
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "regular session"
        verbose_name_plural = "regular sessions"
        ordering = ["weekday", "opens_at"]
        indexes = [models.Index(fields=["weekday", "opens_at", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="schedule_opens_before_it_closes",
                violation_error_message="The start time must be before the finish time.",
            ),
            models.CheckConstraint(
                condition=~models.Q(frequency="monthly") | models.Q(week_of_month__isnull=False),
                name="schedule_monthly_needs_week_of_month",
                violation_error_message="Say which week of the month a monthly session is in.",
            ),
            models.CheckConstraint(
                condition=~models.Q(frequency="fortnightly") | models.Q(valid_from__isnull=False),
                name="schedule_fortnightly_needs_start_date",
                violation_error_message="Give the first date of an every-other-week session.",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="schedule_valid_from_before_valid_to",
                violation_error_message="The first date must be on or before the last date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
        errors = {}
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = "The finish time must be after the start time."
        if self.frequency == self.Frequency.MONTHLY and self.week_of_month is None:
            errors["week_of_month"] = "Say which week of the month this session is in."
        if self.frequency == self.Frequency.FORTNIGHTLY and not self.valid_from:
            errors["valid_from"] = "Give the date of one session, so we know which weeks."
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            errors["valid_to"] = "The last date must be on or after the first date."
        if errors:
            raise ValidationError(errors)

    def recurrence(self) -> dict[str, str | int]:
        """How the session repeats, in iCalendar RRULE terms (RFC 5545): the one mapping used
        by the HSDS feed and by calendar files. Weekly is FREQ=WEEKLY;BYDAY=TU, every other
        week adds INTERVAL=2 counted from the first session (so it needs `valid_from`),
        monthly is FREQ=MONTHLY;BYDAY=2TU (second Tuesday) or -1FR (last Friday)."""
        day = RRULE_DAYS[self.weekday]
        if self.frequency == self.Frequency.MONTHLY:
            return {"freq": "MONTHLY", "interval": 1, "byday": f"{self.week_of_month}{day}"}
        interval = 2 if self.frequency == self.Frequency.FORTNIGHTLY else 1
        return {"freq": "WEEKLY", "interval": interval, "byday": day}

    def occurs_on(self, day: datetime.date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return False
        if self.frequency == self.Frequency.FORTNIGHTLY:
            start = self.valid_from
            assert start is not None, "constraint schedule_fortnightly_needs_start_date"
            anchor = start - datetime.timedelta(days=start.weekday())
            return ((day - anchor).days // 7) % 2 == 0
        if self.frequency == self.Frequency.MONTHLY:
            if self.week_of_month == self.WeekOfMonth.LAST:
                return (day + datetime.timedelta(days=7)).month != day.month
            return (day.day - 1) // 7 + 1 == self.week_of_month
        return True

    def _dates_from(self, start: datetime.date) -> Iterator[datetime.date]:
        offset = (self.weekday - start.weekday()) % 7
        day = start + datetime.timedelta(days=offset)
        last = start + datetime.timedelta(days=SEARCH_HORIZON_DAYS)
        while day <= last and not (self.valid_to and day > self.valid_to):
            if self.occurs_on(day):
                yield day
            day += datetime.timedelta(days=7)

    def next_occurrences(
        self, after: datetime.datetime | None = None, count: int = 3
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The next `count` sessions still to finish after `after`, as aware (start, end)
        datetimes in Europe/London: local wall-clock times stay put across clock changes."""
        after = (after or timezone.now()).astimezone(LONDON)
        found: list[tuple[datetime.datetime, datetime.datetime]] = []
        for day in self._dates_from(after.date()):
            start = datetime.datetime.combine(day, self.opens_at, tzinfo=LONDON)
            end = datetime.datetime.combine(day, self.closes_at, tzinfo=LONDON)
            if end > after:
                found.append((start, end))
            if len(found) == count:
                break
        return found

    def next_occurrence(self, after: datetime.datetime | None = None):
        found = self.next_occurrences(after, count=1)
        return found[0] if found else None
