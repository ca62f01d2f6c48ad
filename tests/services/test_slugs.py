"""New slugs: the name made into a web address, -2, -3… when that is taken, cut to fit."""

import pytest

from services.models import Organisation, Service
from services.slugs import unique_slug
from tests.factories import OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_slug_is_the_name_made_into_a_web_address():
    assert unique_slug(Service, "Men's Shed: Greenock") == "mens-shed-greenock"


def test_a_taken_slug_gets_the_next_free_number():
    ServiceFactory(slug="walking-group")
    ServiceFactory(slug="walking-group-2")
    ServiceFactory(slug="walking-group-for-dads")

    assert unique_slug(Service, "Walking Group") == "walking-group-3"


def test_each_model_has_its_own_slugs():
    ServiceFactory(slug="the-hub")

    assert unique_slug(Organisation, "The Hub") == "the-hub"


def test_a_wanted_slug_is_used_instead_of_the_name():
    OrganisationFactory(slug="kirkcaldy-recovery")

    assert unique_slug(Organisation, "Anything", wanted="kirkcaldy-recovery") == (
        "kirkcaldy-recovery-2"
    )


def test_a_name_with_nothing_to_keep_gives_the_kind_of_thing():
    assert unique_slug(Service, "!!!") == "service"
    assert unique_slug(Organisation, "???") == "organisation"


def test_a_long_name_is_cut_so_a_number_still_fits_in_the_field():
    name = "a" * 200
    ServiceFactory(slug="a" * 190)

    slug = unique_slug(Service, name)

    assert slug == "a" * 190 + "-2"
    assert len(slug) <= Service._meta.get_field("slug").max_length
