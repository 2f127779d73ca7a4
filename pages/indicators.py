"""指标: the plan's indicator tables as charts, every number citing its 专栏 row, and the 2025 population map."""

import streamlit as st

from layers.plan import indicators
from ui import frame
from ui import indicators as ui_indicators

frame.require_frame()


data = ui_indicators.tables()
st.title("规划指标")
st.caption(
    "专栏5“十四五”经济社会发展主要指标、专栏3“十三五”规划主要指标完成情况，以及 2025 年城区人口目标。"
    "图中每个数字都注明所在专栏行；悬停可见原表行原文，图下表格逐行列出。"
)
plan_14, plan_13, population = st.tabs(["“十四五”目标（专栏5）", "“十三五”完成情况（专栏3）", "2025年城区人口"])

with plan_14:
    t14 = data.plan_14th
    every = indicators.categories(t14)
    chosen = ui_indicators.category_pills(t14, "categories_14th")
    st.caption(indicators.LEVEL_NOTE + "。带 ≥、>、< 的目标画在该数值处，运算符照原文标在右侧。")

    st.subheader("2020年值与2025年目标")
    st.caption(
        "灰条为 2020 年值，标记为 2025 年目标（◆ 约束性，● 预期性）。"
        "各指标单位不同，每行从 0 起按本行数值缩放，行与行之间不比长短。"
    )
    targets = indicators.by_category(indicators.targets_2025(t14), chosen)
    ui_indicators.chart_and_table(
        targets, lambda rows: indicators.targets_chart(rows, every), indicators.plan_14th_table, "所选类别没有数值型的 2025 年目标。",
        "专栏5 2020年值与2025年目标",
    )

    st.subheader("年均增速栏中的目标")
    st.caption("同一百分比坐标。灰条为 2020 年值（原表有值时），标记为年均增速栏的目标；城镇调查失业率“<5.5”按原表列在此栏。")
    growth = indicators.by_category(indicators.growth_2025(t14), chosen)
    ui_indicators.chart_and_table(
        growth, lambda rows: indicators.growth_chart(rows, every), indicators.plan_14th_table, "所选类别没有年均增速目标。",
        "专栏5 年均增速目标",
    )

    st.subheader("文字目标及未上图指标")
    others = indicators.by_category(indicators.other_targets(t14), chosen)
    if others.empty:
        st.caption("所选类别的指标都已在上图中。")
    else:
        table = indicators.plan_14th_table(others, with_reason=True)
        st.dataframe(table, hide_index=True, width="stretch", height="content", alt="专栏5 文字目标及未上图指标")

with plan_13:
    t13 = data.plan_13th
    chosen_13 = ui_indicators.category_pills(t13, "categories_13th")
    st.subheader("2020年目标与完成情况")
    st.caption(
        "条为实际完成值，黑色竖线为目标；橙色为规划说明2列出的未达预期指标（“完成情况”依说明2，不按数值自行比较）。"
        "无 2020 年值可比时比较增速；[ ] 为五年累计数。每行从 0 起按本行数值缩放。"
    )
    outcomes = indicators.by_category(indicators.outcomes_2020(t13), chosen_13)
    ui_indicators.chart_and_table(
        outcomes, indicators.outcomes_chart, indicators.plan_13th_table, "所选类别没有可比较的指标。", "专栏3 2020年目标与完成情况"
    )

with population:
    ui_indicators.population_tab(data)
