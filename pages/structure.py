"""空间格局: 一核一圈一廊, the four planning zones and the protection pattern."""

import streamlit as st

from ui import data_page, feature_list, frame, mapview, panel

frame.require_frame()

st.title("空间格局")
st.caption("第五章第一节 构建“一核一圈一廊”发展格局 · 第二节 优化国土空间开发保护格局")
map_column, detail_column = st.columns([3, 1], gap="medium")
with map_column:
    clicked = mapview.map_view("structure")
    feature_list.feature_list("structure")
with detail_column:
    panel.feature_details(clicked, hint="点击范围或轴线，查看规划原文。规划分区图层默认关闭，可在右上角图层按钮中打开。")
    data_page.layer_notes(["spatial_structure", "planning_zones", "protection_pattern"])
