"""The live map as data: one JSON document the page's inline map applies to its Leaflet map.

The browser part (``static/zzp/component.js``) creates the map once and applies
every rerun's spec to it as updates, so a filter or a selection never rebuilds
the map and the user's view stays.  What the browser needs to do that cheaply:

* every layer carries a content hash (features, labels, popup config) and a style
  hash: the browser redraws only layers whose content changed, restyles those
  whose styles changed (a selection), and leaves the others alone;
* each layer's ``visible`` is what the app asks for: the browser applies it when
  it changes, so a layer the user switched on stays on across reruns;
* the view (centre, zoom) is a *request* with a nonce: applied once, never again
  for the same request, so panning and zooming are the user's;
* styles are computed here from the catalog (:func:`mapbuild.feature_style`), as
  distinct style objects plus one index per feature, so no style code runs in
  the browser and categories stay in one place.

The document is assembled as text from each layer's JSON, serialised once when
the layer was prepared (:class:`~layers.web.display.SerialisedCollection`), and
sent as bytes: a rerun re-serialises nothing large.  Feature text stays data —
the browser shows it with ``textContent`` (``static/zzp/map.js``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from layers.io.catalog import Catalog, LayerSpec
from layers.web import assets, mapbuild
from layers.web.basemaps import Basemap
from layers.web.display import DisplayLayer, SerialisedCollection
from layers.web.escape import html_text
from layers.web.style import legend_html

# The browser files a live map loads, by role (each once per page).
SCRIPTS = (assets.LEAFLET_JS, assets.MAP_JS, assets.FULLSCREEN_JS)
STYLES = (assets.LEAFLET_CSS, assets.MAP_CSS, assets.FULLSCREEN_CSS)


@dataclass(frozen=True)
class ViewRequest:
    """Where the app asks the map to look; ``nonce`` names the request so it is applied once.

    With ``bounds`` (WGS-84 ``minlon, minlat, maxlon, maxlat``) the map fits them
    whatever its size (the whole city on a phone and on a wide screen); ``center``
    and ``zoom`` then only place the map before it knows its size.
    """

    center: tuple[float, float]
    zoom: float
    nonce: str
    bounds: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Sync:
    """How a map page's map keeps the page URL a permalink (``zzp.sync``): page, base path, basemap, selection."""

    page: str
    base_path: str
    basemap: str
    selected: str | None = None


@dataclass
class MapSpec:
    """Everything one live map shows; :meth:`to_json` is what the browser gets."""

    basemap: Basemap
    view: ViewRequest
    base_path: str = ""
    tianditu_key: str | None = None
    clean: bool = False
    height: int = 620
    sync: Sync | None = None
    report_clicks: bool = True
    legend_title: str = "图例"
    label: str = "规划地图"  # the map's accessible name (the page names it: 地图：总览)
    # Catalog layers not sent, offered in the layer list and sent when the user turns one on: (id, title, group).
    more: list[tuple[str, str, str]] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)  # each layer's JSON text, in drawing order
    specs: list[LayerSpec] = field(default_factory=list)

    def add(
        self,
        spec: LayerSpec,
        data: DisplayLayer,
        catalog: Catalog,
        visible: bool,
        detail_url: str = "",
        selected: str | None = None,
    ) -> None:
        """Add a layer, drawn above the ones added before."""
        self.specs.append(spec)
        self.layers.append(layer_json(spec, data, catalog, visible, detail_url, selected))

    def head(self) -> dict[str, Any]:
        """The spec without its layers: assets, basemap, view request, legend, behaviour."""
        if self.basemap.needs_key and not self.tianditu_key:
            raise ValueError(f"{self.basemap.title} 需要天地图密钥（TIANDITU_KEY）")
        tiles = self.basemap.with_key(self.tianditu_key or "")
        return {
            "scripts": [assets.url(rel, self.base_path) for rel in SCRIPTS],
            "styles": [assets.url(rel, self.base_path) for rel in STYLES],
            "basemap": {
                "id": self.basemap.id,
                "tiles": [{"url": t.url, "subdomains": t.subdomains or "abc"} for t in tiles],
                "attribution": self.basemap.attribution,
                "maxZoom": self.basemap.max_zoom,
            },
            "attributionPrefix": mapbuild.ATTRIBUTION_PREFIX,
            "view": {
                "center": list(self.view.center),
                "zoom": self.view.zoom,
                "nonce": self.view.nonce,
                "bounds": None if self.view.bounds is None else _corners(self.view.bounds),
            },
            "clean": self.clean,
            "height": self.height,
            "clicks": self.report_clicks,
            "label": self.label,
            "more": [{"id": i, "name": html_text(f"{title}（{group}）"), "title": title} for i, title, group in self.more],
            "legend": legend_html(self.specs, self.legend_title),
            "sync": None
            if self.sync is None
            else {"page": self.sync.page, "base": self.sync.base_path, "basemap": self.sync.basemap, "selected": self.sync.selected},
        }

    def to_json(self) -> bytes:
        """The document the browser applies (UTF-8 JSON), layers inserted as already-serialised text."""
        head = json.dumps(self.head(), ensure_ascii=False, separators=(",", ":"))
        return (head[:-1] + ',"layers":[' + ",".join(self.layers) + "]}").encode("utf-8")


