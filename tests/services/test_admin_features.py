"""What members, managers and moderators can do in the admin beyond seeing their own
records: memberships, verification, marking as checked, history and revert, review
filter, validation messages, checkboxes and query counts."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from services.models import (
    Area,
    Organisation,
    OrganisationMembership,
    ServiceType,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Role = OrganisationMembership.Role
MEMBERSHIP_ADD = "admin:services_organisationmembership_add"


def form_data(form) -> dict:
    """What a browser would post back for an unchanged form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def change_form_data(response) -> dict:
    data = form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(form_data(formset.management_form))
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
        for form in formset.initial_forms:
            data.update(form_data(form))
    return data


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Ours")


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.MANAGER).user


@pytest.fixture
def editor(organisation):
    return MembershipFactory(organisation=organisation, role=Role.EDITOR).user


# Organisations --------------------------------------------------------------------------


def test_member_cannot_set_is_verified(client, editor, organisation):
    client.force_login(editor)
    url = reverse("admin:services_organisation_change", args=[organisation.pk])
    page = client.get(url)
    data = change_form_data(page) | {"is_verified": "on", "description": "Updated."}

    response = client.post(url, data)

    assert "is_verified" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Updated."
    assert organisation.is_verified is False


def test_member_reverting_to_a_verified_version_does_not_restore_verification(
    client, editor, organisation
):
    organisation.is_verified = True
    organisation.save()
    verified = organisation.history.latest()
    organisation.is_verified = False
    organisation.save()
    client.force_login(editor)
    url = reverse(
        "admin:services_organisation_simple_history", args=[organisation.pk, verified.history_id]
    )

    response = client.post(url, change_form_data(client.get(url)))

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_verified is False


