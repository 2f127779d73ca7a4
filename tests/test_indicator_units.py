"""A chart row's label states the unit of the numbers it is drawn with, as the plan's table gives them.

专栏3 row 2 (规模工业增加值, 亿元) has no 2020 value, so it is compared by growth
(9% against 7%): its label must say per cent, not 亿元.  Checked against the
plan's own rows in the seed text; skips when the seed is absent.
"""

from __future__ import annotations

import re

import pytest

from layers.paths import SEED
from layers.plan import indicators

UNIT_IN_NAME = re.compile(r"[（(]([^（）()]*)[)）]\s*[☆△*]?\s*$")


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"seed text not available: {SEED} (it lives beside the repository, not in it)")
    return SEED.read_text(encoding="utf-8").split("\n")


def label_unit(label: str) -> str:
    return UNIT_IN_NAME.search(label).group(1)


def seed_row(seed_lines: list[str], line: str, fallback_unit: str) -> tuple[str, list[str]]:
    """(the unit named in the plan's row, the row's cells) for a 1-based seed line number.

    A sub-indicator's line (化学需氧量 …) names no unit: its parent's, transcribed, stands.
    """
    cells = [c.strip() for c in seed_lines[int(line) - 1].split("\t") if c.strip()]
    named = [UNIT_IN_NAME.search(c).group(1) for c in cells if UNIT_IN_NAME.search(c)]
    return (named[0] if named else fallback_unit), cells


def test_outcome_labels_state_the_unit_of_the_drawn_cells(seed_lines):
    t13 = indicators.load().plan_13th
    outcomes = indicators.outcomes_2020(t13)
    for (_, row), (_, source) in zip(outcomes.iterrows(), t13.iterrows()):
        plan_unit, cells = seed_row(seed_lines, source["seed_line"], source["unit"])
        assert row["target"] in cells and row["actual"] in cells, (row["ref"], cells)
        drawn_in_percent = row["target"].endswith("%") and row["actual"].endswith("%")
        expected = "%" if drawn_in_percent else plan_unit
        assert label_unit(row["label"]) == expected == row["unit"], (row["ref"], row["label"], cells)


def test_the_industrial_value_added_row_is_drawn_and_labelled_in_percent(seed_lines):
    outcomes = indicators.outcomes_2020(indicators.load().plan_13th)
    row = outcomes[outcomes["name"] == "规模工业增加值"].iloc[0]
    plan_unit, cells = seed_row(seed_lines, indicators.load().plan_13th.iloc[row.name]["seed_line"], "")
    assert plan_unit == "亿元" and "—" in cells  # the plan's row: level in 亿元, no 2020 value
    assert (row["goal"], row["bar"]) == (9.0, 7.0)
    assert "亿元" not in row["label"] and label_unit(row["label"]) == "%"


def test_growth_chart_labels_are_in_percent_like_the_plan(seed_lines):
    t14 = indicators.load().plan_14th
    growth = indicators.growth_2025(t14)
    for _, row in growth.iterrows():
        plan_unit, cells = seed_row(seed_lines, row["seed_line"], "")
        assert row["annual_growth"] in cells
        assert label_unit(row["label"].rstrip("☆△* ")) == plan_unit == "%"
