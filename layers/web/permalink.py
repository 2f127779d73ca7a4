"""Shareable map views: the state of a map page as short, readable query parameters.

    /transport?bm=none&layers=rail_network,expressway_network&c=27.6500,113.3000&z=9&sel=rail-jingguang-hsr

``bm`` basemap id, ``layers`` visible layer ids, ``c`` centre (lat,lon), ``z``
zoom, ``sel`` the selected feature's record id.  Parsing is forgiving: unknown
or malformed values are dropped (a shared link should open *something*), and
the caller learns which keys were ignored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping
from urllib.parse import urlencode

from layers.region import in_view_limits
from layers.web.basemaps import BASEMAPS
from layers.web.urls import app_url

MIN_ZOOM, MAX_ZOOM = 6, 19
# Longest value accepted per parameter: a real view never needs more, and a longer one is
# printed on briefing sheets and echoed in notices — so it is dropped, not processed.
MAX_VALUE_CHARS = 200
MAX_LAYERS_CHARS = 1000


@dataclass(frozen=True)
class MapState:
    """A map page's view as a link carries it: basemap, visible layers, centre, zoom, selection."""
    basemap: str | None = None
    layers: tuple[str, ...] | None = None
    center: tuple[float, float] | None = None  # (lat, lon)
    zoom: float | None = None  # half steps (the maps snap to 0.5)
    selected: str | None = None
    ignored: tuple[str, ...] = field(default=(), compare=False)

    def query(self) -> dict[str, str]:
        """The state as query parameters (only what is set)."""
        params: dict[str, str] = {}
        if self.basemap:
            params["bm"] = self.basemap
        if self.layers is not None:
            params["layers"] = ",".join(self.layers)
        if self.center:
            params["c"] = f"{self.center[0]:.4f},{self.center[1]:.4f}"
        if self.zoom is not None:
            params["z"] = f"{self.zoom:g}"
        if self.selected:
            params["sel"] = self.selected
        return params

    def url(self, base: str, page: str) -> str:
        """``page`` is the page's URL path, or ``""`` for the default page (served at ``/``)."""
        query = urlencode(self.query(), safe=",")
        return app_url(base, page) + (f"?{query}" if query else "")


def parse(params: Mapping[str, str | list[str]], known_layers: Iterable[str]) -> MapState:
    """Read a map state from query parameters, dropping what does not make sense.

    Nothing here can raise: over-long values, non-finite numbers (``z=inf``)
    and unknown ids are dropped and named in ``ignored``.
    """
    ignored: list[str] = []

    def first(key: str) -> str | None:
        value = params.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if not isinstance(value, str) or not value.strip():
            return None
        if len(value) > (MAX_LAYERS_CHARS if key == "layers" else MAX_VALUE_CHARS):
            ignored.append(key)
            return None
        return value.strip()

    basemap = first("bm")
    if basemap is not None and basemap not in {b.id for b in BASEMAPS}:
        ignored.append("bm")
        basemap = None
    layers = None
    if "layers" in params:  # present but empty: the user turned every layer off
        wanted = [lid for lid in (first("layers") or "").split(",") if lid]
        known = set(known_layers)
        layers = tuple(lid for lid in wanted if lid in known)
        if len(layers) != len(wanted) and "layers" not in ignored:
            ignored.append("layers")
        if "layers" in ignored and not layers:
            layers = None  # nothing usable: the page's own layers, not an empty map
    center = None
    raw_center = first("c")
    if raw_center is not None:
        try:
            lat, lon = (float(v) for v in raw_center.split(","))
            if not in_view_limits(lon, lat):  # also refuses nan and ±inf
                raise ValueError
            center = (lat, lon)
        except ValueError:
            ignored.append("c")
    zoom = None
    raw_zoom = first("z")
    if raw_zoom is not None:
        try:
            value = float(raw_zoom)
            if not math.isfinite(value):
                raise ValueError
            zoom = min(max(round(value * 2) / 2, MIN_ZOOM), MAX_ZOOM)
        except ValueError:
            ignored.append("z")
    selected = first("sel")
    return MapState(basemap, layers, center, zoom, selected, tuple(ignored))
