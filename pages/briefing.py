"""简报出图: a briefing map of chosen layers and extent, as PNG, PDF or one-file HTML (see :mod:`ui.briefing`)."""

import streamlit as st

from layers import export
from layers.export.fonts import FontMissing
from layers.io import store
from layers.io.catalog import load_catalog
from layers.region import extents
from layers.web.escape import escape_markdown
from ui import briefing, frame

frame.require_frame()

catalog = load_catalog()
st.title("简报出图")
st.caption("导出带图名、图例、比例尺、指北针和来源说明的地图，用于简报和幻灯片；规划内容图层为示意，图上会注明。")
state = frame.url_state()
view = briefing.view_extent()
controls, sheet = st.columns([1, 2], gap="large")
with controls:
    layer_ids = st.multiselect(
        "图层",
        catalog.ids(),
        default=list(state.layers) if state.layers is not None else [spec.id for spec in catalog if spec.visible],
        format_func=lambda layer_id: catalog.get(layer_id).title,
        placeholder="请选择图层",
    )
    extent = st.selectbox("范围", ([view] if view else []) + extents.choices(), format_func=extents.label, placeholder="请选择范围")
    title = st.text_input("图名", briefing.DEFAULT_TITLE, max_chars=export.TEXT_LIMITS["图名"])
    subtitle = st.text_input("副标题", f"{extents.label(extent)} · 据{briefing.PLAN_NAME}绘制", max_chars=export.TEXT_LIMITS["副标题"])
    subtitle = briefing.plan_caption() or subtitle
    paper = st.radio("纸张", list(export.PAPERS), format_func=lambda p: export.PAPERS[p].label, horizontal=True)
    dpi = st.radio("分辨率（PNG）", [150, 300], format_func=lambda d: f"{d} dpi", horizontal=True)
    link = briefing.map_link(layer_ids)
    if link:
        st.caption("图上印出的在线地图链接：")
        st.code(link, language=None, wrap_lines=True)  # plain text: the link carries URL parameters
with sheet:
    if not layer_ids:
        st.info("请至少选择一个图层。")
        st.stop()
    stamps = tuple(store.file_stamp(catalog.get(layer_id)) for layer_id in layer_ids)
    try:
        image = briefing.preview(tuple(layer_ids), extent, title, subtitle, paper, link, stamps)
    except (export.ExportError, extents.ExtentError, FontMissing) as exc:
        st.error(escape_markdown(exc))
        st.stop()
    st.image(image, caption=f"预览（{briefing.PREVIEW_DPI} dpi）", width="stretch")
    briefing.downloads(layer_ids, extent, title, subtitle, paper, dpi, link)
    st.caption("PDF 中文字可检索、可复制；HTML 为单个文件，离线可打开（含图例与要素提示）。")
