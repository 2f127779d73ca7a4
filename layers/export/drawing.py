"""The map frame of a sheet: the view in metres, layers drawn by symbol, north arrow and scale bar.
"""

from __future__ import annotations

import math
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.path import Path as MplPath
from matplotlib_scalebar.scalebar import ScaleBar
from pyproj import Transformer

from layers.crs import WGS84
from layers.export.layout import Box
from layers.export.sheet import INK, MM_PER_IN, PT_PER_IN, PT_PER_MM
from layers.export.text import draw_text, font_at
from layers.io.catalog import LayerSpec, Style
from layers.region import METRIC_CRS
from layers.region.extents import Extent
from layers.web.style import matplotlib_kwargs

VIEW_PADDING = 0.03  # share of the extent added on each side


@lru_cache(maxsize=64)
def metric_bounds(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """An extent in the metric CRS, padded a little so nothing touches the frame."""
    transformer = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
    x0, y0, x1, y1 = transformer.transform_bounds(*bounds, densify_pts=21)
    pad_x, pad_y = (x1 - x0) * VIEW_PADDING, (y1 - y0) * VIEW_PADDING
    return x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y


def view_limits(extent: Extent, box: Box) -> tuple[float, float, float, float, float]:
    """Metric limits that show the whole extent in the map box; and metres per point."""
    x0, y0, x1, y1 = metric_bounds(extent.bounds)
    w_pt, h_pt = box.w * PT_PER_MM, box.h * PT_PER_MM
    mpp = max((x1 - x0) / w_pt, (y1 - y0) / h_pt)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - mpp * w_pt / 2, cy - mpp * h_pt / 2, cx + mpp * w_pt / 2, cy + mpp * h_pt / 2, mpp


def feature_styles(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> list[Style]:
    """Each feature's symbol, exactly as the web map resolves it (``LayerSpec.style_for``)."""
    fields = [c.field for c in spec.categories if c.field in gdf]
    if not fields:
        return [spec.style] * len(gdf)
    return [spec.style_for(record) for record in gdf[fields].to_dict("records")]


def style_groups(styles: list[Style]) -> list[tuple[Style, np.ndarray]]:
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


def draw_geometries(ax, geoms: np.ndarray, style: Style, zorder: float) -> np.ndarray:
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


def clip_and_simplify(geoms: np.ndarray, view: tuple[float, float, float, float], tolerance: float) -> np.ndarray:
    """Clip to the view (with a margin) and simplify below what the output can show."""
    x0, y0, x1, y1 = view
    mx, my = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    clipped = shapely.clip_by_rect(geoms, x0 - mx, y0 - my, x1 + mx, y1 + my)
    return shapely.simplify(clipped, tolerance, preserve_topology=True)





def north_arrow(ax, view, mpp: float) -> tuple[float, float, float, float]:
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
    draw_text(ax, label_x, label_y, "北", 9, ha="center", va="center", color=INK, zorder=20)
    w_pt, h_pt = width / mpp, height / mpp
    return (w_pt - 20 * PT_PER_MM, h_pt - 21 * PT_PER_MM, w_pt, h_pt)


SCALE_BAR_FRACTION = 0.22  # longest bar, as a share of the map's width


def scale_bar(ax) -> None:
    """A metric scale bar (the axes are in metres, so one data unit is one metre)."""
    bar = ScaleBar(
        1.0, "m", location="lower left", length_fraction=SCALE_BAR_FRACTION, font_properties={"fname": font_at(7.5).get_file(), "size": 7.5},
        box_alpha=0.8, pad=0.5, border_pad=0.8, sep=2, color=INK, frameon=True,
    )
    bar.set_zorder(25)
    ax.add_artist(bar)


def scale_denominator(mpp: float) -> float:
    """Map scale of the sheet printed at its own size, from metres per point."""
    return mpp / (MM_PER_IN / PT_PER_IN / 1000)


def scale_text(mpp: float) -> str:
    """``1:720,000``: the scale to two significant figures."""
    denominator = scale_denominator(mpp)
    magnitude = 10 ** max(int(math.log10(denominator)) - 1, 0)
    return f"1:{round(denominator / magnitude) * magnitude:,}"
