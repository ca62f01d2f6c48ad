"""calendar.ics: a service's sessions as iCalendar, checked by expanding the file's repeat
rules with recurring-ical-events (an independent RFC 5545 implementation) and comparing
every session with what the service page says (`next_occurrences()`)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import time_machine
from icalendar import Calendar

from services.models import Schedule
from services.views.display import upcoming_sessions
from tests.factories import (
    CourseRunFactory,
    LocationFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
# Clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027.
BEFORE_SPRING = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=LONDON)
BEFORE_AUTUMN = datetime.datetime(2027, 10, 12, 9, 0, tzinfo=LONDON)
WINDOW = datetime.timedelta(days=150)

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    organisation = OrganisationFactory()
    hub = LocationFactory(organisation=organisation, name="Paisley Community Hub")
    service = ServiceFactory(organisation=organisation, name="Hearing Voices Paisley")
    ServiceAtLocationFactory(service=service, location=hub)
    service.hub = hub
    return service


def fetch_calendar(client, service) -> Calendar:
    response = client.get(f"/services/{service.slug}/calendar.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def expanded(calendar: Calendar, uid: str, start, end) -> list[tuple]:
    events = recurring_ical_events.of(calendar).between(start, end)
    return sorted(
        (event["DTSTART"].dt, event["DTEND"].dt) for event in events if str(event["UID"]) == uid
    )


def expected(schedule: Schedule, start, end) -> list[tuple]:
    schedule.refresh_from_db()
    sessions = upcoming_sessions([schedule], count=200, now=start)
    return [(s.start, s.end) for s in sessions if s.start < end]


def uid_of(calendar: Calendar, schedule: Schedule) -> str:
    (uid,) = [
        str(event["UID"])
        for event in calendar.walk("VEVENT")
        if str(event["UID"]).startswith(f"schedule-{schedule.pk}@")
    ]
    return uid


SCHEDULES = {
    "weekly": {"weekday": 1},
    "weekly within dates": {
        "weekday": 2,
        "valid_from": datetime.date(2027, 2, 1),
        "valid_to": datetime.date(2027, 11, 24),
    },
    "fortnightly": {
        "weekday": 3,
        "frequency": Schedule.Frequency.FORTNIGHTLY,
        "valid_from": datetime.date(2027, 1, 7),
        "opens_at": datetime.time(10, 30),
        "closes_at": datetime.time(12, 0),
    },
    "second Tuesday": {
        "weekday": 1,
        "frequency": Schedule.Frequency.MONTHLY,
        "week_of_month": Schedule.WeekOfMonth.SECOND,
    },
    "last Friday": {
        "weekday": 4,
        "frequency": Schedule.Frequency.MONTHLY,
        "week_of_month": Schedule.WeekOfMonth.LAST,
        "opens_at": datetime.time(13, 0),
        "closes_at": datetime.time(15, 30),
    },
}


@pytest.mark.parametrize("now", [BEFORE_SPRING, BEFORE_AUTUMN], ids=["spring", "autumn"])
@pytest.mark.parametrize("kind", SCHEDULES)
def test_calendar_sessions_match_next_occurrences_across_a_change_of_the_clocks(
    client, service, kind, now
):
    schedule = ScheduleFactory(service=service, location=service.hub, **SCHEDULES[kind])
    with time_machine.travel(now, tick=False):
        calendar = fetch_calendar(client, service)
    sessions = expanded(calendar, uid_of(calendar, schedule), now, now + WINDOW)
    assert sessions == expected(schedule, now, now + WINDOW)
    assert len(sessions) >= 4


def test_a_weekly_6pm_session_is_at_6pm_local_time_either_side_of_the_clocks_going_forward(
    client, service
):
    schedule = ScheduleFactory(service=service, weekday=1)
    with time_machine.travel(BEFORE_SPRING, tick=False):
        calendar = fetch_calendar(client, service)
    start = datetime.datetime(2027, 3, 22, tzinfo=LONDON)
    sessions = expanded(calendar, uid_of(calendar, schedule), start, start + datetime.timedelta(9))
    assert [begin.astimezone(UTC).hour for begin, _ in sessions] == [18, 17]
    assert [begin.astimezone(LONDON).hour for begin, _ in sessions] == [18, 18]


def test_course_sessions_run_only_within_their_course_dates(client, service):
    run = CourseRunFactory(
        service=service,
        name="Spring 2027",
        start_date=datetime.date(2027, 3, 1),
        end_date=datetime.date(2027, 5, 10),
    )
    schedule = ScheduleFactory(service=service, location=service.hub, course_run=run, weekday=0)
    with time_machine.travel(BEFORE_SPRING, tick=False):
        calendar = fetch_calendar(client, service)
    sessions = expanded(calendar, uid_of(calendar, schedule), BEFORE_SPRING, BEFORE_SPRING + WINDOW)
    assert sessions == expected(schedule, BEFORE_SPRING, BEFORE_SPRING + WINDOW)
    assert sessions[0][0] == datetime.datetime(2027, 3, 15, 18, tzinfo=LONDON)
    assert sessions[-1][0] == datetime.datetime(2027, 5, 10, 18, tzinfo=LONDON)


def test_a_course_without_sessions_is_an_all_day_event_over_its_dates(client, service):
    CourseRunFactory(
        service=service,
        name="Recovery College: Autumn",
        start_date=datetime.date(2027, 10, 4),
        end_date=datetime.date(2027, 12, 6),
    )
    with time_machine.travel(BEFORE_SPRING, tick=False):
        calendar = fetch_calendar(client, service)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Hearing Voices Paisley: Recovery College: Autumn"
    assert event["DTSTART"].dt == datetime.date(2027, 10, 4)
    assert event["DTEND"].dt == datetime.date(2027, 12, 7)


def test_calendar_file_is_text_calendar_with_a_london_timezone_place_and_page_address(
    client, service, settings
):
    settings.SITE_URL = "https://example.org"
    schedule = ScheduleFactory(
        service=service, location=service.hub, weekday=1, valid_to=datetime.date(2027, 6, 29)
    )
    with time_machine.travel(BEFORE_SPRING, tick=False):
        response = client.get(f"/services/{service.slug}/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/London"
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "Paisley Community Hub, 1 High Street, Paisley, PA1 1AA"
    assert str(event["URL"]) == f"http://testserver/services/{service.slug}/"
    assert str(event["SUMMARY"]) == "Hearing Voices Paisley"
    assert event["DTSTART"].dt == datetime.datetime(2027, 3, 16, 18, tzinfo=LONDON)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["TU"]
    assert rule["UNTIL"] == [datetime.datetime(2027, 6, 29, 17, tzinfo=UTC)]
    assert "DTSTAMP" in event
    assert str(event["UID"]) == f"schedule-{schedule.pk}@example.org"


def test_monthly_and_fortnightly_rules_say_which_week(client, service):
    ScheduleFactory(service=service, **SCHEDULES["fortnightly"])
    ScheduleFactory(service=service, **SCHEDULES["last Friday"])
    with time_machine.travel(BEFORE_SPRING, tick=False):
        calendar = fetch_calendar(client, service)
    rules = sorted(
        (event["RRULE"]["FREQ"][0], event["RRULE"].get("INTERVAL", [1])[0])
        + tuple(event["RRULE"]["BYDAY"])
        for event in calendar.walk("VEVENT")
    )
    assert rules == [("MONTHLY", 1, "-1FR"), ("WEEKLY", 2, "TH")]


def test_event_ids_stay_the_same_from_one_download_to_the_next(client, service):
    ScheduleFactory(service=service)
    with time_machine.travel(BEFORE_SPRING, tick=False):
        first = [str(e["UID"]) for e in fetch_calendar(client, service).walk("VEVENT")]
    with time_machine.travel(BEFORE_AUTUMN, tick=False):
        second = [str(e["UID"]) for e in fetch_calendar(client, service).walk("VEVENT")]
    assert first == second


def test_online_sessions_say_so_in_place_of_an_address(client, service):
    ScheduleFactory(service=service, location=None)
    calendar = fetch_calendar(client, service)
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "Online or by phone"


def test_a_service_that_is_not_listed_has_no_calendar(client):
    hidden = ServiceFactory(status="inactive")
    ScheduleFactory(service=hidden)
    assert client.get(f"/services/{hidden.slug}/calendar.ics").status_code == 404


def test_the_calendar_takes_the_same_few_queries_however_many_sessions(
    client, service, django_assert_max_num_queries
):
    run = CourseRunFactory(
        service=service, start_date=datetime.date(2027, 3, 1), end_date=datetime.date(2027, 5, 1)
    )
    for weekday in range(7):
        ScheduleFactory(service=service, location=service.hub, weekday=weekday)
        ScheduleFactory(service=service, course_run=run, weekday=weekday)
    with (
        time_machine.travel(BEFORE_SPRING, tick=False),
        django_assert_max_num_queries(3),
    ):
        calendar = fetch_calendar(client, service)
    assert len(calendar.walk("VEVENT")) == 14
