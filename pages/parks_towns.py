"""园区与小镇: parks (专栏11–12), featured towns (专栏27) and the town hierarchy (专栏25)."""

import streamlit as st

from ui import feature_list, frame, mapview, panel, parks_filters

frame.require_frame()

st.title("园区与小镇")
st.caption("专栏12 园区主导产业 · 专栏25 城镇等级体系 · 专栏27 重点培育的特色小镇")
filter_area = st.container()  # filled after the map: the map reaches the browser first
choices = parks_filters.point_choices()
map_column, table_column = st.columns([3, 2], gap="medium")
with map_column:
    clicked = mapview.map_view("parks_towns", height=560, filters=choices.filters)
    feature_list.feature_list("parks_towns", filters=choices.filters)
    panel.feature_details(clicked)
with filter_area:
    parks_filters.point_filter_widgets()
with table_column:
    parks_filters.filtered_tables(choices)
