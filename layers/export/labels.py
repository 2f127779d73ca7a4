"""Names on a sheet's map: which features are labelled, and collision-free greedy placement.

A briefing map is read without a table, so besides the catalog's ``label`` field (counties,
neighbouring cities) a sheet names parks, featured towns, town seats and lines (:data:`NAMED`).
A line gets one label per line name, along a straight enough stretch of its visible part and
turned with it.  Labels are placed greedily by priority (key places, then counties, then the
rest); one that would touch a label already placed, a symbol or the map's furniture is moved
to its next candidate or left out — never overprinted.  Every label's box is the box its text
is drawn in (:func:`layers.export.text.drawn_size`) plus its white halo, so what is kept apart
here is kept apart on paper.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np
import shapely
from shapely import ops

from layers.export.sheet import SheetLayer
from layers.export.text import drawn_size
from layers.io.catalog import Style
from layers.web.style import PX_TO_PT

# Places labelled beyond the layers' own ``label`` field: key tiers of the town hierarchy,
# and every tier once the map is more detailed than DETAIL_SCALE.
KEY_PLACES = {"town_hierarchy": ("tier", ("1", "2", "3"))}
TOWN_SEATS = ("4", "5")  # labelled at every scale, after parks and lines
DETAIL_SCALE = 350_000


@dataclass(frozen=True)
class NameRule:
    """A layer named on sheets although the web map does not label it permanently."""

    field: str
    priority: int
    major: tuple[str, tuple[str, ...], int] | None = None  # (field, values, priority): these come first
    short: bool = False  # a line's name without its trailing note: 醴茶铁路（电气化改造） → 醴茶铁路


NAMED: dict[str, NameRule] = {
    "industrial_parks": NameRule("name", 26, major=("kind", ("专栏12园区",), 15)),
    "rail_network": NameRule("name", 20, short=True),
    "expressway_network": NameRule("name", 20, short=True),
    "trunk_roads": NameRule("code", 24),  # G106, S211: the names printed on the road signs
    "featured_towns": NameRule("name", 32),
}

LABEL_FONT = (9.0, "#333333")  # the web map's labels: 12 px #333
MUTED_LABEL_FONT = (8.25, "#888888")  # and its muted ones: 11 px #888
FEATURE_FONT = (7.5, "#333333")  # parks, towns, featured towns: smaller than county names
LINE_FONT_SIZE = 7.5
# Placement order (lower first): key places 1–3, areas 10, parks 15/26, lines 20/24,
# point labels 30, featured towns 32, other towns 35, context 40.
AREA_PRIORITY, POINT_PRIORITY, TOWN_PRIORITY, MUTED_PRIORITY = 10, 30, 35, 40
HALO_PT = 1.3  # half the halo's stroke (raster.HALO_WIDTH): the halo reaches this far beyond the glyphs
AIR_PT = 0.7  # and a little air beyond the halo
_NOTE = re.compile(r"[（(][^（）()]*[）)]\s*$")


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
    anchors: tuple[tuple[float, float, float], ...] = ()  # a line's (x, y, angle in degrees) to try, best first
    line_width: float = 0.0  # points: a line label keeps this far off its line's centre, plus half its height
    spots: tuple[tuple[float, float], ...] = ()  # an area's further spots inside it (metric CRS), nearest first


@dataclass(frozen=True)
class Placed:
    """A label as drawn: centre (metric CRS), angle, and its box's corners (points, map's lower left)."""

    label: Label
    x: float
    y: float
    angle: float
    corners: tuple[tuple[float, float], ...]


def layer_labels(layer: SheetLayer, styles: list[Style], view, scale: float, mpp: float) -> list[Label]:
    """The labels a layer asks for: its catalog ``label`` field, key places, and :data:`NAMED` layers."""
    spec, gdf = layer.spec, layer.gdf
    rule = NAMED.get(spec.id)
    if rule is not None and rule.field in gdf and spec.geometry == "LineString":
        return line_labels(layer, styles, rule, view, mpp)
    rows: list[tuple[int, str, int, tuple[float, str]]] = []  # (row, field, priority, font)
    if spec.label and spec.label in gdf:
        priority = MUTED_PRIORITY if spec.label_muted else (AREA_PRIORITY if spec.geometry == "Polygon" else POINT_PRIORITY)
        rows += [(i, spec.label, priority, MUTED_LABEL_FONT if spec.label_muted else LABEL_FONT) for i in range(len(gdf))]
    elif rule is not None and rule.field in gdf:
        major = set()
        if rule.major and rule.major[0] in gdf:
            major = {i for i, v in enumerate(gdf[rule.major[0]].astype(str)) if v in rule.major[1]}
        rows += [(i, rule.field, rule.major[2] if i in major else rule.priority, FEATURE_FONT) for i in range(len(gdf))]
    if spec.id in KEY_PLACES and "name" in gdf:
        field, key_values = KEY_PLACES[spec.id]
        for i, value in enumerate(gdf[field].astype(str)):
            if value in key_values:
                rows.append((i, "name", 1 + key_values.index(value), LABEL_FONT))  # before county names
            elif value in TOWN_SEATS or scale < DETAIL_SCALE:
                rows.append((i, "name", TOWN_PRIORITY, FEATURE_FONT))
    labels = []
    box = shapely.box(*view)
    for i, field, priority, (size, colour) in rows:
        text = gdf[field].iloc[i]
        geom = layer.metric[i]
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
            label = Label(text.strip(), point.x, point.y, size, colour, priority)
            w, h = box_size(label)
            labels.append(replace(label, spots=area_spots(visible, point, w * mpp, h * mpp)))
            continue
        labels.append(Label(text.strip(), point.x, point.y, size, colour, priority, offset))
    return labels


AREA_GRID = 7  # an area's further label spots: a grid this many cells across its visible box


AREA_REACH = 0.35  # how far from its label point an area's name may move, as a share of the area's square root


def area_spots(visible, centre, width: float, height: float) -> tuple[tuple[float, float], ...]:
    """Spots where a name ``width`` × ``height`` (metres) lies wholly inside the area, near its label point, nearest first.

    Room for a name that lines or symbols crowd out of the area's middle, never so far
    that it reads as its neighbour's.
    """
    x0, y0, x1, y1 = visible.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, AREA_GRID + 2)[1:-1], np.linspace(y0, y1, AREA_GRID + 2)[1:-1])
    grid = shapely.points(xs.ravel(), ys.ravel())
    near = grid[shapely.distance(grid, centre) <= AREA_REACH * math.sqrt(visible.area)]
    boxes = shapely.box(shapely.get_x(near) - width / 2, shapely.get_y(near) - height / 2,
                        shapely.get_x(near) + width / 2, shapely.get_y(near) + height / 2)
    fits = near[shapely.contains(visible, boxes)]
    return tuple((p.x, p.y) for p in sorted(fits, key=lambda p: p.distance(centre)))


def line_text(name: str, rule: NameRule) -> str:
    """A line's label: its name, without a trailing note in brackets for lines named with one."""
    name = name.strip()
    return _NOTE.sub("", name).strip() or name if rule.short else name


