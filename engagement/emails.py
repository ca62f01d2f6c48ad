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
