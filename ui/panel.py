"""The panel beside a map that explains what was clicked: the full record, plan text, provenance.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from layers.io.catalog import LayerSpec, load_catalog
from layers.web.escape import escape_markdown
from ui import frame, loaders


def full_feature(properties: dict[str, Any] | None) -> tuple[LayerSpec, dict[str, Any]] | None:
    """The clicked feature's complete record, from the full-resolution layer.

    The browser only gets the properties its popups need; ``_layer`` and
    ``_row`` lead back to everything else.
    """
    if not properties or "_layer" not in properties:
        return None
    try:
        load = loaders.layer_load(str(properties["_layer"]))
        row = load.gdf.iloc[int(properties["_row"])] if load.ok else None
    except (KeyError, ValueError, IndexError, TypeError):
        return None
    if row is None:
        return None
    return load.spec, {k: v for k, v in row.items() if k != "geometry"}


def feature_details(properties: dict[str, Any] | None, hint: str = "点击地图上的要素查看详情。") -> None:
    """The panel beside a map: the clicked feature's attributes, plan text, provenance, record link."""
    catalog = load_catalog()
    found = full_feature(properties)
    if found is None:
        st.caption(hint)
        return
    spec, record = found
    st.caption(spec.title)
    st.subheader(str(record.get("name", "（未命名要素）")))
    quote = record.get("quote") or record.get("excerpt")
    if quote:
        st.markdown(f"> {escape_markdown(quote)}")
    record_id = record.get(spec.record_field) if spec.record_field else None
    if record_id and spec.id != "projects":
        st.page_link(frame.page_info("projects").file, label="查看项目详情 ›", query_params={"id": record_id, "from": frame.here()})
    skip = {"name", "quote", "excerpt", "geometry", "id", "record_id"}
    rows = [
        {"属性": catalog.label(k), "值": str(v)}
        for k, v in record.items()
        if k not in skip and not str(k).startswith("_") and v is not None and str(v) not in ("", "nan", "None")
    ]
    st.dataframe(rows, hide_index=True, width="stretch", alt=f"{record.get('name', '所选要素')}的属性")
