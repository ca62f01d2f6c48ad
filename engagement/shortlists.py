"""The visitor's shortlist, kept in their session: service ids only, no account needed."""

import datetime
import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils import timezone

from services.models import Service

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


def replace(session, service_ids: list[str]) -> None:
    session[SESSION_KEY] = list(dict.fromkeys(service_ids))[:MAX_ITEMS]


@dataclass
class Entry:
    service: Service
    next_sessions: list[tuple[datetime.datetime, datetime.datetime]]


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
        result.append(Entry(service, sorted(sessions)[:3]))
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
