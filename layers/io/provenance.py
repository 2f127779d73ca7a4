"""How many features of a layer sit at a cited coordinate and how many are 示意.

Why: a reader of the data page should see at a glance how much of a layer is
placed from an openable source and how much is drawn schematically.  Counted
from the features' ``position`` property (``cited`` / ``schematic``), which the
plan build writes on every point it places; layers without it are not counted.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

POSITIONS = ("cited", "schematic")


def position_counts(frame: pd.DataFrame) -> dict[str, int] | None:
    """``{"cited": n, "schematic": m}`` for a layer, or ``None`` when it does not say."""
    if "position" not in frame.columns:
        return None
    values = frame["position"].dropna()
    if values.empty:
        return None
    counts = Counter(str(v) for v in values)
    return {key: counts.get(key, 0) for key in POSITIONS}


def position_summary(frame: pd.DataFrame) -> str:
    """The data page's one-cell summary, e.g. ``引用坐标 60 · 示意 5`` (``—`` when unknown)."""
    counts = position_counts(frame)
    if counts is None:
        return "—"
    return f"引用坐标 {counts['cited']} · 示意 {counts['schematic']}"
