import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from engagement.actions import draft_from_suggestion, resolve_problem_report
from engagement.admin import ProblemReportAdmin
from engagement.models import ProblemReport, Suggestion
from services.models import Service
from tests.factories import MembershipFactory, ServiceFactory, UserFactory

GOOD_REPORT = {"reason": "wrong-times", "details": "Now on Thursdays", "website": ""}
GOOD_SUGGESTION = {
    "name": "Greenock Men's Shed",
    "organisation_name": "Inverclyde Sheds",
    "description": "A workshop where men meet, make things and talk.",
    "where": "Greenock",
    "contact": "www.example.org",
    "how_known": "use-it",
    "website": "",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def service(db):
    service = ServiceFactory(name="Paisley Peer Group")
    MembershipFactory(organisation=service.organisation, user=UserFactory(email="ed@org.example"))
    return service


def _report_url(service):
    return reverse("engagement:report_problem", args=[service.slug])


def test_report_goes_to_the_queue_and_members_without_the_reporters_email(
    client, service, django_capture_on_commit_callbacks
):
    data = {**GOOD_REPORT, "reporter_email": "me@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_report_url(service), data)
    assert response["Location"] == reverse("engagement:report_problem_sent", args=[service.slug])
    report = ProblemReport.objects.get()
    assert (report.reason, report.details, report.status) == (
        "wrong-times",
        "Now on Thursdays",
        "open",
    )
    assert report.reporter_email == "me@example.org"
    [message] = mail.outbox
    assert message.to == ["ed@org.example"]
    assert "Now on Thursdays" in message.body
    assert "me@example.org" not in message.body
    assert client.get(response["Location"]).status_code == 200


def test_bad_report_shows_an_error_summary_with_field_messages(client, service):
    response = client.post(
        _report_url(service), {"details": "x" * 1001, "reporter_email": "nope", "website": ""}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert 'href="#id_reason"' in body
    assert "Choose what is wrong with this listing" in body
    assert "at most 1000 characters" in body
    assert "Enter an email address in the correct format" in body
    assert "<title>Error:" in body
    assert not ProblemReport.objects.exists()


def test_report_page_for_an_unknown_service_is_not_found(client, db):
    assert client.get("/services/no-such-service/report/").status_code == 404


def test_spam_and_floods_are_refused_but_a_real_report_at_the_same_time_is_kept(
    client, service, settings
):
    settings.PUBLIC_FORMS_PER_HOUR = 3
    url = _report_url(service)
    bot = client.post(url, {**GOOD_REPORT, "website": "buy pills"}, REMOTE_ADDR="203.0.113.9")
    assert bot.status_code == 302  # looks like success to the robot
    for _ in range(5):
        last = client.post(url, {**GOOD_REPORT, "details": "flood"}, REMOTE_ADDR="203.0.113.7")
    assert last.status_code == 429
    assert "try again in an hour" in last.content.decode()
    client.post(url, {**GOOD_REPORT, "details": "real"}, REMOTE_ADDR="198.51.100.4")
    details = list(ProblemReport.objects.values_list("details", flat=True))
    assert details.count("flood") == 3
    assert "real" in details
    assert "buy pills" not in str(list(ProblemReport.objects.values()))


def test_resolving_a_report_emails_the_reporter_and_forgets_them(
    service, moderator, django_capture_on_commit_callbacks
):
    report = ProblemReport.objects.create(
        service=service, reason="closed", reporter_email="me@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert resolve_problem_report(report, by=moderator, tell_reporter=True)
    report.refresh_from_db()
    assert (report.status, report.reporter_email, report.resolved_by) == (
        "resolved",
        "",
        moderator,
    )
    assert mail.outbox[-1].to == ["me@example.org"]


def test_members_see_only_their_own_services_reports_in_the_admin(service, moderator):
    other = ProblemReport.objects.create(service=ServiceFactory(), reason="closed")
    mine = ProblemReport.objects.create(service=service, reason="closed")
    model_admin = ProblemReportAdmin(ProblemReport, site)
    request = RequestFactory().get("/")
    request.user = service.organisation.memberships.get().user
    assert list(model_admin.get_queryset(request)) == [mine]
    request.user = moderator
    assert set(model_admin.get_queryset(request)) == {mine, other}


def test_suggestion_is_saved_and_bad_input_shows_errors(client, db):
    response = client.post(reverse("engagement:suggest"), GOOD_SUGGESTION)
    assert response["Location"] == reverse("engagement:suggest_sent")
    assert Suggestion.objects.get().name == "Greenock Men's Shed"
    response = client.post(reverse("engagement:suggest"), {"name": "x" * 201, "website": ""})
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_description"' in body
    assert "Say what the service is" in body
    assert "at most 200 characters" in body
    assert Suggestion.objects.count() == 1


def test_suggestion_honeypot_is_refused_quietly(client, db):
    response = client.post(reverse("engagement:suggest"), {**GOOD_SUGGESTION, "website": "x"})
    assert response["Location"] == reverse("engagement:suggest_sent")
    assert not Suggestion.objects.exists()


def test_a_suggestion_becomes_an_inactive_draft_service(db):
    suggestion = Suggestion.objects.create(
        **{k: v for k, v in GOOD_SUGGESTION.items() if k != "website"}
    )
    service = draft_from_suggestion(suggestion)
    assert service.status == Service.Status.INACTIVE
    assert service.organisation.name == "Inverclyde Sheds"
    assert not service.organisation.is_verified
    assert "Greenock" in service.description
    assert not Service.objects.published().filter(pk=service.pk).exists()
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.draft_service) == ("drafted", service)
    second = draft_from_suggestion(
        Suggestion.objects.create(name="Greenock Men's Shed", description="d", where="w")
    )
    assert second.slug == "greenock-mens-shed-2"
