"""Build Folium maps from catalog layers: ``new_map`` → ``add_layer``… → ``finish_map``.

folium builds the exported maps (one-file HTML, :mod:`layers.export.html`); the live
maps in the app are drawn by the inline component from a :mod:`layers.web.mapspec`,
which shares this module's feature styles and popup configuration.

Design choices, each for a reason:

* The map loads Leaflet only (no jQuery, Bootstrap, Font Awesome): fewer
  assets to self-host and a faster first draw.  Points are circle markers.
* Feature text (tooltips, popups, labels) is rendered in the browser with
  ``textContent`` by one small script (``static/zzp/map.js``), so a hostile
  property value is shown as text and never parsed as HTML or evaluated.
* Every layer is its own ``FeatureGroup`` (the name the layer control shows),
  added visible and hidden once every feature is bound (``zzp.hideLater``),
  so features of initially hidden layers have their tooltips and popups too.  Leaflet's layer
  control inserts that name as HTML, so it is HTML-escaped here (a layer
  title may be an uploaded file's name), and the legend follows layers by
  their group, never by that name.
* The ``LayerControl`` is added last, after the legend.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

import folium
import geopandas as gpd
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from folium.utilities import JsCode

from layers.io.catalog import Catalog, LayerSpec
from layers.web import assets
from layers.web.basemaps import WGS84_DATUM, Basemap, get_basemap
from layers.web.display import DisplayLayer, SerialisedCollection, prepare
from layers.web.escape import html_text, js_literal
from layers.web.style import legend_html

CITY_CENTER = (27.23, 113.45)
CITY_ZOOM = 8.5  # with half-step zoom the whole city fills a ~620 px map



class PlanMap(folium.Map):
    """A folium map that loads Leaflet and the maps' own script and styles only (see module docstring), from the app's own static files.

    ``base_path`` is ``server.baseUrlPath`` as a prefix (``""`` or ``"/zzp"``): the
    browser loads Leaflet from ``<base>/app/static/``.
    """

    def __init__(self, *args: Any, base_path: str = "", **kwargs: Any):
        self.base_path = base_path
        super().__init__(*args, **kwargs)

    @property
    def default_js(self) -> list[tuple[str, str]]:
        return [(name, assets.url(rel, self.base_path)) for name, rel in assets.MAP_SCRIPTS]

    @property
    def default_css(self) -> list[tuple[str, str]]:
        return [(name, assets.url(rel, self.base_path)) for name, rel in assets.MAP_STYLES]


# Leaflet 1.9's default prefix adds a flag icon to every map; ours names the library only.
ATTRIBUTION_PREFIX = '<a href="https://leafletjs.com" title="Leaflet：开源交互地图库">Leaflet</a>'


def _dumps(obj: Any, **kwargs: Any) -> str:
    """folium's JSON serialiser, reusing the text of a cached :class:`SerialisedCollection`."""
    if isinstance(obj, SerialisedCollection):
        return obj.json
    return json.dumps(obj, **kwargs)


# folium renders every template in one Jinja environment; its ``tojson`` filter calls this.
folium.GeoJson._template.environment.policies["json.dumps_function"] = _dumps


