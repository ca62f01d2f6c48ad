"""A service's sessions as an iCalendar file (RFC 5545), for "Add to calendar".

Each regular session is one recurring event: DTSTART is its first session (on or after
`valid_from`, the start of its course run, or today for a session with no first date), the
repeat rule is `Schedule.recurrence()` (the mapping the HSDS feed uses too), and UNTIL is the
start of the last possible session (`valid_to` or the course run's last day) in UTC, as
RFC 5545 requires beside a TZID. Times are Europe/London wall-clock times with the VTIMEZONE
icalendar builds from zoneinfo, so a 6pm session stays at 6pm across a change of the clocks.
A course run without sessions of its own is one all-day event over its dates. UIDs are built
from our record ids, so a calendar that subscribes to the file updates events in place."""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from services.links import site_url
from services.models import CourseRun, Schedule, Service

LONDON = ZoneInfo("Europe/London")


def _uid(kind: str, record_id) -> str:
    host = urlsplit(site_url()).hostname or "localhost"
    return f"{kind}-{record_id}@{host}"


def _location_text(schedule: Schedule) -> str:
    location = schedule.location
    if location is None:
        return "Online or by phone"
    return ", ".join([location.name, *location.address_lines])


def session_bounds(
    schedule: Schedule, today: datetime.date
) -> tuple[datetime.date, datetime.date | None]:
    """First and last dates (inclusive) a session can fall on: its own dates, within its
    course run's, from `today` when it gives no first date."""
    first = schedule.valid_from or today
    last = schedule.valid_to
    run = schedule.course_run
    if run is not None:
        first = max(first, run.start_date) if schedule.valid_from else run.start_date
        last = min(last, run.end_date) if last else run.end_date
    return first, last


def _first_session(schedule: Schedule, first: datetime.date):
    after = datetime.datetime.combine(first, datetime.time(), LONDON)
    found = schedule.next_occurrence(after)
    return found[0] if found else None


def schedule_event(schedule: Schedule, *, service: Service, url: str, today, stamp) -> Event | None:
    """One recurring event, or None when the session has no date left to run on."""
    first, last = session_bounds(schedule, today)
    start = _first_session(schedule, first)
    if start is None or (last is not None and start.date() > last):
        return None
    rule: dict[str, str | int | datetime.datetime] = {
        key.upper(): value for key, value in schedule.recurrence().items()
    }
    rule["WKST"] = "MO"
    if last is not None:
        final = datetime.datetime.combine(last, schedule.opens_at, LONDON)
        rule["UNTIL"] = final.astimezone(datetime.UTC)
    event = Event()
    event.add("uid", _uid("schedule", schedule.pk))
    event.add("dtstamp", stamp)
    event.add("summary", service.name)
    event.add("dtstart", start)
    event.add("dtend", datetime.datetime.combine(start.date(), schedule.closes_at, LONDON))
    event.add("rrule", vRecur(rule))
    event.add("location", _location_text(schedule))
    event.add("description", _description(schedule, url))
    event.add("url", url)
    return event


def _description(schedule: Schedule, url: str) -> str:
    lines = [schedule.description] if schedule.description else []
    run = schedule.course_run
    if run is not None:
        name = f" {run.name}" if run.name else ""
        lines.append(
            f"Part of the course{name} starting {run.start_date.day} {run.start_date:%B %Y}."
        )
    lines.append(f"Before you go, check for changes: {url}")
    return "\n".join(lines)


def course_run_event(run: CourseRun, *, service: Service, url: str, stamp) -> Event:
    event = Event()
    event.add("uid", _uid("course-run", run.pk))
    event.add("dtstamp", stamp)
    event.add("summary", f"{service.name}: {run.name or 'course'}")
    event.add("dtstart", run.start_date)
    event.add("dtend", run.end_date + datetime.timedelta(days=1))
    event.add("description", f"{run.how_to_enrol}\n\nDetails: {url}".strip())
    event.add("url", url)
    return event


def service_calendar(
    service: Service,
    schedules: list[Schedule],
    course_runs: list[CourseRun],
    *,
    url: str,
    now: datetime.datetime | None = None,
) -> Calendar:
    """The calendar of a service: `schedules` with their location and course run selected,
    `course_runs` the upcoming ones."""
    now = now or timezone.now()
    today, stamp = now.astimezone(LONDON).date(), now.astimezone(datetime.UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Recovery Directory//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", service.name)
    for schedule in schedules:
        event = schedule_event(schedule, service=service, url=url, today=today, stamp=stamp)
        if event is not None:
            calendar.add_component(event)
    runs_with_sessions = {schedule.course_run_id for schedule in schedules}
    for run in course_runs:
        if run.pk not in runs_with_sessions:
            calendar.add_component(course_run_event(run, service=service, url=url, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar
