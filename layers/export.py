"""Briefing maps: a print-ready PNG or PDF sheet, and a standalone interactive HTML map.

Staff take maps into briefings and slides, so a sheet carries what a QGIS print
layout gives planners: title, legend, metric scale bar, north arrow, and a
source-and-accuracy note written from the catalog's provenance (示意 layers say
so).  The sheet is drawn by matplotlib with no browser and no internet:

* the map is in a metric CRS (:data:`layers.crs.METRIC_CRS`) with equal axes,
  so the scale bar is true; the north arrow allows for meridian convergence;
* symbols come from the catalog through :mod:`layers.style` at the same
  physical size as on screen, so the sheet matches the web map;
* all text is real text in the PDF (TrueType, ``pdf.fonttype`` 42) in Noto Sans
  CJK SC (:mod:`layers.fonts`), and user text is never parsed as mathtext;
* geometries are clipped to the view and simplified to half a device pixel, and
  drawn as one collection per symbol; loaded, projected layers are cached;
* a broken layer is left out and named in the note; it never stops an export.

A PNG is exactly ``round(paper_mm / 25.4 × dpi)`` pixels each way (no tight bbox).
The HTML export is the web map itself (:mod:`layers.mapbuild`) in one file, with
Leaflet and the map's own scripts inlined (the files the app serves), so it works offline and by mail.
"""

from __future__ import annotations

import base64
import datetime
import io
import math
import mimetypes
import re
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from branca.element import Element
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font, LoadFlags
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import Stroke
from matplotlib.textpath import text_to_path
from matplotlib_scalebar.scalebar import ScaleBar
from pyproj import Transformer

from layers import assets, fonts, mapbuild, store, uploads
from layers.catalog import LayerSpec, Style, load_catalog
from layers.crs import METRIC_CRS, WGS84
from layers.escape import html_text
from layers.extents import Extent, resolve
from layers.style import PX_TO_PT, LegendEntry, legend_entries, matplotlib_kwargs

FORMATS = ("png", "pdf")
DPI_RANGE = (36, 600)
PDF_DPI = 600  # vector output: simplify as for a fine printer
MM_PER_IN, PT_PER_IN = 25.4, 72.0
PT_PER_MM = PT_PER_IN / MM_PER_IN
MAP_BACKGROUND = "#f4f2ec"  # the web map's background (mapbuild.MAP_CSS)
INK, GREY, RULE = "#222222", "#555555", "#999999"
CREATOR = "株洲“十四五”规划空间布局查看器"
METRIC_NAME = "CGCS2000 / 3 度带高斯-克吕格 CM 114°E（EPSG:4547）"
# Places labelled beyond the layers' own ``label`` field: key tiers of the town hierarchy,
# and every tier once the map is more detailed than DETAIL_SCALE.
KEY_PLACES = {"town_hierarchy": ("tier", ("1", "2", "3"))}
DETAIL_SCALE = 350_000
VIEW_PADDING = 0.03  # share of the extent added on each side
_GEOMETRY_RANK = {"Polygon": 0, "LineString": 1, "Point": 2}  # areas under lines under points
_LOCK = threading.Lock()  # matplotlib's rcParams are process-wide: one sheet at a time


class ExportError(ValueError):
    """A bad export request (layer, paper, format, DPI); the message says what is valid."""


@dataclass(frozen=True)
class Paper:
    id: str
    label: str
    width_mm: float
    height_mm: float

    def pixels(self, dpi: float) -> tuple[int, int]:
        """Size of a PNG of this paper at ``dpi``."""
        return round(self.width_mm / MM_PER_IN * dpi), round(self.height_mm / MM_PER_IN * dpi)


PAPERS: dict[str, Paper] = {
    p.id: p
    for p in (
        Paper("a4-landscape", "A4 横向", 297.0, 210.0),
        Paper("a4-portrait", "A4 纵向", 210.0, 297.0),
        Paper("16x9", "16:9 幻灯片", 13.333 * MM_PER_IN, 7.5 * MM_PER_IN),
    )
}


@lru_cache(maxsize=64)
def _load(layer_id: str, stamp: float) -> store.LayerLoad:
    """A catalog layer, read once per file version (``stamp`` is the file's mtime)."""
    [load] = store.load_many([layer_id])
    return load


@lru_cache(maxsize=64)
def _metric(layer_id: str, stamp: float) -> np.ndarray:
    return _to_metric(_load(layer_id, stamp).gdf)


