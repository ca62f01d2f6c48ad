import datetime
import io
import re

import pytest
import time_machine
from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.utils import timezone

from engagement.models import ReviewReminder
from engagement.outbox import send_due
from engagement.reminders import send_review_reminders, still_correct_token
from services.models import Service
from tests.factories import (
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    ServiceFactory,
    UserFactory,
)

NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


def _remind():
    """The daily job, then the mail queue (as cron runs `send_queued_mail`)."""
    result = send_review_reminders()
    send_due()
    return result


def _ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def _service(organisation, name, *, checked_days_ago=None, created_days_ago=800, **kwargs):
    service = ServiceFactory(organisation=organisation, name=name, **kwargs)
    checked = _ago(checked_days_ago) if checked_days_ago is not None else None
    Service.objects.filter(pk=service.pk).update(
        last_checked_at=checked, created_at=_ago(created_days_ago)
    )
    service.refresh_from_db()
    return service


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, frozen):
    organisation = OrganisationFactory(name="Paisley Peer Network")
    members = [
        MembershipFactory(organisation=organisation, user__email="ann@example.org").user,
        MembershipFactory(organisation=organisation, user__email="bob@example.org").user,
    ]
    MembershipFactory(organisation=organisation, user__email="")  # cannot be emailed
    MembershipFactory(
        organisation=organisation, user__email="gone@example.org", user__is_active=False
    )
    unlisted = OrganisationFactory(name="Closed Charity", is_active=False)
    services = {
        "overdue": _service(organisation, "Overdue Group", checked_days_ago=200),
        "fresh": _service(organisation, "Fresh Group", checked_days_ago=30),
        "never": _service(organisation, "Never Checked Group", created_days_ago=250),
        "new": _service(organisation, "Brand New Group", created_days_ago=7),
        "stale": _service(organisation, "Stale Group", checked_days_ago=400),
        "defunct": _service(
            organisation, "Defunct Group", checked_days_ago=400, status=Service.Status.DEFUNCT
        ),
        "unlisted": _service(unlisted, "Unlisted Group", checked_days_ago=400),
    }
    MembershipFactory(organisation=unlisted, user__email="unlisted@example.org")
    moderators = [ModeratorFactory(email="mod1@example.org"), ModeratorFactory(email="")]
    return {"members": members, "services": services, "moderators": moderators}


def _emails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_members_get_their_overdue_listings_and_moderators_one_digest(world):
    result = _remind()

    assert len(mail.outbox) == 3
    for address in ("ann@example.org", "bob@example.org"):
        (message,) = _emails_to(address)
        assert message.to == [address]
        assert "Paisley Peer Network" in message.subject
        listed = re.findall(r"^- (.+?) \(", message.body, flags=re.MULTILINE)
        assert listed == ["Never Checked Group", "Overdue Group", "Stale Group"]
        assert message.body.count("/still-correct/") == 3
    (digest,) = _emails_to("mod1@example.org")
    assert digest.to == ["mod1@example.org"]
    assert digest.subject == "1 listings not checked for 12 months"
    assert "Stale Group (Paisley Peer Network)" in digest.body
    assert f"/admin/services/service/{world['services']['stale'].pk}/change/" in digest.body
    for name in ("Fresh Group", "Brand New Group", "Defunct Group", "Unlisted Group"):
        assert all(name not in m.body for m in mail.outbox)
    assert (result.reminded_services, result.reminder_emails) == (3, 2)
    assert (result.escalated_services, result.digest_emails) == (1, 1)


def test_each_member_gets_links_signed_for_them(world):
    _remind()
    ann, bob = world["members"]
    stale = world["services"]["stale"]
    assert still_correct_token(service=stale, user=ann) in _emails_to("ann@example.org")[0].body
    assert still_correct_token(service=stale, user=bob) in _emails_to("bob@example.org")[0].body


def test_a_second_run_the_same_day_sends_nothing(world):
    _remind()
    mail.outbox.clear()
    result = _remind()
    assert mail.outbox == []
    assert result.reminded_services == result.escalated_services == 0


def test_next_day_only_newly_overdue_listings_are_sent(world, frozen):
    _remind()
    mail.outbox.clear()
    frozen.shift(datetime.timedelta(days=1))
    Service.objects.filter(pk=world["services"]["fresh"].pk).update(last_checked_at=_ago(190))
    _remind()
    assert {m.to[0] for m in mail.outbox} == {"ann@example.org", "bob@example.org"}
    assert all(re.findall(r"^- (.+?) \(", m.body, re.M) == ["Fresh Group"] for m in mail.outbox)


