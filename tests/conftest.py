"""Shared test fixtures: repository paths and the (optional) seed text."""

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
