"""Our sessions as HSDS `schedule` objects, which follow iCalendar RRULE semantics.

weekly       -> freq=WEEKLY, interval=1, byday=TU
fortnightly  -> freq=WEEKLY, interval=2, byday=TU, dtstart=<first session>
monthly      -> freq=MONTHLY, interval=1, byday=2TU (second Tuesday) or -1TU (last Tuesday)

Times are Scottish local wall-clock times (Europe/London), as people read them on a poster;
the `timezone` field is left out because the UTC offset changes with the clocks.
"""

import datetime
import re

from services.models import Schedule
from services.models.schedules import RRULE_DAYS

_BYDAY = re.compile(r"^(?P<position>[+-]?\d)?(?P<day>MO|TU|WE|TH|FR|SA|SU)$")
_TIME = re.compile(
    r"^(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(Z|[+-]\d{2}:?\d{2})?$"
)


class ScheduleError(ValueError):
    """An HSDS schedule our model cannot represent; the message says why, in plain English."""


def schedule_to_hsds(schedule: Schedule, service_at_location_id: str | None = None) -> dict:
    data: dict[str, str | int] = {
        "id": str(schedule.id),
        "service_id": str(schedule.service_id),
        "wkst": "MO",
        "opens_at": schedule.opens_at.strftime("%H:%M"),
        "closes_at": schedule.closes_at.strftime("%H:%M"),
    }
    if schedule.location_id:
        data["location_id"] = str(schedule.location_id)
    if service_at_location_id:
        data["service_at_location_id"] = service_at_location_id
    data.update(schedule.recurrence())
    if schedule.valid_from:
        data["valid_from"] = data["dtstart"] = schedule.valid_from.isoformat()
    if schedule.valid_to:
        data["valid_to"] = data["until"] = schedule.valid_to.isoformat()
    if schedule.description:
        data["description"] = schedule.description
    return data


def _date(value, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ScheduleError(f"{field} must be a date like 2027-01-31, not {value!r}.") from None


def _time(value, field: str) -> datetime.time:
    match = _TIME.match(str(value or ""))
    if not match:
        raise ScheduleError(f"{field} must be a time like 18:30, not {value!r}.")
    try:
        return datetime.time(int(match["hour"]), int(match["minute"]))
    except ValueError:
        raise ScheduleError(f"{field} is not a real time: {value!r}.") from None


def _frequency(freq: str, interval: int, position: str | None) -> tuple[str, int | None]:
    if freq == "WEEKLY" and not position and interval in (1, 2):
        return ("weekly" if interval == 1 else "fortnightly"), None
    if freq == "MONTHLY" and interval == 1 and position:
        week = int(position)
        if week in (1, 2, 3, 4, -1):
            return "monthly", week
        raise ScheduleError("A monthly session must be in the 1st to 4th, or last (-1), week.")
    raise ScheduleError(
        "Only weekly, every-other-week (WEEKLY with interval 2) and monthly sessions on a "
        f"weekday (such as 2TU) can be imported, not freq={freq} interval={interval}."
    )


def schedule_fields_from_hsds(data: dict) -> list[dict]:
    """Model field values for each weekday an HSDS schedule names (our schedules have one
    weekday each). Raises ScheduleError for a rule we cannot represent."""
    freq = str(data.get("freq") or "WEEKLY").upper()
    try:
        interval = int(data.get("interval") or 1)
    except (TypeError, ValueError):
        raise ScheduleError(f"interval must be a whole number, not {data['interval']!r}.") from None
    days = [part.strip().upper() for part in str(data.get("byday") or "").split(",") if part]
    if not days:
        raise ScheduleError("byday must name the day, such as TU.")
    common = {
        "opens_at": _time(data.get("opens_at"), "opens_at"),
        "closes_at": _time(data.get("closes_at"), "closes_at"),
        "valid_from": _date(data.get("valid_from") or data.get("dtstart"), "valid_from"),
        "valid_to": _date(data.get("valid_to") or data.get("until"), "valid_to"),
        "description": str(data.get("description") or "")[:200],
    }
    found = []
    for day in days:
        match = _BYDAY.match(day)
        if not match:
            raise ScheduleError(f"byday {day!r} is not a day such as TU or 2TU.")
        frequency, week = _frequency(freq, interval, match["position"])
        weekday = RRULE_DAYS.index(match["day"])
        found.append({**common, "weekday": weekday, "frequency": frequency, "week_of_month": week})
    return found
