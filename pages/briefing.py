"""简报出图: a briefing map of chosen layers and extent, as PNG, PDF or one-file HTML.

Map pages link here with their view
(``/briefing?from=<page>&layers=a,b&bbox=minlon,minlat,maxlon,maxlat&bm=…&c=lat,lon&z=N``):
those layers and that view are the defaults, and the sheet prints a link back
to the map page showing the exported layers.  The preview is a low-resolution
render of the same sheet; downloads are rendered only when clicked.
"""

from dataclasses import replace
from functools import partial

import streamlit as st

from layers import export, extents, store, ui
from layers.catalog import load_catalog
from layers.fonts import FontMissing
from layers.plan import text

ui.require_frame()

PREVIEW_DPI = 72
DEFAULT_TITLE = "株洲市“十四五”规划空间布局"
PLAN_NAME = "《株洲市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》"
LOCAL_BASE = "http://localhost:8501"
PAGE = ui.page_info("briefing")


def app_base() -> str:
    """The app's own address (no page path), for the link printed on the sheet."""
    url = (st.context.url or "").rstrip("/")
    if not url.startswith(("http://", "https://")):
        return LOCAL_BASE + ui.base_path()
    return url.removesuffix(f"/{PAGE.url_path}")


def map_link(layer_ids: list[str]) -> str | None:
    """The linking map page's view with the exported layers, or None when not opened from a map page."""
    source = st.query_params.get("from")
    if source not in {p.url_path for p in ui.PAGES} or source == PAGE.url_path:
        return None
    path = "" if ui.page_info(source).default else source  # the default page lives at "/"
    return replace(ui.url_state(), layers=tuple(layer_ids)).url(app_base(), path)


def view_extent() -> str | None:
    """The linking map's view as an extent key, when the URL carries a valid ``bbox``."""
    raw = st.query_params.get("bbox")
    if not raw:
        return None
    try:
        return extents.bbox_key(extents.parse_bbox(raw))
    except extents.ExtentError as exc:
        st.caption(f"链接中的地图范围无法识别，已忽略：{exc}")
        return None


CAPTION_LIMIT = 46  # one line under the title, on A4 portrait too (the sheet does not wrap it)


def plan_caption() -> str:
    """图注：规划原文 — the paragraph a 读纲要 link (``p=``) came from, plain text, when kept."""
    pid = st.query_params.get("p")
    para = text.paragraph(pid) if pid else None
    if para is None or not st.toggle("图注：规划原文", value=True, help="开启时，图名下方印规划原文（可删改），代替副标题"):
        return ""
    value = st.text_area("图注", text.caption(para, CAPTION_LIMIT), max_chars=CAPTION_LIMIT)
    return " ".join(value.split())


@st.cache_data(show_spinner="正在生成预览…", max_entries=16)
def preview(layer_ids: tuple[str, ...], extent: str, title: str, subtitle: str, paper: str,
            link: str | None, stamps: tuple[float, ...]) -> bytes:
    """A low-resolution render of the sheet (``stamps`` keys the cache to the layer files)."""
    return export.render(list(layer_ids), extent, title, subtitle, paper, PREVIEW_DPI, "png", link)


catalog = load_catalog()
st.title("简报出图")
st.caption("导出带图名、图例、比例尺、指北针和来源说明的地图，用于简报和幻灯片；规划内容图层为示意，图上会注明。")
state = ui.url_state()
view = view_extent()
controls, sheet = st.columns([1, 2], gap="large")
with controls:
    layer_ids = st.multiselect(
        "图层",
        catalog.ids(),
        default=list(state.layers) if state.layers is not None else [spec.id for spec in catalog if spec.visible],
        format_func=lambda layer_id: catalog.get(layer_id).title,
    )
    extent = st.selectbox("范围", ([view] if view else []) + extents.choices(), format_func=extents.label)
    title = st.text_input("图名", DEFAULT_TITLE)
    subtitle = st.text_input("副标题", f"{extents.label(extent)} · 据{PLAN_NAME}绘制")
    caption = plan_caption()
    subtitle = caption or subtitle
    paper = st.radio("纸张", list(export.PAPERS), format_func=lambda p: export.PAPERS[p].label, horizontal=True)
    dpi = st.radio("分辨率（PNG）", [150, 300], format_func=lambda d: f"{d} dpi", horizontal=True)
    link = map_link(layer_ids)
    if link:
        st.caption(f"图上印出的在线地图链接：{link}")
with sheet:
    if not layer_ids:
        st.info("请至少选择一个图层。")
        st.stop()
    stamps = tuple(store.file_stamp(catalog.get(layer_id)) for layer_id in layer_ids)
    try:
        image = preview(tuple(layer_ids), extent, title, subtitle, paper, link, stamps)
    except (export.ExportError, extents.ExtentError, FontMissing) as exc:
        st.error(str(exc))
        st.stop()
    st.image(image, caption=f"预览（{PREVIEW_DPI} dpi）", width="stretch")
    name = f"株洲简报图-{extents.label(extent)}"
    png, pdf, html = st.columns(3)
    png.download_button(
        f"PNG · {dpi} dpi", partial(export.render, layer_ids, extent, title, subtitle, paper, dpi, "png", link),
        file_name=f"{name}.png", mime="image/png", icon=":material/image:", width="stretch",
    )
    pdf.download_button(
        "PDF · 矢量", partial(export.render, layer_ids, extent, title, subtitle, paper, dpi, "pdf", link),
        file_name=f"{name}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:", width="stretch",
    )
    html.download_button(
        "HTML · 可交互",
        partial(export.render_html, layer_ids, extent, title, subtitle, link, detail_url=f"{app_base()}/projects?id="),
        file_name=f"{name}.html", mime="text/html", icon=":material/public:", width="stretch",
    )
    st.caption("PDF 中文字可检索、可复制；HTML 为单个文件，离线可打开（含图例与要素提示）。")
