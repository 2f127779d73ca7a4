"""Plan indicators (专栏5, 专栏3) and 2025 population targets as chart frames and Altair charts.

The CSVs in ``geodata/indicators/`` are the transcription and this module never
changes a number: every frame keeps the cell as the plan writes it (``≥62.11``,
``[10876]``) beside the number it is drawn at, and the 专栏 row it comes from,
so charts and tables can cite the plan.  Plain pandas/Altair (no Streamlit),
so it is tested directly; ``pages/indicators.py`` caches the load and composes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.paths import GEODATA
from layers.web.display import simplify

INDICATORS = GEODATA / "indicators"
NO_VALUE = {"", "—"}
LEVEL_NOTE = "☆ 国家指标　△ 湖南省增设指标　* 株洲市增设指标（专栏5 图例）"
NATURE_SHAPES = {"预期性": "circle", "约束性": "diamond"}
MISSED, MET = "未达预期", "已完成"
MISSED_COLOURS = {MISSED: "#d9480f", MET: "#74a9cf"}
ROW_STEP = 44  # px per indicator: a name line above a bar line
BAR_END = 0.58  # bars use this share of the width; the value text sits in the rest


@dataclass(frozen=True)
class Tables:
    """The three transcribed tables, every cell a string exactly as in the CSV."""

    plan_14th: pd.DataFrame
    plan_13th: pd.DataFrame
    population: pd.DataFrame


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(INDICATORS / name, dtype=str, keep_default_na=False, encoding="utf-8")


def load() -> Tables:
    """The three indicator tables from ``geodata/indicators/`` (专栏5, 专栏3, 2025 population targets)."""
    return Tables(_read("plan_14th.csv"), _read("plan_13th.csv"), _read("population_targets.csv"))


def _num(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.replace("", np.nan))


def row_ref(column: int, seq: str, sub_seq: str = "") -> str:
    """``专栏5 第3项`` / ``专栏3 第8项（2）``: where a number stands in the plan's table."""
    return f"专栏{column} 第{seq}项" + (f"（{sub_seq}）" if sub_seq else "")


def categories(table: pd.DataFrame) -> list[str]:
    """Categories in the plan's own order (the order they first appear)."""
    return list(dict.fromkeys(table["category"]))


def by_category(frame: pd.DataFrame, chosen: list[str] | None) -> pd.DataFrame:
    """Rows of the chosen categories; nothing chosen means no filter (an empty page helps no one)."""
    return frame[frame["category"].isin(chosen)] if chosen else frame


# ------------------------------------------------------------------ 专栏5 “十四五”主要指标
def _plan_14th(t14: pd.DataFrame) -> pd.DataFrame:
    out = t14.assign(
        ref=[row_ref(5, s) for s in t14["seq"]],
        value_2020_num=_num(t14["value_2020_num"]),
        target_2025_num=_num(t14["target_2025_num"]),
        annual_growth_num=_num(t14["annual_growth_num"]),
        level_shown=t14["level"] + " " + t14["level_name"],
    )
    out["label"] = out["seq"] + " " + out["name"] + "（" + out["unit"] + "）" + out["level"]
    return out


def targets_2025(t14: pd.DataFrame) -> pd.DataFrame:
    """Indicators with both a numeric 2020 value and a numeric 2025 target (operator kept apart)."""
    out = _plan_14th(t14)
    out = out[out["value_2020_num"].notna() & out["target_2025_num"].notna()]
    return out.assign(bar=out["value_2020_num"], goal=out["target_2025_num"], values=out["value_2020"] + " → " + out["target_2025"])


def growth_2025(t14: pd.DataFrame) -> pd.DataFrame:
    """Indicators with a number in the 年均增速 column, with the 2020 value where the plan gives one."""
    out = _plan_14th(t14)
    out = out[out["annual_growth_num"].notna()]
    before = out["value_2020"].where(~out["value_2020"].isin(NO_VALUE), "—")
    return out.assign(bar=out["value_2020_num"], goal=out["annual_growth_num"], values=before + " → " + out["annual_growth"])


def _why_not_charted(row: pd.Series) -> str:
    if row["target_2025"] not in NO_VALUE and pd.isna(row["target_2025_num"]):
        return "2025年目标为文字"
    if row["annual_growth"] not in NO_VALUE and pd.isna(row["annual_growth_num"]):
        return "年均增速为文字"
    return "2020年为“—”，无基期值可比"


