"""Outgoing emails. Referral emails never contain personal data: only a pointer to sign in.

Every email goes through `send`, which queues it in the outbox (engagement/outbox.py) in the
caller's transaction: it is sent after commit and retried until it goes, so a mail-server
failure never loses it and never turns a saved submission into an error page.
"""

from django.conf import settings
from django.urls import reverse

from services.links import site_url

from . import outbox


def send(kind: str, subject: str, body: str, to: list[str], headers=None) -> None:
    outbox.queue(kind=kind, subject=subject, body=body, to=to, headers=headers)


def _url(name: str) -> str:
    return f"{site_url()}{reverse(name)}"


def new_referral(*, to: str) -> None:
    inbox = _url("engagement:referral_inbox")
    send(
        "new-referral",
        "You have a new referral",
        f"You have a new referral, sign in to see it: {inbox}\n",
        [to],
    )


def referral_reminder(*, to: str) -> None:
    inbox = _url("engagement:referral_inbox")
    send(
        "referral-reminder",
        "A referral is waiting for you",
        f"A referral has been waiting for a week, sign in to see it: {inbox}\n"
        "Referrals not answered within "
        f"{getattr(settings, 'REFERRAL_AUTO_DECLINE_DAYS', 14)} days are declined automatically.\n",
        [to],
    )


def referral_updated(*, to: str) -> None:
    mine = _url("engagement:referral_list")
    send(
        "referral-updated",
        "A referral you made has been updated",
        f"A referral you made has been updated, sign in to see it: {mine}\n",
        [to],
    )


def password_reset(*, subject: str, body: str, to: str) -> None:
    """Django's reset link, rendered from templates/registration/password_reset_*.txt."""
    send("password-reset", subject, body, [to])


def shortlist_link(*, to: str, url: str) -> None:
    send(
        "list-link",
        "Your list of support services",
        "Here is the list of support services you asked us to send.\n\n"
        f"{url}\n\n"
        "The link works for "
        f"{getattr(settings, 'SHORTLIST_SHARE_DAYS', 90)} days. "
        "We deleted your email address once this email was sent.\n",
        [to],
    )


def problem_reported(*, report, to: list[str]) -> None:
    """To the organisation's members. The reporter's email address is never included."""
    details = report.details or "No details given."
    send(
        "problem-reported",
        f"Someone reported a problem with {report.service.name}",
        f"Someone using the Recovery Directory reported a problem with {report.service.name}:\n\n"
        f"{report.get_reason_display()}\n\n{details}\n\n"
        f"Please check the listing and update it if needed: {site_url()}/admin/\n",
        to,
    )


def problem_fixed(*, to: str, service_name: str) -> None:
    send(
        "problem-fixed",
        f"Thank you: we have looked at {service_name}",
        f"Thank you for telling us about a problem with {service_name} on the Recovery "
        "Directory. We have looked into it and updated the listing where needed.\n\n"
        "We have now deleted your email address.\n",
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
    send(
        "review-reminder",
        f"Please check your listings on the Recovery Directory ({organisation.name})",
        f"These listings of {organisation.name} have not been checked for {months} months or "
        "more. People rely on them being right.\n\n"
        + "\n".join(lines)
        + "\nIf a listing is still correct, open its link and press the button: you do not "
        f"need to sign in. The links work for {days} days.\n\n"
        f"If something has changed, sign in and update it: {_url('login')}\n",
        [to],
    )


def stale_listings_digest(*, to: list[str], services: list) -> None:
    months = getattr(settings, "STALE_LISTING_MONTHS", 12)
    lines = [
        f"- {s.name} ({s.organisation.name}): {site_url()}"
        f"{reverse('admin:services_service_change', args=[s.pk])}"
        for s in services
    ]
    send(
        "stale-digest",
        f"{len(services)} listings not checked for {months} months",
        f"Nobody has confirmed these listings for {months} months or more. The public pages "
        "now say they may be out of date. Please contact the organisations, or mark the "
        "listings inactive.\n\n" + "\n".join(lines) + "\n",
        to,
    )


def invitation(*, to: str, organisation_name: str, role: str, url: str) -> None:
    """An invitation to join an organisation. It says nothing about whether the address
    already has an account: the link's page handles both."""
    days = getattr(settings, "INVITATION_DAYS", 7)
    send(
        "invitation",
        f"You are invited to keep {organisation_name}'s listings up to date",
        f"You have been invited to join {organisation_name} on the Recovery Directory as "
        f"{role}, to keep its listings up to date.\n\n"
        f"To accept, open this link within {days} days:\n{url}\n\n"
        "If you were not expecting this, ignore this email: nothing happens unless you "
        "accept.\n",
        [to],
    )


# Email alerts (engagement/alerts.py). Plain text, links straight to our pages (no tracking),
# and an unsubscribe link plus one-click List-Unsubscribe headers (RFC 8058) in every one.


def _unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def alert_confirmation(
    *, to: str, place: str, radius_km: int, confirm_url: str, unsubscribe_url: str, days: int
) -> None:
    send(
        "alert-confirm",
        "Confirm your email alerts from the Recovery Directory",
        "Someone, we hope you, asked the Recovery Directory to email this address about new "
        f"mental health support within {radius_km} km of {place}.\n\n"
        f"To start the alerts, open this link within {days} days and press Confirm:\n"
        f"{confirm_url}\n\n"
        "If you did not ask for this, ignore this email: we will not email you again and "
        f"will delete your address after {days} days. To delete it now: {unsubscribe_url}\n",
        [to],
        headers=_unsubscribe_headers(unsubscribe_url),
    )


def alert_digest(
    *,
    to: str,
    place: str,
    radius_km: int,
    types: list[str],
    services: list,
    search_url: str,
    unsubscribe_url: str,
    renew_url: str,
    ends_on,
) -> None:
    """`services`: alerts.NewService items, nearest first."""
    count = len(services)
    what = f" ({', '.join(types)})" if types else ""
    listing = "\n".join(
        f"{s.name}, run by {s.organisation} ({s.distance_km:.1f} km away as the crow flies)\n"
        f"{s.summary}\n{s.url}\n"
        for s in services
    )
    send(
        "alert-digest",
        f"New support near {place}: {count} service{'s' if count != 1 else ''}",
        f"New in the Recovery Directory within {radius_km} km of {place}{what}:\n\n"
        f"{listing}\n"
        f"Everything near {place}: {search_url}\n\n"
        f"These alerts stop on {ends_on.day} {ends_on:%B %Y}. To keep them for another "
        f"year: {renew_url}\n"
        f"To stop them now and delete your email address: {unsubscribe_url}\n",
        [to],
        headers=_unsubscribe_headers(unsubscribe_url),
    )


def alert_ending(*, to: str, place: str, ends_on, renew_url: str, unsubscribe_url: str) -> None:
    send(
        "alert-ending",
        "Your Recovery Directory alerts end soon",
        f"Your email alerts about new support near {place} end on {ends_on.day} "
        f"{ends_on:%B %Y}, a year after you confirmed them. Then we delete your email "
        "address.\n\n"
        f"To keep them for another year: {renew_url}\n"
        f"To stop them now and delete your email address: {unsubscribe_url}\n"
        "To let them end, do nothing.\n",
        [to],
        headers=_unsubscribe_headers(unsubscribe_url),
    )
