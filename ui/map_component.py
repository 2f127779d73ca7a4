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
from layers.region.extents import Bounds
from layers.web.compose import fit_request
from layers.web.mapspec import MapSpec, ViewRequest

COMPONENT_NAME = "zzp_map"
CLICKS = "zzp_map_clicks"  # session key: map key → the last clicked feature's properties
WANTED = "zzp_map_wanted"  # session key: map key → catalog layers the user turned on in the layer list
VIEWS = "zzp_map_views"  # session key: map key → the view the page last asked for (a county chosen)

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


def remember_wanted(key: str) -> None:
    """Keep a layer the user turned on in the map's layer list (not sent yet): the next run sends it."""
    wanted = (st.session_state.get(key) or {}).get("wanted")
    if isinstance(wanted, str):
        st.session_state.setdefault(WANTED, {}).setdefault(key, set()).add(wanted)


def wanted_layers(key: str) -> set[str]:
    """The catalog layers the user turned on in the map ``key``'s layer list in this session."""
    return set(st.session_state.get(WANTED, {}).get(key, set()))


def clicked_feature(key: str) -> dict[str, Any] | None:
    """The properties of the feature last clicked on the map ``key`` in this session, if any."""
    return st.session_state.get(CLICKS, {}).get(key)


def request_view(key: str, bounds: Bounds) -> None:
    """Ask the map ``key`` to fit ``bounds`` on its next run (a widget callback: a county chosen).

    Each request gets a new nonce, so the map moves once and then leaves the view to the user.
    """
    requests = st.session_state.setdefault(VIEWS, {})
    count = int(requests.get(key, ViewRequest((0, 0), 0, "fit|0")).nonce.rpartition("|")[2]) + 1
    requests[key] = fit_request(bounds, nonce=f"fit|{count}")


def requested_view(key: str) -> ViewRequest | None:
    """The view the page last asked the map ``key`` to show, if any."""
    return st.session_state.get(VIEWS, {}).get(key)


def live_map(spec: MapSpec, key: str) -> dict[str, Any] | None:
    """Show ``spec`` in the page's map ``key``; return the last clicked feature's properties (or None)."""
    callbacks = {"on_wanted_change": partial(remember_wanted, key)}
    if spec.report_clicks:
        callbacks["on_clicked_change"] = partial(remember_click, key)
    _map(key=key, data=spec.to_json(), height="content", **callbacks)
    return clicked_feature(key)
