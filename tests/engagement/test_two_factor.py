"""Two-step sign-in (TOTP, django-otp). The suite runs with REQUIRE_TWO_FACTOR=false
(pyproject); these tests turn it on, as production has it."""

import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.engagement.conftest import make_link_worker
from tests.factories import MembershipFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.REQUIRE_TWO_FACTOR = True


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=offset):06d}"


def after_the_wrong_code_pause():
    """django-otp makes people wait (1 s, then 2 s, 4 s…) after a wrong code."""
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=5))


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def test_a_moderator_without_a_code_is_sent_from_the_admin_to_set_one_up(client):
    client.force_login(ModeratorFactory())

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[0] == ("/accounts/two-step/?next=/admin/", 302)
    assert response.redirect_chain[-1][0].startswith("/accounts/two-step/setup/")
    assert "Set up two-step sign-in" in response.content.decode()


@pytest.mark.parametrize("path", ["/admin/", "/dashboard/", "/referrals/", "/referrals/inbox/"])
def test_pages_with_personal_details_need_the_second_step(client, path):
    user = make_link_worker()
    MembershipFactory(user=user)
    confirmed_device(user)
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-step/?next=")


def test_public_pages_do_not_ask_for_a_code(client):
    client.force_login(ModeratorFactory())
    assert client.get("/").status_code == 200


def test_the_setup_page_shows_a_qr_code_and_the_key_and_turns_on_with_a_right_code(client):
    worker = make_link_worker()
    client.force_login(worker)

    page = client.get("/accounts/two-step/setup/?next=/referrals/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    wrong = client.post("/accounts/two-step/setup/", {"code": "000000", "next": "/referrals/"})
    with after_the_wrong_code_pause():
        right = client.post(
            "/accounts/two-step/setup/", {"code": code_for(device), "next": "/referrals/"}
        )

    assert '<svg width="' in html
    assert "<title>QR code</title>" in html
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert 'autocomplete="one-time-code"' in html
    assert wrong.status_code == 400
    assert "That code is not right." in wrong.content.decode()
    assert right["Location"] == "/referrals/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/referrals/").status_code == 200


def test_signing_in_with_password_then_code_reaches_the_admin(client):
    moderator = ModeratorFactory()
    device = confirmed_device(moderator)

    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": moderator.username, "password": "correct horse battery", "next": "/admin/"},
    )
    asked = client.get(signed_in["Location"])
    wrong = client.post("/accounts/two-step/", {"code": "123456", "next": "/admin/"})
    with after_the_wrong_code_pause():
        right = client.post("/accounts/two-step/", {"code": code_for(device), "next": "/admin/"})

    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/two-step/?next=/admin/"
    assert wrong.status_code == 400
    assert '<a href="#id_code">That code is not right.' in wrong.content.decode()
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_code_page_never_sends_people_to_another_site(client):
    moderator = ModeratorFactory()
    device = confirmed_device(moderator)
    client.force_login(moderator)

    response = client.post(
        "/accounts/two-step/", {"code": code_for(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/dashboard/"


def test_repeated_wrong_codes_are_slowed_down(client):
    moderator = ModeratorFactory()
    device = confirmed_device(moderator)
    client.force_login(moderator)

    client.post("/accounts/two-step/", {"code": "000000"})
    right_but_too_soon = client.post("/accounts/two-step/", {"code": code_for(device)})

    assert right_but_too_soon.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_accounts_that_see_no_personal_details_cannot_set_it_up(client):
    client.force_login(UserFactory(is_staff=False))
    assert client.get("/accounts/two-step/setup/").status_code == 403


def test_when_not_required_the_admin_opens_without_a_code(client, settings):
    settings.REQUIRE_TWO_FACTOR = False
    client.force_login(ModeratorFactory())
    assert client.get("/admin/").status_code == 200


def _require_two_factor_with(**env) -> str:
    environment = {**os.environ, "SECRET_KEY": "x" * 50, **env}
    environment.pop("REQUIRE_TWO_FACTOR", None)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings; print(settings.REQUIRE_TWO_FACTOR)"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "recovery_directory.settings"},
        capture_output=True, text=True, timeout=60, cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_two_factor_is_required_by_default_in_production_but_not_in_the_demo():
    assert _require_two_factor_with(DEBUG="false", DEMO_MODE="false") == "True"
    assert _require_two_factor_with(DEBUG="false", DEMO_MODE="true") == "False"
    assert _require_two_factor_with(DEBUG="true", DEMO_MODE="false") == "False"
