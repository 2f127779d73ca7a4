"""地图要素列表: a text twin of a map page's map, readable by keyboard and screen readers.

Below each map, a collapsible table lists what the map shows — the visible layers'
features after the page's filters — with name, layer, county and plan reference.
Choosing a row puts the feature in the URL (``sel``, the permalink's selection) and
reruns, so the panel beside the map explains it exactly as a click on the map would.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from layers.io.catalog import load_catalog
from layers.web.compose import FeatureFilter, view_filters
from layers.web.views import VIEWS
from ui import frame, loaders

COLUMNS = ("名称", "图层", "县市区", "规划出处")


def _county(row: dict[str, Any]) -> str:
    for field in ("county", "counties", "host"):
        value = row.get(field)
        if value is not None and str(value) not in ("", "nan", "None"):
            return str(value)
    return ""


def feature_rows(
    view_id: str, visible: set[str] | None = None, filters: dict[str, FeatureFilter] | None = None
) -> list[dict[str, str]]:
    """The features the page's map shows, in drawing order: name, layer, county, plan reference, and ``sel`` (``layer:name``).

    Same rules as the map: the URL's ``layers`` wins over the page's ``visible``, which
    wins over the view's defaults; the view's fixed filters and the page's filters apply.
    """
    view = VIEWS[view_id]
    state = frame.url_state()
    shown = set(state.layers) if state.layers is not None else set(view.visible if visible is None else visible)
    keep = {**view_filters(view_id), **(filters or {})}
    catalog = load_catalog()
    rows = []
    for layer_id in view.layer_ids(state):
        load = loaders.layer_load(layer_id)
        if layer_id not in shown or not load.ok:
            continue
        for record in load.gdf.drop(columns=load.gdf.geometry.name).to_dict("records"):
            if layer_id in keep and not keep[layer_id](record):
                continue
            name = str(record.get("name") or "（未命名要素）")
            rows.append({
                "名称": name,
                "图层": catalog.get(layer_id).title,
                "县市区": _county(record),
                "规划出处": str(record.get("plan_ref") or ""),
                "sel": f"{layer_id}:{name}",  # not the record id: one record may stand for several features
            })
    return rows


def feature_list(
    view_id: str, visible: set[str] | None = None, filters: dict[str, FeatureFilter] | None = None
) -> None:
    """The collapsible 地图要素列表 under a map; choosing a row opens that feature in the panel."""
    rows = feature_rows(view_id, visible, filters)
    with st.expander(f"地图要素列表（{len(rows)} 项，可用键盘浏览）", expanded=False):
        st.caption("列出地图当前显示的图层中的全部要素；选中一行，面板中显示其详情；用键盘时移入表格，以方向键选行，按回车打开。")
        event = st.dataframe(
            [{k: row[k] for k in COLUMNS} for row in rows],
            hide_index=True,
            width="stretch",
            height=360,
            on_select="rerun",
            selection_mode="single-row",
            key=f"features-{view_id}",
            alt=f"地图要素列表，共 {len(rows)} 项",
        )
    chosen = event.selection.rows if event else []
    if chosen and chosen[0] < len(rows) and st.query_params.get("sel") != rows[chosen[0]]["sel"]:
        st.query_params["sel"] = rows[chosen[0]]["sel"]
        st.rerun()