def other_targets(t14: pd.DataFrame) -> pd.DataFrame:
    """Indicators on neither chart (text targets such as 完成湖南省下达任务), with the reason."""
    out = _plan_14th(t14)
    charted = set(targets_2025(t14)["seq"]) | set(growth_2025(t14)["seq"])
    out = out[~out["seq"].isin(charted)]
    return out.assign(why=out.apply(_why_not_charted, axis=1))


PLAN_14TH_COLUMNS = {
    "ref": "专栏行", "category": "类别", "name": "指标", "unit": "单位", "value_2020": "2020年",
    "target_2025": "2025年目标", "annual_growth": "年均增速", "nature": "属性", "level_shown": "级别",
    "source_row": "原表行（原文）", "note": "转录说明",
}


def plan_14th_table(frame: pd.DataFrame, with_reason: bool = False) -> pd.DataFrame:
    """Cells as the plan writes them, Chinese headers; ``with_reason`` adds why a row is not charted."""
    columns = dict(PLAN_14TH_COLUMNS)
    if with_reason:
        columns = {"ref": "专栏行", "why": "未上图原因", **columns}
    return frame[list(columns)].rename(columns=columns)


# ------------------------------------------------------------------ 专栏3 “十三五”完成情况
def _pair(row: pd.Series) -> tuple[str, str, str]:
    """Which target/actual cells to compare: the 2020 level if both are numbers, else the growth pair."""
    for target, actual, basis in (("target_2020", "actual_2020", "2020年值"), ("target_growth", "actual_growth", "增速")):
        if row[f"{target}_num"] != "" and row[f"{actual}_num"] != "":
            return target, actual, ("五年累计" if row[target].startswith("[") else basis)
    raise ValueError(f"{row_ref(3, row['seq'], row['sub_seq'])}: no target/actual pair to compare")


def plotted_unit(unit: str, basis: str) -> str:
    """The unit of the numbers a 专栏3 row is drawn with, which its label must state.

    A row compared by growth (规模工业增加值: 2020 value “—”, so 9% against 7%)
    is drawn in per cent a year, not in the level's unit (亿元) the plan's row names.
    """
    return "%" if basis == "增速" else unit


def outcomes_2020(t13: pd.DataFrame) -> pd.DataFrame:
    """Each (sub-)indicator's 2020 target against what was achieved; ``missed`` comes from ``achieved``.

    ``achieved`` follows the plan's own 说明2 (8 预期性 indicators missed), not a
    comparison of the numbers, so 全员劳动生产率 (12.7 against 13) counts as met.
    """
    rows = []
    for _, row in t13.iterrows():
        target, actual, basis = _pair(row)
        parent = row["parent_name"] if row["parent_name"] and row["parent_name"] not in row["name"] else ""
        nature = row["nature"] or (row["nature_inferred"] + "（推断）")
        unit = plotted_unit(row["unit"], basis)
        rows.append({
            "ref": row_ref(3, row["seq"], row["sub_seq"]),
            "seq": row["seq"],
            "category": row["category"],
            "name": row["name"],
            "label": f"{row['seq']}{'-' + row['sub_seq'] if row['sub_seq'] else ''} "
            + (f"{parent}·" if parent else "") + f"{row['name']}{'年均增速' if basis == '增速' else ''}（{unit}）",
            "unit": unit,
            "basis": basis,
            "target": row[target],
            "actual": row[actual],
            "goal": float(row[f"{target}_num"]),
            "bar": float(row[f"{actual}_num"]),
            "values": f"实际 {row[actual]} · 目标 {row[target]}",
            "nature": nature,
            "achieved": row["achieved"],
            "missed": row["achieved"] == "否",
            "status": MISSED if row["achieved"] == "否" else MET,
            "achieved_basis": row["achieved_basis"],
            "source_row": row["source_row"],
            "note": row["note"],
        })
    return pd.DataFrame(rows)


PLAN_13TH_COLUMNS = {
    "ref": "专栏行", "category": "类别", "name": "指标", "unit": "单位", "basis": "比较",
    "target": "目标", "actual": "实际", "status": "完成情况", "nature": "属性",
    "achieved_basis": "完成依据", "source_row": "原表行（原文）", "note": "转录说明",
}


def plan_13th_table(frame: pd.DataFrame) -> pd.DataFrame:
    """专栏3 rows as shown under the chart, with Chinese column names."""
    return frame[list(PLAN_13TH_COLUMNS)].rename(columns=PLAN_13TH_COLUMNS)


