import datetime
import io
import socket
import socketserver
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from engagement import outbox
from engagement.models import OutgoingEmail, ProblemReport, Referral
from services.models import Service
from tests.factories import MembershipFactory, ServiceFactory, UserFactory

from .conftest import PERSONAL_VALUES
from .test_feedback import GOOD_REPORT
from .test_submissions import final_step

CLOSED_PORT = 8399  # in this suite's port range; nothing listens on it
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
START = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


def _closed_port() -> int:
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", CLOSED_PORT)) != 0, "port 8399 must be closed"
    return CLOSED_PORT


@pytest.fixture
def refusing_mail_server(settings):
    """Real SMTP delivery to a port where the connection is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    return settings


@pytest.fixture
def reported_service(db):
    service = ServiceFactory(name="Paisley Peer Group")
    MembershipFactory(organisation=service.organisation, user=UserFactory(email="ed@org.example"))
    return service


def test_a_referral_is_saved_once_and_its_email_queued_when_the_mail_server_refuses(
    client, world, refusing_mail_server, django_capture_on_commit_callbacks
):
    worker, service = world["worker_b"], world["service"]
    client.force_login(worker)
    check, data = final_step(client, service)
    with django_capture_on_commit_callbacks(execute=True) as tried:
        response = client.post(check, data)
    referral = Referral.objects.get(referrer=worker)
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:referral_detail", args=[referral.pk])
    assert "Referral sent to" in client.get(response["Location"]).content.decode()
    assert len(tried) == 1  # the try straight after commit happened, and failed quietly
    [queued] = OutgoingEmail.objects.all()
    assert (queued.kind, queued.to, queued.attempts) == (
        "new-referral",
        [service.referral_email],
        1,
    )
    assert queued.last_error.startswith("ConnectionRefusedError")
    assert queued.status == OutgoingEmail.Status.QUEUED


def test_queued_referral_emails_hold_no_personal_details(
    client, world, refusing_mail_server, django_capture_on_commit_callbacks
):
    worker, service = world["worker_b"], world["service"]
    worker.email = "worker@example.org"
    worker.save()
    client.force_login(worker)
    check, data = final_step(client, service)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(check, data)
    referral = Referral.objects.get(referrer=worker)
    client.force_login(world["member"])
    update = reverse("engagement:referral_update", args=[referral.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("engagement:referral_detail", args=[referral.pk]))
        client.post(update, {"to": "accepted"})
    queued = list(OutgoingEmail.objects.values_list("kind", "subject", "body"))
    assert sorted(kind for kind, _, _ in queued) == ["new-referral", "referral-updated"]
    for value in PERSONAL_VALUES:
        assert all(value not in subject + body for _, subject, body in queued)


def test_a_problem_report_is_saved_once_when_the_mail_server_refuses(
    client, reported_service, refusing_mail_server, django_capture_on_commit_callbacks
):
    url = reverse("engagement:report_problem", args=[reported_service.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, GOOD_REPORT)
    sent = reverse("engagement:report_problem_sent", args=[reported_service.slug])
    assert response["Location"] == sent
    assert client.get(sent).status_code == 200
    assert ProblemReport.objects.count() == 1
    assert OutgoingEmail.objects.get().to == ["ed@org.example"]
    assert mail.outbox == []


def test_a_password_reset_link_is_queued_when_the_mail_server_refuses(
    client, db, refusing_mail_server, django_capture_on_commit_callbacks
):
    UserFactory(email="morag@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": "morag@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    queued = OutgoingEmail.objects.get()
    assert (queued.kind, queued.subject) == (
        "password-reset",
        "Reset your Recovery Directory password",
    )
    assert "/accounts/reset/" in queued.body


def test_the_command_sends_it_once_the_mail_server_works_again(
    client, reported_service, refusing_mail_server, django_capture_on_commit_callbacks
):
    url = reverse("engagement:report_problem", args=[reported_service.slug])
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, GOOD_REPORT)
    refusing_mail_server.EMAIL_BACKEND = LOCMEM
    with time_machine.travel(START + datetime.timedelta(seconds=59), tick=False):
        call_command("send_queued_mail", stdout=io.StringIO())
    assert mail.outbox == []  # still waiting: the first retry is a minute after the failure
    out = io.StringIO()
    with time_machine.travel(START + datetime.timedelta(minutes=1), tick=False):
        call_command("send_queued_mail", stdout=out)
    assert out.getvalue().startswith("Sent 1, failed 0")
    [message] = mail.outbox
    assert message.to == ["ed@org.example"]
    assert message.subject == "Someone reported a problem with Paisley Peer Group"
    assert not OutgoingEmail.objects.exists()  # the address goes with the sent email


def test_retries_back_off_and_stop_after_the_maximum_then_show_in_the_admin(
    client, db, refusing_mail_server, moderator
):
    refusing_mail_server.EMAIL_MAX_ATTEMPTS = 4
    with time_machine.travel(START, tick=False):
        email = outbox.queue(kind="test", subject="Hello", body="Body", to=["a@example.org"])
    waits = []
    moment = START
    for _ in range(6):
        with time_machine.travel(moment, tick=False):
            outbox.send_due()
        email.refresh_from_db()
        if email.status == OutgoingEmail.Status.FAILED:
            break
        waits.append(email.next_attempt_at - moment)
        moment = email.next_attempt_at
    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4]
    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, 4)
    with time_machine.travel(moment + datetime.timedelta(days=1), tick=False):
        assert outbox.send_due().failed == 0  # given up: not tried again
    client.force_login(moderator)
    page = client.get(reverse("admin:engagement_outgoingemail_changelist") + "?status=failed")
    assert page.status_code == 200
    assert "Hello" in page.content.decode()


def test_a_moderator_can_queue_a_failed_email_again(client, db, moderator, settings):
    email = outbox.queue(kind="test", subject="Hello", body="Body", to=["a@example.org"])
    OutgoingEmail.objects.filter(pk=email.pk).update(status="failed", attempts=10)
    client.force_login(moderator)
    changelist = reverse("admin:engagement_outgoingemail_changelist")
    client.post(changelist, {"action": "try_again", "_selected_action": [email.pk]})
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 0)
    assert outbox.send_due().sent == 1
    assert mail.outbox[0].subject == "Hello"


def test_organisation_members_cannot_see_the_outbox(client, reported_service):
    member = reported_service.organisation.memberships.get().user
    client.force_login(member)
    changelist = reverse("admin:engagement_outgoingemail_changelist")
    assert client.get(changelist).status_code == 403


class SecondSenderMidway(LocmemBackend):
    """While the first sender is sending its first email, a second run starts and finishes."""

    started = False

    def send_messages(self, messages):
        if not SecondSenderMidway.started:
            SecondSenderMidway.started = True
            outbox.send_due()
        return super().send_messages(messages)


def test_two_runs_at_once_send_each_email_once(db, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SecondSenderMidway"
    SecondSenderMidway.started = False
    for n in range(5):
        outbox.queue(kind="test", subject=f"Email {n}", body="Body", to=["a@example.org"])
    result = outbox.send_due()
    assert sorted(m.subject for m in mail.outbox) == [f"Email {n}" for n in range(5)]
    assert result.sent + result.skipped == 5
    assert result.skipped >= 1
    assert not OutgoingEmail.objects.exists()


class SlowBackend(LocmemBackend):
    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_processes_racing_on_postgresql_send_each_email_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race matters on PostgreSQL")
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    now = timezone.now()
    for n in range(20):
        OutgoingEmail.objects.create(
            kind="test", subject=f"Email {n}", body="B", to=["a@x.org"], next_attempt_at=now
        )
    results = []

    def run():
        try:
            results.append(outbox.send_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    subjects = [m.subject for m in mail.outbox]
    assert sorted(subjects) == sorted(f"Email {n}" for n in range(20))
    assert sum(r.sent for r in results) == 20
    assert all(r.sent for r in results)  # both really ran at the same time


def test_a_hung_mail_server_costs_a_request_no_more_than_the_timeout(
    client, reported_service, settings, django_capture_on_commit_callbacks
):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 8398))
    silent.listen()  # accepts connections, never says hello
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 8398
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 1
        url = reverse("engagement:report_problem", args=[reported_service.slug])
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, GOOD_REPORT)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 302
    assert elapsed < 5
    assert "timed out" in OutgoingEmail.objects.get().last_error


def test_a_legacy_name_with_a_line_break_does_not_break_reporting_a_problem(
    client, reported_service, django_capture_on_commit_callbacks
):
    Service.objects.filter(pk=reported_service.pk).update(name="Paisley\r\nBcc: x@evil.example")
    url = reverse("engagement:report_problem", args=[reported_service.slug])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, GOOD_REPORT)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "Someone reported a problem with Paisley Bcc: x@evil.example"
    assert message.to == ["ed@org.example"]
    assert message.bcc == []


def test_old_submission_keys_and_long_failed_emails_are_forgotten(db):
    from engagement.models import SubmissionKey

    with time_machine.travel(START, tick=False):
        SubmissionKey.objects.create(key="k" * 32, scope="suggestion")
        failed = outbox.queue(kind="test", subject="S", body="B", to=["a@example.org"])
        OutgoingEmail.objects.filter(pk=failed.pk).update(status="failed")
    with time_machine.travel(START + datetime.timedelta(days=6), tick=False):
        outbox.send_due()
    assert SubmissionKey.objects.exists()
    with time_machine.travel(START + datetime.timedelta(days=8), tick=False):
        outbox.send_due()
    assert not SubmissionKey.objects.exists()
    assert OutgoingEmail.objects.exists()
    with time_machine.travel(START + datetime.timedelta(days=31), tick=False):
        outbox.send_due()
    assert not OutgoingEmail.objects.exists()


def test_emails_are_not_sent_before_the_transaction_commits(db):
    email = outbox.queue(kind="test", subject="S", body="B", to=["a@example.org"])
    assert mail.outbox == []  # the test's transaction is still open
    assert email.next_attempt_at <= timezone.now()


class TinySMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greets, says 250 to everything, keeps each message."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 tiny test server")
        message: list[str] | None = None
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if message is not None:
                if line == ".":
                    self.server.messages.append("\n".join(message))
                    message = None
                    self.reply("250 queued")
                else:
                    message.append(line)
            elif line.upper().startswith("DATA"):
                message = []
                self.reply("354 go on")
            elif line.upper().startswith("QUIT"):
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def test_a_real_smtp_server_gets_the_email_once_it_is_back(
    client, reported_service, settings, django_capture_on_commit_callbacks
):
    port = 8397
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2
    url = reverse("engagement:report_problem", args=[reported_service.slug])
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, GOOD_REPORT).status_code == 302  # server down: refused
    assert OutgoingEmail.objects.get().attempts == 1
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", port), TinySMTPHandler) as server:
        server.messages = []
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        try:
            with time_machine.travel(START + datetime.timedelta(minutes=2), tick=False):
                call_command("send_queued_mail", stdout=io.StringIO())
        finally:
            server.shutdown()
            serving.join(timeout=5)
    [received] = server.messages
    assert "Subject: Someone reported a problem with Paisley Peer Group" in received
    assert "To: ed@org.example" in received
    assert not OutgoingEmail.objects.exists()
