"""The panel beside a map that explains what was clicked: the full record, plan text, provenance.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from layers.io.catalog import load_catalog
from layers.web.escape import escape_markdown
from ui import frame, loaders, plan_reader


def feature_details(properties: dict[str, Any] | None, hint: str = "点击地图上的要素查看详情。") -> None:
    """The panel beside a map: the clicked feature's attributes, plan text, provenance, record link."""
    catalog = load_catalog()
    found = loaders.full_feature(properties)
    if found is None:
        st.caption(hint)
        return
    spec, record = found
    st.caption(spec.title)
    st.subheader(str(record.get("name", "（未命名要素）")))
    quote = record.get("quote") or record.get("excerpt")
    if quote:
        st.markdown(f"> {escape_markdown(quote)}")
    plan_reader.mentions(spec.id, record)
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
