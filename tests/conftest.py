"""Shared test fixtures: repository paths, the (optional) seed text, and the live server and browser of the browser tests."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from layers.paths import SEED  # noqa: E402

DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The plan's text with all whitespace removed; skips when the seed is not on this machine."""
    if not SEED.exists():
        pytest.skip(f"seed text not available: {SEED} (it lives beside the repository, not in it)")
    return re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server():
    """A live ``streamlit run app.py`` shared by one browser-test module (skips without Chromium)."""
    from benchmarks.live import streamlit_server
    from tests.browser_support import skip_without_browser

    skip_without_browser()
    with streamlit_server() as (base, _process):
        yield base


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, driven by Playwright, shared by one test module."""
    from playwright.sync_api import sync_playwright

    from benchmarks.live import launch

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()