def test_member_cannot_delete_own_organisation(client, editor, organisation):
    client.force_login(editor)

    response = client.post(
        reverse("admin:services_organisation_delete", args=[organisation.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_moderator_can_verify_any_organisation(client, moderator, organisation):
    client.force_login(moderator)
    url = reverse("admin:services_organisation_change", args=[organisation.pk])
    data = change_form_data(client.get(url)) | {"is_verified": "on"}

    response = client.post(url, data)

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_verified is True


def test_charity_number_is_tidied_up_and_a_bad_one_is_explained(client, moderator, organisation):
    client.force_login(moderator)
    url = reverse("admin:services_organisation_change", args=[organisation.pk])
    data = change_form_data(client.get(url))

    bad = client.post(url, data | {"charity_number": "SC12"})
    good = client.post(url, data | {"charity_number": "sc 012 345"})

    assert bad.status_code == 200
    assert "Enter a Scottish charity number" in bad.content.decode()
    assert good.status_code == 302
    organisation.refresh_from_db()
    assert organisation.charity_number == "SC012345"


# Moderators and people with no organisation ---------------------------------------------


def test_moderator_sees_and_edits_every_organisations_services(client, moderator):
    first, second = ServiceFactory(), ServiceFactory()
    client.force_login(moderator)

    listed = client.get(reverse("admin:services_service_changelist"))
    url = reverse("admin:services_service_change", args=[second.pk])
    response = client.post(url, change_form_data(client.get(url)) | {"name": "Renamed"})

    assert set(listed.context["cl"].result_list) == {first, second}
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.name == "Renamed"


def test_staff_user_without_membership_sees_no_directory_models(client):
    ServiceFactory()
    client.force_login(UserFactory(is_staff=True))

    index = client.get(reverse("admin:index"))
    changelist = client.get(reverse("admin:services_service_changelist"))

    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert changelist.status_code == 403


def test_member_sees_the_directory_in_the_admin_index(client, editor):
    client.force_login(editor)

    index = client.get(reverse("admin:index"))

    apps = {app["app_label"]: app for app in index.context["app_list"]}
    models = {model["object_name"] for model in apps["services"]["models"]}
    assert {"Organisation", "Service", "Location", "Schedule", "CourseRun"} <= models


def test_member_can_view_but_not_change_vocabularies(client, editor):
    term = ServiceType.objects.get(slug="peer-support-group")
    client.force_login(editor)
    url = reverse("admin:services_servicetype_change", args=[term.pk])

    view = client.get(url)
    change = client.post(url, {"name": "Renamed", "position": 1})

    assert view.status_code == 200
    assert change.status_code == 403
    term.refresh_from_db()
    assert term.name != "Renamed"


def test_moderator_can_change_vocabularies_but_not_areas(client, moderator):
    term = ServiceType.objects.get(slug="peer-support-group")
    area = Area.objects.get(slug="renfrewshire")
    client.force_login(moderator)
    term_url = reverse("admin:services_servicetype_change", args=[term.pk])

    term_response = client.post(term_url, {"name": "Peer groups", "position": 1})
    area_response = client.post(
        reverse("admin:services_area_change", args=[area.pk]), {"name": "Renamed"}
    )

    assert term_response.status_code == 302
    term.refresh_from_db()
    assert term.name == "Peer groups"
    assert area_response.status_code == 403


def test_only_superusers_can_change_areas(client):
    area = Area.objects.get(slug="renfrewshire")
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("admin:services_area_change", args=[area.pk])

    response = client.post(url, change_form_data(client.get(url)) | {"name": "Renfrew"})

    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name == "Renfrew"


# Memberships -----------------------------------------------------------------------------


def _invite(client, organisation, email, capture, role=Role.EDITOR):
    with capture(execute=True):
        return client.post(
            reverse(MEMBERSHIP_ADD),
            {"organisation": organisation.pk, "role": role, "email": email},
        )


def test_manager_invites_an_editor_by_email_and_nobody_joins_until_they_accept(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    response = _invite(
        client, organisation, "Alex.Morgan@example.org", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["alex.morgan@example.org"]]
    assert "/accounts/invitation/" in mail.outbox[0].body
    assert organisation.memberships.count() == 1
    assert not User.objects.filter(email="alex.morgan@example.org").exists()


def test_inviting_an_existing_account_attaches_nothing_and_grants_no_staff_status(
    client, manager, organisation, django_capture_on_commit_callbacks
):
    person = UserFactory(email="sam@example.org", is_staff=False)
    client.force_login(manager)

    _invite(client, organisation, "SAM@example.org", django_capture_on_commit_callbacks)

    person.refresh_from_db()
    assert not person.memberships.exists()
    assert person.is_staff is False
    assert len(mail.outbox) == 1


def test_the_invitation_message_is_the_same_whether_or_not_the_address_has_an_account(
    client, manager, editor, organisation, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")
    client.force_login(manager)

    def message(email):
        response = _invite(client, organisation, email, django_capture_on_commit_callbacks)
        page = client.get(response["Location"]).content.decode()
        return page.split("We have emailed an invitation to ")[1].split("</li>")[0].split(" ", 1)[1]

    assert message("known@example.org") == message("unknown@example.org") == message(editor.email)


def test_the_invitation_form_asks_only_for_an_email_address(client, manager):
    client.force_login(manager)

    form = client.get(reverse(MEMBERSHIP_ADD)).context["form"]

    assert list(form.fields) == ["organisation", "role", "email"]
    assert [value for value, _ in form.fields["role"].choices] == [Role.EDITOR]


def test_manager_cannot_make_someone_a_manager(client, manager, organisation):
    person = UserFactory()
    client.force_login(manager)

    response = client.post(
        reverse(MEMBERSHIP_ADD),
        {"organisation": organisation.pk, "role": Role.MANAGER, "email": person.email},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not person.memberships.exists()


def test_manager_cannot_add_a_member_to_an_organisation_they_only_edit(client, manager):
    elsewhere = MembershipFactory(user=manager, role=Role.EDITOR).organisation
    client.force_login(manager)

    response = client.post(
        reverse(MEMBERSHIP_ADD),
        {"organisation": elsewhere.pk, "role": Role.EDITOR, "email": "x@example.org"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert elsewhere.memberships.count() == 1


def test_manager_can_remove_an_editor(client, manager, editor, organisation):
    membership = editor.memberships.get()
    client.force_login(manager)

    response = client.post(
        reverse("admin:services_organisationmembership_delete", args=[membership.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert not OrganisationMembership.objects.filter(pk=membership.pk).exists()


def test_manager_cannot_remove_a_manager_or_themselves(client, manager, organisation):
    other_manager = MembershipFactory(organisation=organisation, role=Role.MANAGER)
    client.force_login(manager)

    for membership in (other_manager, manager.memberships.get()):
        response = client.post(
            reverse("admin:services_organisationmembership_delete", args=[membership.pk]),
            {"post": "yes"},
        )
        assert response.status_code == 403
        assert OrganisationMembership.objects.filter(pk=membership.pk).exists()


def test_manager_cannot_change_a_membership(client, manager, editor):
    membership = editor.memberships.get()
    client.force_login(manager)

    response = client.post(
        reverse("admin:services_organisationmembership_change", args=[membership.pk]),
        {"role": Role.MANAGER},
    )

    membership.refresh_from_db()
    assert response.status_code == 403
    assert membership.role == Role.EDITOR


def test_editor_can_see_but_not_manage_memberships(client, manager, editor, organisation):
    manager_membership = manager.memberships.get()
    client.force_login(editor)

    listed = client.get(reverse("admin:services_organisationmembership_changelist"))
    add = client.post(
        reverse(MEMBERSHIP_ADD),
        {"organisation": organisation.pk, "role": Role.EDITOR, "email": "x@example.org"},
    )
    delete = client.post(
        reverse("admin:services_organisationmembership_delete", args=[manager_membership.pk]),
        {"post": "yes"},
    )

    assert manager_membership in listed.context["cl"].result_list
    assert (add.status_code, delete.status_code) == (403, 403)
    assert organisation.memberships.count() == 2


def test_editor_cannot_promote_themselves_by_reverting_their_membership(client, editor):
    membership = editor.memberships.get()
    membership.role = Role.MANAGER
    membership.save()
    as_manager = membership.history.latest()
    membership.role = Role.EDITOR
    membership.save()
    client.force_login(editor)
    url = reverse(
        "admin:services_organisationmembership_simple_history",
        args=[membership.pk, as_manager.history_id],
    )

    response = client.post(url, {"role": Role.MANAGER})

    membership.refresh_from_db()
    assert response.status_code == 403
    assert membership.role == Role.EDITOR


def test_moderator_can_change_a_members_role(client, moderator, editor):
    membership = editor.memberships.get()
    client.force_login(moderator)

    response = client.post(
        reverse("admin:services_organisationmembership_change", args=[membership.pk]),
        {"role": Role.MANAGER},
    )

    membership.refresh_from_db()
    assert response.status_code == 302
    assert membership.role == Role.MANAGER
