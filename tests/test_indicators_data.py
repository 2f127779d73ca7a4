"""Tests for the plan's indicator tables in geodata/indicators/.

* plan_14th.csv         专栏5 “十四五”经济社会发展主要指标 (28 indicators)
* plan_13th.csv         专栏3 “十三五”规划主要指标完成情况 (29 indicators, 38 rows:
                        indicators 8, 13, 15, 26, 27, 28 have 2 sub-indicators, 29 has 4)
* population_targets.csv 第五章 / 第十二章第三节 population and built-up-area targets

Tests marked "seed" compare against the OCR seed text and skip when it is absent;
all others need only the CSVs.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
IND = REPO / "geodata" / "indicators"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_546095a7c4866ffd.txt"

NATURES = {"预期性", "约束性"}
OPS = {"", "≥", "≤", ">", "<"}
CATS_14 = ["经济发展", "创新驱动", "民生福祉", "绿色转型", "安全保障"]
CATS_13 = ["经济发展", "创新驱动", "民生福祉", "生态文明"]
LEVELS = {"☆": "国家", "△": "省", "*": "市"}
NINE_COUNTIES = {"荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县", "茶陵县", "炎陵县"}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(IND / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def t14() -> pd.DataFrame:
    return _read("plan_14th.csv")


@pytest.fixture(scope="module")
def t13() -> pd.DataFrame:
    return _read("plan_13th.csv")


@pytest.fixture(scope="module")
def pop() -> pd.DataFrame:
    return _read("population_targets.csv")


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"seed text not available: {SEED}")
    return SEED.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def seed_nows(seed_lines) -> str:
    return _nows("\n".join(seed_lines))


def _nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _num(s: str) -> float | None:
    return None if s == "" else float(s)


def _expected_num(cell: str) -> tuple[float | None, str]:
    """Independent re-derivation of the helper columns from the verbatim cell."""
    m = re.fullmatch(r"\[?\s*([≥≤><]?)\s*(-?\d+(?:\.\d+)?)\s*%?\s*\]?", cell)
    if not m:
        return None, ""
    return float(m.group(2)), m.group(1)


def _row(df: pd.DataFrame, **kw) -> pd.Series:
    sel = df
    for k, v in kw.items():
        sel = sel[sel[k] == str(v)]
    assert len(sel) == 1, (kw, len(sel))
    return sel.iloc[0]


# ------------------------------------------------------------------ 专栏5 (CSV only)
def test_14th_row_count_and_seq(t14):
    assert len(t14) == 28
    assert t14["seq"].astype(int).tolist() == list(range(1, 29))


def test_14th_columns(t14):
    for col in ["seq", "category", "name", "unit", "value_2020", "target_2025", "annual_growth",
                "nature", "level", "level_name", "value_2020_num", "target_2025_num",
                "target_2025_op", "annual_growth_num", "source_row", "seed_line", "note"]:
        assert col in t14.columns, col


def test_14th_categories(t14):
    assert set(t14["category"]) == set(CATS_14)
    seqs = {c: sorted(t14.loc[t14.category == c, "seq"].astype(int)) for c in CATS_14}
    assert seqs == {
        "经济发展": list(range(1, 11)),
        "创新驱动": [11, 12, 13],
        "民生福祉": list(range(14, 21)),
        "绿色转型": list(range(21, 26)),
        "安全保障": [26, 27, 28],
    }


def test_14th_nature_and_level(t14):
    assert set(t14["nature"]) <= NATURES
    assert (t14["nature"] == "约束性").sum() == 9  # 16, 21–28
    assert set(t14["level"]) <= set(LEVELS) | {""}
    for lvl, lname in zip(t14["level"], t14["level_name"]):
        assert lname == LEVELS.get(lvl, "")
    assert t14["level"].value_counts().to_dict() == {"☆": 20, "△": 6, "*": 2}


def test_14th_numeric_columns_parse(t14):
    for col in ["value_2020_num", "target_2025_num", "annual_growth_num"]:
        for v in t14[col]:
            if v != "":
                assert math.isfinite(float(v)), (col, v)
    assert set(t14["target_2025_op"]) <= OPS
    for src, numcol, opcol in [("value_2020", "value_2020_num", None),
                               ("target_2025", "target_2025_num", "target_2025_op"),
                               ("annual_growth", "annual_growth_num", "annual_growth_op")]:
        for _, r in t14.iterrows():
            exp, op = _expected_num(r[src])
            assert _num(r[numcol]) == exp, (r["seq"], src, r[src], r[numcol])
            if opcol:
                assert r[opcol] == op, (r["seq"], src)


def test_14th_spot_values(t14):
    r = _row(t14, name="常住人口城镇化率")
    assert (r.value_2020, r.target_2025, r.unit, r.nature, r.level) == ("71.26", "75", "%", "预期性", "☆")
    assert float(r.value_2020_num) == 71.26 and float(r.target_2025_num) == 75

    r = _row(t14, name="森林覆盖率")
    assert (r.value_2020, r.target_2025, r.nature) == ("62.11", "≥62.11", "约束性")
    assert float(r.target_2025_num) == 62.11 and r.target_2025_op == "≥"

    r = _row(t14, name="人均预期寿命")
    assert (r.value_2020, r.target_2025, r.unit) == ("79.8", "80.3", "岁")

    r = _row(t14, seq=1)
    assert r.value_2020 == "4.1" and r.target_2025 == "" and r.annual_growth == "7.5%"
    assert float(r.annual_growth_num) == 7.5

    r = _row(t14, seq=15)  # 城镇调查失业率: "<5.5" sits in the 年均增速 column
    assert r.annual_growth == "<5.5" and r.annual_growth_op == "<" and float(r.annual_growth_num) == 5.5

    r = _row(t14, seq=21)
    assert r.target_2025 == "完成湖南省下达任务" and r.target_2025_num == "" and r.nature == "约束性"

    r = _row(t14, seq=9)
    assert r.level == "*" and r.level_name == "市" and r.annual_growth == "8.5%"

    r = _row(t14, seq=28)
    assert (r.value_2020, r.target_2025, r.unit, r.level) == ("0.031", "0.026", "人/亿元", "△")


# ------------------------------------------------------------------ 专栏3 (CSV only)
def test_13th_row_count(t13):
    assert len(t13) == 38
    assert sorted(set(t13["seq"].astype(int))) == list(range(1, 30))
    subs = t13[t13.sub_seq != ""].groupby("seq").size().to_dict()
    assert subs == {"8": 2, "13": 2, "15": 2, "26": 2, "27": 2, "28": 2, "29": 4}
    assert not t13.duplicated(["seq", "sub_seq"]).any()


def test_13th_categories(t13):
    assert set(t13["category"]) == set(CATS_13)
    seqs = {c: sorted(set(t13.loc[t13.category == c, "seq"].astype(int))) for c in CATS_13}
    assert seqs == {
        "经济发展": list(range(1, 11)),
        "创新驱动": [11, 12, 13, 14],
        "民生福祉": list(range(15, 21)),
        "生态文明": list(range(21, 30)),
    }


def test_13th_nature_and_achieved(t13):
    assert set(t13["nature"]) <= NATURES | {""}
    assert set(t13["nature_inferred"]) <= NATURES
    assert set(t13["achieved"]) <= {"是", "否"}
    assert all(b for b in t13["achieved_basis"])
    # 说明2: exactly 8 预期性 indicators missed; 12 约束性 indicators
    missed = sorted(set(t13.loc[t13.achieved == "否", "seq"].astype(int)))
    assert missed == [1, 2, 3, 4, 5, 7, 8, 15]
    assert set(t13.loc[t13.achieved == "否", "nature"]) == {"预期性"}
    binding = set(t13.loc[t13.nature_inferred == "约束性", "seq"].astype(int))
    assert len(binding) == 12
    assert set(t13.loc[t13.nature_inferred == "约束性", "achieved"]) == {"是"}


def test_13th_numeric_columns_parse(t13):
    for src, numcol, opcol in [("base_2015", "base_2015_num", None),
                               ("target_2020", "target_2020_num", "target_2020_op"),
                               ("target_growth", "target_growth_num", "target_growth_op"),
                               ("actual_2020", "actual_2020_num", None),
                               ("actual_growth", "actual_growth_num", None)]:
        for _, r in t13.iterrows():
            exp, op = _expected_num(r[src])
            assert _num(r[numcol]) == exp, (r["seq"], r["sub_seq"], src, r[src], r[numcol])
            if opcol:
                assert r[opcol] == op
            else:
                assert op == ""
        for v in t13[numcol]:
            if v != "":
                assert math.isfinite(float(v))
    for _, r in t13.iterrows():
        bracketed = {c for c in ["base_2015", "target_2020", "target_growth", "actual_2020", "actual_growth"]
                     if r[c].startswith("[")}
        assert bracketed == set(filter(None, r["cumulative_fields"].split(";")))


def test_13th_spot_values(t13):
    r = _row(t13, name="常住人口城镇化率")
    assert (r.seq, r.parent_name, r.base_2015, r.target_2020, r.actual_2020, r.achieved) == (
        "8", "城镇化率", "62.1", "73", "71.26", "否")
    r = _row(t13, name="地区生产总值")
    assert (r.base_2015, r.target_2020, r.target_growth, r.actual_2020, r.actual_growth) == (
        "2335.1", "3800", "9%", "3105.8", "7.2%")
    r = _row(t13, name="人均预期寿命")
    assert (r.base_2015, r.target_2020, r.actual_2020, r.achieved) == ("76.2", "77", "79.8", "是")
    r = _row(t13, name="森林覆盖率")
    assert (r.base_2015, r.target_2020, r.actual_2020) == ("61.85", "≥62", "62.11")
    assert r.target_2020_op == "≥" and float(r.target_2020_num) == 62
    r = _row(t13, name="固定资产投资(五年累计)")
    assert (r.base_2015, r.target_2020, r.actual_2020) == ("[7522]", "[17000]", "[10876]")
    assert float(r.actual_2020_num) == 10876
    r = _row(t13, name="细颗粒物（PM2.5）浓度下降")
    assert r.target_growth == "[>18]" and r.target_growth_op == ">" and float(r.target_growth_num) == 18
    r = _row(t13, name="氮氧化物")
    assert (r.seq, r.sub_seq, r.base_2015, r.target_growth, r.actual_growth) == ("29", "4", "17.92", "[12]", "[20]")
    r = _row(t13, name="农民人均纯收入")
    assert (r.base_2015, r.target_2020, r.target_growth, r.actual_2020, r.actual_growth) == (
        "1.56", "2.4", "9%", "2.32", "8.3%")


# ------------------------------------------------------------------ population (CSV only)
def test_population_targets(pop):
    assert len(pop) == 5
    by = pop.set_index("place")
    assert set(by.index) == {"中心城区", "醴陵城区", "攸县县城", "茶陵县城", "炎陵县城"}
    assert set(pop["year"]) == {"2025"}
    expect = {"中心城区": (180, ""), "醴陵城区": (35, ">"), "攸县县城": (22, ""),
              "茶陵县城": (20, ""), "炎陵县城": (10, "")}
    for place, (n, op) in expect.items():
        assert float(by.loc[place, "population_wan"]) == n
        assert by.loc[place, "population_op"] == op
    assert float(by.loc["中心城区", "built_area_km2"]) == 180
    assert set(pop["population_op"]) <= OPS
    assert by.loc["中心城区", "plan_ref"] == "第五章"
    assert set(by.drop(index="中心城区")["plan_ref"]) == {"第十二章第三节"}
    assert set(by.drop(index="中心城区")["county"]) <= NINE_COUNTIES
    assert set(pop["coord_county"]) <= NINE_COUNTIES


def test_population_coordinates_plausible(pop):
    # WGS-84, inside 株洲市's extent (N26°03′–28°02′, E112°57′–114°07′)
    for _, r in pop.iterrows():
        lon, lat = float(r.lon), float(r.lat)
        assert 112.95 < lon < 114.13 and 26.05 < lat < 28.03, r.place
    # ordering sanity: 醴陵 east of the centre, the three county seats successively further south
    by = pop.set_index("place")
    lat = by["lat"].astype(float)
    assert float(by.loc["醴陵城区", "lon"]) > float(by.loc["中心城区", "lon"])
    assert lat["中心城区"] > lat["醴陵城区"] > lat["攸县县城"] > lat["茶陵县城"] > lat["炎陵县城"]


def test_population_coordinates_in_county_polygon(pop):
    import json

    import shapely.geometry as shapely

    path = REPO / "geodata" / "admin_counties.geojson"
    gj = json.loads(path.read_text(encoding="utf-8"))
    polys = {f["properties"]["name"]: shapely.shape(f["geometry"]) for f in gj["features"]}
    for _, r in pop.iterrows():
        pt = shapely.Point(float(r.lon), float(r.lat))
        assert polys[r.coord_county].contains(pt), (r.place, r.coord_county)


# ------------------------------------------------------------------ against the seed
def test_14th_source_rows_in_seed(t14, seed_lines, seed_nows):
    for _, r in t14.iterrows():
        assert r.source_row, r.seq
        assert _nows(r.source_row) in seed_nows, r.seq
        assert _nows(r.source_row) in _nows(seed_lines[int(r.seed_line) - 1]), (r.seq, r.seed_line)


def test_14th_cells_on_seed_line(t14, seed_lines):
    """Re-split each seed line and compare every transcribed cell."""
    for _, r in t14.iterrows():
        cells = [c.strip() for c in seed_lines[int(r.seed_line) - 1].split("\t")]
        assert cells[1] == r.seq
        assert _nows(cells[2]) == _nows(f"{r['name']}({r.unit}){r.level}")
        assert cells[3:7] == [r.value_2020, r.target_2025, r.annual_growth, r.nature], r.seq


def test_14th_table_location_and_legend(seed_lines):
    title = [i for i, s in enumerate(seed_lines, 1) if "专栏5" in s and "十四五" in s]
    assert title, "专栏5 title not found"
    legend = "".join(seed_lines[title[0]:title[0] + 40])
    for s in ["带☆为国家指标", "带△的为湖南省增设指标", "带*的指标为我市增设指标"]:
        assert s in legend


def test_13th_source_rows_in_seed(t13, seed_lines, seed_nows):
    for _, r in t13.iterrows():
        assert _nows(r.source_row) in seed_nows, (r.seq, r.sub_seq)
        line = seed_lines[int(r.seed_line) - 1]
        assert _nows(r.source_row) in _nows(line)
        # the last five cells of the seed line (right-aligned; OCR shifts the label cells)
        cells = [c.strip() for c in line.split("\t")]
        if cells[-1] == "" and r.actual_growth != "":
            cells = cells[:-1]
        assert cells[-5:] == [r.base_2015, r.target_2020, r.target_growth, r.actual_2020, r.actual_growth], (
            r.seq, r.sub_seq)
        assert _nows(r["name"]) in _nows(line)


def test_13th_achieved_basis_matches_note(t13, seed_lines):
    note = next(s for s in seed_lines if s.startswith("说明：") and "8个预期性指标没有达到预期" in s)
    assert "4大类29项指标" in note and "12项约束性指标全面完成" in note
    for name in ["地区生产总值", "规模工业增加值", "财政总收入", "固定资产投资", "社会消费品零售总额",
                 "进出口总额", "城镇化率", "居民人均可支配收入"]:
        assert name in note


def test_population_quotes_in_seed(pop, seed_lines, seed_nows):
    for _, r in pop.iterrows():
        assert _nows(r.quote) in seed_nows, r.place
        assert _nows(r.quote) in _nows(seed_lines[int(r.seed_line) - 1]), r.place
        pnum = r.population_wan
        assert re.search(rf"{r.population_verb}\s*{pnum}\s*万人", r.quote), r.place
        if r.built_area_km2:
            assert re.search(rf"{r.built_area_km2}\s*平方公里", r.quote)
