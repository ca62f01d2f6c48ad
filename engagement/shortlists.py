"""The visitor's shortlist, kept in their session: service ids only, no account needed."""

import datetime
import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils import timezone

from services.models import Service
from services.views.display import describe_schedule, long_date

from .models import SharedShortlist

SESSION_KEY = "engagement:shortlist"
MAX_ITEMS = 50


def ids_in(session) -> list[str]:
    return list(session.get(SESSION_KEY, []))


def add(session, service: Service) -> bool:
    ids = ids_in(session)
    if str(service.pk) in ids or len(ids) >= MAX_ITEMS:
        return False
    session[SESSION_KEY] = [*ids, str(service.pk)]
    return True


def remove(session, service_id: str) -> None:
    session[SESSION_KEY] = [i for i in ids_in(session) if i != service_id]


def clear(session) -> None:
    session.pop(SESSION_KEY, None)


def kept_days() -> int:
    """How long a list stays on the device: the session's lifetime, in days. The session
    cookie lasts SESSION_COOKIE_AGE from the last change to the session."""
    return settings.SESSION_COOKIE_AGE // (24 * 60 * 60)


def replace(session, service_ids: list[str]) -> None:
    session[SESSION_KEY] = list(dict.fromkeys(service_ids))[:MAX_ITEMS]


@dataclass
class Entry:
    service: Service
    next_sessions: list[tuple[datetime.datetime, datetime.datetime]]
    patterns: list[str]  # "Every Tuesday, 7–9pm, at Paisley Community Hub"


def pattern(schedule, today: datetime.date) -> str:
    """A session's regular pattern in words, with its place and any end or start date."""
    words = describe_schedule(schedule)
    if schedule.location_id:
        words += f", at {schedule.location.name}"
    if schedule.valid_from and schedule.valid_from > today:
        words += f", from {long_date(schedule.valid_from)}"
    if schedule.valid_to:
        words += f", until {long_date(schedule.valid_to)}"
    return words


def entries(service_ids: list[str], *, now: datetime.datetime | None = None) -> list[Entry]:
    """The listed services still published, in list order, with their next three sessions."""
    now = now or timezone.now()
    services = Service.objects.published().filter(pk__in=service_ids).with_listing_data()
    by_id = {str(s.pk): s for s in services}
    result = []
    for service_id in service_ids:
        service = by_id.get(service_id)
        if service is None:
            continue
        sessions = [o for sch in service.schedules.all() for o in sch.next_occurrences(now)]
        today = timezone.localdate(now)
        patterns = [
            pattern(schedule, today)
            for schedule in service.schedules.all()
            if schedule.valid_to is None or schedule.valid_to >= today
        ]
        result.append(Entry(service, sorted(sessions)[:3], patterns))
    return result


def share(service_ids: list[str]) -> SharedShortlist:
    days = getattr(settings, "SHORTLIST_SHARE_DAYS", 90)
    return SharedShortlist.objects.create(
        service_ids=service_ids, expires_at=timezone.now() + datetime.timedelta(days=days)
    )


def qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=5, border=4, xmldecl=False, title="QR code for this list"
    )
    return buffer.getvalue()
