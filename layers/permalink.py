"""Shareable map views: the state of a map page as short, readable query parameters.

    /transport?bm=none&layers=rail_network,expressway_network&c=27.6500,113.3000&z=9&sel=rail-jingguang-hsr

``bm`` basemap id, ``layers`` visible layer ids, ``c`` centre (lat,lon), ``z``
zoom, ``sel`` the selected feature's record id.  Parsing is forgiving: unknown
or malformed values are dropped (a shared link should open *something*), and
the caller learns which keys were ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping
from urllib.parse import urlencode

from layers.basemaps import BASEMAPS
from layers.urls import app_url

MIN_ZOOM, MAX_ZOOM = 6, 19
_BOUNDS = (24.0, 110.0, 30.5, 117.0)  # lat/lon box in which a shared centre is accepted


@dataclass(frozen=True)
class MapState:
    basemap: str | None = None
    layers: tuple[str, ...] | None = None
    center: tuple[float, float] | None = None  # (lat, lon)
    zoom: float | None = None  # half steps (the maps snap to 0.5)
    selected: str | None = None
    ignored: tuple[str, ...] = field(default=(), compare=False)

    def query(self) -> dict[str, str]:
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
    """Read a map state from query parameters, dropping what does not make sense."""

    def first(key: str) -> str | None:
        value = params.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        return value.strip() if isinstance(value, str) and value.strip() else None

    ignored = []
    basemap = first("bm")
    if basemap is not None and basemap not in {b.id for b in BASEMAPS}:
        ignored.append("bm")
        basemap = None
    layers = None
    if "layers" in params:  # present but empty: the user turned every layer off
        raw_layers = first("layers") or ""
        known = set(known_layers)
        wanted = [lid for lid in raw_layers.split(",") if lid]
        layers = tuple(lid for lid in wanted if lid in known)
        if len(layers) != len(wanted):
            ignored.append("layers")
    center = None
    raw_center = first("c")
    if raw_center is not None:
        try:
            lat, lon = (float(v) for v in raw_center.split(","))
            if not (_BOUNDS[0] <= lat <= _BOUNDS[2] and _BOUNDS[1] <= lon <= _BOUNDS[3]):
                raise ValueError
            center = (lat, lon)
        except ValueError:
            ignored.append("c")
    zoom = None
    raw_zoom = first("z")
    if raw_zoom is not None:
        try:
            zoom = min(max(round(float(raw_zoom) * 2) / 2, MIN_ZOOM), MAX_ZOOM)
        except ValueError:
            ignored.append("z")
    selected = first("sel")
    return MapState(basemap, layers, center, zoom, selected, tuple(ignored))
