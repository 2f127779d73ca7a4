"""简报出图's logic: the link printed on the sheet, the linking map's extent, preview and downloads.

Map pages link to the briefing page with their view
(``/briefing?from=<page>&layers=a,b&bbox=minlon,minlat,maxlon,maxlat&bm=…&c=lat,lon&z=N``):
those layers and that view are the defaults, and the sheet prints a link back
to the map page showing the exported layers.  The preview is a low-resolution
render of the same sheet; downloads are rendered only when clicked.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

from layers import export
from layers.plan import text
from layers.region import extents
from layers.web.escape import escape_markdown
from ui import frame

PREVIEW_DPI = 72
DEFAULT_TITLE = "株洲市“十四五”规划空间布局"
PLAN_NAME = "《株洲市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》"
LOCAL_BASE = "http://localhost:8501"
PAGE_PATH = "briefing"


def app_base() -> str:
    """The app's own address (no page path), for the link printed on the sheet."""
    url = (st.context.url or "").rstrip("/")
    if not url.startswith(("http://", "https://")):
        return LOCAL_BASE + frame.base_path()
    return url.removesuffix(f"/{PAGE_PATH}")


def map_link(layer_ids: list[str]) -> str | None:
    """The linking map page's view with the exported layers, or None when not opened from a map page."""
    source = st.query_params.get("from")
    if source not in {p.url_path for p in frame.PAGES} or source == PAGE_PATH:
        return None
    path = "" if frame.page_info(source).default else source  # the default page lives at "/"
    return replace(frame.url_state(), layers=tuple(layer_ids)).url(app_base(), path)


def view_extent() -> str | None:
    """The linking map's view as an extent key, when the URL carries a valid ``bbox``."""
    raw = st.query_params.get("bbox")
    if not raw:
        return None
    try:
        return extents.bbox_key(extents.parse_bbox(raw))
    except extents.ExtentError as exc:
        st.caption(f"链接中的地图范围无法识别，已忽略：{escape_markdown(exc)}")
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


def downloads(layer_ids: list[str], extent: str, title: str, subtitle: str, paper: str, dpi: int, link: str | None) -> None:
    """PNG, PDF and HTML buttons; each file is rendered only when its button is clicked."""
    name = export.file_stem(title, extents.label(extent))
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
