import datetime

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from engagement.actions import transition
from engagement.models import Referral
from engagement.outbox import send_due
from engagement.referrals import process_referrals

from .conftest import PERSONAL_VALUES, make_referral

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _referral_at(world, moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return make_referral(service=world["service"], referrer=world["worker_a"], **kwargs)


def test_reminder_after_seven_days_is_sent_once(world):
    referral = _referral_at(world, START)
    mail.outbox.clear()
    with time_machine.travel(START + datetime.timedelta(days=6, hours=23), tick=False):
        assert process_referrals().reminded == 0
    with time_machine.travel(START + datetime.timedelta(days=7, hours=1), tick=False):
        assert process_referrals().reminded == 1
        assert process_referrals().reminded == 0
        send_due()
    referral.refresh_from_db()
    assert referral.reminded_at is not None
    assert [m.to for m in mail.outbox] == [["referrals@example.org"]]
    for value in PERSONAL_VALUES:
        assert value not in mail.outbox[0].body


def test_unanswered_referral_is_declined_after_fourteen_days(world):
    referral = _referral_at(world, START)
    with time_machine.travel(START + datetime.timedelta(days=13), tick=False):
        process_referrals()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT
    with time_machine.travel(START + datetime.timedelta(days=14, minutes=1), tick=False):
        assert process_referrals().declined == 1
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert referral.decline_reason == Referral.DeclineReason.NOT_ANSWERED
    event = referral.events.last()
    assert (event.from_status, event.to_status, event.by) == ("sent", "declined", None)


def test_accepted_referral_is_not_auto_declined(world):
    referral = _referral_at(world, START, status=Referral.Status.ACCEPTED)
    with time_machine.travel(START + datetime.timedelta(days=20), tick=False):
        assert process_referrals().declined == 0
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def _assert_purged(referral):
    referral.refresh_from_db()
    assert referral.purged_at is not None
    for name in Referral.PERSONAL_FIELDS:
        assert getattr(referral, name) in ("", [])
    assert referral.service_id is not None
    assert referral.area.slug == "renfrewshire"


def test_closed_referral_is_purged_thirty_days_after_it_finished(world):
    referral = _referral_at(world, START, status=Referral.Status.ATTENDED)
    with time_machine.travel(START + datetime.timedelta(days=10), tick=False):
        transition(referral, Referral.Status.CLOSED, by=world["member"])
    with time_machine.travel(START + datetime.timedelta(days=39), tick=False):
        assert process_referrals().purged == 0
    referral.refresh_from_db()
    assert referral.first_name == "Morag"
    with time_machine.travel(START + datetime.timedelta(days=40, minutes=1), tick=False):
        assert process_referrals().purged == 1
    _assert_purged(referral)
    assert referral.status == Referral.Status.CLOSED
    assert referral.finished_at is not None


def test_any_referral_older_than_the_maximum_age_is_purged(world):
    referral = _referral_at(world, START, status=Referral.Status.CONTACTED)
    with time_machine.travel(START + datetime.timedelta(days=179), tick=False):
        assert process_referrals().purged == 0
    with time_machine.travel(START + datetime.timedelta(days=180, minutes=1), tick=False):
        assert process_referrals().purged == 1
        assert process_referrals().purged == 0
    _assert_purged(referral)
    assert referral.status == Referral.Status.CONTACTED


def test_retention_periods_come_from_settings(world, settings):
    settings.REFERRAL_AUTO_DECLINE_DAYS = 3
    referral = _referral_at(world, START)
    with time_machine.travel(START + datetime.timedelta(days=3, minutes=1), tick=False):
        process_referrals()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED


def test_purged_referral_page_says_details_were_deleted(client, world):
    referral = world["referral"]
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=200)
    )
    process_referrals()
    client.force_login(world["worker_a"])
    body = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "details were deleted" in body
    for value in PERSONAL_VALUES:
        assert value not in body


def test_command_reports_what_it_did(world, capsys):
    call_command("process_referrals")
    assert "Reminded 0, declined 0, purged 0." in capsys.readouterr().out