class RawHtml(Element):
    """Finished HTML/JS text, inserted as is — the only way text enters a page here.

    branca's ``Element(text)`` compiles its text as a Jinja template, and it
    wraps every rendered macro in one — so a feature property or a title
    ``{{ 7*7 }}`` would render as ``49``, and ``{{ lipsum.__globals__ … }}``
    reaches the operating system.  This element is never compiled: callers
    escape what they put in it (:func:`layers.web.escape.html_text`).
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        """The text as given (escaped by the caller), never compiled as a template."""
        return self.text


class _RawMacroRender(MacroElement):
    """``MacroElement.render`` with :class:`_RawElement` outputs (see there why)."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        for part in ("header", "html", "script"):
            macro = self._template.module.__dict__.get(part)
            if macro is not None:
                getattr(figure, part).add_child(RawHtml(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class SafeGeoJson(folium.GeoJson, _RawMacroRender):
    """folium's GeoJson whose script (which embeds feature data) is never run through Jinja."""


class SafeLayerControl(folium.LayerControl, _RawMacroRender):
    """folium's LayerControl; layer names (an upload's file name …) are never run through Jinja."""


class _Script(_RawMacroRender):
    """Raw script emitted in order with the map's other elements."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str):
        super().__init__()
        self._name = "ZzpScript"
        self.code = code


class _Legend(_RawMacroRender):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = zzp.legend({{ this._parent.get_name() }}, {{ this.html }}, [{{ this.groups }}]);"
        "{% for name in this.hidden %}{{ this.get_name() }}({{ name }}, false);{% endfor %}"
        "{% endmacro %}"
    )

    def __init__(self, html: str, hidden_titles: Iterable[str], drawn: list[tuple[LayerSpec, folium.FeatureGroup]]):
        super().__init__()
        self._name = "ZzpLegend"
        self.html = js_literal(html)
        self.hidden = [js_literal(t) for t in hidden_titles]
        self.groups = ",".join(f"[{group.get_name()}, {js_literal(spec.title)}]" for spec, group in drawn)


class _HideLater(_RawMacroRender):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "zzp.hideLater({{ this._parent.get_name() }}, [{{ this.groups }}]);"
        "{% endmacro %}"
    )

    def __init__(self, groups: list[folium.FeatureGroup]):
        super().__init__()
        self._name = "ZzpHideLater"
        self.groups = ",".join(g.get_name() for g in groups)


class Fullscreen(JSCSSMixin, _RawMacroRender):
    """The 全屏 button: a few lines on the browser's Fullscreen API (``static/zzp/fullscreen.js``)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.zzpFullscreen().addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, base_path: str = ""):
        super().__init__()
        self._name = "ZzpFullscreen"
        self.base_path = base_path

    @property
    def default_js(self) -> list[tuple[str, str]]:
        return [("zzp_fullscreen", assets.url(assets.FULLSCREEN_JS, self.base_path))]

    @property
    def default_css(self) -> list[tuple[str, str]]:
        return [("zzp_fullscreen_css", assets.url(assets.FULLSCREEN_CSS, self.base_path))]


def new_map(
    basemap: Basemap | str = "none",
    center: tuple[float, float] = CITY_CENTER,
    zoom: float = CITY_ZOOM,
    tianditu_key: str | None = None,
    height: str | int = "100%",
    clean: bool = False,
    base_path: str = "",
) -> folium.Map:
    """An empty map with the chosen basemap, a metric scale bar, fullscreen and the shared script.

    ``clean`` hides the zoom, layer and tool controls (for screenshots); the
    legend, scale bar and attribution stay.  ``base_path`` (``server.baseUrlPath``
    as a prefix) is where the browser finds the app's static files.
    """
    if isinstance(basemap, str):
        basemap = get_basemap(basemap)
    m = PlanMap(
        base_path=base_path,
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        control_scale=False,
        prefer_canvas=False,
        height=height,
        min_zoom=6,
        zoom_snap=0.5,
        max_zoom=basemap.max_zoom,
    )
    if basemap.needs_key and not tianditu_key:
        raise ValueError(f"{basemap.title} 需要天地图密钥（TIANDITU_KEY）")
    for tile in basemap.with_key(tianditu_key or ""):
        folium.TileLayer(
            tiles=tile.url,
            attr=basemap.attribution,
            name=basemap.title,
            subdomains=tile.subdomains or "abc",
            max_zoom=basemap.max_zoom,
            control=False,
        ).add_to(m)
    _Script(f"zzp.scale({m.get_name()});").add_to(m)
    _Script(f"{m.get_name()}.attributionControl.setPrefix({js_literal(ATTRIBUTION_PREFIX)});").add_to(m)
    Fullscreen(base_path).add_to(m)
    if clean:
        _Script(f"{m.get_name()}.getContainer().classList.add('zzp-clean');").add_to(m)
    return m


def feature_config(spec: LayerSpec, catalog: Catalog, detail_url: str) -> dict[str, Any]:
    """What ``zzp.bind`` needs to show a layer's features: title, tooltip/popup fields and labels, record link."""
    fields = {*spec.tooltip, *spec.popup}
    return {
        "title": spec.label or "name",
        "tooltip": list(spec.tooltip),
        "popup": list(spec.popup),
        "labels": {f: catalog.label(f) for f in fields},
        "record": spec.record_field,
        "detail": detail_url,
        "geometry": spec.geometry,
        "layer": spec.id,
    }


def is_selected(spec: LayerSpec, props: dict[str, Any], selected: str | None) -> bool:
    """Whether a feature is a permalink's selection (its record id, or ``layer:name``)."""
    if selected is None:
        return False
    if spec.record_field and props.get(spec.record_field) == selected:
        return True
    return selected == f"{spec.id}:{props.get('name')}"


def feature_style(spec: LayerSpec, props: dict[str, Any], selected: str | None = None) -> dict[str, Any]:
    """A feature's Leaflet path options: the catalog symbol, a class per layer, the selection emphasised."""
    options = spec.style_for(props).leaflet()
    options["className"] = f"zzp-{spec.id}"  # lets tests and CSS find a layer's SVG paths
    if is_selected(spec, props, selected):
        options.update(weight=options["weight"] + 3, color="#ff00aa", opacity=1.0)
    return options


def highlight_style(spec: LayerSpec, props: dict[str, Any]) -> dict[str, Any]:
    """A feature's options under the pointer: the symbol a little heavier and opaque."""
    options = spec.style_for(props).leaflet()
    options.update(weight=options["weight"] + 2, opacity=1.0)
    return options


def add_layer(
    m: folium.Map,
    spec: LayerSpec,
    data: gpd.GeoDataFrame | DisplayLayer,
    catalog: Catalog,
    detail_url: str = "/projects?id=",
    selected: str | None = None,
) -> folium.FeatureGroup:
    """Draw one catalog layer onto ``m`` as a named ``FeatureGroup`` and return the group.

    ``data`` is the layer's GeoDataFrame (prepared for display here, WGS-84) or
    an already prepared :class:`~layers.web.display.DisplayLayer` (cached by pages).
    ``selected`` is a permalink selection (a record id, or ``layer:name``) to emphasise.
    """
    if isinstance(data, gpd.GeoDataFrame):
        data = prepare(spec, data, WGS84_DATUM)
    group = folium.FeatureGroup(name=html_text(spec.title), show=True, control=True)
    config = js_literal(feature_config(spec, catalog, detail_url))
    SafeGeoJson(
        data.features,
        name=spec.title,
        style_function=lambda feature: feature_style(spec, feature["properties"], selected),
        highlight_function=lambda feature: highlight_style(spec, feature["properties"]),
        marker=folium.CircleMarker(radius=spec.style.radius, fill=True) if spec.geometry == "Point" else None,
        on_each_feature=JsCode(f"function(f, l) {{ zzp.bind(f, l, {config}); }}"),
        control=False,
    ).add_to(group)
    if data.labels is not None and spec.label:
        add_labels(group, data.labels, spec.label, muted=spec.label_muted)
    group.add_to(m)
    return group


def add_labels(
    parent: folium.FeatureGroup,
    points: dict[str, Any],
    field: str,
    muted: bool = False,
    priority: int | None = None,
    minor: bool = False,
) -> None:
    """Text labels at a point inside each feature (not clickable).

    ``priority`` orders labels when they would overlap on screen: the browser hides the
    later of two (lower first; by default 10, muted context 40).  ``minor`` labels (parks,
    towns, lines) are set smaller.  A feature's ``_angle`` property (degrees, counter-clockwise)
    turns its label along a line, and ``_colour`` (``#rrggbb``) gives it its line's colour.
    """
    rank = priority if priority is not None else (40 if muted else 10)
    config = js_literal({"field": field, "muted": muted, "minor": minor, "priority": rank})
    SafeGeoJson(
        points,
        marker=folium.Marker(icon=folium.DivIcon(class_name="zzp-label-icon"), interactive=False, keyboard=False),
        on_each_feature=JsCode(f"function(f, l) {{ zzp.label(f, l, {config}); }}"),
        control=False,
    ).add_to(parent)


def finish_map(
    m: folium.Map,
    drawn: list[tuple[LayerSpec, folium.FeatureGroup]],
    visible: set[str] | None = None,
    legend_title: str = "图例",
) -> folium.LayerControl:
    """Legend, deferred hiding of invisible layers, ``LayerControl`` last."""
    visible = {spec.id for spec, _ in drawn if spec.visible} if visible is None else visible
    hidden = [(spec, group) for spec, group in drawn if spec.id not in visible]
    _Legend(legend_html([spec for spec, _ in drawn], legend_title), [spec.title for spec, _ in hidden], drawn).add_to(m)
    if hidden:
        _HideLater([group for _, group in hidden]).add_to(m)
    control = SafeLayerControl(collapsed=True, position="topright")
    control.add_to(m)
    return control


def map_html(m: folium.Map) -> str:
    """The standalone HTML page of a map (for tests and the HTML export)."""
    return m.get_root().render()