# ------------------------------------------------------------------ charts
def _bullets(frame: pd.DataFrame, bar_colour: alt.Color | alt.ColorValue, marker: Callable[[alt.Chart], alt.Chart],
             tooltip: list[alt.Tooltip], unit: str | None = None) -> alt.LayerChart:
    """One row per indicator: its name above, a bar (observed) and a marker (target), the plan's cells right.

    Without ``unit`` the indicators differ in unit, so each row is drawn against
    its own maximum from zero and no axis is shown: lengths compare within a
    row only, and the numbers are the labels.  With ``unit`` all rows share a real axis.
    """
    if unit is None:
        top = frame[["bar", "goal"]].abs().max(axis=1).replace(0, 1)
        data = frame.assign(bar_x=frame["bar"] / top * BAR_END, goal_x=frame["goal"] / top * BAR_END)
        axis: alt.Axis | None = None
        end = 1.0
    else:
        top = float(frame[["bar", "goal"]].abs().max().max() or 1)
        data = frame.assign(bar_x=frame["bar"], goal_x=frame["goal"])
        axis = alt.Axis(title=unit, values=_ticks(top), grid=True, orient="top", titleAnchor="start", titleAlign="left")
        end = top / BAR_END
    data = data.assign(zero=0.0, text_x=end * (BAR_END + 0.04))
    scale = alt.Scale(domain=[0, end], nice=False)

    def x(field: str) -> alt.X:
        return alt.X(f"{field}:Q", scale=scale, axis=axis)

    y = alt.Y("ref:N", sort=list(data["ref"]), axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=11, yOffset=9, cornerRadiusEnd=2).encode(x=x("zero"), x2="bar_x:Q", color=bar_colour)
    names = base.mark_text(align="left", baseline="bottom", yOffset=-1, fontSize=13, limit=alt.expr("width")).encode(
        x=x("zero"), text="label:N"
    )
    values = base.mark_text(align="left", baseline="middle", yOffset=9, fontSize=12, color="#333").encode(
        x=x("text_x"), text="values:N"
    )
    return alt.layer(bars, marker(base).encode(x=x("goal_x")), names, values).properties(height=alt.Step(ROW_STEP))


