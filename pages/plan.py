"""读纲要: the plan's spatial text (第五章, the spatial 专栏) beside the map, linked both ways.

``/plan?p=<paragraph id>`` opens a paragraph; ``sel``/``layers``/``c``/``z`` carry
the map as on every map page.  A name in the text opens its feature on the map;
a click on the map marks and scrolls to the sentences that name the feature.
"""

import streamlit as st

from layers.plan import text
from ui import frame, mapview, plan_reader

frame.require_frame()

st.title("读纲要")
st.caption(
    "第五章 发展空间布局、空间类专栏及界定园区与城镇的章节原文。点击文中带下划线的名称在地图上查看；"
    "点击地图上的要素，标出提及它的段落。黄底文字为已更正的识别错误，悬停可见原文写法与原因。"
)
text_column, map_column = st.columns([1, 1], gap="medium")
with map_column:
    plan_reader.focus_map()
    clicked = mapview.map_view("plan", height=640)
    current = st.query_params.get("p")
    if current and text.paragraph(current):
        view = {k: st.query_params[k] for k in ("layers", "bm") if st.query_params.get(k)}
        st.page_link(frame.page_info("briefing").file, label="用本段原文作图注出简报图 ›", query_params={"from": "plan", "p": current, **view})
with text_column:
    plan_reader.reader(clicked)
