"""总览: the whole city with the headline layer of each group."""

import streamlit as st

from layers import ui

OVERVIEW_LAYERS = ["neighbour_cities", "admin_counties"]

st.title(ui.APP_TITLE)
st.caption("株洲市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要 · 发展空间布局")
map_column, detail_column = st.columns([3, 1], gap="medium")
with map_column:
    clicked = ui.map_view("overview", OVERVIEW_LAYERS)
with detail_column:
    ui.feature_details(clicked)
