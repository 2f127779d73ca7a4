"""A page's map built from its view declaration, without Streamlit.

Kept free of Streamlit so the benchmark and the tests measure exactly what a page builds;
:mod:`ui.mapview` hosts the result.  Filters narrow what is drawn without touching the
cached, display-ready data.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

import folium

from layers.io import store
from layers.io.catalog import LayerSpec, load_catalog
from layers.web import mapbuild, urls
from layers.web.basemaps import Basemap
from layers.web.display import DisplayLayer
from layers.web.permalink import MapState
from layers.web.views import VIEWS

# A filter keeps the features whose (display) properties it accepts.
FeatureFilter = Callable[[dict[str, Any]], bool]


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
        base_path=base_path,
    )
    drawn: list[tuple[LayerSpec, Any]] = []
    for load in loads:
        if not load.ok:
            continue
        data = display(load.spec)
        if load.spec.id in filters:
            data = _filtered(data, filters[load.spec.id])
        group = mapbuild.add_layer(
            m, load.spec, data, catalog, detail_url=urls.app_url(base_path, "projects?id="), selected=state.selected
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


def field_filter(field: str, allowed: list[str]) -> FeatureFilter:
    """Keep features whose ``field`` is one of ``allowed``."""
    wanted = set(allowed)
    return lambda props: str(props.get(field)) in wanted
