"""The inline map component: a Leaflet map in the page itself (Custom Components v2, no iframe).

The browser code is ``static/zzp/component.js``; what it draws is a
:class:`~layers.web.mapspec.MapSpec`, sent as bytes on every run and applied to
the map made on the first one (same key → same map, view and layer choices kept).
Styles are not isolated: Leaflet's stylesheet must reach the map (a shadow root
would keep it out).  Panning and zooming never rerun Python; a feature click
reruns once, through the ``clicked`` trigger, and the clicked feature is kept
per map in the session so later reruns (a filter change) still show it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from layers.paths import STATIC
from layers.web.mapspec import MapSpec

COMPONENT_NAME = "zzp_map"
CLICKS = "zzp_map_clicks"  # session key: map key → the last clicked feature's properties

_map = st.components.v2.component(
    COMPONENT_NAME,
    js=(STATIC / "zzp" / "component.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def remember_click(key: str) -> None:
    """Keep a map's clicked feature (``{_layer, _row, …}``) for the panel beside it; anything else is ignored.

    The component's ``on_clicked_change`` callback: it runs before the page, and the
    trigger's value is in the session under the map's key for this one run.
    """
    clicked = (st.session_state.get(key) or {}).get("clicked")
    if isinstance(clicked, dict) and "_layer" in clicked and "_row" in clicked:
        st.session_state.setdefault(CLICKS, {})[key] = clicked


def clicked_feature(key: str) -> dict[str, Any] | None:
    """The properties of the feature last clicked on the map ``key`` in this session, if any."""
    return st.session_state.get(CLICKS, {}).get(key)


def live_map(spec: MapSpec, key: str) -> dict[str, Any] | None:
    """Show ``spec`` in the page's map ``key``; return the last clicked feature's properties (or None)."""
    callbacks = {"on_clicked_change": partial(remember_click, key)} if spec.report_clicks else {}
    _map(key=key, data=spec.to_json(), height="content", **callbacks)
    return clicked_feature(key)
