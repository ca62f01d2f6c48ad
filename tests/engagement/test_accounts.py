import re

import pytest
from django.core import mail
from django.core.cache import cache

from tests.engagement.conftest import make_link_worker
from tests.factories import MembershipFactory, ModeratorFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _empty_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, user, **extra):
    return client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, **extra}
    )


def test_sign_in_page_has_labelled_fields_with_autocomplete(client, db):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="ds_label" for="id_username">Username</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'href="/accounts/password_reset/"' in html


def test_signed_out_visitor_to_referrals_is_sent_to_a_working_sign_in_page(client, db):
    response = client.get("/referrals/", follow=True)
    assert response.redirect_chain == [("/accounts/login/?next=/referrals/", 302)]
    assert response.status_code == 200


def test_link_worker_lands_on_their_referrals(client, db):
    response = _sign_in(client, make_link_worker())
    assert response.status_code == 302
    assert response["Location"] == "/referrals/"


def test_organisation_member_lands_on_the_dashboard(client, db):
    response = _sign_in(client, MembershipFactory().user)
    assert response["Location"] == "/dashboard/"


def test_moderator_lands_on_the_dashboard(client, db):
    response = _sign_in(client, ModeratorFactory())
    assert response["Location"] == "/dashboard/"


def test_someone_with_no_role_lands_on_the_home_page(client, db):
    response = _sign_in(client, UserFactory(is_staff=False))
    assert response["Location"] == "/"


def test_a_safe_next_address_wins_and_an_outside_one_is_ignored(client, db):
    worker = make_link_worker()
    assert _sign_in(client, worker, next="/referrals/inbox/")["Location"] == "/referrals/inbox/"
    client.logout()
    assert _sign_in(client, worker, next="https://evil.example/")["Location"] == "/referrals/"


def test_wrong_password_shows_the_error_summary(client, db):
    user = UserFactory()
    response = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert 'class="ds_error-summary"' in html
    assert "Enter a correct username and password." in html
    assert "_auth_user_id" not in client.session


def test_empty_form_errors_link_to_the_fields(client, db):
    html = client.post("/accounts/login/", {}).content.decode()
    assert '<a href="#id_username">Enter your username.</a>' in html
    assert '<a href="#id_password">Enter your password.</a>' in html


def test_too_many_sign_in_attempts_are_refused_even_with_the_right_password(client, db, settings):
    settings.SIGN_IN_ATTEMPTS_PER_HOUR = 2
    user = UserFactory()
    for _ in range(2):
        client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    response = _sign_in(client, user)
    assert response.status_code == 429
    assert "tried to sign in too many times" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client, db):
    user = make_link_worker()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_in_pages_offer_sign_out_and_password_change(client, db):
    client.force_login(make_link_worker())
    html = client.get("/referrals/").content.decode()
    assert 'action="/accounts/logout/"' in html
    assert 'href="/accounts/password_change/"' in html


def test_password_change_needs_the_current_password(client, db):
    user = UserFactory()
    client.force_login(user)
    data = {"old_password": "wrong", "new_password1": "a new long phrase 42"}
    data["new_password2"] = data["new_password1"]
    html = client.post("/accounts/password_change/", data).content.decode()
    assert '<a href="#id_old_password">' in html
    data["old_password"] = PASSWORD
    response = client.post("/accounts/password_change/", data)
    assert response["Location"] == "/accounts/password_change/done/"
    user.refresh_from_db()
    assert user.check_password("a new long phrase 42")


def test_password_change_page_has_plain_hint_and_new_password_autocomplete(client, db):
    client.force_login(UserFactory())
    html = client.get("/accounts/password_change/").content.decode()
    assert 'autocomplete="new-password"' in html
    assert "<ul>" not in html.split('id="id_new_password1-hint"')[1].split("</p>")[0]


def test_password_reset_emails_a_working_link(client, db, django_capture_on_commit_callbacks):
    user = UserFactory(email="morag@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": "morag@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Recovery Directory password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new = {"new_password1": "another long phrase 7", "new_password2": "another long phrase 7"}
    done = client.post(form_page.redirect_chain[-1][0], new)
    assert done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("another long phrase 7")


def test_password_reset_for_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_a_used_or_bad_reset_link_says_it_does_not_work(client, db):
    html = client.get("/accounts/reset/MQ/bad-token/").content.decode()
    assert "This link does not work" in html


def test_password_reset_requests_are_rate_limited(client, db, settings):
    settings.PUBLIC_FORMS_PER_HOUR = 1
    client.post("/accounts/password_reset/", {"email": "a@example.org"})
    response = client.post("/accounts/password_reset/", {"email": "a@example.org"})
    assert response.status_code == 429
    assert "too many links" in response.content.decode()


def test_footer_sign_in_link_points_at_the_sign_in_page(client, db):
    assert 'href="/accounts/login/"' in client.get("/").content.decode()
