"""园区与小镇's filters: county, park kind and industry, town category and tier — shared by map and tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from layers.io.catalog import load_catalog
from layers.region import COUNTIES, extents
from layers.web.compose import FeatureFilter
from ui import frame, loaders
from ui.map_component import request_view

MAP_KEY = "map-parks_towns"  # the page's map (ui.mapview names it after the view)


@dataclass(frozen=True)
class PointChoices:
    """The parks-and-towns filters: one predicate per layer, shared by map and tables."""

    counties: tuple[str, ...]
    park_kinds: tuple[str, ...]
    industry: str
    town_categories: tuple[str, ...]
    tiers: tuple[int, ...]

    def keep(self, layer_id: str, props: dict[str, Any]) -> bool:
        """Whether a feature of ``layer_id`` passes the chosen county, kind, industry, category and tier."""
        if self.counties and props.get("county") not in self.counties:
            return False
        if layer_id == "industrial_parks":
            return props.get("kind") in self.park_kinds and (not self.industry or self.industry in str(props.get("industries") or ""))
        if layer_id == "featured_towns":
            return props.get("category") in self.town_categories
        if layer_id == "town_hierarchy":
            return int(props.get("tier", 0)) in self.tiers
        return True

    @property
    def filters(self) -> dict[str, FeatureFilter]:
        return {layer: (lambda props, layer=layer: self.keep(layer, props)) for layer in POINT_TABLES}


POINT_TABLES = {
    "industrial_parks": ("产业园区", ["name", "kind", "level", "industries", "county"]),
    "featured_towns": ("特色小镇", ["name", "category", "host", "county"]),
    "town_hierarchy": ("城镇等级", ["name", "tier_label", "pop_band", "county"]),
}


def _values(layer_id: str, field: str) -> list[str]:
    load = loaders.layer_load(layer_id)
    return sorted({str(v) for v in load.gdf[field].dropna()}) if load.ok else []


ALL_INDUSTRIES = "（全部）"


TIERS = [1, 2, 3, 4, 5, 6]


def tier_label(tier: int) -> str:
    """“5 级”: how a tier reads in the filter and in the URL."""
    return f"{tier} 级"


def _kinds() -> list[str]:
    return load_catalog().vocabulary("kind", ["industrial_parks"])


def _town_categories() -> list[str]:
    return load_catalog().vocabulary("category", ["featured_towns"])


def _industries() -> list[str]:
    return sorted({i for value in _values("industrial_parks", "industries") for i in value.split("、") if i})


def point_choices() -> PointChoices:
    """The filters' current values, read before the widgets are drawn (see :func:`point_filter_widgets`).

    The widgets are bound to the URL, so Back and shared links bring the same filters back.
    """
    industry = frame.bound_choice("industry", [ALL_INDUSTRIES, *_industries()], [ALL_INDUSTRIES]) or [ALL_INDUSTRIES]
    return PointChoices(
        tuple(frame.bound_choice("county", COUNTIES, ())),
        tuple(frame.bound_choice("park_kind", _kinds(), _kinds())),
        "" if industry[0] == ALL_INDUSTRIES else industry[0],
        tuple(frame.bound_choice("town_category", _town_categories(), _town_categories())),
        tuple(frame.bound_choice("tier", TIERS, TIERS, tier_label)),
    )


def point_filter_widgets() -> None:
    """Widgets for county, park kind and industry, town category and tier, kept in the URL.

    Drawn after the map (into a container above it) so the map reaches the
    browser before these widgets' code has to be fetched.
    """
    bound = {"bind": "query-params", "select_all": False}
    c1, c2, c3 = st.columns(3)
    c1.multiselect("县市区", list(COUNTIES), key="county", placeholder="全部县市区", on_change=_zoom_to_counties, **bound)
    c2.multiselect("园区类别", _kinds(), default=_kinds(), key="park_kind", placeholder="请选择园区类别", **bound)
    c3.selectbox("主导产业", [ALL_INDUSTRIES, *_industries()], key="industry", bind="query-params", placeholder="请选择")
    c4, c5 = st.columns([2, 1])
    c4.multiselect("特色小镇类别", _town_categories(), default=_town_categories(), key="town_category", placeholder="请选择小镇类别", **bound)
    c5.multiselect("城镇等级", TIERS, default=TIERS, key="tier", format_func=tier_label, placeholder="请选择等级", **bound)


def _zoom_to_counties() -> None:
    """The map moves to the chosen counties (the whole city when none is chosen)."""
    names = tuple(st.session_state.get("county", ())) or ("city",)
    try:
        boxes = [extents.resolve(name).bounds for name in names]
    except extents.ExtentError:
        return  # the county outlines cannot be read: the map stays where it is
    request_view(MAP_KEY, (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)))


def filtered_tables(choices: PointChoices) -> None:
    """The tables beside the map, following the same filters."""
    catalog = load_catalog()
    tabs = st.tabs([title for title, _ in POINT_TABLES.values()])
    for tab, (layer_id, (title, columns)) in zip(tabs, POINT_TABLES.items()):
        load = loaders.layer_load(layer_id)
        with tab:
            if not load.ok:
                st.warning(f"图层「{load.spec.title}」已停用。")
                continue
            rows = [r for r in load.gdf[columns].to_dict("records") if choices.keep(layer_id, r)]
            st.caption(f"共 {len(rows)} 项")
            st.dataframe(
                [{catalog.label(k): v for k, v in r.items()} for r in rows],
                hide_index=True,
                width="stretch",
                height=520,
                alt=f"{title}列表（按所选条件）",
            )
