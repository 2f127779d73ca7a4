"""Browser-test helpers: skip cleanly when Chromium or Playwright is missing.

The map's browser files need no check: they come with ``pip install -r
requirements.txt`` and the app serves them itself (:mod:`layers.web.assets`).
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


# Index (among ``path.zzp-LAYER``) of the first drawn point feature with no other point feature within
# 14 px: a click on it opens it directly (overlapping markers open a chooser instead).
_ISOLATED = """(layer) => {
  const centre = (p) => { const r = p.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2, r.width]; };
  const points = [...document.querySelectorAll('path[tabindex]')].map(centre).filter((c) => c[2] > 0 && c[2] < 40);
  return [...document.querySelectorAll('path.zzp-' + layer)].findIndex((p) => {
    const [x, y, w] = centre(p);
    return w > 0 && points.filter((c) => Math.hypot(c[0] - x, c[1] - y) <= 14).length === 1;
  });
}"""


def isolated_point(page, layer: str):
    """A point feature of ``layer`` that a click opens directly (none other drawn within 14 px)."""
    index = page.evaluate(_ISOLATED, layer)
    assert index >= 0, f"every {layer} feature overlaps another"
    return page.locator(f"path.zzp-{layer}").nth(index)
