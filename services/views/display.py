"""What the public pages show about a listing, worked out in Python so templates stay dumb:
the next sessions (from prefetched schedules, no queries), schedule wording, times in plain
English, and the cards of a results list."""

import datetime
import weakref
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from services.database.names import column, table
from services.database.rows import Reader, db_values, placeholders
from services.models import CourseRun, Organisation, Schedule, Service
from services.querysets import ServiceQuerySet

LONDON = ZoneInfo("Europe/London")
PAGE_SIZE = 20


# Times -------------------------------------------------------------------------------------


def _clock(moment: datetime.time) -> tuple[str, str]:
    """(figure, suffix): 6pm is ("6", "pm"), 6:30pm ("6:30", "pm"), noon ("midday", "")."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return ("midnight" if moment.hour == 0 else "midday"), ""
    hour = moment.hour % 12 or 12
    figure = f"{hour}:{moment.minute:02d}" if moment.minute else str(hour)
    return figure, "am" if moment.hour < 12 else "pm"


def time_range(opens: datetime.time, closes: datetime.time) -> str:
    """ "6–8pm", "10am–2pm", "10:30am–midday"."""
    start, start_suffix = _clock(opens)
    end, end_suffix = _clock(closes)
    if start_suffix and start_suffix == end_suffix:
        return f"{start}–{end}{end_suffix}"
    return f"{start}{start_suffix}–{end}{end_suffix}"


def long_date(day: datetime.date) -> str:
    """ "3 March 2026"."""
    return f"{day.day} {day:%B %Y}"


def short_day(day: datetime.date) -> str:
    """ "Tue 3 Dec"."""
    return f"{day:%a} {day.day} {day:%b}"


def stale_period() -> str:
    """How long "not checked for over …" means, in words."""
    months = settings.STALE_LISTING_MONTHS
    if months % 12 == 0:
        years = months // 12
        return "a year" if years == 1 else f"{years} years"
    return "a month" if months == 1 else f"{months} months"


# Sessions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    start: datetime.datetime
    end: datetime.datetime
    schedule: Schedule

    @property
    def times(self) -> str:
        return time_range(self.start.time(), self.end.time())

    @property
    def day(self) -> str:
        return short_day(self.start.date())

    @property
    def until(self) -> str:
        figure, suffix = _clock(self.end.time())
        return figure + suffix

    @property
    def label(self) -> str:
        return f"{self.day}, {self.times}"

    def is_on_at(self, moment: datetime.datetime) -> bool:
        return self.start <= moment < self.end


def upcoming_sessions(schedules, count: int, now: datetime.datetime | None = None) -> list[Session]:
    """The next `count` sessions of these schedules (course sessions only within their run's
    dates), soonest first. Reads `schedule.course_run`: select it with the schedules."""
    now = (now or timezone.now()).astimezone(LONDON)
    found: list[Session] = []
    for schedule in schedules:
        run, after = schedule.course_run, now
        if run is not None:
            if run.end_date < now.date():
                continue
            after = max(now, datetime.datetime.combine(run.start_date, datetime.time(), LONDON))
        for start, end in schedule.next_occurrences(after, count):
            if run is not None and start.date() > run.end_date:
                break
            found.append(Session(start, end, schedule))
    return sorted(found, key=lambda session: (session.start, session.end))[:count]


def describe_schedule(schedule: Schedule) -> str:
    """ "Every Tuesday, 6–8pm", "First Monday of the month, 10am–midday"."""
    day = schedule.get_weekday_display()
    if schedule.frequency == Schedule.Frequency.FORTNIGHTLY:
        when = f"Every other {day}"
    elif schedule.frequency == Schedule.Frequency.MONTHLY:
        when = f"{schedule.get_week_of_month_display()} {day} of the month"
    else:
        when = f"Every {day}"
    return f"{when}, {time_range(schedule.opens_at, schedule.closes_at)}"


def current_schedules(today: datetime.date | None = None, with_location: bool = True) -> QuerySet:
    """Schedules that have not ended, with their course run (for `upcoming_sessions`) and,
    unless told not to, their location."""
    today = today or timezone.localdate()
    related = ("course_run", "location") if with_location else ("course_run",)
    return (
        Schedule.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            Q(course_run__isnull=True) | Q(course_run__end_date__gte=today),
        )
        .select_related(*related)
        .order_by("weekday", "opens_at")
    )


# Cards -------------------------------------------------------------------------------------


# Vocabularies a card lists, loaded for a whole page in one query.
CARD_RELATIONS = ("types", "access_routes", "lived_experience")
NO_LIVED_EXPERIENCE = "none-stated"


def with_card_data(queryset: ServiceQuerySet) -> ServiceQuerySet:
    """What a result card shows: 4 queries after the page's own (one per vocabulary in
    CARD_RELATIONS, schedules), whatever the page size. (Search results are read by
    `card_services`, with their vocabularies from the search index.)"""
    return (
        queryset.select_related("organisation")
        .with_vocabularies(CARD_RELATIONS)
        .prefetch_related(
            Prefetch(
                "schedules",
                queryset=current_schedules(with_location=False),
                to_attr="current_schedules",
            )
        )
    )


# What a result card shows of a service, its organisation and its sessions' course runs.
CARD_SERVICE_FIELDS = (
    "id",
    "organisation",
    "name",
    "slug",
    "summary",
    "is_national",
    "accepts_referrals",
    "referral_email",
    "intake_status",
    "intake_status_until",
    "last_checked_at",
)
CARD_ORGANISATION_FIELDS = ("id", "name")
CARD_COURSE_RUN_FIELDS = ("id", "start_date", "end_date")


class _CardReads:
    """The readers and statements of `card_services`, made once per database connection
    (a reader holds its converters) and statement text once per number of ids."""

    def __init__(self) -> None:
        self.service = Reader(Service, CARD_SERVICE_FIELDS)
        self.organisation = Reader(Organisation, CARD_ORGANISATION_FIELDS)
        self.schedule = Reader(Schedule, [field.name for field in Schedule._meta.concrete_fields])
        self.run = Reader(CourseRun, CARD_COURSE_RUN_FIELDS)
        self._statements: dict[int, tuple[str, str]] = {}

    def statements(self, count: int) -> tuple[str, str]:
        """(services with their organisations, their schedules with their course runs)."""
        found = self._statements.get(count)
        if found is None:
            wanted = placeholders(count)
            services = (
                f"SELECT {self.service.select('s')}, {self._organisation_columns()} "
                f"FROM {table(Service)} s WHERE s.{column(Service, 'id')} IN ({wanted})"
            )
            sessions = (
                f"SELECT {self.schedule.select('sc')}, {self.run.select('r')} "
                f"FROM {table(Schedule)} sc LEFT JOIN {table(CourseRun)} r "
                f"ON r.{column(CourseRun, 'id')} = sc.{column(Schedule, 'course_run')} "
                f"WHERE sc.{column(Schedule, 'service')} IN ({wanted}) "
                f"ORDER BY sc.{column(Schedule, 'weekday')}, sc.{column(Schedule, 'opens_at')}"
            )
            found = self._statements[count] = (services, sessions)
        return found

    def _organisation_columns(self) -> str:
        """Each service's organisation's fields, looked up by its key one row at a time: a
        join made PostgreSQL hash every organisation in the directory for a score of rows
        (0.4 ms of its time a page, not 0.15)."""
        organisation = column(Service, "organisation")
        return ", ".join(
            f"s.{organisation}"
            if name == "id"
            else (
                f"(SELECT o.{column(Organisation, name)} FROM {table(Organisation)} o "
                f"WHERE o.{column(Organisation, 'id')} = s.{organisation})"
            )
            for name in self.organisation.names
        )


_card_reads: "weakref.WeakKeyDictionary[Any, _CardReads]" = weakref.WeakKeyDictionary()


def card_services(ids: list) -> list[Service]:
    """The services `ids` (in any order) with what their cards show, as `with_card_data`
    gives (`current_schedules` holds a service's sessions, each with its course run), in two
    fixed statements: a results page reads a score of small rows, and building those two
    queries through the ORM, and its prefetching, cost several times running them. Fields a
    card does not show are left deferred. Every schedule is read, ended ones too:
    `upcoming_sessions` skips what has ended, as it must for any list of schedules."""
    if not ids:
        return []
    this_connection = connections[DEFAULT_DB_ALIAS]
    reads = _card_reads.get(this_connection)
    if reads is None:
        reads = _card_reads[this_connection] = _CardReads()
    services_sql, sessions_sql = reads.statements(len(ids))
    params = db_values(Service, ids)
    services = {}
    with connection.cursor() as cursor:
        cursor.execute(services_sql, params)
        for row in cursor.fetchall():
            found = reads.service.instance(row)
            found.organisation = reads.organisation.instance(row[len(reads.service) :])
            found.current_schedules = []
            services[found.pk] = found
        cursor.execute(sessions_sql, params)
        for row in cursor.fetchall():
            session = reads.schedule.instance(row)
            if session.course_run_id is not None:
                session.course_run = reads.run.instance(row[len(reads.schedule) :])
            services[session.service_id].current_schedules.append(session)
    return list(services.values())


def _prefetched(service: Service, relation: str) -> list:
    """A relation's prefetched objects, without building a related manager for each card
    and relation (that cost a fifth of the cards' time)."""
    cache = getattr(service, "_prefetched_objects_cache", {})
    if relation in cache:
        return list(cache[relation])
    return list(getattr(service, relation).all())


@dataclass(frozen=True)
class Card:
    service: Service
    types: list
    access_routes: list
    lived_experience: list
    next_session: Session | None
    is_on_now: bool
    distance_km: float | None
    is_stale: bool
    in_national_group: bool


def cards(services, now: datetime.datetime | None = None) -> list[Card]:
    """Result cards for services from a `with_card_data` queryset or `card_services`."""
    now = now or timezone.now()
    result = []
    for service in services:
        sessions = upcoming_sessions(service.current_schedules, 1, now)
        stale = getattr(service, "listing_is_stale", None)
        national = getattr(service, "in_national_group", False)
        result.append(
            Card(
                service=service,
                types=_prefetched(service, "types"),
                access_routes=_prefetched(service, "access_routes"),
                lived_experience=[
                    term
                    for term in _prefetched(service, "lived_experience")
                    if term.slug != NO_LIVED_EXPERIENCE
                ],
                next_session=sessions[0] if sessions else None,
                is_on_now=bool(sessions) and sessions[0].is_on_at(now),
                distance_km=None if national else getattr(service, "distance_km", None),
                is_stale=service.is_stale(now) if stale is None else stale,
                in_national_group=national,
            )
        )
    return result