def _corners(bounds: tuple[float, float, float, float]) -> list[list[float]]:
    """``minlon, minlat, maxlon, maxlat`` as Leaflet's ``[[south, west], [north, east]]``."""
    minlon, minlat, maxlon, maxlat = bounds
    return [[minlat, minlon], [maxlat, maxlon]]


def _text(collection: dict[str, Any] | None) -> str:
    if collection is None:
        return "null"
    if isinstance(collection, SerialisedCollection):
        return collection.json
    return json.dumps(collection, sort_keys=True)


def layer_styles(spec: LayerSpec, features: list[dict[str, Any]], selected: str | None) -> dict[str, list]:
    """Distinct (style, highlight) pairs of a layer and each feature's index into them."""
    pairs: dict[str, int] = {}
    styles, highlights, index = [], [], []
    for feature in features:
        props = feature["properties"]
        style, highlight = mapbuild.feature_style(spec, props, selected), mapbuild.highlight_style(spec, props)
        key = json.dumps([style, highlight], sort_keys=True)
        if key not in pairs:
            pairs[key] = len(styles)
            styles.append(style)
            highlights.append(highlight)
        index.append(pairs[key])
    return {"styles": styles, "highlights": highlights, "styleOf": index}


def layer_json(
    spec: LayerSpec,
    data: DisplayLayer,
    catalog: Catalog,
    visible: bool,
    detail_url: str = "",
    selected: str | None = None,
) -> str:
    """One layer's JSON text: ``visible``, its content ``hash`` (features, labels, popups), its ``styleHash``, and the content.

    Two hashes, so that a new selection restyles the drawn features (open popups stay)
    while other features or labels redraw the layer.
    """
    meta = {
        "id": spec.id,
        "title": spec.title,
        "name": html_text(spec.title),  # Leaflet's layer control inserts names as HTML
        "config": mapbuild.feature_config(spec, catalog, detail_url),
        "point": spec.geometry == "Point",
        "radius": spec.style.radius,
        "label": {"field": spec.label, "muted": spec.label_muted} if spec.label and data.labels is not None else None,
    }
    styles = json.dumps(layer_styles(spec, data.features["features"], selected), separators=(",", ":"))
    body = (
        json.dumps(meta, ensure_ascii=False, separators=(",", ":"))[:-1]
        + ',"features":' + _text(data.features)
        + ',"labels":' + (_text(data.labels) if meta["label"] else "null") + "}"
    )
    return (
        '{"visible":' + ("true" if visible else "false")
        + ',"hash":"' + _digest(body) + '","styleHash":"' + _digest(styles) + '",'
        + styles[1:-1] + "," + body[1:]
    )


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
