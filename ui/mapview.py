"""A map page's map: the view declared in :mod:`layers.web.views`, hosted in the page.

``map_view`` draws catalog layers in the page's inline map (:mod:`ui.map_component`):
panning and zooming never rerun Python, a feature click reruns exactly once, and a
rerun (a filter, the basemap, clean mode) updates the same map in place.  The URL's
permalink state (basemap, layers, centre, zoom, selection) sets the initial view.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from layers.io import store
from layers.io.catalog import LayerSpec
from layers.web.compose import FeatureFilter, compose_map
from layers.web.display import DisplayLayer
from layers.web.permalink import MapState
from layers.web.views import VIEWS
from ui import frame, loaders, sidebar
from ui.loaders import display_layer
from ui.map_component import live_map, requested_view, wanted_layers

PAGE_LAYERS = "zzp_page_layers"  # session key: map key → the layers its page chose on the last run


def map_view(
    view_id: str,
    height: int = 620,
    filters: dict[str, FeatureFilter] | None = None,
    extra: list[tuple[LayerSpec, DisplayLayer]] | None = None,
    visible: set[str] | None = None,
) -> dict[str, Any] | None:
    """Draw the page's view (:data:`layers.web.views.VIEWS`); return the clicked or selected feature.

    ``extra`` adds layers that are not in the catalog (a user's upload), drawn
    last and visible; ``visible`` overrides the view's default visibility.
    """
    view = VIEWS[view_id]
    state = _page_choice_wins(f"map-{view_id}", frame.url_state(), visible)
    wanted = wanted_layers(f"map-{view_id}")
    if wanted:  # layers turned on in the map's layer list: shown with the link's (or the page's) own
        shown = state.layers if state.layers is not None else tuple(view.visible if visible is None else visible)
        state = replace(state, layers=tuple(dict.fromkeys([*shown, *sorted(wanted)])))
    loads = loaders.load_layers(view.layer_ids(state))
    loaders.report_broken(loads)
    basemap = sidebar.current_basemap()
    if state.ignored:
        st.caption(f"链接中的部分参数无法识别，已忽略：{', '.join(state.ignored)}")
    spec, selected = compose_map(
        view_id,
        loads,
        lambda spec: display_layer(spec.id, store.file_stamp(spec), basemap.datum),
        basemap,
        state,
        visible=set(view.visible) if visible is None else visible,
        filters=filters,
        extra=extra,
        clean=st.session_state.get("clean", False),
        tianditu_key=sidebar.tianditu_key(),
        base_path=frame.base_path(),
        height=height,
        fit=requested_view(f"map-{view_id}"),
        label="地图：" + next((p.title for p in frame.PAGES if p.url_path == view_id), "规划图"),
    )
    return live_map(spec, key=f"map-{view_id}") or selected


def _page_choice_wins(key: str, state: MapState, visible: set[str] | None) -> MapState:
    """The URL's layers, unless the page's own choice of layers (a filter) changed since the last run.

    The map writes the layers it shows into the URL, so a page's layer filter would
    otherwise never win over the URL after the first pan.
    """
    seen = st.session_state.setdefault(PAGE_LAYERS, {})
    changed = visible is not None and key in seen and seen[key] != visible
    seen[key] = None if visible is None else set(visible)
    return replace(state, layers=None) if changed else state
