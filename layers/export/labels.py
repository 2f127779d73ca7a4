"""Names on a sheet's map: which features are labelled, and collision-free greedy placement.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from layers.export.sheet import SheetLayer
from layers.export.text import text_size
from layers.io.catalog import Style
from layers.web.style import PX_TO_PT

# Places labelled beyond the layers' own ``label`` field: key tiers of the town hierarchy,
# and every tier once the map is more detailed than DETAIL_SCALE.
KEY_PLACES = {"town_hierarchy": ("tier", ("1", "2", "3"))}
DETAIL_SCALE = 350_000


LABEL_FONT = (9.0, "#333333")  # the web map's labels: 12 px #333
MUTED_LABEL_FONT = (8.25, "#888888")  # and its muted ones: 11 px #888
# Placement order (lower first): key places 1–3, areas 10, point labels 30, other towns 35, context 40.
AREA_PRIORITY, POINT_PRIORITY, TOWN_PRIORITY, MUTED_PRIORITY = 10, 30, 35, 40


@dataclass(frozen=True)
class Label:
    """A name to place on the map: where (metric CRS), how big, how important, beside a point or in an area."""
    text: str
    x: float  # metric CRS
    y: float
    size: float
    colour: str
    priority: int  # placed in increasing order
    offset: float | None = None  # marker radius in points: placed beside a point; None: centred in an area


def layer_labels(layer: SheetLayer, styles: list[Style], view, scale: float) -> list[Label]:
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
            offset = marker_radius(styles[i])
        else:
            visible = shapely.clip_by_rect(geom, *view)
            if visible.is_empty:
                continue
            point, offset = shapely.point_on_surface(visible), None
        size, colour = MUTED_LABEL_FONT if spec.label_muted else LABEL_FONT
        labels.append(Label(text.strip(), point.x, point.y, size, colour, priority, offset))
    return labels


def marker_radius(style: Style) -> float:
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
        w, h = text_size(label.text, label.size)
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
