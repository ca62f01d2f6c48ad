"""Email alerts: "tell me when new support starts near me".

Double opt-in: signing up stores the alert unconfirmed and sends one email with a signed
confirmation link; nothing else is sent until it is confirmed. Every email carries a signed
unsubscribe link and the List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058), and
unsubscribing deletes the alert, address and all. No tracking: links go straight to our
pages, and nothing records opens or clicks.

The daily `send_alerts` command first forgets what must go (sign-ups not confirmed within
ALERT_CONFIRM_DAYS, alerts not confirmed or renewed for ALERT_RETENTION_MONTHS), then sends
each confirmed alert one digest of the services first published (`first_published_at`)
within its distance and types since its last digest, and sends nothing when there are none.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from services.links import site_url
from services.models import Service

from . import emails
from .models import AlertSubscription

SALTS = {
    "confirm": "engagement.alerts.confirm",
    "unsubscribe": "engagement.alerts.unsubscribe",
    "renew": "engagement.alerts.renew",
}
# How long before an alert's year ends its owner is reminded how to keep it.
REMINDER_DAYS = 14
# The most services one digest lists (the rest are one click away on the search page).
DIGEST_LIMIT = 30


def token(alert: AlertSubscription, purpose: str) -> str:
    return signing.dumps(str(alert.pk), salt=SALTS[purpose])


def _signed_pk(value: str, purpose: str) -> str | None:
    max_age = datetime.timedelta(days=settings.ALERT_CONFIRM_DAYS) if purpose == "confirm" else None
    try:
        return signing.loads(value, salt=SALTS[purpose], max_age=max_age)
    except signing.BadSignature:  # altered, or an expired confirmation link
        return None


def is_signed(value: str, purpose: str) -> bool:
    """A link we made (its alert may be gone since)."""
    return _signed_pk(value, purpose) is not None


def alert_from_token(value: str, purpose: str) -> AlertSubscription | None:
    """The alert a signed link names, or None when the link is altered, expired (confirmation
    links only) or its alert is gone."""
    pk = _signed_pk(value, purpose)
    return AlertSubscription.objects.filter(pk=pk).first() if pk else None


def link(alert: AlertSubscription, purpose: str) -> str:
    return site_url() + reverse(f"engagement:alert_{purpose}", args=[token(alert, purpose)])


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=30 * settings.ALERT_RETENTION_MONTHS)


# Signing up, confirming, renewing, leaving -----------------------------------------------


@transaction.atomic
def subscribe(
    *, email: str, place: str, lat: float, lon: float, radius_km: int, types
) -> AlertSubscription:
    """Store an unconfirmed alert and queue its confirmation email (sent after commit)."""
    alert = AlertSubscription.objects.create(
        email=email, place=place, latitude=lat, longitude=lon, radius_km=radius_km
    )
    alert.types.set(types)
    emails.alert_confirmation(
        to=email,
        place=place,
        radius_km=radius_km,
        confirm_url=link(alert, "confirm"),
        unsubscribe_url=link(alert, "unsubscribe"),
        days=settings.ALERT_CONFIRM_DAYS,
    )
    return alert


def confirm(alert: AlertSubscription, now: datetime.datetime | None = None) -> None:
    """Confirm (or renew) an alert. A first confirmation starts it from now: services
    published before it are not news."""
    now = now or timezone.now()
    changes = {"confirmed_at": now}
    if alert.confirmed_at is None:
        changes["last_sent_at"] = now
    AlertSubscription.objects.filter(pk=alert.pk).update(**changes)
    for name, value in changes.items():
        setattr(alert, name, value)


def unsubscribe(alert: AlertSubscription) -> None:
    alert.delete()


def ends_on(alert: AlertSubscription) -> datetime.date:
    assert alert.confirmed_at is not None, "a confirmed alert"
    return timezone.localdate(alert.confirmed_at + retention())


# The daily run ------------------------------------------------------------------------------


def purge(now: datetime.datetime) -> int:
    """Delete sign-ups never confirmed in time and alerts nobody renewed."""
    stale_signups = AlertSubscription.objects.unconfirmed().filter(
        created_at__lt=now - datetime.timedelta(days=settings.ALERT_CONFIRM_DAYS)
    )
    lapsed = AlertSubscription.objects.confirmed().filter(confirmed_at__lt=now - retention())
    return stale_signups.delete()[0] + lapsed.delete()[0]


@dataclass(frozen=True)
class NewService:
    name: str
    organisation: str
    summary: str
    url: str
    distance_km: float


def new_services(alert: AlertSubscription, until: datetime.datetime) -> list[NewService]:
    """Services first published after the alert's last digest (and by `until`), with a
    place within its distance, of one of its types (any type when none was chosen)."""
    since = alert.last_sent_at or alert.confirmed_at
    queryset = (
        Service.objects.published()
        .filter(first_published_at__gt=since, first_published_at__lte=until)
        .near(alert.latitude, alert.longitude, alert.radius_km)
        .select_related("organisation")
        .order_by("distance_km", "name")
    )
    types = [term.pk for term in alert.types.all()]
    if types:
        queryset = queryset.filter(types__in=types).distinct()
    return [
        NewService(
            name=service.name,
            organisation=service.organisation.name,
            summary=service.summary,
            url=site_url() + service.get_absolute_url(),
            distance_km=service.distance_km,
        )
        for service in queryset[:DIGEST_LIMIT]
    ]


def send_digest(alert: AlertSubscription, now: datetime.datetime) -> bool:
    """Queue this alert's digest if there is anything new; False (nothing sent) if not.
    Claiming the alert moves its `last_sent_at` in the same transaction as the queued email,
    so two runs at once never send one digest twice."""
    found = new_services(alert, now)
    if not found:
        return False
    with transaction.atomic():
        claimed = AlertSubscription.objects.filter(
            pk=alert.pk, last_sent_at=alert.last_sent_at
        ).update(last_sent_at=now)
        if not claimed:
            return False
        emails.alert_digest(
            to=alert.email,
            place=alert.place,
            radius_km=alert.radius_km,
            types=[term.name for term in alert.types.all()],
            services=found,
            search_url=_search_url(alert),
            unsubscribe_url=link(alert, "unsubscribe"),
            renew_url=link(alert, "renew"),
            ends_on=ends_on(alert),
        )
    return True


def _search_url(alert: AlertSubscription) -> str:
    query = [("near", alert.place), ("radius_km", alert.radius_km)]
    query += [("type", term.slug) for term in alert.types.all()]
    return f"{site_url()}{reverse('services:search')}?{urlencode(query)}"


@dataclass
class RunResult:
    purged: int = 0
    sent: int = 0
    nothing_new: int = 0
    reminded: int = 0


def send_alerts(now: datetime.datetime | None = None) -> RunResult:
    now = now or timezone.now()
    result = RunResult(purged=purge(now))
    Service.objects.stamp_first_published(now)
    alerts = AlertSubscription.objects.confirmed().prefetch_related("types").order_by("pk")
    for alert in alerts.iterator(chunk_size=500):
        if send_digest(alert, now):
            result.sent += 1
        else:
            result.nothing_new += 1
    result.reminded = remind_before_the_end(now)
    return result


def remind_before_the_end(now: datetime.datetime) -> int:
    """Tell each alert whose year ends in REMINDER_DAYS how to keep it: once, from the daily
    run whose day falls exactly that far before the end (no state kept for it)."""
    ends_after = now - retention() + datetime.timedelta(days=REMINDER_DAYS)
    due = AlertSubscription.objects.confirmed().filter(
        confirmed_at__gt=ends_after - datetime.timedelta(days=1), confirmed_at__lte=ends_after
    )
    for alert in due:
        emails.alert_ending(
            to=alert.email,
            place=alert.place,
            ends_on=ends_on(alert),
            renew_url=link(alert, "renew"),
            unsubscribe_url=link(alert, "unsubscribe"),
        )
    return len(due)
