"""First-visit page weight in real Chromium against the app as served in production (gunicorn,
WhiteNoise, collectstatic): home at most 30 KB and results at most 50 KB transferred. The
figures are printed (`pytest -s`) and given in the README."""

import pytest

from .page_weight import BUDGETS, measure, report

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_home_and_results_pages_are_light_on_a_first_visit(browser):
    figures = measure(browser)

    print("\n" + report(figures))
    for name, (total, shares) in figures.items():
        assert total <= BUDGETS[name], report({name: (total, shares)})
        page, *assets = shares
        assert any(".css" in url for url, _size in assets)
        assert page[1] < 12 * 1024  # the HTML itself arrives compressed