def line_labels(layer: SheetLayer, styles: list[Style], rule: NameRule, view, mpp: float) -> list[Label]:
    """One label per line name, with candidate spots along the visible, straight enough stretches."""
    x0, y0, x1, y1 = view
    inset = 0.04 * min(x1 - x0, y1 - y0)  # not against the frame
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(layer.gdf[rule.field]):
        if isinstance(name, str) and name.strip():
            groups.setdefault(line_text(name, rule), []).append(i)
    labels = []
    for text, rows in groups.items():
        visible = shapely.clip_by_rect(shapely.union_all(layer.metric[rows]), x0 + inset, y0 + inset, x1 - inset, y1 - inset)
        parts = [p for p in shapely.get_parts(ops.linemerge(visible) if visible.geom_type == "MultiLineString" else visible)
                 if p.geom_type == "LineString"]
        if not parts:
            continue
        w, h = drawn_size(text, LINE_FONT_SIZE)
        anchors = line_anchors(parts, (w + 2 * HALO_PT) * mpp, h * mpp)
        if not anchors:
            continue
        style = styles[rows[0]]
        first = anchors[0]
        labels.append(Label(text, first[0], first[1], LINE_FONT_SIZE, darker(style.color), rule.priority,
                            anchors=tuple(anchors), line_width=style.weight * PX_TO_PT))
    return labels


FRACTIONS = (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9)


