"""Believable timetables for demo services: weekly evening groups, fortnightly and monthly
sessions, opening hours, term-time groups and recovery college course runs.

Every pattern draws the same number of random values whatever today's date is, so the names
and ids of everything generated after it do not depend on the day the seed runs."""

import datetime
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from services.models import CourseRun, Schedule

from .ids import demo_uuid

Time = datetime.time
W = Schedule.WeekOfMonth
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEK_NAMES: dict[int | None, str] = {
    W.FIRST: "first",
    W.SECOND: "second",
    W.THIRD: "third",
    W.LAST: "last",
}
EVENINGS = (Time(18), Time(18, 30), Time(19))
DAYTIMES = (Time(10), Time(10, 30), Time(13), Time(13, 30))
TERM_TIME = "Term time only, not during school holidays"


@dataclass
class Timetable:
    schedules: list[Schedule] = field(default_factory=list)
    course_runs: list[CourseRun] = field(default_factory=list)
    when: str = ""


@dataclass(frozen=True)
class Context:
    rng: random.Random
    today: datetime.date
    service_id: uuid.UUID
    key: str  # the service slug: makes schedule and course run ids stable
    location_id: uuid.UUID | None
    email: str


def _later(start: Time, minutes: int) -> Time:
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), start)
    return (moment + datetime.timedelta(minutes=minutes)).time()


def _on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _sessions(ctx: Context, rows: list[tuple], **common) -> list[Schedule]:
    """rows: (weekday, opens_at, closes_at) triples sharing frequency, dates and so on."""
    return [
        Schedule(
            id=demo_uuid("schedule", f"{ctx.key}:{common.get('course_run_key', '')}:{index}"),
            service_id=ctx.service_id,
            location_id=ctx.location_id,
            weekday=weekday,
            opens_at=opens,
            closes_at=closes,
            **{name: value for name, value in common.items() if name != "course_run_key"},
        )
        for index, (weekday, opens, closes) in enumerate(rows)
    ]


def _one_session(
    ctx: Context, days: Sequence[int], starts: tuple, minutes: int, **common
) -> Timetable:
    weekday, opens = ctx.rng.choice(days), ctx.rng.choice(starts)
    schedules = _sessions(ctx, [(weekday, opens, _later(opens, minutes))], **common)
    return Timetable(schedules=schedules, when=describe(schedules))


def _fortnightly(ctx: Context, days: range, starts: tuple) -> Timetable:
    weekday, opens, weeks_back = ctx.rng.choice(days), ctx.rng.choice(starts), ctx.rng.randint(1, 3)
    first = _on_or_after(ctx.today - datetime.timedelta(weeks=weeks_back), weekday)
    rows = [(weekday, opens, _later(opens, 120))]
    schedules = _sessions(ctx, rows, frequency=Schedule.Frequency.FORTNIGHTLY, valid_from=first)
    return Timetable(schedules=schedules, when=describe(schedules))


def _monthly(ctx: Context, week: int, days: tuple, starts: tuple) -> Timetable:
    return _one_session(
        ctx, days, starts, 120, frequency=Schedule.Frequency.MONTHLY, week_of_month=week
    )


def _several(
    ctx: Context, choices: tuple, opens: Time, closes: Time, note: str = "", **common
) -> Timetable:
    days = ctx.rng.choice(choices)
    schedules = _sessions(ctx, [(day, opens, closes) for day in days], **common)
    return Timetable(schedules=schedules, when=describe(schedules) + note)


def _hub_hours(ctx: Context) -> Timetable:
    saturday = ctx.rng.random() < 0.5
    rows = [(day, Time(10), Time(16)) for day in range(5)]
    if saturday:
        rows.append((5, Time(10), Time(13)))
    schedules = _sessions(ctx, rows)
    return Timetable(schedules=schedules, when=describe(schedules))


def _no_location(ctx: Context) -> Context:
    return Context(ctx.rng, ctx.today, ctx.service_id, ctx.key, None, ctx.email)


def build_timetable(pattern: str, ctx: Context) -> Timetable:
    weekdays, weeknights = range(5), range(4)
    builders = {
        "weekly-evening": lambda: _one_session(ctx, weeknights, EVENINGS, 120),
        "weekly-daytime": lambda: _one_session(ctx, weekdays, DAYTIMES, 120),
        "fortnightly-evening": lambda: _fortnightly(ctx, weeknights, EVENINGS),
        "fortnightly-daytime": lambda: _fortnightly(ctx, weekdays, DAYTIMES),
        "monthly-first": lambda: _monthly(ctx, W.FIRST, (1, 2), (Time(10, 30), Time(19))),
        "monthly-first-morning": lambda: _monthly(ctx, W.FIRST, (1, 2), (Time(10, 30),)),
        "monthly-last": lambda: _monthly(ctx, W.LAST, (3, 4), (Time(13), Time(18, 30))),
        "weekend-morning": lambda: _one_session(ctx, range(5, 7), (Time(10),), 90),
        "drop-in-days": lambda: _several(
            ctx, ((0, 2, 4), (1, 3, 4), (0, 1, 3)), Time(10), Time(15)
        ),
        "term-time": lambda: _several(
            ctx,
            ((1, 3), (0, 2)),
            Time(9, 30),
            Time(11, 30),
            note=" in school term time",
            description=TERM_TIME,
        ),
        "hub-hours": lambda: _hub_hours(ctx),
        "office-hours": lambda: _several(
            ctx, (range(5),), Time(9), Time(17), description="By appointment"
        ),
        "crisis-evenings": lambda: _several(
            ctx, (range(7), (3, 4, 5, 6)), Time(18), Time(23, 30), description="No appointment"
        ),
        "weekend-evenings": lambda: _several(
            ctx, ((4, 5, 6),), Time(18), Time(23, 30), description="No appointment"
        ),
        "online-weekly": lambda: _one_session(_no_location(ctx), weeknights, (Time(19),), 90),
        "online-monthly": lambda: _monthly(_no_location(ctx), W.SECOND, (2,), (Time(19),)),
        "phone-evenings": lambda: _several(_no_location(ctx), (range(7),), Time(18), Time(23, 30)),
        "phone-daytime": lambda: _several(_no_location(ctx), (range(5),), Time(9, 30), Time(16)),
        "course": lambda: build_course(ctx),
        "none": Timetable,
    }
    return builders[pattern]()


