"""The interactive API documentation (/api/docs/) in real headless Chromium: Swagger UI renders
under the site's Content-Security-Policy, with no errors and no requests to other sites."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Added through the DevTools protocol, so the policy under test does not block it.
RECORD_CSP_VIOLATIONS = """
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
        window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
"""


def test_swagger_ui_renders_the_operations_under_the_content_security_policy(
    page, live_server, third_party_requests
):
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    with page.expect_response(re.compile(r"/api/schema/")) as schema:
        response = page.goto("/api/docs/")

    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert schema.value.status == 200
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert title.inner_text().startswith("Recovery Directory API")
    services = page.locator('.opblock-get .opblock-summary-path[data-path="/api/v1/services/"]')
    services.wait_for()
    assert services.inner_text().replace("\u200b", "") == "/api/v1/services/"
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert page.evaluate("window.cspViolations") == []
    assert third_party_requests == []
