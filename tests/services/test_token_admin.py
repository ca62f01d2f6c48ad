"""The API token admin's filter lists only the member's own organisations (it listed every
organisation in the directory)."""

import pytest
from django.urls import reverse

from services.models import OrganisationToken
from tests.factories import MembershipFactory, ModeratorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:services_organisationtoken_changelist"


def _token(organisation, name: str) -> OrganisationToken:
    creator = MembershipFactory.create(organisation=organisation).user
    token = OrganisationToken(organisation=organisation, name=name, created_by=creator)
    token.set_new_key()
    token.save()
    return token


def _filter_choices(response) -> list[str]:
    spec = next(s for s in response.context["cl"].filter_specs if s.title == "organisation")
    return [name for _, name in spec.lookup_choices]


def test_a_member_filters_only_by_their_own_organisations(client):
    ours = OrganisationFactory(name="Ours")
    also_ours = OrganisationFactory(name="Also ours")
    OrganisationFactory(name="Someone else's")
    member = MembershipFactory(organisation=ours).user
    MembershipFactory(user=member, organisation=also_ours)
    client.force_login(member)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert _filter_choices(response) == ["Also ours", "Ours"]
    assert "Someone else" not in response.content.decode()


def test_filtering_by_another_organisation_shows_nothing_of_theirs(client):
    ours, theirs = OrganisationFactory(name="Ours"), OrganisationFactory(name="Theirs")
    _token(ours, "our feed")
    _token(theirs, "their feed")
    member = MembershipFactory(organisation=ours).user
    client.force_login(member)

    response = client.get(reverse(CHANGELIST), {"organisation": str(theirs.pk)})

    assert [token.name for token in response.context["cl"].result_list] == ["our feed"]


def test_a_moderator_filters_by_every_organisation(client):
    OrganisationFactory(name="Ours")
    OrganisationFactory(name="Theirs")
    client.force_login(ModeratorFactory())

    response = client.get(reverse(CHANGELIST))

    assert _filter_choices(response) == ["Ours", "Theirs"]
