"""axe-core in real Chromium: the violations on the current page, and the assertion every
browser test makes that there are none."""

import json


def axe_violations(page, axe_source: str) -> list[dict]:
    # Evaluated through the DevTools protocol, so the page's Content Security Policy (which
    # rightly forbids inline scripts) does not stop axe being added for the test.
    page.evaluate(axe_source)
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ")),
            }));
        }"""
    )


def assert_accessible(page, axe_source: str) -> None:
    violations = axe_violations(page, axe_source)
    assert violations == [], f"{page.url}\n{json.dumps(violations, indent=2)}"
