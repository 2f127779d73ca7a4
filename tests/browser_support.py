"""Browser-test helpers: skip cleanly when Chromium or the offline assets are missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.live import ARTIFACTS, CHROMIUM
from layers.web.assets import missing_local


def skip_without_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser test: {CHROMIUM} not installed (apt-get install -y chromium)")
    missing = missing_local()
    if missing:
        pytest.skip(f"browser test: offline map assets missing ({', '.join(missing)}); run `python -m layers assets`")
    pytest.importorskip("playwright.sync_api", reason="browser test: pip install playwright")


def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