def line_anchors(parts: list, length: float, height: float) -> list[tuple[float, float, float]]:
    """Spots along the longest parts where a label ``length`` long can follow a nearly straight stretch.

    A stretch bends too much when it strays from its chord by more than a third of the
    text's height; the angle is the chord's, turned so that text never reads upside down.
    """
    anchors = []
    for part in sorted(parts, key=lambda p: -p.length)[:3]:
        if part.length < 1.1 * length:
            continue
        for f in FRACTIONS:
            d = f * part.length
            if d < length / 2 or d > part.length - length / 2:
                continue
            stretch = ops.substring(part, d - length / 2, d + length / 2)
            (ax, ay), (bx, by) = stretch.coords[0], stretch.coords[-1]
            chord = shapely.LineString([(ax, ay), (bx, by)])
            if chord.length < 0.9 * length or max(chord.distance(shapely.Point(c)) for c in stretch.coords) > height / 3:
                continue
            angle = math.degrees(math.atan2(by - ay, bx - ax))
            angle = angle - 180 if angle > 90 else angle + 180 if angle <= -90 else angle
            centre = part.interpolate(d)
            anchors.append((centre.x, centre.y, angle))
    return anchors


def darker(colour: str, share: float = 0.3) -> str:
    """A line's colour taken ``share`` of the way to black: its label reads as belonging to it, on white."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * (1 - share)):02x}" for c in (r, g, b))


def marker_radius(style: Style) -> float:
    """Outer radius of a point symbol in points (Leaflet strokes straddle the circle)."""
    return (style.radius + style.weight / 2) * PX_TO_PT


def box_size(label: Label, dpi: float | None = None) -> tuple[float, float]:
    """The label's box in points: its text as drawn at ``dpi`` (None: vector), its halo, a little air."""
    w, h = drawn_size(label.text, label.size, dpi)
    pad = HALO_PT + AIR_PT
    return w + 2 * pad, h + 2 * pad


def _candidates(label: Label, cx: float, cy: float, w: float, h: float) -> list[tuple[float, float]]:
    """Centres (points, axes space) to try, best first."""
    if label.offset is None:
        return [(cx, cy), (cx, cy + 0.8 * h), (cx, cy - 0.8 * h), (cx + 0.4 * w, cy), (cx - 0.4 * w, cy),
                (cx, cy + 1.6 * h), (cx, cy - 1.6 * h), (cx + 0.8 * w, cy), (cx - 0.8 * w, cy)]
    out = []
    for d in (label.offset + 1.0, label.offset + 0.6 * h):  # beside the symbol; failing that, a little further out
        out += [(cx + d + w / 2, cy), (cx - d - w / 2, cy), (cx, cy + d + h / 2), (cx, cy - d - h / 2),
                (cx + d + w / 2, cy + d), (cx + d + w / 2, cy - d), (cx - d - w / 2, cy + d), (cx - d - w / 2, cy - d)]
    return out


def _line_candidates(label: Label, origin, mpp: float, h: float) -> list[tuple[float, float, float]]:
    """(centre x, centre y in points, angle): beside the line on either side, then on it."""
    out = []
    gap = h / 2 + label.line_width / 2 + 0.5
    for x, y, angle in label.anchors:
        cx, cy = (x - origin[0]) / mpp, (y - origin[1]) / mpp
        nx, ny = -math.sin(math.radians(angle)), math.cos(math.radians(angle))
        out += [(cx + nx * gap, cy + ny * gap, angle), (cx - nx * gap, cy - ny * gap, angle)]
    out += [((x - origin[0]) / mpp, (y - origin[1]) / mpp, angle) for x, y, angle in label.anchors[:2]]
    return out


