"""Drawing a composed sheet to PNG or PDF bytes (matplotlib, no browser, no internet).

A PNG is exactly ``round(paper_mm / 25.4 × dpi)`` pixels each way (no tight bbox).
"""

from __future__ import annotations

import datetime
import io
import threading
from dataclasses import dataclass

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patheffects import Stroke

from layers.export import fonts
from layers.export.drawing import (
    SCALE_BAR_FRACTION,
    clip_and_simplify,
    draw_geometries,
    feature_styles,
    north_arrow,
    scale_bar,
    scale_denominator,
    scale_text,
    style_groups,
    view_limits,
)
from layers.export.labels import (
    HALO_PT,
    Label,
    Placed,
    layer_labels,
    marker_radius,
    place_labels,
)
from layers.export.layout import MARGIN, SUBTITLE_PT, TITLE_PT, Box, Layout
from layers.export.legend import draw_panel, plan
from layers.export.sheet import (
    CREATOR,
    GREY,
    INK,
    MAP_BACKGROUND,
    MM_PER_IN,
    PT_PER_IN,
    PT_PER_MM,
    RULE,
    ExportError,
    Paper,
    Sheet,
    compose,
)
from layers.export.text import draw_text, text_width
from layers.region import METRIC_NAME
from layers.region.extents import Extent
from layers.web.style import LegendEntry

FORMATS = ("png", "pdf")
DPI_RANGE = (36, 600)
PDF_DPI = 600  # vector output: simplify as for a fine printer
_LOCK = threading.Lock()  # matplotlib's rcParams are process-wide: one sheet at a time
GEOMETRY_RANK = {"Polygon": 0, "LineString": 1, "Point": 2}  # areas under lines under points
# A sheet's drawing is bounded by the limits below (about a second at 300 dpi), so a request
# waits at most this long for another's; then it is refused rather than queued behind a stall.
LOCK_WAIT_S = 20.0


@dataclass(frozen=True)
class Rendered:
    """A drawn sheet, and what went onto it (so tests and callers need no OCR)."""

    data: bytes
    legend: tuple[LegendEntry, ...]  # rows actually drawn in the legend
    labels: tuple[str, ...]  # map labels placed
    scale: str
    label_boxes: tuple[tuple[tuple[float, float], ...], ...] = ()  # each label's box as drawn (points, map's lower left)


def _figure_inches(paper: Paper, dpi: float, fmt: str) -> tuple[float, float]:
    """Exact paper size for PDF; for PNG a hair over the rounded pixel size (Agg truncates)."""
    if fmt == "pdf":
        return paper.width_mm / MM_PER_IN, paper.height_mm / MM_PER_IN
    px_w, px_h = paper.pixels(dpi)
    return (px_w + 0.25) / dpi, (px_h + 0.25) / dpi


def sheet_notes(sheet: Sheet, frame: Layout) -> list[str]:
    """The note under the legend: provenance, what was left out, scale, CRS, date, link."""
    scale = scale_text(view_limits(sheet.extent, frame.map)[4])
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
    draw_text(fig, left, top, sheet.title, title_size, va="top", color=INK)
    if sheet.subtitle:
        draw_text(fig, left, top - 9.5 / paper.height_mm, sheet.subtitle, SUBTITLE_PT, va="top", color=GREY)
    fig.add_artist(Line2D([left, 1 - left], [frame.rule_y / paper.height_mm] * 2, color=RULE, linewidth=0.6))


def _draw_map(fig: Figure, sheet: Sheet, box: Box, device_dpi: float, dpi: float | None) -> list[Placed]:
    """The map frame: layers, scale bar, north arrow, then labels around them; returns the labels placed."""
    ax = fig.add_axes(box.frac(sheet.paper))
    x0, y0, x1, y1, mpp = view_limits(sheet.extent, box)
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
    scale = scale_denominator(mpp)
    labels: list[Label] = []
    markers: list[tuple[float, float, float, float]] = []
    lines = []  # drawn lines in points from the map's lower-left corner: labels keep off them where they can
    for i, layer in enumerate(sheet.layers):
        geoms = clip_and_simplify(layer.metric, view, tolerance)
        parts = shapely.get_parts(shapely.get_parts(geoms))
        parts = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
        lines += list(shapely.transform(parts, lambda xy: (xy - (x0, y0)) / mpp))
        zorder = 1 + GEOMETRY_RANK[layer.spec.geometry] * 3 + i * 0.01
        styles = feature_styles(layer.spec, layer.gdf)
        for style, mask in style_groups(styles):
            r = marker_radius(style)
            for x, y in draw_geometries(ax, geoms[mask], style, zorder):
                cx, cy = (x - x0) / mpp, (y - y0) / mpp
                markers.append((cx - r, cy - r, cx + r, cy + r))
        labels += layer_labels(layer, styles, view, scale, mpp)
    scale_bar(ax)
    arrow_box = north_arrow(ax, view, mpp)
    w_pt, h_pt = box.w * PT_PER_MM, box.h * PT_PER_MM
    reserved = [(0, 0, SCALE_BAR_FRACTION * w_pt + 30, 34), arrow_box]  # the scale bar with its box and label
    placed = place_labels(labels, markers, reserved, w_pt, h_pt, (x0, y0), mpp, dpi, lines)
    for spot in placed:
        label = spot.label
        common = {"ha": "center", "va": "center", "rotation": spot.angle, "rotation_mode": "anchor"}
        halo = draw_text(ax, spot.x, spot.y, label.text, label.size, color="white", zorder=30, **common)
        halo.set_path_effects([Stroke(linewidth=2 * HALO_PT, foreground="white")])  # drawn as outline; the text on top stays text
        draw_text(ax, spot.x, spot.y, label.text, label.size, color=label.colour, zorder=31, **common)
    return placed


def draw(sheet: Sheet, dpi: float = 150, fmt: str = "png") -> Rendered:
    """Draw a composed sheet to PNG or PDF bytes, with what went into its legend and labels."""
    if fmt not in FORMATS:
        raise ExportError(f"未知格式 {fmt!r}（可选: {', '.join(FORMATS)}、html）")
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise ExportError(f"DPI 应在 {DPI_RANGE[0]}–{DPI_RANGE[1]} 之间（打印用 150 或 300）")
    paper = sheet.paper
    if not _LOCK.acquire(timeout=LOCK_WAIT_S):
        raise ExportError("出图任务繁忙，请稍后再试")
    try:
        with matplotlib.rc_context(fonts.rc_params()):
            chosen = plan(sheet, lambda frame: sheet_notes(sheet, frame))
            fig = Figure(figsize=_figure_inches(paper, dpi, fmt), dpi=dpi, facecolor="white")
            FigureCanvasAgg(fig)
            _draw_header(fig, sheet, chosen.frame)
            placed = _draw_map(fig, sheet, chosen.frame.map, PDF_DPI if fmt == "pdf" else dpi, None if fmt == "pdf" else dpi)
            legend = draw_panel(fig, paper, chosen)
            buffer = io.BytesIO()
            metadata = {"Title": sheet.title}
            if fmt == "pdf":
                metadata.update(Subject=sheet.subtitle or sheet.extent.label, Creator=CREATOR)
            fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white", metadata=metadata)
    finally:
        _LOCK.release()
    scale = scale_text(view_limits(sheet.extent, chosen.frame.map)[4])
    return Rendered(buffer.getvalue(), tuple(legend), tuple(p.label.text for p in placed), scale, tuple(p.corners for p in placed))


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
