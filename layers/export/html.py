"""The standalone HTML export: the web map itself in one file, fitted to the extent, working offline.

Every piece of user text goes in through :class:`layers.web.mapbuild.RawHtml`, escaped, never
through a branca ``Element`` (which would compile it as a Jinja template).
"""

from __future__ import annotations

import base64
import datetime
import mimetypes
import re
from pathlib import Path

import geopandas as gpd
from pyproj import Transformer

from layers.crs import WGS84
from layers.export.drawing import feature_styles, metric_bounds
from layers.export.labels import AREA_PRIORITY, web_labels
from layers.export.sheet import Sheet, SheetLayer, compose
from layers.io.catalog import load_catalog
from layers.region import METRIC_CRS
from layers.region.extents import Extent
from layers.web import assets, mapbuild
from layers.web.escape import html_text

_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _inline_css(path: Path) -> str:
    """A stylesheet with the images it refers to embedded, so it works from one file."""

    def embed(match: re.Match) -> str:
        target = (path.parent / match.group(2)).resolve()
        return f"url({_data_uri(target)})" if target.is_file() else match.group(0)

    return _CSS_URL.sub(embed, path.read_text(encoding="utf-8"))


def inline_assets(html: str) -> str:
    """Replace the links to the map's browser files with their content, so the file works offline.

    The content is the same verified files the live app serves (:func:`layers.web.assets.source`).
    """
    for rel in assets.MAP_FILES:
        path = assets.source(rel)
        url = rf'[^"]*/app/static/{re.escape(rel)}'
        if rel.endswith(".js"):
            code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
            html = re.sub(rf'<script src="{url}"></script>', lambda _: f"<script>{code}</script>", html)
        else:
            css = _inline_css(path).replace("</style", "<\\/style")
            html = re.sub(rf'<link rel="stylesheet" href="{url}"\s*/?>', lambda _: f"<style>{css}</style>", html)
    return html


def _name_labels(group, layer: SheetLayer, sheet: Sheet) -> None:
    """Names of parks, towns and lines as permanent labels, as the printed sheet has them.

    One label layer per priority, so the browser can hide the less important of two that
    overlap at the reader's zoom (``zzp.label`` in ``static/zzp/map.js``).
    """
    view = metric_bounds(sheet.extent.bounds)
    found = web_labels(layer, feature_styles(layer.spec, layer.gdf), view)
    if not found:
        return
    to_wgs84 = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)
    by_priority: dict[int, list[dict]] = {}
    for text, priority, x, y, extra in found:
        lon, lat = to_wgs84.transform(x, y)
        feature = {"type": "Feature", "properties": {"name": text, **extra},
                   "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}}
        by_priority.setdefault(priority, []).append(feature)
    for priority, features in sorted(by_priority.items()):
        mapbuild.add_labels(group, {"type": "FeatureCollection", "features": features}, "name", priority=priority, minor=priority > AREA_PRIORITY)


def _sheet_html(sheet: Sheet) -> str:
    notes = "".join(f"<li>{html_text(note)}</li>" for note in sheet.notes)
    link = ""
    if sheet.permalink and sheet.permalink.startswith(("http://", "https://")):
        link = f'<li>在线地图：<a href="{html_text(sheet.permalink)}" target="_blank">{html_text(sheet.permalink)}</a></li>'
    subtitle = f"<p>{html_text(sheet.subtitle)}</p>" if sheet.subtitle else ""
    return (
        f'<div class="zzp-sheet"><h1>{html_text(sheet.title)}</h1>{subtitle}'
        f"<details><summary>来源与精度 · 范围：{html_text(sheet.extent.label)} · 制图日期 {html_text(sheet.date)}</summary>"
        f"<ul>{notes}{link}</ul></details></div>"
    )


def render_html(
    layer_ids: list[str],
    extent: str | Extent,
    title: str,
    subtitle: str = "",
    permalink: str | None = None,
    date: str | datetime.date | None = None,
    overlay: gpd.GeoDataFrame | None = None,
    overlay_title: str = "上传图层",
    detail_url: str = "/projects?id=",
) -> str:
    """The web map of these layers as one HTML file: legend, tooltips, title, fitted to the extent."""
    sheet = compose(layer_ids, extent, title, subtitle, "a4-landscape", permalink, date, overlay, overlay_title)
    catalog = load_catalog()
    m = mapbuild.new_map("none")
    drawn = []
    for layer in sheet.layers:
        group = mapbuild.add_layer(m, layer.spec, layer.gdf, catalog, detail_url=detail_url)
        _name_labels(group, layer, sheet)
        drawn.append((layer.spec, group))
    mapbuild.finish_map(m, drawn, visible={spec.id for spec, _ in drawn})
    minx, miny, maxx, maxy = sheet.extent.bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    root = m.get_root()
    sheet_css = assets.source(assets.SHEET_CSS).read_text(encoding="utf-8")
    root.header.add_child(mapbuild.RawHtml(f"<title>{html_text(sheet.title)}</title><style>{sheet_css}</style>"))
    root.html.add_child(mapbuild.RawHtml(_sheet_html(sheet)))
    return inline_assets(mapbuild.map_html(m))
