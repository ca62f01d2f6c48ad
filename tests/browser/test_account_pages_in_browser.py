"""The sign-in protection and account pages in real headless Chromium: the lock-out page,
two-step set-up and the invitation page have no accessibility violations found by axe-core,
work without JavaScript, and make no requests to other sites."""

import json

import pytest

from .accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def link_worker(live_server):
    from django.conf import settings
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(username="lorna", is_staff=False)
    group, _ = Group.objects.get_or_create(name=settings.LINK_WORKERS_GROUP)
    user.groups.add(group)
    return user


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def check(page, axe_source, third_party_requests) -> None:
    violations = axe_violations(page, axe_source)
    assert violations == [], json.dumps(violations, indent=2)
    assert third_party_requests == []


def test_the_lock_out_page_is_accessible(page, link_worker, axe_source, third_party_requests):
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, "lorna", "wrong password")

    assert page.get_by_role("heading", name="Too many attempts to sign in").is_visible()
    assert page.get_by_role("link", name="Need help now?").first.is_visible()
    check(page, axe_source, third_party_requests)


def test_two_step_set_up_is_accessible_and_shows_the_qr_code_and_key(
    page, link_worker, axe_source, third_party_requests
):
    sign_in(page, "lorna", PASSWORD)
    page.goto("/accounts/two-step/setup/")

    assert page.get_by_role("heading", name="Set up two-step sign-in").is_visible()
    assert page.locator("svg.segno").is_visible()
    assert page.locator("code.rd_secret").inner_text().replace(" ", "").isalnum()
    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.get_by_role("link", name="Enter the six digits").is_visible()
    check(page, axe_source, third_party_requests)


def test_the_invitation_page_is_accessible(page, live_server, axe_source, third_party_requests):
    from django.core import signing

    from engagement.invitations import SALT
    from services.models import OrganisationMembership
    from tests.factories import MembershipFactory

    manager = MembershipFactory(role=OrganisationMembership.Role.MANAGER)
    token = signing.dumps(
        {"o": str(manager.organisation.pk), "r": "editor", "e": "new@example.org",
         "by": manager.user.pk},
        salt=SALT, compress=True,
    )  # fmt: skip

    page.goto(f"/accounts/invitation/{token}/")

    assert page.get_by_role("heading", name=f"Join {manager.organisation.name}").is_visible()
    page.get_by_role("button", name="Create my account and join").click()
    assert page.get_by_role("link", name="Enter your first name.").is_visible()
    check(page, axe_source, third_party_requests)
