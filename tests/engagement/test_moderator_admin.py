"""The "Directory moderators" group can do what the README promises in the admin:
moderate suggestions and problem reports, and see referrals' metadata (never their personal
details). Checked with the demo moderator account, as `make run` seeds it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from engagement.models import ProblemReport, Suggestion
from services.demo.accounts import MODERATOR_USERNAME, ensure_demo_users
from tests.engagement.conftest import PERSONAL_VALUES

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_moderator():
    users, _ = ensure_demo_users()
    return users[MODERATOR_USERNAME]


@pytest.fixture
def records(world):
    service = world["service"]
    report = ProblemReport.objects.create(
        service=service, reason="closed", details="The group moved.", reporter_email="r@example.org"
    )
    suggestion = Suggestion.objects.create(
        name="Kilbarchan Walkers", description="A walking group.", where="Kilbarchan",
        how_known="run-it",
    )  # fmt: skip
    return {"report": report, "suggestion": suggestion, "referral": world["referral"]}


def test_the_moderators_group_has_the_promised_permissions():
    group = Group.objects.get(name="Directory moderators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "view_suggestion", "change_suggestion", "view_problemreport", "change_problemreport",
        "view_referral",
    } <= codenames  # fmt: skip
    assert "view_referral_personal_data" not in codenames


@pytest.mark.parametrize("model", ["suggestion", "problemreport", "referral"])
def test_the_demo_moderator_can_open_the_list_and_a_record(client, demo_moderator, records, model):
    obj = {"suggestion": "suggestion", "problemreport": "report", "referral": "referral"}[model]
    client.force_login(demo_moderator)

    listing = client.get(reverse(f"admin:engagement_{model}_changelist"))
    record = client.get(reverse(f"admin:engagement_{model}_change", args=[records[obj].pk]))

    assert listing.status_code == 200
    assert record.status_code == 200


def test_the_referral_in_the_admin_shows_no_personal_details(client, demo_moderator, records):
    client.force_login(demo_moderator)
    pk = records["referral"].pk

    html = client.get(reverse("admin:engagement_referral_change", args=[pk])).content.decode()
    html += client.get(reverse("admin:engagement_referral_changelist")).content.decode()

    assert "Paisley Peer Group" in html
    for value in PERSONAL_VALUES:
        assert value not in html


def test_the_problem_report_in_the_admin_hides_the_reporters_address(
    client, demo_moderator, records
):
    client.force_login(demo_moderator)
    pk = records["report"].pk
    html = client.get(reverse("admin:engagement_problemreport_change", args=[pk])).content.decode()
    assert "The group moved." in html
    assert "r@example.org" not in html


def test_the_demo_moderator_can_resolve_a_problem_report(client, demo_moderator, records):
    client.force_login(demo_moderator)
    report = records["report"]

    response = client.post(
        reverse("admin:engagement_problemreport_changelist"),
        {"action": "resolve_quietly", "_selected_action": [report.pk]},
    )

    report.refresh_from_db()
    assert response.status_code == 302
    assert report.status == ProblemReport.Status.RESOLVED