def test_listings_are_mentioned_again_after_a_week(world, frozen):
    _remind()
    frozen.shift(datetime.timedelta(days=6))
    mail.outbox.clear()
    _remind()
    assert mail.outbox == []
    frozen.shift(datetime.timedelta(days=1))
    _remind()
    assert len(mail.outbox) == 3
    assert ReviewReminder.objects.filter(kind="reminder").count() == 6


def test_checking_a_listing_stops_its_reminders(world, frozen, client):
    _remind()
    ann = world["members"][0]
    overdue = world["services"]["overdue"]
    client.post(f"/still-correct/{still_correct_token(service=overdue, user=ann)}/")
    mail.outbox.clear()
    frozen.shift(datetime.timedelta(days=7))
    _remind()
    assert all("Overdue Group" not in m.body for m in mail.outbox)


def test_an_organisation_nobody_can_be_emailed_about_is_not_logged_as_reminded(db, frozen):
    organisation = OrganisationFactory()
    service = _service(organisation, "Orphan Group", checked_days_ago=200)
    _remind()
    assert mail.outbox == []
    assert not ReviewReminder.objects.filter(service=service).exists()


def test_the_command_reports_what_it_sent(world):
    out = _call("send_review_reminders")
    assert out == (
        "Reminded about 3 listings in 2 emails; escalated 1 listings to moderators in 1 digest.\n"
    )


def test_the_command_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="--date must be a date like 2026-06-01"):
        call_command("send_review_reminders", "--date", "yesterday")


def _call(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# The one-click "still correct" link


@pytest.fixture
def link(world):
    ann = world["members"][0]
    service = world["services"]["overdue"]
    return {
        "url": f"/still-correct/{still_correct_token(service=service, user=ann)}/",
        "service": service,
        "member": ann,
    }


def test_opening_the_link_shows_a_button_and_changes_nothing(link, client):
    response = client.get(link["url"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yes, it is still correct" in html
    assert "Overdue Group" in html
    link["service"].refresh_from_db()
    assert link["service"].last_checked_at == _ago(200)


def test_pressing_the_button_marks_the_listing_checked_by_the_member(link, client):
    response = client.post(link["url"])
    assert response.status_code == 200
    assert "is marked as checked today" in response.content.decode()
    service = link["service"]
    service.refresh_from_db()
    assert service.last_checked_at == timezone.now()
    assert service.last_checked_by == link["member"]
    latest = service.history.first()
    assert latest.history_user == link["member"]
    assert latest.history_change_reason == "Marked as checked (from a reminder email)"


def test_a_link_older_than_30_days_is_refused(link, client, frozen):
    frozen.shift(datetime.timedelta(days=31))
    response = client.post(link["url"])
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    link["service"].refresh_from_db()
    assert link["service"].last_checked_at == _ago(200)


def test_a_tampered_link_is_refused(link, client):
    token = link["url"].split("/")[2]
    payload, timestamp, signature = token.split(":")
    someone_else = signing.b64_encode(
        signing.JSONSerializer().dumps({"s": str(link["service"].pk), "u": 999})
    ).decode()
    forged = signing.dumps({"s": str(link["service"].pk), "u": link["member"].pk})
    for bad in (
        f"{someone_else}:{timestamp}:{signature}",
        f"{payload}:{timestamp}:{signature[:-2]}xx",
        f"{payload}:{signing.b62_encode(signing.b62_decode(timestamp) + 99)}:{signature}",
        forged,
        "nonsense",
    ):
        assert client.post(f"/still-correct/{bad}/").status_code == 400
    assert client.get(f"/still-correct/{token}/").status_code == 200
    link["service"].refresh_from_db()
    assert link["service"].last_checked_at == _ago(200)


def test_a_link_stops_working_when_the_member_leaves_the_organisation(link, client):
    link["member"].memberships.all().delete()
    assert client.post(link["url"]).status_code == 400


def test_a_link_for_another_organisations_listing_is_refused(link, client):
    other = ServiceFactory()
    token = still_correct_token(service=other, user=link["member"])
    assert client.post(f"/still-correct/{token}/").status_code == 400


def test_a_link_for_a_deactivated_account_is_refused(link, client):
    UserFactory._meta.model.objects.filter(pk=link["member"].pk).update(is_active=False)
    assert client.get(link["url"]).status_code == 400