def _to_metric(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(gdf.geometry.to_crs(METRIC_CRS).values)


@dataclass(frozen=True)
class SheetLayer:
    spec: LayerSpec
    gdf: gpd.GeoDataFrame  # WGS-84
    stamp: float | None  # file version of a catalog layer; None for a user's overlay

    @cached_property
    def metric(self) -> np.ndarray:
        """Geometries in the metric CRS (cached across exports for catalog layers)."""
        return _to_metric(self.gdf) if self.stamp is None else _metric(self.spec.id, self.stamp)


@dataclass(frozen=True)
class Sheet:
    """Everything a briefing map shows, decided before anything is drawn."""

    title: str
    subtitle: str
    paper: Paper
    extent: Extent
    layers: tuple[SheetLayer, ...]
    legend: tuple[LegendEntry, ...]  # exactly the exported layers' symbols, in drawing order
    notes: tuple[str, ...]  # source and accuracy of each layer, then what was left out
    date: str
    permalink: str | None


# ------------------------------------------------------------------ composing


def overlay_spec(gdf: gpd.GeoDataFrame, title: str) -> LayerSpec:
    """The upload page's spec for a user's file, so an export draws and legends it the same way."""
    families = list(gdf.geometry.map(uploads.family))
    geometry = max(("Polygon", "LineString", "Point"), key=families.count)  # ties: the first, deterministically
    fields = tuple(c for c in gdf.columns if c != gdf.geometry.name)
    return uploads.upload_spec(title, geometry, fields)


def _note(spec: LayerSpec) -> str:
    prov = spec.provenance
    return f"{spec.title}{'（示意）' if prov.schematic else ''}：{prov.source}；精度 {prov.accuracy}"


def compose(
    layer_ids: list[str],
    extent: str | Extent,
    title: str,
    subtitle: str = "",
    paper: str = "a4-landscape",
    permalink: str | None = None,
    date: str | datetime.date | None = None,
    overlay: gpd.GeoDataFrame | None = None,
    overlay_title: str = "上传图层",
) -> Sheet:
    """Check the request and load the layers; raises :class:`ExportError` or ``ExtentError``."""
    catalog = load_catalog()
    unknown = [lid for lid in layer_ids if lid not in catalog.ids()]
    if unknown:
        raise ExportError(f"未知图层 {', '.join(map(repr, unknown))}（可选: {', '.join(catalog.ids())}）")
    if not layer_ids and overlay is None:
        raise ExportError("至少选择一个图层")
    if paper not in PAPERS:
        raise ExportError(f"未知纸张 {paper!r}（可选: {', '.join(PAPERS)}）")
    if isinstance(extent, str):
        extent = resolve(extent, catalog)
    layers: list[SheetLayer] = []
    left_out: list[str] = []
    for spec in catalog:  # catalog order: the order the web map stacks them
        if spec.id not in layer_ids:
            continue
        stamp = store.file_stamp(spec)
        load = _load(spec.id, stamp)
        if load.ok:
            layers.append(SheetLayer(spec, load.gdf, stamp))
        else:
            reason = load.problems[0] if load.problems else "文件无法读取"
            left_out.append(f"图层「{spec.title}」无法读取，未导出：{reason}")
    notes = [_note(layer.spec) for layer in layers]
    if overlay is not None:
        gdf = (overlay if overlay.crs is not None else overlay.set_crs(WGS84)).to_crs(WGS84)
        spec = overlay_spec(gdf, overlay_title)
        layers.append(SheetLayer(spec, gdf, None))
        notes.append(f"{spec.title}：用户提供的文件，未经本项目核验，不属于规划数据")
    if any(layer.spec.provenance.schematic for layer in layers):
        notes.append("标“示意”的图层依规划文字和真实锚点绘制，不是测绘成果。")
    return Sheet(
        title=title,
        subtitle=subtitle,
        paper=PAPERS[paper],
        extent=extent,
        layers=tuple(layers),
        legend=tuple(entry for layer in layers for entry in legend_entries(layer.spec)),
        notes=(*notes, *left_out),
        date=date.isoformat() if isinstance(date, datetime.date) else (date or datetime.date.today().isoformat()),
        permalink=permalink,
    )


# ------------------------------------------------------------------ page layout (millimetres)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def frac(self, paper: Paper) -> tuple[float, float, float, float]:
        """As a figure-fraction rectangle for ``Figure.add_axes``."""
        return (self.x / paper.width_mm, self.y / paper.height_mm, self.w / paper.width_mm, self.h / paper.height_mm)


@dataclass(frozen=True)
class Layout:
    map: Box
    panel: Box
    columns: int  # legend and notes flow through this many columns of the panel
    header_top: float
    rule_y: float


MARGIN, GAP = 9.0, 5.0
MIN_COLUMN = 48.0  # mm: narrower columns wrap every legend label
TITLE_PT, SUBTITLE_PT = 18.0, 10.5
# Share of the sheet's body given to the legend and notes: the first share in which they fit wins.
PANEL_SHARES = {"landscape": (0.27, 0.4, 0.5, 0.6), "portrait": (0.26, 0.36, 0.46, 0.56, 0.62)}


def layout(paper: Paper, subtitle: bool, share: float) -> Layout:
    """Landscape sheets put legend and notes beside the map, portrait ones below it."""
    W, H = paper.width_mm, paper.height_mm
    header = 17.0 if subtitle else 11.0
    body_top = H - MARGIN - header
    body_w, body_h = W - 2 * MARGIN, body_top - MARGIN
    if W >= H:
        panel_w = share * body_w
        map_box = Box(MARGIN, MARGIN, body_w - panel_w - GAP, body_h)
        panel = Box(W - MARGIN - panel_w, MARGIN, panel_w, body_h)
    else:
        panel_h = share * body_h
        map_box = Box(MARGIN, MARGIN + panel_h + GAP, body_w, body_h - panel_h - GAP)
        panel = Box(MARGIN, MARGIN, body_w, panel_h)
    columns = max(1, int((panel.w + GAP) // (MIN_COLUMN + GAP)))
    return Layout(map_box, panel, columns, H - MARGIN, body_top + 2.5)


# ------------------------------------------------------------------ text


def _font(size: float):
    return fonts.cjk_font().properties(size)


@lru_cache(maxsize=1024)
def _text_size(text: str, size: float) -> tuple[float, float]:
    """Width and height of a line of text in points (exact, for map labels)."""
    width, height, _ = text_to_path.get_text_width_height_descent(fonts.printable(text), _font(size), ismath=False)
    return width, height


@lru_cache(maxsize=1)
def _measuring_face() -> FT2Font:
    """A face of our own for measuring (matplotlib's shared one changes size while it draws)."""
    font = fonts.cjk_font()
    face = FT2Font(str(font.path), face_index=font.face_index)
    face.set_size(100, PT_PER_IN)
    return face


@lru_cache(maxsize=8192)
def _advance(char: str) -> float:
    """Advance width of one character at 1 pt, in points (unhinted, so it scales linearly)."""
    return _measuring_face().load_char(ord(char), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536 / 100


def text_width(text: str, size: float) -> float:
    """Width of a line of text in points: fast enough to wrap every note of every layout tried."""
    return size * sum(_advance(char) for char in fonts.printable(text).replace("\n", ""))


_TOKENS = re.compile(r"[A-Za-z0-9.,;:/?&=%#+~@_\-–()]+ ?|.", re.S)
_NO_LINE_START = set("，。；：、）》”’！？")


def _fit(text: str, size: float, width: float) -> int:
    """How many leading characters of ``text`` fit in ``width`` points (at least one)."""
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if text_width(text[:mid], size) <= width else (low, mid - 1)
    return low


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than ``width`` points, between Han characters or Latin words.

    Closing punctuation never starts a line; a word longer than a line (a URL)
    is broken between characters.
    """
    lines, line = [], ""
    for token in _TOKENS.findall(text):
        if text_width(line + token, size) <= width or (token in _NO_LINE_START and line):
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while len(line) > 1 and text_width(line, size) > width:
            cut = _fit(line, size, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _text(target, x: float, y: float, text: str, size: float, **kwargs):
    """Text that is never parsed as mathtext (a ``$`` in a title stays a ``$``) nor drawn as boxes."""
    return target.text(x, y, fonts.printable(text), fontproperties=_font(size), parse_math=False, **kwargs)


# ------------------------------------------------------------------ map drawing


@lru_cache(maxsize=64)
def _metric_bounds(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """An extent in the metric CRS, padded a little so nothing touches the frame."""
    transformer = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
    x0, y0, x1, y1 = transformer.transform_bounds(*bounds, densify_pts=21)
    pad_x, pad_y = (x1 - x0) * VIEW_PADDING, (y1 - y0) * VIEW_PADDING
    return x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y


def _view(extent: Extent, box: Box) -> tuple[float, float, float, float, float]:
    """Metric limits that show the whole extent in the map box; and metres per point."""
    x0, y0, x1, y1 = _metric_bounds(extent.bounds)
    w_pt, h_pt = box.w * PT_PER_MM, box.h * PT_PER_MM
    mpp = max((x1 - x0) / w_pt, (y1 - y0) / h_pt)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - mpp * w_pt / 2, cy - mpp * h_pt / 2, cx + mpp * w_pt / 2, cy + mpp * h_pt / 2, mpp


def _feature_styles(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> list[Style]:
    """Each feature's symbol, exactly as the web map resolves it (``LayerSpec.style_for``)."""
    fields = [c.field for c in spec.categories if c.field in gdf]
    if not fields:
        return [spec.style] * len(gdf)
    return [spec.style_for(record) for record in gdf[fields].to_dict("records")]


def _style_groups(styles: list[Style]) -> list[tuple[Style, np.ndarray]]:
    """(symbol, row mask) pairs, biggest point symbols first so that small ones stay visible."""
    groups = [(style, np.array([s == style for s in styles])) for style in dict.fromkeys(styles)]
    return sorted(groups, key=lambda group: -group[0].radius)


def _parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polygons, lines and points of any mix of (multi-part, collection) geometries."""
    parts = shapely.get_parts(shapely.get_parts(geoms))
    kinds = shapely.get_type_id(parts)
    return parts[kinds == 3], parts[(kinds == 1) | (kinds == 2)], parts[kinds == 0]


def _polygon_paths(polygons: np.ndarray) -> list[MplPath]:
    paths = []
    for polygon in shapely.orient_polygons(polygons):  # holes run against the shell, so they stay holes
        rings = [polygon.exterior, *polygon.interiors]
        paths.append(MplPath.make_compound_path(*(MplPath(np.asarray(r.coords)[:, :2], closed=True) for r in rings)))
    return paths


def _draw(ax, geoms: np.ndarray, style: Style, zorder: float) -> np.ndarray:
    """Draw geometries with one symbol; return the drawn points (for label placement)."""
    polygons, lines, points = _parts(geoms)
    if len(polygons):
        ax.add_collection(PathCollection(_polygon_paths(polygons), zorder=zorder, **matplotlib_kwargs(style, "Polygon")), autolim=False)
    if len(lines):
        segments = [shapely.get_coordinates(line) for line in lines]
        ax.add_collection(LineCollection(segments, zorder=zorder + 1, **matplotlib_kwargs(style, "LineString")), autolim=False)
    xy = shapely.get_coordinates(points)
    if len(xy):
        ax.scatter(xy[:, 0], xy[:, 1], zorder=zorder + 2, **matplotlib_kwargs(style, "Point"))
    return xy


def _prepare(geoms: np.ndarray, view: tuple[float, float, float, float], tolerance: float) -> np.ndarray:
    """Clip to the view (with a margin) and simplify below what the output can show."""
    x0, y0, x1, y1 = view
    mx, my = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    clipped = shapely.clip_by_rect(geoms, x0 - mx, y0 - my, x1 + mx, y1 + my)
    return shapely.simplify(clipped, tolerance, preserve_topology=True)


# ------------------------------------------------------------------ labels


LABEL_FONT = (9.0, "#333333")  # the web map's labels: 12 px #333
MUTED_LABEL_FONT = (8.25, "#888888")  # and its muted ones: 11 px #888
# Placement order (lower first): key places 1–3, areas 10, point labels 30, other towns 35, context 40.
AREA_PRIORITY, POINT_PRIORITY, TOWN_PRIORITY, MUTED_PRIORITY = 10, 30, 35, 40


@dataclass(frozen=True)
class Label:
    text: str
    x: float  # metric CRS
    y: float
    size: float
    colour: str
    priority: int  # placed in increasing order
    offset: float | None = None  # marker radius in points: placed beside a point; None: centred in an area


def _labels(layer: SheetLayer, styles: list[Style], view, scale: float) -> list[Label]:
    """The labels a layer asks for: its catalog ``label`` field, and key places."""
    spec, gdf, geoms = layer.spec, layer.gdf, layer.metric
    rows: list[tuple[int, str, int]] = []  # (row, field, priority)
    if spec.label and spec.label in gdf:
        priority = MUTED_PRIORITY if spec.label_muted else (AREA_PRIORITY if spec.geometry == "Polygon" else POINT_PRIORITY)
        rows += [(i, spec.label, priority) for i in range(len(gdf))]
    if spec.id in KEY_PLACES and "name" in gdf:
        field, key_values = KEY_PLACES[spec.id]
        for i, value in enumerate(gdf[field].astype(str)):
            if value in key_values:
                rows.append((i, "name", 1 + key_values.index(value)))  # before county names
            elif scale < DETAIL_SCALE:
                rows.append((i, "name", TOWN_PRIORITY))
    labels = []
    box = shapely.box(*view)
    for i, field, priority in rows:
        text = gdf[field].iloc[i]
        geom = geoms[i]
        if not isinstance(text, str) or not text.strip() or geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("Point", "MultiPoint"):
            point = shapely.get_geometry(geom, 0) if geom.geom_type == "MultiPoint" else geom
            if not box.contains(point):
                continue
            offset = _marker_radius(styles[i])
        else:
            visible = shapely.clip_by_rect(geom, *view)
            if visible.is_empty:
                continue
            point, offset = shapely.point_on_surface(visible), None
        size, colour = MUTED_LABEL_FONT if spec.label_muted else LABEL_FONT
        labels.append(Label(text.strip(), point.x, point.y, size, colour, priority, offset))
    return labels


def _marker_radius(style: Style) -> float:
    """Outer radius of a point symbol in points (Leaflet strokes straddle the circle)."""
    return (style.radius + style.weight / 2) * PX_TO_PT


def _candidates(label: Label, cx: float, cy: float, w: float, h: float) -> list[tuple[float, float]]:
    """Centres (points, axes space) to try, best first."""
    if label.offset is None:
        return [(cx, cy), (cx, cy + 0.8 * h), (cx, cy - 0.8 * h), (cx + 0.4 * w, cy), (cx - 0.4 * w, cy),
                (cx, cy + 1.6 * h), (cx, cy - 1.6 * h)]
    d = label.offset + 1.5
    return [(cx + d + w / 2, cy), (cx - d - w / 2, cy), (cx, cy + d + h / 2), (cx, cy - d - h / 2),
            (cx + d + w / 2, cy + d), (cx + d + w / 2, cy - d), (cx - d - w / 2, cy + d), (cx - d - w / 2, cy - d)]


def _overlaps(a: tuple[float, float, float, float], boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3] for b in boxes)


def place_labels(
    labels: list[Label],
    markers: list[tuple[float, float, float, float]],
    reserved: list[tuple[float, float, float, float]],
    width: float,
    height: float,
    origin: tuple[float, float],
    mpp: float,
) -> list[tuple[Label, float, float]]:
    """Greedy placement by priority: a label goes at the first candidate that hits nothing.

    Boxes are in points from the map's lower-left corner.  Key places and area
    names may sit on a point symbol as a last resort: a county name matters
    more than a clear dot.  No label ever overlaps another label,
    the scale bar, the north arrow or the frame.
    """
    placed: list[tuple[Label, float, float]] = []
    taken: list[tuple[float, float, float, float]] = []
    for label in sorted(labels, key=lambda item: item.priority):
        w, h = _text_size(label.text, label.size)
        w, h = w + 4, h + 2  # room for the halo and a little air
        cx, cy = (label.x - origin[0]) / mpp, (label.y - origin[1]) / mpp
        boxes = [(x - w / 2, y - h / 2, x + w / 2, y + h / 2) for x, y in _candidates(label, cx, cy, w, h)]
        inside = [b for b in boxes if b[0] >= 2 and b[1] >= 2 and b[2] <= width - 2 and b[3] <= height - 2]
        free = [b for b in inside if not _overlaps(b, taken + reserved)]
        best = next((b for b in free if not _overlaps(b, markers)), None)
        if best is None and label.priority <= AREA_PRIORITY and free:
            best = free[0]
        if best is not None:
            taken.append(best)
            placed.append((label, origin[0] + (best[0] + best[2]) / 2 * mpp, origin[1] + (best[1] + best[3]) / 2 * mpp))
    return placed


# ------------------------------------------------------------------ furniture


def _north_arrow(ax, view, mpp: float) -> tuple[float, float, float, float]:
    """A north arrow in the upper-right corner, turned by the meridian convergence; returns its box (points)."""
    lon, lat = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True).transform((view[0] + view[2]) / 2, (view[1] + view[3]) / 2)
    (xa, xb), (ya, yb) = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True).transform([lon, lon], [lat, lat + 0.05])
    angle = math.atan2(xb - xa, yb - ya)  # true north, clockwise from grid north
    width, height = view[2] - view[0], view[3] - view[1]
    size = 11 * PT_PER_MM * mpp
    bx, by = view[2] - 10 * PT_PER_MM * mpp, view[3] - 19 * PT_PER_MM * mpp

    def turn(dx: float, dy: float) -> tuple[float, float]:
        return (bx + dx * math.cos(angle) + dy * math.sin(angle), by - dx * math.sin(angle) + dy * math.cos(angle))

    tip, left, right, notch = turn(0, size), turn(-0.38 * size, 0), turn(0.38 * size, 0), turn(0, 0.28 * size)
    ax.add_patch(PolygonPatch([tip, left, notch], closed=True, facecolor=INK, edgecolor=INK, linewidth=0.6, zorder=20))
    ax.add_patch(PolygonPatch([tip, notch, right], closed=True, facecolor="white", edgecolor=INK, linewidth=0.6, zorder=20))
    label_x, label_y = turn(0, size + 4.5 * PT_PER_MM * mpp)
    _text(ax, label_x, label_y, "北", 9, ha="center", va="center", color=INK, zorder=20)
    w_pt, h_pt = width / mpp, height / mpp
    return (w_pt - 20 * PT_PER_MM, h_pt - 21 * PT_PER_MM, w_pt, h_pt)


SCALE_BAR_FRACTION = 0.22  # longest bar, as a share of the map's width


def _scale_bar(ax) -> None:
    """A metric scale bar (the axes are in metres, so one data unit is one metre)."""
    bar = ScaleBar(
        1.0, "m", location="lower left", length_fraction=SCALE_BAR_FRACTION, font_properties={"fname": _font(7.5).get_file(), "size": 7.5},
        box_alpha=0.8, pad=0.5, border_pad=0.8, sep=2, color=INK, frameon=True,
    )
    bar.set_zorder(25)
    ax.add_artist(bar)


def _scale_denominator(mpp: float) -> float:
    """Map scale of the sheet printed at its own size, from metres per point."""
    return mpp / (MM_PER_IN / PT_PER_IN / 1000)


def _scale_text(mpp: float) -> str:
    """``1:720,000``: the scale to two significant figures."""
    denominator = _scale_denominator(mpp)
    magnitude = 10 ** max(int(math.log10(denominator)) - 1, 0)
    return f"1:{round(denominator / magnitude) * magnitude:,}"


# ------------------------------------------------------------------ legend and notes panel


@dataclass(frozen=True)
class PanelRow:
    """One row of the legend-and-notes panel: a heading, a legend row or a note."""

    lines: tuple[str, ...]
    size: float
    height: float
    colour: str = INK
    entry: LegendEntry | None = None  # a legend row: symbol, then text
    space_after: float = 0.0
    keep_with_next: bool = False  # headings never end a column


SWATCH_W = 20.0  # points
PANEL_SCALES = (1.0, 0.9, 0.8, 0.72)  # font scales tried in each panel size


def _symbol_height(entry: LegendEntry) -> float:
    kw = matplotlib_kwargs(entry.style, entry.geometry)
    return math.sqrt(kw["s"]) + kw["linewidth"] if entry.geometry == "Point" else 9.0


def _legend_rows(sheet: Sheet, scale: float, col_w: float) -> list[PanelRow]:
    """One block per layer: a layer with categories gets its name as a heading, then a row per category."""
    body = 7.5 * scale
    rows = []
    for layer in sheet.layers:
        entries = [entry for entry in sheet.legend if entry.layer_id == layer.spec.id]
        prefix = f"{layer.spec.legend}："
        if len(entries) > 1:
            lines = tuple(wrap(layer.spec.legend, body, col_w))
            rows.append(PanelRow(lines, body, len(lines) * body * 1.3 + 1.5 * scale, keep_with_next=True))
        for i, entry in enumerate(entries):
            text = entry.label.removeprefix(prefix) if len(entries) > 1 else entry.label
            lines = tuple(wrap(text, body, col_w - SWATCH_W - 5)) or ("",)
            height = max(len(lines) * body * 1.25, _symbol_height(entry)) + 2.2 * scale
            rows.append(PanelRow(lines, body, height, entry=entry, space_after=3 * scale if i == len(entries) - 1 else 0))
    return rows


def _panel_rows(sheet: Sheet, notes: list[str], scale: float, col_w: float) -> list[PanelRow]:
    head, small = 10.0 * scale, 6.5 * scale
    rows = [PanelRow(("图例",), head, head * 1.5, keep_with_next=True), *_legend_rows(sheet, scale, col_w)]
    rows.append(PanelRow(("说明",), head * 0.85, head * 0.85 * 1.5, keep_with_next=True))
    for note in notes:
        lines = tuple(wrap(note, small, col_w))
        rows.append(PanelRow(lines, small, len(lines) * small * 1.3 + 1.2 * scale, colour=GREY))
    return rows


def _flow(rows: list[PanelRow], columns: int, height: float) -> tuple[list[list[PanelRow]], bool]:
    """Rows poured into columns top to bottom (the last column takes the rest); and whether they fit."""
    out: list[list[PanelRow]] = [[]]
    used, fits = 0.0, True
    for i, row in enumerate(rows):
        needed = row.height + (rows[i + 1].height if row.keep_with_next and i + 1 < len(rows) else 0)
        if used + needed > height and out[-1]:
            if len(out) < columns:
                out.append([])
                used = 0.0
            else:
                fits = False
        out[-1].append(row)
        used += row.height + row.space_after
    return out, fits and used <= height


@dataclass(frozen=True)
class PanelPlan:
    """Where the panel goes and what each of its columns holds."""

    frame: Layout
    columns: list[list[PanelRow]]
    column_width: float  # points


def _free_share(sheet: Sheet) -> float:
    """The panel share that costs the map nothing: the room the extent leaves beside (or below) it."""
    paper = sheet.paper
    frame = layout(paper, bool(sheet.subtitle), 0.0)
    x0, y0, x1, y1 = _metric_bounds(sheet.extent.bounds)
    if paper.width_mm >= paper.height_mm:
        needed = frame.map.h * (x1 - x0) / (y1 - y0)
        return (frame.map.w - needed) / (frame.map.w + GAP)
    needed = frame.map.w * (y1 - y0) / (x1 - x0)
    return (frame.map.h - needed) / (frame.map.h + GAP)


def plan(sheet: Sheet, notes_for: Callable[[Layout], list[str]]) -> PanelPlan:
    """Where legend and notes go: the panel size and type size in which they fit.

    First the panels that leave the map's scale as it is (the extent does not
    fill the paper's shape), at the largest type; then wider panels that shrink
    the map.  Failing all, the widest panel at the smallest type (the notes
    then run short).  ``notes_for`` writes the notes for a layout (they quote
    the map's scale).
    """
    paper = sheet.paper
    shares = PANEL_SHARES["landscape" if paper.width_mm >= paper.height_mm else "portrait"]
    free = min(_free_share(sheet), shares[-1])
    cheap = [share for share in shares if share < free] + [max(free, shares[0])]
    attempts = [(share, scale) for scale in PANEL_SCALES for share in cheap]
    attempts += [(share, scale) for share in shares if share > cheap[-1] for scale in PANEL_SCALES]
    gap = GAP * PT_PER_MM
    for share, scale in attempts:
        frame = layout(paper, bool(sheet.subtitle), share)
        width, height = frame.panel.w * PT_PER_MM, frame.panel.h * PT_PER_MM
        col_w = (width - (frame.columns - 1) * gap) / frame.columns
        columns, fits = _flow(_panel_rows(sheet, notes_for(frame), scale, col_w), frame.columns, height)
        if fits:
            break
    return PanelPlan(frame, columns, col_w)


def _legend_symbol(ax, entry: LegendEntry, x: float, y: float) -> None:
    kw = matplotlib_kwargs(entry.style, entry.geometry)
    if entry.geometry == "Point":
        ax.add_line(Line2D([x + SWATCH_W / 2], [y], linestyle="none", marker="o", markersize=math.sqrt(kw["s"]),
                           markerfacecolor=kw["facecolor"], markeredgecolor=kw["edgecolor"], markeredgewidth=kw["linewidth"]))
    elif entry.geometry == "LineString":
        ax.add_line(Line2D([x + 1, x + SWATCH_W - 1], [y, y], color=kw["edgecolor"], linewidth=kw["linewidth"],
                           linestyle=kw["linestyle"], solid_capstyle="butt"))
    else:  # over the map's own background, so the swatch looks as the area does on the map
        ax.add_patch(Rectangle((x + 1, y - 4.5), SWATCH_W - 2, 9, facecolor=MAP_BACKGROUND, edgecolor="none"))
        ax.add_patch(Rectangle((x + 1, y - 4.5), SWATCH_W - 2, 9, facecolor=kw["facecolor"], edgecolor=kw["edgecolor"],
                               linewidth=kw["linewidth"], linestyle=kw["linestyle"]))


def _draw_panel(fig: Figure, paper: Paper, chosen: PanelPlan) -> list[LegendEntry]:
    """Draw the planned legend and notes; return the legend rows drawn."""
    box = chosen.frame.panel
    w, h = box.w * PT_PER_MM, box.h * PT_PER_MM
    ax = fig.add_axes(box.frac(paper))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.axis("off")
    drawn = []
    for c, column in enumerate(chosen.columns):
        x, y = c * (chosen.column_width + GAP * PT_PER_MM), h
        for row in column:
            if row.entry is not None:
                centre = y - row.height / 2
                _legend_symbol(ax, row.entry, x, centre)
                _text(ax, x + SWATCH_W + 5, centre, "\n".join(row.lines), row.size, va="center", color=row.colour, linespacing=1.25)
                drawn.append(row.entry)
            else:
                _text(ax, x, y, "\n".join(row.lines), row.size, va="top", color=row.colour, linespacing=1.3)
            y -= row.height + row.space_after
    return drawn


# ------------------------------------------------------------------ the sheet


@dataclass(frozen=True)
class Rendered:
    """A drawn sheet, and what went onto it (so tests and callers need no OCR)."""

    data: bytes
    legend: tuple[LegendEntry, ...]  # rows actually drawn in the legend
    labels: tuple[str, ...]  # map labels placed
    scale: str


def _figure_inches(paper: Paper, dpi: float, fmt: str) -> tuple[float, float]:
    """Exact paper size for PDF; for PNG a hair over the rounded pixel size (Agg truncates)."""
    if fmt == "pdf":
        return paper.width_mm / MM_PER_IN, paper.height_mm / MM_PER_IN
    px_w, px_h = paper.pixels(dpi)
    return (px_w + 0.25) / dpi, (px_h + 0.25) / dpi


def sheet_notes(sheet: Sheet, frame: Layout) -> list[str]:
    """The note under the legend: provenance, what was left out, scale, CRS, date, link."""
    scale = _scale_text(_view(sheet.extent, frame.map)[4])
    notes = [
        *sheet.notes,
        f"范围：{sheet.extent.label}；比例尺约 {scale}（按 {sheet.paper.label} 原尺寸打印）；坐标系 {METRIC_NAME}",
        f"制图日期：{sheet.date}；{CREATOR}",
    ]
    if sheet.permalink:
        notes.append(f"在线地图：{sheet.permalink}")
    return notes


def _draw_header(fig: Figure, sheet: Sheet, frame: Layout) -> None:
    paper = sheet.paper
    title_size = TITLE_PT
    while title_size > 11 and text_width(sheet.title, title_size) > (paper.width_mm - 2 * MARGIN) * PT_PER_MM:
        title_size -= 1
    left, top = MARGIN / paper.width_mm, frame.header_top / paper.height_mm
    _text(fig, left, top, sheet.title, title_size, va="top", color=INK)
    if sheet.subtitle:
        _text(fig, left, top - 9.5 / paper.height_mm, sheet.subtitle, SUBTITLE_PT, va="top", color=GREY)
    fig.add_artist(Line2D([left, 1 - left], [frame.rule_y / paper.height_mm] * 2, color=RULE, linewidth=0.6))


def _draw_map(fig: Figure, sheet: Sheet, box: Box, device_dpi: float) -> list[tuple[Label, float, float]]:
    """The map frame: layers, scale bar, north arrow, then labels around them; returns the labels placed."""
    ax = fig.add_axes(box.frac(sheet.paper))
    x0, y0, x1, y1, mpp = _view(sheet.extent, box)
    view = (x0, y0, x1, y1)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(MAP_BACKGROUND)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set(color=GREY, linewidth=0.8)
    tolerance = mpp * PT_PER_IN / device_dpi / 2  # half a device pixel
    scale = _scale_denominator(mpp)
    labels: list[Label] = []
    markers: list[tuple[float, float, float, float]] = []
    for i, layer in enumerate(sheet.layers):
        geoms = _prepare(layer.metric, view, tolerance)
        zorder = 1 + _GEOMETRY_RANK[layer.spec.geometry] * 3 + i * 0.01
        styles = _feature_styles(layer.spec, layer.gdf)
        for style, mask in _style_groups(styles):
            r = _marker_radius(style)
            for x, y in _draw(ax, geoms[mask], style, zorder):
                cx, cy = (x - x0) / mpp, (y - y0) / mpp
                markers.append((cx - r, cy - r, cx + r, cy + r))
        labels += _labels(layer, styles, view, scale)
    _scale_bar(ax)
    arrow_box = _north_arrow(ax, view, mpp)
    w_pt, h_pt = box.w * PT_PER_MM, box.h * PT_PER_MM
    reserved = [(0, 0, SCALE_BAR_FRACTION * w_pt + 30, 34), arrow_box]  # the scale bar with its box and label
    placed = place_labels(labels, markers, reserved, w_pt, h_pt, (x0, y0), mpp)
    for label, x, y in placed:
        halo = _text(ax, x, y, label.text, label.size, ha="center", va="center", color="white", zorder=30)
        halo.set_path_effects([Stroke(linewidth=2.6, foreground="white")])  # drawn as outline; the text on top stays text
        _text(ax, x, y, label.text, label.size, ha="center", va="center", color=label.colour, zorder=31)
    return placed


def draw(sheet: Sheet, dpi: float = 150, fmt: str = "png") -> Rendered:
    """Draw a composed sheet to PNG or PDF bytes, with what went into its legend and labels."""
    if fmt not in FORMATS:
        raise ExportError(f"未知格式 {fmt!r}（可选: {', '.join(FORMATS)}、html）")
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise ExportError(f"DPI 应在 {DPI_RANGE[0]}–{DPI_RANGE[1]} 之间（打印用 150 或 300）")
    paper = sheet.paper
    with _LOCK, matplotlib.rc_context(fonts.rc_params()):
        chosen = plan(sheet, lambda frame: sheet_notes(sheet, frame))
        fig = Figure(figsize=_figure_inches(paper, dpi, fmt), dpi=dpi, facecolor="white")
        FigureCanvasAgg(fig)
        _draw_header(fig, sheet, chosen.frame)
        placed = _draw_map(fig, sheet, chosen.frame.map, PDF_DPI if fmt == "pdf" else dpi)
        legend = _draw_panel(fig, paper, chosen)
        buffer = io.BytesIO()
        metadata = {"Title": sheet.title}
        if fmt == "pdf":
            metadata.update(Subject=sheet.subtitle or sheet.extent.label, Creator=CREATOR)
        fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white", metadata=metadata)
    scale = _scale_text(_view(sheet.extent, chosen.frame.map)[4])
    return Rendered(buffer.getvalue(), tuple(legend), tuple(label.text for label, _, _ in placed), scale)


def render(
    layer_ids: list[str],
    extent: str | Extent,
    title: str,
    subtitle: str = "",
    paper: str = "a4-landscape",
    dpi: float = 150,
    fmt: str = "png",
    permalink: str | None = None,
    date: str | datetime.date | None = None,
    overlay: gpd.GeoDataFrame | None = None,
    overlay_title: str = "上传图层",
) -> bytes:
    """A briefing map as PNG or PDF bytes (see the module docstring for what is on it)."""
    sheet = compose(layer_ids, extent, title, subtitle, paper, permalink, date, overlay, overlay_title)
    return draw(sheet, dpi, fmt).data


# ------------------------------------------------------------------ standalone HTML


_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")
SHEET_CSS = """
.zzp-sheet{position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:1000;max-width:min(720px,70vw);
 background:rgba(255,255,255,.94);padding:6px 12px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);
 font:13px/1.5 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#222}
.zzp-sheet h1{font-size:18px;margin:0;font-weight:600}
.zzp-sheet p{margin:0;color:#555}
.zzp-sheet details{font-size:11px;color:#555;margin-top:2px}
.zzp-sheet li{margin:0}
"""


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

    The content is the same verified files the live app serves (:func:`layers.assets.source`).
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
    drawn = [(layer.spec, mapbuild.add_layer(m, layer.spec, layer.gdf, catalog, detail_url=detail_url)) for layer in sheet.layers]
    mapbuild.finish_map(m, drawn, visible={spec.id for spec, _ in drawn})
    minx, miny, maxx, maxy = sheet.extent.bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    root = m.get_root()
    root.header.add_child(Element(f"<title>{html_text(title)}</title><style>{SHEET_CSS}</style>"))
    root.html.add_child(Element(_sheet_html(sheet)))
    return inline_assets(mapbuild.map_html(m))