def _ticks(top: float) -> list[float]:
    """Round tick values up to ``top``, so the axis stops where the bars do (the value text sits beyond)."""
    step = next(s * 10**e for e in range(-3, 7) for s in (1, 2, 5) if top / (s * 10**e) <= 4)
    return [i * step for i in range(int(top // step) + 1)]


def _tooltip_14th(target_field: str, target_title: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("ref:N", title="专栏行"), alt.Tooltip("name:N", title="指标"), alt.Tooltip("unit:N", title="单位"),
        alt.Tooltip("value_2020:N", title="2020年"), alt.Tooltip(f"{target_field}:N", title=target_title),
        alt.Tooltip("nature:N", title="属性"), alt.Tooltip("level_shown:N", title="级别"),
        alt.Tooltip("source_row:N", title="原表行（原文）"), alt.Tooltip("note:N", title="转录说明"),
    ]


def _target_marker(all_categories: list[str]) -> Callable[[alt.Chart], alt.Chart]:
    """The 2025 target: colour by category (fixed across filters), shape by nature (约束性 a diamond)."""
    natures = list(NATURE_SHAPES)

    def marker(base: alt.Chart) -> alt.Chart:
        return base.mark_point(filled=True, size=130, yOffset=9, stroke="#222", strokeWidth=0.8, opacity=1).encode(
            color=alt.Color("category:N", title="类别", legend=alt.Legend(orient="top", columns=2),
                            scale=alt.Scale(domain=all_categories, scheme="tableau10")),
            shape=alt.Shape("nature:N", title="属性", legend=alt.Legend(orient="top", direction="vertical"),
                            scale=alt.Scale(domain=natures, range=[NATURE_SHAPES[n] for n in natures])),
        )

    return marker


GREY_BAR = alt.value("#c9ced6")


def targets_chart(frame: pd.DataFrame, all_categories: list[str]) -> alt.LayerChart:
    """2020 value (grey bar) against the 2025 target (marker) per indicator, each row on its own scale."""
    return _bullets(frame, GREY_BAR, _target_marker(all_categories), _tooltip_14th("target_2025", "2025年目标"))


def growth_chart(frame: pd.DataFrame, all_categories: list[str]) -> alt.LayerChart:
    """Numbers in the 年均增速 column on one % axis, with the 2020 value where the plan gives one."""
    return _bullets(frame, GREY_BAR, _target_marker(all_categories), _tooltip_14th("annual_growth", "年均增速"), unit="%")


def outcomes_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Achieved (bar, orange when 说明2 counts it as missed) against the 2020 target (black tick)."""
    tooltip = [
        alt.Tooltip("ref:N", title="专栏行"), alt.Tooltip("name:N", title="指标"), alt.Tooltip("unit:N", title="单位"),
        alt.Tooltip("basis:N", title="比较"), alt.Tooltip("target:N", title="目标"), alt.Tooltip("actual:N", title="实际"),
        alt.Tooltip("status:N", title="完成情况"), alt.Tooltip("achieved_basis:N", title="完成依据"),
        alt.Tooltip("source_row:N", title="原表行（原文）"), alt.Tooltip("note:N", title="转录说明"),
    ]
    colour = alt.Color("status:N", title="完成情况（说明2）", legend=alt.Legend(orient="top"),
                       scale=alt.Scale(domain=list(MISSED_COLOURS), range=list(MISSED_COLOURS.values())))
    return _bullets(frame, colour, lambda base: base.mark_tick(thickness=3, size=20, yOffset=9, color="#111"), tooltip)


# ------------------------------------------------------------------ 2025 城区人口目标
def population_2025(population: pd.DataFrame) -> pd.DataFrame:
    """One row per place, numbers parsed, the plan's wording (超过35万人) kept for labels."""
    out = population.assign(
        population_wan=_num(population["population_wan"]),
        lon=_num(population["lon"]),
        lat=_num(population["lat"]),
    )
    out["shown"] = out["population_verb"] + out["population_wan"].map("{:g}".format) + "万人"
    out["label"] = out["place"] + " " + out["population_op"] + out["population_wan"].map("{:g}".format) + "万"
    return out


POPULATION_COLUMNS = {
    "place": "城区", "county": "县市区", "shown": "2025年常住人口", "built_area_km2": "建成区（平方公里）",
    "plan_ref": "规划出处", "quote": "规划原文", "coord_source": "点位来源", "accuracy": "点位精度",
}


def population_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The 2025 population targets as shown under the map, with Chinese column names."""
    return frame[list(POPULATION_COLUMNS)].rename(columns=POPULATION_COLUMNS)


MAX_CIRCLE_AREA = 3000.0  # px² for the largest place; areas, not radii, scale with population


def population_map(places: pd.DataFrame, counties: gpd.GeoDataFrame) -> alt.LayerChart:
    """Proportional circles (area ∝ 2025 population) on the county outlines, Mercator fitted to the city.

    The places' own labels name their counties, so the outlines carry names in tooltips only.
    """
    outlines = counties[["name", "geometry"]].set_geometry(
        shapely.set_precision(simplify(np.asarray(counties.geometry.values), "Polygon", 150), 1e-4)
    )
    top = float(places["population_wan"].max())
    data = places.assign(label_dx=np.sqrt(places["population_wan"] / top * MAX_CIRCLE_AREA / np.pi) + 4)
    land = alt.Chart(alt.Data(values=outlines.__geo_interface__["features"])).mark_geoshape(
        fill="#f4f1ea", stroke="#8a8a8a", strokeWidth=0.8
    ).encode(tooltip=alt.Tooltip("properties.name:N", title="县市区"))
    tooltip = [
        alt.Tooltip("place:N", title="城区"), alt.Tooltip("shown:N", title="2025年常住人口"),
        alt.Tooltip("plan_ref:N", title="规划出处"), alt.Tooltip("quote:N", title="规划原文"),
        alt.Tooltip("coord_source:N", title="点位来源"), alt.Tooltip("accuracy:N", title="点位精度"),
    ]
    circles = alt.Chart(data).mark_circle(color="#3b6ea8", opacity=0.55, stroke="#1f3f66", strokeWidth=1).encode(
        longitude="lon:Q", latitude="lat:Q",
        size=alt.Size("population_wan:Q", title="2025年常住人口（万人）", scale=alt.Scale(domain=[0, top], range=[0, MAX_CIRCLE_AREA]),
                      legend=None),
        tooltip=tooltip,
    )
    labels = alt.Chart(data).mark_text(
        align="left", fontSize=12, fontWeight="bold", color="#1f3f66", dx=alt.expr("datum.label_dx")  # just off each circle
    ).encode(
        longitude="lon:Q", latitude="lat:Q", text="label:N", tooltip=tooltip
    )
    return alt.layer(land, circles, labels).project(type="mercator")
