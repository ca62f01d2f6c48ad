"""The results page on a phone: the search folded into a one-line summary, "did you mean"
as an error summary, the nearest in-person support when nothing is near, and distances said
honestly (as the crow flies, radius choices in everyday words)."""

import re

import pytest

from services.geo.distance import KM_PER_DEGREE_LATITUDE
from services.models import ServiceType
from services.nearest import nearest_in_person
from services.search.filterset import ServiceFilterSet
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory
from tests.helpers import located, north_of, result_names
from tests.services.test_search_page import (  # noqa: F401 - fixtures used by every test
    _paisley_postcode,
    _sample_places,
    get,
)

pytestmark = pytest.mark.django_db

KIRKWALL = (58.98100, -2.96000)  # as in tests/data/places_sample.csv


def near_kirkwall(km: float, **fields):
    service = ServiceFactory(**fields)
    location = LocationFactory(
        organisation=service.organisation,
        name=f"{fields.get('name', 'A place')} hall",
        town="Stromness",
        latitude=KIRKWALL[0] - km / KM_PER_DEGREE_LATITUDE,
        longitude=KIRKWALL[1],
    )
    ServiceAtLocationFactory(service=service, location=location)
    return service


def nearest_box(html: str) -> str:
    start = html.index('id="nearest-support"')
    return html[start : html.index("</div>", start)]


# The folded search -------------------------------------------------------------------------


def test_a_search_folds_the_form_into_a_closed_one_line_summary(client):
    located(point=north_of(2.0), name="Close by")

    html = get(client, "?near=PA1+1AA&radius_km=5&q=walk")

    details = re.search(r'<details class="ds_details  rd_search-summary"([^>]*)>', html)
    assert details is not None
    assert "open" not in details.group(1)
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", html, re.S).group(1)
    text = re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", summary)
    assert text == "PA1 1AA · within 5 km · “walk” · Change"
    assert html.index("</summary>") < html.index('id="search-form"') < html.index("</details>")


def test_the_search_form_is_open_when_the_place_was_not_found(client):
    html = get(client, "?near=Paisly")

    assert '<details class="ds_details  rd_search-summary" open>' in html


def test_the_search_form_is_open_before_anything_is_searched_for(client):
    located(point=north_of(2.0), name="Close by")

    html = get(client, "")

    assert '<details class="ds_details  rd_search-summary" open>' in html
    assert result_names(html) == ["Close by"]


def test_the_count_comes_before_the_filters_and_the_first_result(client):
    located(point=north_of(2.0), name="Close by")

    html = get(client, "?near=PA1+1AA")

    count = html.index('id="result-count"')
    assert count < html.index("Filter results") < html.index("Close by")


def test_card_facts_are_written_as_label_and_value(client):
    located(
        point=north_of(2.0), name="Close by", types=list(ServiceType.objects.filter(slug="drop-in"))
    )

    html = get(client, "?near=PA1+1AA")

    assert (
        '<dt class="ds_metadata__key">Type</dt><dd class="ds_metadata__value">Drop-in</dd>' in html
    )


# Did you mean ------------------------------------------------------------------------------


def test_did_you_mean_is_an_error_summary_above_the_form_linking_to_the_field(client):
    html = get(client, "?near=Paisly")

    summary_at, form_at = html.index('class="ds_error-summary"'), html.index('id="search-form"')
    assert summary_at < form_at
    summary = html[summary_at:form_at]
    assert '<a href="#id_near">We could not find ‘Paisly’.' in summary
    assert "Did you mean:" in summary
    assert '<a href="?near=Paisley">Paisley</a>' in summary
    assert '<div class="ds_question  ds_question--error">' in html
    assert 'class="ds_input  ds_input--fluid-two-thirds  ds_input--error"' in html
    assert "<title>Error: " in html


# Nearest in-person support -----------------------------------------------------------------


def test_nothing_near_says_where_the_nearest_in_person_support_is_and_how_far(client):
    near_kirkwall(31.2, name="Orkney Recovery Café")
    near_kirkwall(60.0, name="Further away")
    ServiceFactory(name="National line", is_national=True)

    html = get(client, "?near=Kirkwall")

    box = nearest_box(html)
    assert "Nothing in person within 10 km of Kirkwall, Orkney Islands." in box
    assert ">Orkney Recovery Café</a>" in box
    assert "Orkney Recovery Café hall, Stromness" in box
    assert "<strong>31.2 km away</strong> as the crow flies" in box
    assert '<a href="?near=Kirkwall&amp;radius_km=32">Search within 32 km of Kirkwall' in box
    assert html.index('id="nearest-support"') < html.index("National line")


def test_the_offered_distance_finds_the_nearest_support(client):
    near_kirkwall(31.2, name="Orkney Recovery Café")

    html = get(client, "?near=Kirkwall&radius_km=32")

    assert result_names(html) == ["Orkney Recovery Café"]
    assert 'id="nearest-support"' not in html
    assert '<option value="32" selected>Within 32 km</option>' in html


def test_the_nearest_support_matches_the_other_filters(client):
    near_kirkwall(20.0, name="Walking group")
    near_kirkwall(45.0, name="Drop-in", types=list(ServiceType.objects.filter(slug="drop-in")))

    box = nearest_box(get(client, "?near=Kirkwall&type=drop-in"))

    assert "The nearest that matches your search is" in box
    assert ">Drop-in</a>" in box
    assert "radius_km=45" in box


def test_nothing_in_person_within_200_km_offers_no_nearest_support(client):
    located(point=north_of(0.0), name="Paisley group")  # about 350 km from Kirkwall

    html = get(client, "?near=Kirkwall")

    assert 'id="nearest-support"' not in html
    assert "No services match your search" in html


def test_services_near_the_place_offer_no_nearest_support(client):
    located(point=north_of(2.0), name="Close by")

    assert 'id="nearest-support"' not in get(client, "?near=PA1+1AA")


def test_nearest_in_person_skips_national_and_unlocated_services():
    ServiceFactory(name="National line", is_national=True)
    ServiceFactory(name="Phone only")
    near_kirkwall(12.5, name="Orkney group")
    filterset = ServiceFilterSet({"near": "Kirkwall"})

    nearest = nearest_in_person(filterset)

    assert nearest.service.name == "Orkney group"
    assert nearest.distance_km == pytest.approx(12.5, abs=0.01)
    assert nearest.radius_km == 13


def test_nearest_in_person_is_none_without_a_place():
    near_kirkwall(12.5, name="Orkney group")

    assert nearest_in_person(ServiceFilterSet({"q": "group"})) is None


# Distances said honestly -------------------------------------------------------------------


def test_card_distances_say_as_the_crow_flies(client):
    located(point=north_of(1.2), name="Close by")

    assert "<strong>1.2 km away</strong> as the crow flies" in get(client, "?near=PA1+1AA")


def test_radius_choices_give_everyday_words_beside_the_kilometres(client):
    html = get(client, "?near=PA1+1AA")

    assert '<option value="1">Within 1 km (about a 15-minute walk)</option>' in html
    assert '<option value="5">Within 5 km (a short bus ride)</option>' in html
    assert '<option value="10" selected>Within 10 km (a bus ride)</option>' in html
    assert "As the crow flies: by road, or across water, it can be much further" in html
    assert 'aria-describedby="id_radius_km-hint"' in html


def test_the_api_documents_distances_as_the_crow_flies(client):
    schema = client.get("/api/schema/?format=json").json()

    service = schema["components"]["schemas"]["ServiceList"]
    assert "as the crow flies" in service["properties"]["distance_km"]["description"]
