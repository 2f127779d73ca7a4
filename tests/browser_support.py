"""Browser-test helpers: skip cleanly when Chromium or Playwright is missing.

The map's browser files need no check: they come with ``pip install -r
requirements.txt`` and the app serves them itself (:mod:`layers.assets`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.live import ARTIFACTS, CHROMIUM


def skip_without_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser test: {CHROMIUM} not installed (apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="browser test: pip install playwright")


def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