def describe(schedules: list[Schedule]) -> str:
    """Plain English for a set of sessions, e.g. "every Tuesday, 6:30pm to 8:30pm"."""
    groups: dict[tuple, list[int]] = {}
    for schedule in schedules:
        groups.setdefault((schedule.opens_at, schedule.closes_at), []).append(schedule.weekday)
    first = schedules[0]
    parts = [f"{_days(first, days)}, {_clock(o)} to {_clock(c)}" for (o, c), days in groups.items()]
    return ", and ".join(parts)


def _days(schedule: Schedule, days: list[int]) -> str:
    if schedule.frequency == Schedule.Frequency.MONTHLY:
        return f"on the {WEEK_NAMES[schedule.week_of_month]} {DAY_NAMES[days[0]]} of the month"
    if schedule.frequency == Schedule.Frequency.FORTNIGHTLY:
        return f"every other {DAY_NAMES[days[0]]}"
    if schedule.course_run_id:
        return f"on {DAY_NAMES[days[0]]}s"
    if len(days) == 7:
        return "every day"
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    if len(days) == 1:
        return f"every {DAY_NAMES[days[0]]}"
    return "on " + ", ".join(DAY_NAMES[d] for d in days[:-1]) + f" and {DAY_NAMES[days[-1]]}"


def _clock(value: Time) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d}{suffix}" if value.minute else f"{hour}{suffix}"


def _season(day: datetime.date) -> str:
    return ("Winter", "Spring", "Summer", "Autumn")[(day.month % 12) // 3]


def build_course(ctx: Context) -> Timetable:
    """Three runs of a weekly course: one finished, one starting soon (or already under way)
    and one later in the year."""
    weekday, opens = ctx.rng.choice(range(5)), ctx.rng.choice(DAYTIMES)
    weeks, places = ctx.rng.choice((4, 6, 8, 10)), ctx.rng.randint(10, 16)
    offsets = (ctx.rng.randint(3, 40), ctx.rng.randint(-20, 30), ctx.rng.randint(100, 140))
    soon_status = ctx.rng.choice(
        (CourseRun.Enrolment.OPEN, CourseRun.Enrolment.OPEN, CourseRun.Enrolment.WAITING_LIST)
    )
    past_start = ctx.today - datetime.timedelta(weeks=weeks, days=offsets[0])
    starts = [_on_or_after(past_start, weekday)]
    starts += [_on_or_after(ctx.today + datetime.timedelta(days=o), weekday) for o in offsets[1:]]
    statuses = [CourseRun.Enrolment.CLOSED, soon_status, CourseRun.Enrolment.OPEN]
    if starts[1] <= ctx.today:
        statuses[1] = CourseRun.Enrolment.CLOSED  # already under way
    timetable = Timetable()
    for index, (start, status) in enumerate(zip(starts, statuses, strict=True)):
        run = _course_run(ctx, index, start, weeks, status, places)
        timetable.course_runs.append(run)
        timetable.schedules += _sessions(
            ctx,
            [(weekday, opens, _later(opens, 120))],
            course_run_key=str(index),
            course_run_id=run.id,
            valid_from=run.start_date,
            valid_to=run.end_date,
        )
    timetable.when = describe(timetable.schedules[-1:])
    return timetable


def _course_run(
    ctx: Context, index: int, start, weeks: int, status: CourseRun.Enrolment, places: int
):
    how_to_enrol = {
        CourseRun.Enrolment.OPEN: f"Email {ctx.email} to book a place.",
        CourseRun.Enrolment.WAITING_LIST: f"This run is full. Email {ctx.email} to join the "
        "waiting list; places often come up.",
        CourseRun.Enrolment.CLOSED: "",
    }[status]
    return CourseRun(
        id=demo_uuid("course-run", f"{ctx.key}:{index}"),
        service_id=ctx.service_id,
        name=f"{_season(start)} {start.year}",
        start_date=start,
        end_date=start + datetime.timedelta(weeks=weeks - 1),
        enrolment_status=status,
        places=places,
        how_to_enrol=how_to_enrol,
    )
