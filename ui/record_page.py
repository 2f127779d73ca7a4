"""One project record: facts, highlighted plan text, a small map, related records, map link.
"""

from __future__ import annotations

import streamlit as st

from layers.io import store
from layers.io.catalog import load_catalog
from layers.plan import records
from layers.web import urls
from layers.web.display import prepare
from layers.web.mapspec import MapSpec, ViewRequest
from layers.web.escape import escape_markdown
from ui import plan_reader
from ui.frame import back_target, base_path, page_info
from ui.loaders import display_layer, layer_load
from ui.map_component import live_map
from ui.sidebar import current_basemap, tianditu_key


LIST_FILTERS = ("q", "category", "county", "stage", "column")


def back_link() -> None:
    """“‹ 返回…” to where the reader came from: the ``from`` page and its filters, else the filtered list."""
    came_from = back_target(st.query_params.get("from"))
    if came_from is None:
        listing = {k: st.query_params.get_all(k) for k in LIST_FILTERS if k in st.query_params}
        came_from = (page_info("projects"), listing)
    page, params = came_from
    st.page_link(page.file, label=f"‹ 返回{page.title}", query_params=params)


def record_page(projects: store.LayerLoad, record_id: str) -> None:
    """One project record: facts, highlighted plan text, a small map, related records, map link."""
    gdf = projects.gdf
    match = gdf[gdf["id"] == record_id]
    back_link()
    if match.empty:
        st.title("项目库")
        st.error(f"没有编号为 “{escape_markdown(record_id[:80])}” 的项目记录。")
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
        plan_reader.mentions("projects", record)
        page, params = records.map_link(record, row.geometry)
        st.page_link(page_info(page).file, label="在地图中查看 ›", query_params=params)
        related = [r for r in str(record.get("related") or "").split(";") if r]
        if related:
            st.markdown("**相关项目**")
            names = dict(zip(gdf["id"], gdf["name"]))
            for rid in related:
                if rid in names:
                    params = {"id": rid, **({"from": st.query_params["from"]} if "from" in st.query_params else {})}
                    st.page_link(page_info("projects").file, label=names[rid], query_params=params)
    with place:
        catalog = load_catalog()
        spec = catalog.get("projects")
        one = match.reset_index(drop=True)
        bounds = row.geometry.bounds
        basemap = current_basemap()
        center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
        zoom = records.zoom_for(bounds, 360)
        m = MapSpec(basemap, ViewRequest(center, zoom, nonce=record_id), base_path=base_path(), tianditu_key=tianditu_key(), height=380, report_clicks=False)
        counties = layer_load("admin_counties")
        if counties.ok:
            m.add(counties.spec, display_layer(counties.spec.id, store.file_stamp(counties.spec), basemap.datum), catalog, True)
        m.add(spec, prepare(spec, one, basemap.datum), catalog, True, detail_url=urls.app_url(base_path(), "projects?id="))
        live_map(m, key=f"record-map-{record_id}")
