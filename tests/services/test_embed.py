"""Search on partner sites: /embed/ may be framed by EMBED_ALLOWED_ORIGINS and nothing else
may; it searches like the main site, keeps a partner's area and types, and sends people to
the main site for the full listing."""

import re

import pytest

from services.models import Area, ServiceType
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory
from tests.helpers import PAISLEY

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    directive = re.search(r"frame-ancestors ([^;]*)", policy)
    assert directive, policy
    return directive.group(1).strip()


@pytest.fixture
def services():
    renfrewshire = Area.objects.get(slug="renfrewshire")
    near = ServiceFactory(name="Paisley Peer Group", summary="Meet people who understand.")
    near.areas.add(renfrewshire)
    ServiceAtLocationFactory(
        service=near, location=LocationFactory(latitude=PAISLEY[0], longitude=PAISLEY[1])
    )
    drop_in = ServiceFactory(
        name="Paisley Drop-in", types=list(ServiceType.objects.filter(slug="drop-in"))
    )
    drop_in.areas.add(renfrewshire)
    ServiceAtLocationFactory(
        service=drop_in, location=LocationFactory(latitude=PAISLEY[0], longitude=PAISLEY[1])
    )
    far = ServiceFactory(name="Lerwick Group")
    ServiceAtLocationFactory(service=far, location=LocationFactory(latitude=60.15, longitude=-1.15))
    return near, drop_in, far


def test_embed_pages_may_be_framed_by_https_sites_by_default(client):
    response = client.get("/embed/")

    assert response.status_code == 200
    assert frame_ancestors(response) == "'self' https:"
    assert "X-Frame-Options" not in response


def test_embed_framing_follows_the_allowed_origins_setting(client, settings):
    settings.EMBED_ALLOWED_ORIGINS = ["https://www.example-practice.scot"]

    response = client.get("/embed/?area=renfrewshire")

    assert frame_ancestors(response) == "'self' https://www.example-practice.scot"


@pytest.mark.parametrize("path", ["/", "/search/?near=Paisley", "/embed/help/", "/alerts/"])
def test_every_other_page_still_refuses_to_be_framed(client, path):
    response = client.get(path)

    assert frame_ancestors(response) == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_embed_search_lists_services_near_a_place_linking_to_the_whole_main_site_window(
    client, services
):
    near, _, _ = services
    html = client.get("/embed/?near=Paisley").content.decode()

    assert "<strong>2</strong> services near Paisley" in html
    links = re.findall(r'<a href="([^"]+)" target="_top">', html)
    assert f"http://testserver/services/{near.slug}/" in links
    assert "http://testserver/search/?near=Paisley" in links
    names = re.findall(r'target="_top">([^<]+)</a></h2>', html)
    assert sorted(names) == ["Paisley Drop-in", "Paisley Peer Group"]
    assert "Lerwick Group" not in html
    assert "km away as the crow flies" in html
    assert 'href="tel:999"' in html  # the crisis numbers stay on the framed page


def test_a_partners_area_and_type_are_kept_on_every_search(client, services):
    html = client.get("/embed/?area=renfrewshire&type=drop-in").content.decode()

    assert "Find support in Renfrewshire" in html
    assert '<input type="hidden" name="area" value="renfrewshire">' in html
    assert '<input type="hidden" name="type" value="drop-in">' in html
    names = re.findall(r'target="_top">([^<]+)</a></h2>', html)
    assert names == ["Paisley Drop-in"]


def test_a_place_we_cannot_find_is_an_error_linked_to_the_box(client, services):
    html = client.get("/embed/?near=Kirkcaldie").content.decode()

    assert "<title>Error: " in html
    assert (
        '<a href="#embed-near">We could not find “Kirkcaldie”. Did you mean Kirkcaldy?</a>' in html
    )
    assert 'aria-invalid="true"' in html


def test_embed_help_gives_the_iframe_snippet_for_the_chosen_area_and_types(client):
    html = client.get("/embed/help/?area=fife&type=drop-in&type=unknown").content.decode()

    assert (
        '<code>&lt;iframe src="http://testserver/embed/?area=fife&amp;type=drop-in"\n'
        '        title="Find mental health recovery support in Fife"' in html
    )
    assert 'title="Find mental health recovery support in Fife"' in html
    assert "any website served over HTTPS" in html
