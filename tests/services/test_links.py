"""Addresses of listed records: the public pages and the API links in payloads."""

import pytest
from django.urls import set_script_prefix

from services.api.serializers import api_url
from tests.factories import OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_services_and_organisations_link_to_their_public_pages():
    service = ServiceFactory(slug="tuesday-recovery-cafe")
    organisation = OrganisationFactory(slug="renfrewshire-peer-network")
    assert service.get_absolute_url() == "/services/tuesday-recovery-cafe/"
    assert organisation.get_absolute_url() == "/organisations/renfrewshire-peer-network/"


def test_api_links_are_absolute(settings):
    settings.SITE_URL = "https://directory.example"
    service = ServiceFactory()
    assert api_url("service", service.pk) == (
        f"https://directory.example/api/v1/services/{service.pk}/"
    )


def test_a_site_served_under_a_prefix_gets_prefixed_addresses():
    service = ServiceFactory(slug="warm")
    set_script_prefix("/directory/")
    try:
        assert service.get_absolute_url() == "/directory/services/warm/"
    finally:
        set_script_prefix("/")
