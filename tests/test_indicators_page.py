"""The 指标 page and the frames behind it: numbers as the plan writes them, each citing its 专栏 row."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from layers.plan import indicators
from tests.conftest import ROOT
from ui import frame, loaders

PAGE = frame.page_info("indicators")
POPULATION = {"中心城区": 180, "醴陵城区": 35, "攸县县城": 22, "茶陵县城": 20, "炎陵县城": 10}


@pytest.fixture(scope="module")
def tables() -> indicators.Tables:
    return indicators.load()


def open_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE.file)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_frames(chart) -> list[pd.DataFrame]:
    """The data Streamlit ships with one Vega-Lite chart (Arrow, one frame per dataset)."""
    return [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]


def tooltip_titles(chart) -> set[str]:
    spec = json.loads(chart.proto.spec)
    return {t["title"] for layer in spec["layer"] for t in layer.get("encoding", {}).get("tooltip", [])}


def one(frame: pd.DataFrame, name: str) -> pd.Series:
    rows = frame[frame["name"] == name]
    assert len(rows) == 1, name
    return rows.iloc[0]


# ------------------------------------------------------------------ the page
def test_page_shows_every_chart_and_table():
    at = open_page()
    assert at.title[0].value == "规划指标"
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4  # 2025 targets, growth targets, 13th-plan outcomes, population map
    assert len(at.dataframe) == 5  # one below each chart, plus the text targets
    for chart in charts[:3]:
        assert {"专栏行", "原表行（原文）"} <= tooltip_titles(chart)
    shown = pd.concat([at.dataframe[i].value for i in range(3)])
    assert sorted(shown["专栏行"], key=lambda r: int(r[5:-1])) == [f"专栏5 第{n}项" for n in range(1, 29)]


def test_category_pills_narrow_the_tables():
    at = open_page()
    everything = len(at.dataframe[0].value)
    at.pills[0].set_value(["绿色转型"]).run()
    assert not at.exception
    targets, others = at.dataframe[0].value, at.dataframe[1].value  # no growth target in 绿色转型: its table is gone
    assert set(targets["类别"]) == {"绿色转型"} and len(targets) < everything
    assert list(targets["专栏行"]) == ["专栏5 第24项", "专栏5 第25项"]
    assert list(others["专栏行"]) == ["专栏5 第21项", "专栏5 第22项", "专栏5 第23项"]
    assert set(others["未上图原因"]) == {"2025年目标为文字"}
    assert any("没有年均增速目标" in c.value for c in at.caption)
    at.pills[0].set_value([]).run()  # nothing chosen: everything again rather than an empty page
    assert len(at.dataframe[0].value) == everything


def test_thirteenth_plan_table_flags_exactly_the_missed_rows(tables):
    at = open_page()
    at.pills[1].set_value(["经济发展"]).run()
    table = at.dataframe[3].value
    assert set(table["类别"]) == {"经济发展"}
    economy = tables.plan_13th[tables.plan_13th["category"] == "经济发展"]
    missed = {indicators.row_ref(3, r.seq, r.sub_seq) for r in economy.itertuples() if r.achieved == "否"}
    assert set(table.loc[table["完成情况"] == indicators.MISSED, "专栏行"]) == missed


def test_population_map_has_five_places_at_their_targets():
    at = open_page()
    circles = next(f for f in chart_frames(at.get("vega_lite_chart")[3]) if "population_wan" in f)
    assert dict(zip(circles["place"], circles["population_wan"])) == POPULATION
    table = at.dataframe[4].value
    assert dict(zip(table["城区"], table["2025年常住人口"]))["醴陵城区"] == "超过35万人"


# ------------------------------------------------------------------ the frames
def test_targets_keep_the_plan_cells(tables):
    targets = indicators.targets_2025(tables.plan_14th)
    r = one(targets, "常住人口城镇化率")
    assert (r.value_2020, r.target_2025, r.bar, r.goal, r.ref) == ("71.26", "75", 71.26, 75.0, "专栏5 第3项")
    r = one(targets, "森林覆盖率")
    assert (r.value_2020, r.target_2025, r.target_2025_op, r.goal, r.nature) == ("62.11", "≥62.11", "≥", 62.11, "约束性")
    assert r["values"] == "62.11 → ≥62.11"  # the operator is in the label, the marker sits at 62.11
    r = one(targets, "人均预期寿命")
    assert (r.value_2020, r.target_2025, r.bar, r.goal) == ("79.8", "80.3", 79.8, 80.3)
    assert r.source_row == "20\t人均预期寿命 (岁) ☆\t79.8\t80.3\t—\t预期性"


def test_growth_targets_keep_their_operators(tables):
    growth = indicators.growth_2025(tables.plan_14th).set_index("seq")
    assert list(growth.index) == ["1", "9", "10", "11", "15"]
    assert (growth.loc["15", "goal"], growth.loc["15", "values"]) == (5.5, "5.6 → <5.5")
    assert growth.loc["9", "values"] == "— → 8.5%" and pd.isna(growth.loc["9", "bar"])


def test_every_14th_indicator_appears_exactly_once(tables):
    t14 = tables.plan_14th
    parts = [indicators.targets_2025(t14), indicators.growth_2025(t14), indicators.other_targets(t14)]
    seqs = [s for part in parts for s in part["seq"]]
    assert sorted(seqs, key=int) == [str(n) for n in range(1, 29)]
    others = parts[2].set_index("seq")
    assert others.loc["21", "target_2025"] == "完成湖南省下达任务"
    assert others.loc["2", "why"] == "年均增速为文字"
    assert others.loc["13", "why"].startswith("2020年为")


def test_outcomes_flag_missed_from_achieved_not_from_the_numbers(tables):
    outcomes = indicators.outcomes_2020(tables.plan_13th)
    t13 = tables.plan_13th
    assert list(outcomes["ref"]) == [indicators.row_ref(3, s, sub) for s, sub in zip(t13["seq"], t13["sub_seq"])]
    assert list(outcomes["missed"]) == list(t13["achieved"] == "否")
    assert outcomes["source_row"].tolist() == t13["source_row"].tolist()
    r = one(outcomes, "全员劳动生产率")  # 12.7 against 13, yet 说明2 does not list it as missed
    assert (r.bar, r.goal, r.missed) == (12.7, 13.0, False)
    r = one(outcomes, "固定资产投资(五年累计)")
    assert (r.basis, r.target, r.actual) == ("五年累计", "[17000]", "[10876]")
    r = one(outcomes, "规模工业增加值")  # no 2020 value: compared on growth
    assert (r.basis, r.target, r.actual, r.missed) == ("增速", "9%", "7%", True)
    assert one(outcomes, "户籍人口城镇化率")["ref"] == "专栏3 第8项（2）"


def test_circles_are_area_proportional(tables):
    counties = loaders.layer_load("admin_counties").gdf
    spec = indicators.population_map(indicators.population_2025(tables.population), counties).to_dict()
    circle = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "circle")
    size = circle["encoding"]["size"]["scale"]
    assert size["domain"][0] == 0 and size["range"][0] == 0  # Vega's size is an area: linear from zero
    assert spec["projection"]["type"] == "mercator"
