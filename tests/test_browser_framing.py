"""Other sites cannot frame the viewer: every HTTP response forbids it once the app has run."""

from __future__ import annotations

import urllib.request

import pytest

from benchmarks.live import launch, offline_context, streamlit_server, wait_for_app
from tests.browser_support import skip_without_browser


@pytest.mark.browser
def test_responses_forbid_framing_by_other_sites():
    skip_without_browser()
    from playwright.sync_api import sync_playwright

    with streamlit_server() as (base, _), sync_playwright() as playwright:
        browser = launch(playwright)
        page = offline_context(browser).new_page()
        page.goto(base + "/?z=inf")  # a visit runs the app once; the bad zoom must not crash it
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
        for path in ("/", "/transport", "/_stcore/health"):
            with urllib.request.urlopen(base + path) as response:
                assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
                assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
