"""总览: the whole city with the headline layer of each group."""

import streamlit as st

from ui import feature_list, frame, mapview, panel, summary

frame.require_frame()

st.title(frame.APP_TITLE)
st.caption("株洲市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要 · 第五章 发展空间布局 · 示意")
map_column, detail_column = st.columns([3, 1], gap="medium")
with map_column:
    clicked = mapview.map_view("overview")
    feature_list.feature_list("overview")
with detail_column:
    panel.feature_details(clicked, hint="点击地图上的要素查看详情；右上角图层按钮可切换图层。")
    summary.plan_summary()
