"""The shared sidebar: basemap choice (天地图 needs a key), clean mode, search.
"""

from __future__ import annotations

import os

import streamlit as st

from layers.io.catalog import load_catalog
from layers.plan import search
from layers.web.basemaps import BASEMAPS, DEFAULT_BASEMAP, Basemap, get_basemap
from ui.frame import here, page_info
from ui.loaders import load_layers


def tianditu_key() -> str | None:
    """天地图 key from the environment or ``st.secrets`` (never hard-coded)."""
    key = os.environ.get("TIANDITU_KEY")
    if key:
        return key
    try:
        return st.secrets.get("TIANDITU_KEY")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None


def _basemap_label(basemap: Basemap) -> str:
    if basemap.needs_key and not tianditu_key():
        return f"{basemap.title}（需密钥）"
    return basemap.title


def current_basemap() -> Basemap:
    """The basemap chosen in the sidebar; falls back to 无底图 when a key is missing."""
    basemap = get_basemap(st.session_state.get("basemap", DEFAULT_BASEMAP))
    if basemap.needs_key and not tianditu_key():
        return get_basemap(DEFAULT_BASEMAP)
    return basemap


def sidebar() -> None:
    """The frame shared by every page (drawn after the page: see app.py)."""
    with st.sidebar:
        ids = [b.id for b in BASEMAPS]
        st.selectbox(
            "底图",
            ids,
            key="basemap",
            index=ids.index(DEFAULT_BASEMAP) if "basemap" not in st.session_state else None,
            format_func=lambda i: _basemap_label(get_basemap(i)),
            placeholder="请选择底图",
            help="无底图在内网和离线时也能使用；高德底图为 GCJ-02，叠加图层会临时转换坐标以对齐街道。",
        )
        chosen = get_basemap(st.session_state.get("basemap", DEFAULT_BASEMAP))
        if chosen.needs_key and not tianditu_key():
            st.info(f"{chosen.title}：{chosen.hint}。当前显示无底图。")
        st.toggle("简洁模式（截图用）", key="clean", help="隐藏地图上的缩放、图层和工具按钮，只留图例、比例尺和署名；侧栏可用左上角箭头收起。")
        search_box()
        st.caption(
            "规划图件为示意图。图层标注“示意”的要素依规划文字绘制，不是测绘成果；"
            "每个要素都注明来源、方法与精度。"
        )


SEARCH_LIMIT = 8


def search_hits(query: str) -> list[search.Hit]:
    """Every record and map feature matching ``query`` (the sidebar and 项目库 share this)."""
    return search.search(query, load_layers(load_catalog().ids()))


def search_summary(total: int, records: int, shown: int) -> str:
    """“显示前 8 条，共 84 条（其中项目库记录 63 条）”: how many there are, not just how many fit."""
    head = f"显示前 {shown} 条，共 {total} 条" if total > shown else f"共 {total} 条"
    return head + (f"（其中项目库记录 {records} 条）" if records != total else "")


def search_box() -> None:
    """Search records and map features by (partial) name, county or category."""
    query = st.text_input("搜索项目或地点", key="search", placeholder="如：清水塘、醴陵、高铁")
    if not query.strip():
        return
    hits = search_hits(query)
    if not hits:
        st.caption("没有找到匹配的项目或地点。")
        return
    records = len(search.record_ids(hits))
    st.caption(search_summary(len(hits), records, min(len(hits), SEARCH_LIMIT)))
    for hit in hits[:SEARCH_LIMIT]:
        page = page_info(hit.page)
        params = {"id": hit.record_id, "from": here()} if hit.record_id else {"sel": f"{hit.layer_id}:{hit.name}"}
        st.page_link(page.file, label=f"{hit.name} · {hit.county or hit.layer_title}", query_params=params)
    if records and len(hits) > SEARCH_LIMIT:
        st.page_link(page_info("projects").file, label=f"在项目库中查看全部 {records} 条记录 ›", query_params={"q": query})
