"""A page's live map (a :class:`~layers.web.mapspec.MapSpec`) built from its view declaration, without Streamlit.

Kept free of Streamlit so the benchmark and the tests measure exactly what a page builds;
:mod:`ui.mapview` hosts the result in the page's inline map component.  Filters narrow what is drawn without touching the
cached, display-ready data.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from layers.io import store
from layers.io.catalog import LayerSpec, load_catalog
from layers.region import VIEW_LIMITS, extents
from layers.region.extents import Bounds
from layers.web import mapbuild, urls
from layers.web.basemaps import Basemap
from layers.web.display import DisplayLayer
from layers.web.mapspec import MapSpec, Sync, ViewRequest
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
    height: int = 620,
    fit: ViewRequest | None = None,
    label: str = "规划地图",
) -> tuple[MapSpec, dict[str, Any] | None]:
    """The live map of a page (a :class:`~layers.web.mapspec.MapSpec`) and the permalink-selected feature.

    ``display`` supplies the (cached) display-ready data of a layer.  Kept free
    of Streamlit so the benchmark measures exactly what a page builds.  The
    view request's nonce is the link's own centre and zoom: the map moves when
    the link asks for another view, never on a rerun that asks for the same.
    ``fit`` is a view the page asks for (a county chosen in a filter); ``label``
    is the map's accessible name.
    """
    catalog = load_catalog()
    filters = {**view_filters(view_id), **(filters or {})}
    drawn: list[tuple[LayerSpec, DisplayLayer]] = []
    for load in loads:
        if load.ok:
            data = display(load.spec)
            drawn.append((load.spec, _filtered(data, filters[load.spec.id]) if load.spec.id in filters else data))
    defaults = {s.id for s, _ in drawn if s.visible}
    if state.layers is not None:
        visible = set(state.layers)
    visible = set(defaults if visible is None else visible) | {s.id for s, _ in extra or []}
    selected = find_selected(state.selected, loads) if state.selected else None
    if selected is not None:
        visible.add(selected["_layer"])
    spec = MapSpec(
        basemap,
        view_request(view_id, state, fit),
        base_path=base_path,
        tianditu_key=tianditu_key,
        clean=clean,
        height=height,
        label=label,
        sync=Sync(view_id, base_path, basemap.id, state.selected),
    )
    detail_url = urls.app_url(base_path, "projects?id=")
    for layer, data in drawn:
        spec.add(layer, data, catalog, layer.id in visible, detail_url=detail_url, selected=state.selected)
    for layer, data in extra or []:
        spec.add(layer, data, catalog, True)
    sent = {load.spec.id for load in loads}
    spec.more = [(s.id, s.title, s.group) for g in catalog.groups for s in catalog.layers if s.group == g and s.id not in sent]
    return spec, selected


def view_request(view_id: str, state: MapState, fit: ViewRequest | None = None) -> ViewRequest:
    """Where the map looks: the page's request (``fit``), else the link's view, else the whole city fitted.

    The city is fitted to the map's size rather than shown at a fixed zoom, so no
    county is cut at any window size.
    """
    if fit is not None:
        return fit
    if state.center is not None or state.zoom is not None:
        center, zoom = state.center or mapbuild.CITY_CENTER, state.zoom or mapbuild.CITY_ZOOM
        return ViewRequest(center, zoom, nonce=f"{view_id}|{state.center}|{state.zoom}")
    return fit_request(city_bounds(), nonce=f"{view_id}|city")


def fit_request(bounds: Bounds, nonce: str) -> ViewRequest:
    """A request to fit ``bounds`` (``minlon, minlat, maxlon, maxlat``)."""
    center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
    return ViewRequest(center, mapbuild.CITY_ZOOM, nonce=nonce, bounds=bounds)


def city_bounds() -> Bounds:
    """The whole city's box (its counties' outlines); the regional window if they cannot be read."""
    try:
        return extents.resolve("city").bounds
    except extents.ExtentError:
        return VIEW_LIMITS


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
