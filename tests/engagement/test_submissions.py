import re

from django.urls import reverse

from engagement import submissions
from engagement.models import (
    OutgoingEmail,
    ProblemReport,
    Referral,
    SharedShortlist,
    SubmissionKey,
    Suggestion,
)
from tests.factories import ServiceFactory

from .test_feedback import GOOD_REPORT, GOOD_SUGGESTION
from .test_referral_journey import DETAILS, _consent

KEY = re.compile(r'name="submission_key" value="([A-Za-z0-9_-]+)"')


def _key_on(client, url: str) -> str:
    found = KEY.search(client.get(url).content.decode())
    assert found, "the form has a submission key"
    return found.group(1)


def test_each_rendering_of_a_form_carries_a_fresh_hidden_key(client, db):
    url = reverse("engagement:suggest")
    first, second = _key_on(client, url), _key_on(client, url)
    assert first != second
    assert len(first) >= 32
    assert 'type="hidden" name="submission_key"' in client.get(url).content.decode()


def test_a_problem_report_sent_twice_with_one_key_is_stored_once(client, db):
    service = ServiceFactory()
    url = reverse("engagement:report_problem", args=[service.slug])
    data = {**GOOD_REPORT, "submission_key": _key_on(client, url)}
    first, second = client.post(url, data), client.post(url, data)
    sent = reverse("engagement:report_problem_sent", args=[service.slug])
    assert first["Location"] == second["Location"] == sent
    assert ProblemReport.objects.count() == 1
    assert client.get(sent).status_code == 200


def test_a_repeat_does_not_use_up_the_hourly_limit(client, db, settings):
    settings.PUBLIC_FORMS_PER_HOUR = 1
    url = reverse("engagement:suggest")
    data = {**GOOD_SUGGESTION, "submission_key": _key_on(client, url)}
    for _ in range(3):
        assert client.post(url, data)["Location"] == reverse("engagement:suggest_sent")
    assert Suggestion.objects.count() == 1


def test_two_forms_with_different_keys_are_two_suggestions(client, db):
    url = reverse("engagement:suggest")
    for _ in range(2):
        client.post(url, {**GOOD_SUGGESTION, "submission_key": _key_on(client, url)})
    assert Suggestion.objects.count() == 2


def test_a_malformed_key_is_ignored_and_the_form_still_works(client, db):
    url = reverse("engagement:suggest")
    for _ in range(2):
        client.post(url, {**GOOD_SUGGESTION, "submission_key": "<script>"})
    assert Suggestion.objects.count() == 2
    assert not SubmissionKey.objects.exists()


def test_emailing_a_list_twice_with_one_key_queues_one_email(client, db):
    shared = SharedShortlist.objects.create(
        service_ids=[str(ServiceFactory().pk)], expires_at="2999-01-01T00:00Z"
    )
    page = reverse("engagement:shared_list", args=[shared.token])
    url = reverse("engagement:shared_list_email", args=[shared.token])
    data = {"email": "friend@example.org", "website": "", "submission_key": _key_on(client, page)}
    for _ in range(2):
        response = client.post(url, data, follow=True)
        assert "We have emailed the link" in response.content.decode()
    assert SubmissionKey.objects.filter(scope="email-list").count() == 1
    [queued] = OutgoingEmail.objects.all()
    assert queued.to == ["friend@example.org"]


def final_step(client, service) -> tuple[str, dict]:
    """Consent, details, then the "Check your answers" page: its address and what it posts."""
    details = _consent(client, service)["Location"]
    check = client.post(details, DETAILS)["Location"]
    return check, {"submission_key": _key_on(client, check)}


def test_a_referral_sent_twice_is_stored_once_and_both_show_it(client, world):
    worker, service = world["worker_b"], world["service"]
    client.force_login(worker)
    check, data = final_step(client, service)
    first = client.post(check, data)
    second = client.post(check, data)  # the journey in the session is used up by now
    referral = Referral.objects.get(referrer=worker)
    assert first["Location"] == second["Location"]
    assert first["Location"] == reverse("engagement:referral_detail", args=[referral.pk])
    assert "Referral sent to" in client.get(second["Location"]).content.decode()


def test_a_racing_duplicate_is_rolled_back_whole_and_answered_with_the_first_outcome(db):
    key = submissions.new_key()
    # The other request committed this key after ours checked for it.
    SubmissionKey.objects.create(key=key, scope="suggestion", outcome="/first/")

    def create():
        return Suggestion.objects.create(
            name="Second", description="x", where="y", how_known="heard"
        )

    outcome = submissions.once(
        {"submission_key": key}, scope="suggestion", create=create, success_url=lambda s: "/x/"
    )
    assert outcome == "/first/"
    assert not Suggestion.objects.exists()
