"""The overview's headline counts, computed from the layers (never typed in).
"""

from __future__ import annotations

import streamlit as st

from ui.frame import page_info
from ui.loaders import layer_load, load_layers


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
