"""The pages shown when the site itself has failed (503: database or cache unavailable; 500)
in real headless Chromium: no accessibility violations, the site's own stylesheet, the crisis
numbers as links. They are standalone templates (no database, no request), so the test serves
each one at an address of the live server, as the app does."""

import json

import pytest
from django.template import loader

from .accessibility import axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("template", "status"), [("503.html", 503), ("500.html", 500)])
def test_failure_pages_have_no_accessibility_violations_and_load_our_stylesheet(
    page, live_server, axe_source, third_party_requests, template, status
):
    html = loader.get_template(template).render()
    page.route(
        f"{live_server.url}/failure-page/",
        lambda route: route.fulfill(status=status, body=html, content_type="text/html"),
    )
    stylesheets = []
    page.on(
        "response",
        lambda response: (
            stylesheets.append(response.status) if response.url.endswith(".css") else None
        ),
    )
    response = page.goto("/failure-page/")
    page.wait_for_load_state("load")

    assert response.status == status
    assert stylesheets == [200]
    assert page.get_by_role("link", name="116 123").get_attribute("href") == "tel:116123"
    violations = axe_violations(page, axe_source)
    assert violations == [], json.dumps(violations, indent=2)
    assert third_party_requests == []
