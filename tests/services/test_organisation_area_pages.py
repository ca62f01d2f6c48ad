"""Organisation pages and browsing by council area or health board."""

import datetime

import pytest
from django.utils import timezone

from services.models import Area, Organisation, Service
from tests.factories import (
    LocationFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from tests.helpers import result_names

pytestmark = pytest.mark.django_db


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def located_in(council: str, organisation=None, **fields) -> Service:
    service = ServiceFactory.create(organisation=organisation or OrganisationFactory(), **fields)
    location = LocationFactory.create(
        organisation=service.organisation, council_area=Area.objects.get(slug=council)
    )
    ServiceAtLocationFactory(service=service, location=location)
    return service


# Organisations -------------------------------------------------------------------------------


def test_organisation_page_lists_its_published_services_fresh_ones_first(client):
    organisation = OrganisationFactory(
        name="Paisley Peer Network", description="We run peer groups.", phone="0141 000 0000"
    )
    stale = ServiceFactory(organisation=organisation, name="Aardvark group")
    fresh = ServiceFactory(organisation=organisation, name="Zebra group")
    ServiceFactory(organisation=organisation, name="Closed group", status=Service.Status.DEFUNCT)
    ServiceFactory(name="Someone else's group")
    Service.objects.filter(pk=stale.pk).update(
        last_checked_at=timezone.now() - datetime.timedelta(days=500)
    )
    Service.objects.filter(pk=fresh.pk).update(last_checked_at=timezone.now())

    html = get(client, f"/organisations/{organisation.slug}/")

    assert '<h1 class="ds_page-header__title">Paisley Peer Network</h1>' in html
    assert "We run peer groups." in html
    assert '<a href="tel:01410000000">0141 000 0000</a>' in html
    assert result_names(html) == ["Zebra group", "Aardvark group"]
    assert "Services (2)" in html
    assert "Not checked for over a year." in html


def test_unlisted_or_unknown_organisation_is_not_found(client):
    hidden = Organisation.objects.create(name="Hidden", slug="hidden", is_active=False)

    get(client, f"/organisations/{hidden.slug}/", status=404)
    get(client, "/organisations/nobody/", status=404)


def test_organisation_page_queries_do_not_grow_with_its_services(
    client, django_assert_max_num_queries
):
    organisation = OrganisationFactory()
    for number in range(30):
        service = ServiceFactory(organisation=organisation, name=f"Group {number:02d}")
        ScheduleFactory(service=service)

    with django_assert_max_num_queries(7):
        first = get(client, f"/organisations/{organisation.slug}/")
    with django_assert_max_num_queries(7):
        second = get(client, f"/organisations/{organisation.slug}/?page=2")
    assert len(result_names(first)) == 20
    assert len(result_names(second)) == 10


# Areas ---------------------------------------------------------------------------------------


def test_areas_page_lists_every_council_area_and_health_board(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = get(client, "/areas/")

    for area in Area.objects.all():
        assert f'<a href="/areas/{area.slug}/">{area.name}</a>' in html
    assert "Council areas" in html
    assert "Health boards" in html


def test_council_area_page_lists_its_services_then_national_ones(client):
    located_in("renfrewshire", name="Paisley group")
    located_in("fife", name="Fife group")
    covering = ServiceFactory(name="Renfrewshire phone line")
    covering.areas.add(Area.objects.get(slug="renfrewshire"))
    ServiceFactory(name="National helpline", is_national=True)

    html = get(client, "/areas/renfrewshire/")

    local = html[html.index('id="local-heading"') : html.index('id="national-heading"')]
    national = html[html.index('id="national-heading"') :]
    assert result_names(local) == ["Paisley group", "Renfrewshire phone line"]
    assert result_names(national) == ["National helpline"]
    assert "<strong>2 services</strong> in Renfrewshire" in html
    assert 'href="/search/?area=renfrewshire"' in html


def test_health_board_page_includes_its_council_areas(client):
    board = Area.objects.get(slug="renfrewshire").health_board
    located_in("renfrewshire", name="Paisley group")
    located_in("fife", name="Fife group")

    html = get(client, f"/areas/{board.slug}/")

    assert result_names(html) == ["Paisley group"]


def test_unknown_area_is_not_found(client):
    get(client, "/areas/atlantis/", status=404)


def test_area_page_is_paginated_in_constant_queries(client, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    for number in range(25):
        located_in("renfrewshire", organisation=organisation, name=f"Group {number:02d}")

    with django_assert_max_num_queries(7):
        first = get(client, "/areas/renfrewshire/")
    with django_assert_max_num_queries(7):
        second = get(client, "/areas/renfrewshire/?page=2")
    assert len(result_names(first)) == 20
    assert result_names(second) == [f"Group {number}" for number in range(20, 25)]
