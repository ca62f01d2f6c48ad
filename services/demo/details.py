"""The facts about a demo service beyond its wording: intake, review date, cost, referrals
and ages. Each takes pre-drawn random numbers, so it never changes how many are drawn."""

import datetime

from django.utils import timezone

from services.models import Service

from .layout import AGE_RANGES
from .variants import Variant

INTAKE_ODDS = (
    (0.06, Service.Intake.FULL),
    (0.14, Service.Intake.WAITING_LIST),
    (0.18, Service.Intake.PAUSED),
)
# (upper limit of the roll, days ago from, spread in days): mostly recent, some more than six
# months and some more than a year overdue for review.
REVIEW_BANDS = ((0.58, 1, 88), (0.78, 90, 80), (0.91, 190, 170), (1.01, 370, 330))
NEVER_CHECKED = 0.03


def texts(variant: Variant, words: dict[str, str]) -> dict:
    return {
        "summary": variant.summary.format(**words),
        "description": variant.description.format(**words),
        "first_visit": variant.first_visit.format(**words),
        "how_to_get_support": variant.how_to.format(**words),
    }


def details(
    variant: Variant,
    draws: list[float],
    org_slug: str,
    now: datetime.datetime,
    checked_by_id: int | None,
) -> dict:
    return {
        **intake(draws, timezone.localdate(now)),
        **review(draws, now, checked_by_id),
        **cost(variant, draws),
        **referrals(variant, draws, org_slug),
        **ages(variant),
    }


def intake(draws: list[float], today: datetime.date) -> dict:
    roll, until_roll = draws[0], draws[1]
    status = next((value for limit, value in INTAKE_ODDS if roll < limit), "welcoming")
    until = None
    if status != Service.Intake.WELCOMING and until_roll < 0.6:
        until = today + datetime.timedelta(days=14 + int(until_roll * 150))
    elif status != Service.Intake.WELCOMING and until_roll > 0.92:
        until = today - datetime.timedelta(days=10)  # lapsed: shows as welcoming again
    running = Service.Status.INACTIVE if draws[6] < 0.03 else Service.Status.ACTIVE
    return {"intake_status": status, "intake_status_until": until, "status": running}


def review(draws: list[float], now: datetime.datetime, checked_by_id: int | None) -> dict:
    roll, spread = draws[2], draws[3]
    if roll < NEVER_CHECKED:
        return {"last_checked_at": None, "last_checked_by_id": None}
    first, width = next((first, width) for limit, first, width in REVIEW_BANDS if roll < limit)
    checked = now - datetime.timedelta(
        days=first + int(spread * width), minutes=int(draws[4] * 600)
    )
    return {
        "last_checked_at": checked.replace(second=0, microsecond=0),
        "last_checked_by_id": checked_by_id,
    }


def cost(variant: Variant, draws: list[float]) -> dict:
    if variant.cost == Service.Cost.FREE and draws[5] < 0.08:
        return {
            "cost": Service.Cost.DONATION,
            "cost_description": "Free. Donations towards room hire are welcome.",
        }
    return {"cost": variant.cost, "cost_description": variant.cost_description}


def referrals(variant: Variant, draws: list[float], org_slug: str) -> dict:
    accepts = variant.referrals or (draws[7] < 0.08 and "self-referral" in variant.routes)
    if not accepts:
        return {"accepts_referrals": False, "referral_email": "", "referral_url": ""}
    url = f"https://www.example.org/demo/{org_slug}/refer/" if draws[7] < 0.04 else ""
    return {
        "accepts_referrals": True,
        "referral_email": f"referrals.{org_slug}@example.org",
        "referral_url": url,
    }


def ages(variant: Variant) -> dict:
    for audience in variant.audiences:
        if audience in AGE_RANGES:
            low, high = AGE_RANGES[audience]
            return {"min_age": low, "max_age": high}
    return {"min_age": None, "max_age": None}
