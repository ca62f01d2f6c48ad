"""Outgoing emails. They never contain personal data: only a pointer to sign in."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse


def _url(name: str) -> str:
    return f"{settings.SITE_URL}{reverse(name)}"


def new_referral(*, to: str) -> None:
    inbox = _url("engagement:referral_inbox")
    send_mail(
        "You have a new referral",
        f"You have a new referral, sign in to see it: {inbox}\n",
        None,
        [to],
    )


def referral_reminder(*, to: str) -> None:
    inbox = _url("engagement:referral_inbox")
    send_mail(
        "A referral is waiting for you",
        f"A referral has been waiting for a week, sign in to see it: {inbox}\n"
        "Referrals not answered within "
        f"{getattr(settings, 'REFERRAL_AUTO_DECLINE_DAYS', 14)} days are declined automatically.\n",
        None,
        [to],
    )


def referral_updated(*, to: str) -> None:
    mine = _url("engagement:referral_list")
    send_mail(
        "A referral you made has been updated",
        f"A referral you made has been updated, sign in to see it: {mine}\n",
        None,
        [to],
    )


def shortlist_link(*, to: str, url: str) -> None:
    send_mail(
        "Your list of support services",
        "Here is the list of support services you asked us to send.\n\n"
        f"{url}\n\n"
        "The link works for "
        f"{getattr(settings, 'SHORTLIST_SHARE_DAYS', 90)} days. "
        "We have not kept your email address.\n",
        None,
        [to],
    )


def problem_reported(*, report, to: list[str]) -> None:
    """To the organisation's members. The reporter's email address is never included."""
    details = report.details or "No details given."
    send_mail(
        f"Someone reported a problem with {report.service.name}",
        f"Someone using the Recovery Directory reported a problem with {report.service.name}:\n\n"
        f"{report.get_reason_display()}\n\n{details}\n\n"
        f"Please check the listing and update it if needed: {settings.SITE_URL}/admin/\n",
        None,
        to,
    )


def problem_fixed(*, to: str, service_name: str) -> None:
    send_mail(
        f"Thank you: we have looked at {service_name}",
        f"Thank you for telling us about a problem with {service_name} on the Recovery "
        "Directory. We have looked into it and updated the listing where needed.\n\n"
        "We have now deleted your email address.\n",
        None,
        [to],
    )


def review_reminder(*, to: str, organisation, items: list) -> None:
    """`items`: (service, "still correct" link) pairs. The links work without signing in."""
    days = getattr(settings, "REVIEW_LINK_DAYS", 30)
    months = getattr(settings, "REVIEW_OVERDUE_MONTHS", 6)
    lines = []
    for service, link in items:
        checked = (
            f"last checked {service.last_checked_at:%d %B %Y}"
            if service.last_checked_at
            else "never checked"
        )
        lines.append(f"- {service.name} ({checked})\n  Still correct? {link}\n")
    send_mail(
        f"Please check your listings on the Recovery Directory ({organisation.name})",
        f"These listings of {organisation.name} have not been checked for {months} months or "
        "more. People rely on them being right.\n\n"
        + "\n".join(lines)
        + "\nIf a listing is still correct, open its link and press the button: you do not "
        f"need to sign in. The links work for {days} days.\n\n"
        f"If something has changed, sign in and update it: {_url('login')}\n",
        None,
        [to],
    )


def stale_listings_digest(*, to: list[str], services: list) -> None:
    months = getattr(settings, "STALE_LISTING_MONTHS", 12)
    lines = [
        f"- {s.name} ({s.organisation.name}): {settings.SITE_URL}"
        f"{reverse('admin:services_service_change', args=[s.pk])}"
        for s in services
    ]
    send_mail(
        f"{len(services)} listings not checked for {months} months",
        f"Nobody has confirmed these listings for {months} months or more. The public pages "
        "now say they may be out of date. Please contact the organisations, or mark the "
        "listings inactive.\n\n" + "\n".join(lines) + "\n",
        None,
        to,
    )
