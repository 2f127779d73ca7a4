"""指标's helpers: cached indicator tables, category pills, chart-with-table, and the population tab.

Every number cites its 专栏 row (:mod:`layers.plan.indicators` builds the charts).
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from layers.plan import indicators
from layers.web.escape import escape_markdown
from ui import frame, loaders


@st.cache_data(show_spinner=False)
def tables() -> indicators.Tables:
    """The indicator tables, read once per process."""
    return indicators.load()


def category_pills(table: pd.DataFrame, key: str) -> list[str]:
    """Multi-select categories, all on by default; clearing them all shows everything again."""
    options = indicators.categories(table)
    return st.pills("类别", options, selection_mode="multi", default=options, key=key) or options


CHART_TEXT = "#31333f"  # legend and axis text: Streamlit's chart theme greys them below 4.5:1


def accessible(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart without Vega's per-mark ARIA labels (English field dumps such as ``bar_x: 0.31``), text readable.

    Screen readers get the chart's Chinese name (``alt``) and the table under it, which
    lists every number with its 专栏 row.
    """
    return (
        chart.configure(aria=False)
        .configure_legend(titleColor=CHART_TEXT, labelColor=CHART_TEXT)
        .configure_axis(titleColor=CHART_TEXT, labelColor=CHART_TEXT)
    )


def chart_and_table(rows: pd.DataFrame, chart: Callable[[pd.DataFrame], alt.TopLevelMixin],
                    table: Callable[[pd.DataFrame], pd.DataFrame], empty: str, name: str) -> None:
    """A chart named ``name`` with the table of its rows below it, or one line when the filter leaves nothing to draw."""
    if rows.empty:
        st.caption(empty)
        return
    st.altair_chart(accessible(chart(rows)), width="stretch", alt=f"{name}（图表，共 {len(rows)} 项，数值见下表）")
    st.dataframe(table(rows), hide_index=True, width="stretch", height="content", alt=f"{name}：数据表")


def population_tab(data: indicators.Tables) -> None:
    """2025 城区人口: proportional symbols on the county map, beside each target's plan quote."""
    counties = loaders.layer_load("admin_counties")
    places = indicators.population_2025(data.population)
    st.caption(
        "圆面积与 2025 年城区常住人口目标成正比（醴陵城区为“超过35万人”，按 35 万绘制）。"
        "点位为城区中心附近的示意位置，精度约 ±1 km。"
    )
    map_column, quote_column = st.columns([2, 3], gap="medium")
    with map_column:
        if counties.ok:
            st.altair_chart(
                accessible(indicators.population_map(places, counties.gdf)), width="stretch", height=620,
                alt="2025年城区人口目标分布图（圆面积与人口成正比，数值见下表）",
            )
        else:
            loaders.report_broken([counties])
    with quote_column:
        for _, place in places.iterrows():
            st.markdown(f"**{place['place']}**　{place['shown']}　·　{place['plan_ref']}\n\n> {escape_markdown(place['quote'])}")
    st.dataframe(indicators.population_table(places), hide_index=True, width="stretch", height="content", alt="2025年城区人口目标表")
    st.page_link(frame.page_info("parks_towns").file, label="在地图中查看城镇等级体系 ›")