def rectangle(cx: float, cy: float, w: float, h: float, angle: float = 0.0) -> tuple[tuple[float, float], ...]:
    """Corners of a ``w`` × ``h`` box centred on (cx, cy), turned by ``angle`` degrees."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return tuple((cx + dx * c - dy * s, cy + dx * s + dy * c) for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)))


class _Boxes:
    """Boxes already taken; a candidate hits one when they share more than a hair of area."""

    def __init__(self, boxes: list[tuple[float, float, float, float]]):
        self.polygons = [shapely.box(*b) for b in boxes]
        self.bounds = np.array(boxes, dtype=float).reshape(-1, 4)

    def hits(self, polygon, bounds) -> bool:
        b = self.bounds
        near = (b[:, 0] < bounds[2]) & (bounds[0] < b[:, 2]) & (b[:, 1] < bounds[3]) & (bounds[1] < b[:, 3])
        return any(shapely.intersection(self.polygons[i], polygon).area > 1e-6 for i in np.flatnonzero(near))

    def add(self, polygon) -> None:
        self.polygons.append(polygon)
        self.bounds = np.vstack([self.bounds, shapely.bounds(polygon)])


def place_labels(
    labels: list[Label],
    markers: list[tuple[float, float, float, float]],
    reserved: list[tuple[float, float, float, float]],
    width: float,
    height: float,
    origin: tuple[float, float],
    mpp: float,
    dpi: float | None = None,
    lines: list | None = None,
) -> list[Placed]:
    """Greedy placement by priority: a label goes at the first candidate that hits nothing.

    Boxes are in points from the map's lower-left corner, for text as drawn at
    ``dpi`` (None: a vector PDF).  Key places and area
    names may sit on a point symbol as a last resort: a county name matters
    more than a clear dot.  No label ever overlaps another label,
    the scale bar, the north arrow or the frame; a text already placed is not
    placed again (two layers naming the same place print it once).  Of the
    spots clear of symbols, one that no drawn line (``lines``, in points)
    crosses is preferred, so a name is not struck through where it need not be.
    """
    crossing = shapely.STRtree(lines or [])
    placed: list[Placed] = []
    taken = _Boxes(list(reserved))
    symbols = _Boxes(list(markers))
    frame = shapely.box(2, 2, width - 2, height - 2)
    done: set[str] = set()
    for label in sorted(labels, key=lambda item: item.priority):
        if label.text in done:
            continue
        w, h = box_size(label, dpi)
        if label.anchors:
            spots = _line_candidates(label, origin, mpp, h)
        else:
            cx, cy = (label.x - origin[0]) / mpp, (label.y - origin[1]) / mpp
            spots = [(x, y, 0.0) for x, y in _candidates(label, cx, cy, w, h)]
            spots += [((x - origin[0]) / mpp, (y - origin[1]) / mpp, 0.0) for x, y in label.spots]
        free = []
        for x, y, angle in spots:
            corners = rectangle(x, y, w, h, angle)
            polygon = shapely.Polygon(corners)
            bounds = shapely.bounds(polygon)
            if frame.contains(polygon) and not taken.hits(polygon, bounds):
                free.append((x, y, angle, corners, polygon, bounds))
        clear = [spot for spot in free if not symbols.hits(spot[4], spot[5])]
        best = next((spot for spot in clear if not len(crossing.query(spot[4], predicate="intersects"))), None)
        if best is None and clear:
            best = clear[0]
        if best is None and label.priority <= AREA_PRIORITY and free:
            best = free[0]
        if best is not None:
            x, y, angle, corners, polygon, _ = best
            taken.add(polygon)
            done.add(label.text)
            placed.append(Placed(label, origin[0] + x * mpp, origin[1] + y * mpp, angle, corners))
    return placed


def overlapping(placed: list[Placed]) -> list[tuple[str, str]]:
    """Pairs of placed labels whose boxes share area (for checks: there should be none)."""
    polygons = [shapely.Polygon(p.corners) for p in placed]
    return [(placed[i].label.text, placed[j].label.text)
            for i in range(len(placed)) for j in range(i + 1, len(placed))
            if shapely.intersection(polygons[i], polygons[j]).area > 1e-6]


def web_labels(layer: SheetLayer, styles: list[Style], view) -> list[tuple[str, int, float, float, dict]]:
    """The names a sheet would print, for the HTML map: (text, priority, x, y, extra properties).

    Positions are in the metric CRS; ``extra`` carries ``_angle`` for a line, ``_dx`` (pixels
    beside a point symbol) for a point.  The browser hides whichever of two labels overlapping at
    the current zoom comes later in priority, so clutter resolves itself as the reader zooms.
    """
    spec = layer.spec
    rule = NAMED.get(spec.id)
    out: list[tuple[str, int, float, float, dict]] = []
    if rule is not None and spec.geometry == "LineString" and rule.field in layer.gdf:
        width = view[2] - view[0]
        for label in line_labels(layer, styles, rule, view, width / 400):  # as on a map ~400 pt wide
            x, y, angle = label.anchors[0]
            out.append((label.text, label.priority, x, y, {"_angle": round(angle, 1), "_colour": label.colour}))
        return out
    if spec.label:  # the catalog's own labels are added with the layer
        return out
    # Key places and town seats, not every town (scale ∞); point labels need no metres per point.
    for label in layer_labels(layer, styles, view, scale=math.inf, mpp=1.0):
        out.append((label.text, label.priority, label.x, label.y, {"_dx": round((label.offset or 0) / PX_TO_PT + 2)}))
    return out
