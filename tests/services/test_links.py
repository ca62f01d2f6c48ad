"""Addresses of listed records (`services.links.cached_reverse`) are exactly reverse()'s."""

import uuid

import pytest
from django.urls import reverse, set_script_prefix

from services.links import cached_reverse


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("services:service", {"slug": "tuesday-recovery-cafe"}),
        ("services:service", {"slug": "another_group-2"}),
        ("services:organisation", {"slug": "renfrewshire-peer-network"}),
        ("api:service-detail", {"pk": uuid.UUID("2f410a6b-39ec-5de0-8857-775a6d65453c")}),
    ],
)
def test_addresses_are_those_reverse_gives(name, kwargs):
    first = cached_reverse(name, **kwargs)
    assert first == reverse(name, kwargs=kwargs)
    assert cached_reverse(name, **kwargs) == first  # and again, from the cached pattern


def test_values_reverse_would_quote_go_through_reverse():
    assert cached_reverse("api:service-detail", pk="a b") == reverse(
        "api:service-detail", kwargs={"pk": "a b"}
    )


def test_a_site_served_under_a_prefix_gets_prefixed_addresses():
    cached_reverse("services:service", slug="warm")  # cached without a prefix first
    set_script_prefix("/directory/")
    try:
        assert cached_reverse("services:service", slug="warm") == reverse(
            "services:service", kwargs={"slug": "warm"}
        )
        assert cached_reverse("services:service", slug="warm").startswith("/directory/")
    finally:
        set_script_prefix("/")
