"""A map page's map, and the panel that explains what was clicked.

``map_view`` draws catalog layers with ``st_folium`` so that panning and zooming
never rerun Python (``returned_objects`` is limited to ``last_active_drawing``)
and a feature click reruns exactly once.  Filters narrow what is drawn without
touching the cached, display-ready data.  The URL's permalink state (basemap,
layers, centre, zoom, selection) sets the initial view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers import mapbuild, store, ui
from layers.basemaps import Basemap
from layers.build.common import COUNTY_NAMES
from layers.catalog import LayerSpec, load_catalog
from layers.display import DisplayLayer, prepare
from layers.escape import escape_markdown
from layers.permalink import MapState
from layers.views import VIEWS

# A filter keeps the features whose (display) properties it accepts.
FeatureFilter = Callable[[dict[str, Any]], bool]


@st.cache_resource(show_spinner=False, max_entries=128)  # shared, read-only: no copy per rerun
def _display_cached(layer_id: str, stamp: float, datum: str) -> DisplayLayer | None:
    load = ui.layer_load(layer_id)
    return prepare(load.spec, load.gdf, datum) if load.ok else None


def _filtered(data: DisplayLayer, keep: FeatureFilter) -> DisplayLayer:
    """Only the features ``keep`` accepts (the same object when it accepts all, so cached JSON is reused)."""
    features = [f for f in data.features["features"] if keep(f["properties"])]
    if len(features) == len(data.features["features"]):
        return data
    kept_rows = {f["properties"]["_row"] for f in features}
    labels = data.labels
    if labels is not None:
        labels = {**labels, "features": [f for f in labels["features"] if int(f["id"]) in kept_rows]}
    return replace(data, features={**data.features, "features": features}, labels=labels)


def compose_map(
    view_id: str,
    loads: list[store.LayerLoad],
    display: Callable[[LayerSpec], DisplayLayer],
    basemap: Basemap,
    state: MapState,
    visible: set[str] | None = None,
    filters: dict[str, FeatureFilter] | None = None,
    extra: list[tuple[LayerSpec, DisplayLayer]] | None = None,
    clean: bool = False,
    tianditu_key: str | None = None,
    base_path: str = "",
) -> tuple[folium.Map, dict[str, Any] | None]:
    """The map of a page and the permalink-selected feature, without any Streamlit call.

    ``display`` supplies the (cached) display-ready data of a layer.  Kept free
    of Streamlit so the benchmark measures exactly what a page builds.
    """
    catalog = load_catalog()
    filters = {**view_filters(view_id), **(filters or {})}
    m = mapbuild.new_map(
        basemap,
        center=state.center or mapbuild.CITY_CENTER,
        zoom=state.zoom or mapbuild.CITY_ZOOM,
        tianditu_key=tianditu_key,
        clean=clean,
    )
    drawn: list[tuple[LayerSpec, Any]] = []
    for load in loads:
        if not load.ok:
            continue
        data = display(load.spec)
        if load.spec.id in filters:
            data = _filtered(data, filters[load.spec.id])
        group = mapbuild.add_layer(
            m, load.spec, data, catalog, detail_url=f"{base_path}/projects?id=", selected=state.selected
        )
        drawn.append((load.spec, group))
    for spec, data in extra or []:
        drawn.append((spec, mapbuild.add_layer(m, spec, data, catalog)))
    defaults = {s.id for s, _ in drawn if s.visible}
    if state.layers is not None:
        visible = set(state.layers)
    visible = set(defaults if visible is None else visible) | {s.id for s, _ in extra or []}
    selected = find_selected(state.selected, loads) if state.selected else None
    if selected is not None:
        visible.add(selected["_layer"])
    view = mapbuild.ViewOptions(page=view_id, basemap=basemap.id, base_path=base_path, selected=state.selected)
    mapbuild.finish_map(m, drawn, visible, view=view)
    return m, selected


def view_filters(view_id: str) -> dict[str, FeatureFilter]:
    """The fixed filters a view declares (``where``), as feature predicates."""
    view = VIEWS.get(view_id)
    if view is None:
        return {}
    return {layer: field_filter(field, [value]) for layer, field, value in view.where}


def map_view(
    view_id: str,
    height: int = 620,
    filters: dict[str, FeatureFilter] | None = None,
    extra: list[tuple[LayerSpec, DisplayLayer]] | None = None,
    visible: set[str] | None = None,
) -> dict[str, Any] | None:
    """Draw the page's view (:data:`layers.views.VIEWS`); return the clicked or selected feature.

    ``extra`` adds layers that are not in the catalog (a user's upload), drawn
    last and visible; ``visible`` overrides the view's default visibility.
    """
    view = VIEWS[view_id]
    state = ui.url_state()
    loads = ui.load_layers(view.layer_ids(state))
    ui.report_broken(loads)
    basemap = ui.current_basemap()
    if state.ignored:
        st.caption(f"链接中的部分参数无法识别，已忽略：{', '.join(state.ignored)}")
    m, selected = compose_map(
        view_id,
        loads,
        lambda spec: _display_cached(spec.id, store.file_stamp(spec), basemap.datum),
        basemap,
        state,
        visible=set(view.visible) if visible is None else visible,
        filters=filters,
        extra=extra,
        clean=st.session_state.get("clean", False),
        tianditu_key=ui.tianditu_key(),
        base_path=ui.base_path(),
    )
    result = st_folium(
        m,
        key=f"map-{view_id}",
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    drawing = (result or {}).get("last_active_drawing")
    return drawing.get("properties") if drawing else selected


def find_selected(selected: str, loads: list[store.LayerLoad]) -> dict[str, Any] | None:
    """Resolve a permalink's ``sel`` (a record id, or ``layer:name``) to a feature reference."""
    layer_id, _, name = selected.partition(":")
    for load in loads:
        if not load.ok:
            continue
        gdf, spec = load.gdf, load.spec
        if name and layer_id == spec.id:
            hits = gdf.index[gdf["name"] == name]
        elif spec.record_field and spec.record_field in gdf:
            hits = gdf.index[gdf[spec.record_field] == selected]
        else:
            continue
        if len(hits):
            row = gdf.index.get_loc(hits[0])
            return {"_layer": spec.id, "_row": row, "name": gdf.iloc[row]["name"]}
    return None


def full_feature(properties: dict[str, Any] | None) -> tuple[LayerSpec, dict[str, Any]] | None:
    """The clicked feature's complete record, from the full-resolution layer.

    The browser only gets the properties its popups need; ``_layer`` and
    ``_row`` lead back to everything else.
    """
    if not properties or "_layer" not in properties:
        return None
    try:
        load = ui.layer_load(str(properties["_layer"]))
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
    from ui.plan_reader import mentions  # here: ui.plan_reader itself reads clicks through this module

    mentions(spec.id, record)
    record_id = record.get(spec.record_field) if spec.record_field else None
    if record_id and spec.id != "projects":
        st.page_link(ui.page_info("projects").file, label="查看项目详情 ›", query_params={"id": record_id})
    skip = {"name", "quote", "excerpt", "geometry", "id", "record_id"}
    rows = [
        {"属性": catalog.label(k), "值": str(v)}
        for k, v in record.items()
        if k not in skip and not str(k).startswith("_") and v is not None and str(v) not in ("", "nan", "None")
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def field_filter(field: str, allowed: list[str]) -> FeatureFilter:
    """Keep features whose ``field`` is one of ``allowed``."""
    wanted = set(allowed)
    return lambda props: str(props.get(field)) in wanted


@dataclass(frozen=True)
class PointChoices:
    """The parks-and-towns filters: one predicate per layer, shared by map and tables."""

    counties: tuple[str, ...]
    park_kinds: tuple[str, ...]
    industry: str
    town_categories: tuple[str, ...]
    tiers: tuple[int, ...]

    def keep(self, layer_id: str, props: dict[str, Any]) -> bool:
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
    load = ui.layer_load(layer_id)
    return sorted({str(v) for v in load.gdf[field].dropna()}) if load.ok else []


POINT_FILTER_KEYS = ("pt_counties", "pt_park_kinds", "pt_industry", "pt_town_categories", "pt_tiers")
ALL_INDUSTRIES = "（全部）"
TIERS = [1, 2, 3, 4, 5, 6]


def point_choices() -> PointChoices:
    """The filters' current values, read before the widgets are drawn (see :func:`point_filter_widgets`)."""
    state = st.session_state
    industry = state.get("pt_industry", ALL_INDUSTRIES)
    return PointChoices(
        tuple(state.get("pt_counties", ())),
        tuple(state.get("pt_park_kinds", _values("industrial_parks", "kind"))),
        "" if industry == ALL_INDUSTRIES else industry,
        tuple(state.get("pt_town_categories", _values("featured_towns", "category"))),
        tuple(state.get("pt_tiers", TIERS)),
    )


def point_filter_widgets() -> None:
    """Widgets for county, park kind and industry, town category and tier.

    Drawn after the map (into a container above it) so the map reaches the
    browser before these widgets' code has to be fetched.
    """
    industries = sorted({i for value in _values("industrial_parks", "industries") for i in value.split("、") if i})
    c1, c2, c3 = st.columns(3)
    c1.multiselect("县市区", list(COUNTY_NAMES), key="pt_counties", placeholder="全部县市区")
    kinds = _values("industrial_parks", "kind")
    c2.multiselect("园区类别", kinds, default=kinds, key="pt_park_kinds")
    c3.selectbox("主导产业", [ALL_INDUSTRIES, *industries], key="pt_industry")
    c4, c5 = st.columns([2, 1])
    categories = _values("featured_towns", "category")
    c4.multiselect("特色小镇类别", categories, default=categories, key="pt_town_categories")
    c5.multiselect("城镇等级", TIERS, default=TIERS, key="pt_tiers", format_func=lambda t: f"{t} 级")


def filtered_tables(choices: PointChoices) -> None:
    """The tables beside the map, following the same filters."""
    catalog = load_catalog()
    tabs = st.tabs([title for title, _ in POINT_TABLES.values()])
    for tab, (layer_id, (_, columns)) in zip(tabs, POINT_TABLES.items()):
        load = ui.layer_load(layer_id)
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
            )
