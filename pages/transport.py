"""交通网络: 六纵四横 railways, 五纵六横 expressways, trunk roads and hubs, filterable."""

import streamlit as st

from layers.io.catalog import load_catalog
from layers.web import compose
from ui import data_page, feature_list, frame, mapview, panel

frame.require_frame()

NETWORKS = {"铁路": "rail_network", "高速公路": "expressway_network", "普通国省干线": "trunk_roads", "枢纽与港航": "transport_hubs"}
STATUSES = load_catalog().vocabulary("status", list(NETWORKS.values()))
SHOWN = ["铁路", "高速公路", "枢纽与港航"]

st.title("交通网络")
st.caption("第五章第三节 完善综合立体交通布局 · 专栏7 “十四五”铁路、公路交通网络")
filter_area = st.container()  # filled after the map: the map reaches the browser first
networks = frame.bound_choice("net", NETWORKS, SHOWN)  # kept in the URL: Back restores the filter
statuses = frame.bound_choice("status", STATUSES, STATUSES)
visible = {"neighbour_cities", "admin_counties", *(NETWORKS[n] for n in networks)}
keep_status = compose.field_filter("status", statuses)
filters = {layer: keep_status for layer in NETWORKS.values()}
map_column, detail_column = st.columns([3, 1], gap="medium")
with map_column:
    clicked = mapview.map_view("transport", visible=visible, filters=filters)
    feature_list.feature_list("transport", visible=visible, filters=filters)
with filter_area:
    st.pills("网络", list(NETWORKS), selection_mode="multi", default=SHOWN, key="net", bind="query-params")
    st.pills("建设状态（规划表述）", STATUSES, selection_mode="multi", default=STATUSES, key="status", bind="query-params")
with detail_column:
    panel.feature_details(clicked, hint="线型：实线已建、长虚线在建、短虚线规划、点线规划未说明；颜色区分纵线与横线。")
    data_page.layer_notes(["rail_network", "expressway_network", "trunk_roads"])
