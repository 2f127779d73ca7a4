"""Checks on vector data, each problem a specific sentence (file, feature, what).

Used for the bundled layers (``validate --all``), for any file a data clerk
points the CLI at, and for uploads.  A problem is never a traceback: callers
get a list of :class:`Problem` and decide whether to refuse the file or only
disable one layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import shapely
from shapely.validation import explain_validity

from layers.region import PLAN_EXTENT

MAX_LISTED = 20

_TYPE_FAMILY = {
    "Point": "Point", "MultiPoint": "Point",
    "LineString": "LineString", "MultiLineString": "LineString",
    "Polygon": "Polygon", "MultiPolygon": "Polygon",
}


@dataclass(frozen=True)
class Problem:
    """One problem with a file: the file's name, a Chinese message, and the feature index where it applies."""
    file: str
    message: str
    index: int | None = None

    def __str__(self) -> str:
        where = f"要素 #{self.index}: " if self.index is not None else ""
        return f"{self.file}: {where}{self.message}"


class VectorDataError(ValueError):
    """A file could not be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(summarise(problems)))


def refusal(file: str, message: str, index: int | None = None) -> VectorDataError:
    """The error for a file refused for one reason (``index``: the feature it concerns, if any)."""
    return VectorDataError([Problem(file, message, index)])


def summarise(problems: list[Problem], limit: int = MAX_LISTED) -> list[str]:
    """At most ``limit`` problems as lines, and one line saying how many more there are."""
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"{problems[0].file}: … 另有 {len(problems) - limit} 处问题未列出")
    return lines


def geometry_family(geom_type: str | None) -> str | None:
    """Point, LineString or Polygon for a geometry type and its multi-part form; None otherwise."""
    return _TYPE_FAMILY.get(geom_type or "")


def check_coordinate_ranges(coords: np.ndarray, file: str, index: int) -> list[Problem]:
    """Longitude/latitude sanity: catches swapped axes and projected data without a CRS."""
    if coords.size == 0:
        return []
    if not np.isfinite(coords).all():
        return [Problem(file, "坐标含有 NaN 或无穷大", index)]
    lon, lat = coords[:, 0], coords[:, 1]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        if (np.abs(coords) > 1000).any():
            hint = "坐标像是投影坐标（米），但文件未声明坐标系；请转换为 WGS-84 经纬度"
        elif (np.abs(lat) > 90).any() and (np.abs(lon) <= 90).all():
            hint = "纬度超出 ±90°：经纬度可能颠倒（GeoJSON 顺序为 经度, 纬度）"
        else:
            hint = "经度超出 ±180° 或纬度超出 ±90°"
        return [Problem(file, f"{hint}（例: {lon[0]:.6g}, {lat[0]:.6g}）", index)]
    return []


def check_in_extent(geoms: Iterable, file: str, extent=PLAN_EXTENT) -> list[Problem]:
    """Plan features must touch the area around 株洲; one near 27°E 113°N has swapped axes."""
    problems = []
    minx, miny, maxx, maxy = extent
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        gx0, gy0, gx1, gy1 = geom.bounds
        if gx1 < minx or gy1 < miny or gx0 > maxx or gy0 > maxy:
            swapped = miny <= gx0 <= maxy and minx <= gy0 <= maxx
            hint = "经纬度可能颠倒" if swapped else "不在株洲市及周边范围内"
            problems.append(Problem(file, f"{hint}（范围 {gx0:.4f},{gy0:.4f} – {gx1:.4f},{gy1:.4f}）", i))
    return problems


def check_geometries(geoms: Iterable, file: str, expected: str | tuple[str, ...] | None = None) -> list[Problem]:
    """Null, empty, invalid and wrongly typed geometries (``expected``: allowed families)."""
    allowed = (expected,) if isinstance(expected, str) else expected
    problems = []
    for i, geom in enumerate(geoms):
        if geom is None:
            problems.append(Problem(file, "几何为空（null）", i))
            continue
        if geom.is_empty:
            problems.append(Problem(file, "几何为空（无坐标）", i))
            continue
        problems += check_coordinate_ranges(shapely.get_coordinates(geom), file, i)
        if not geom.is_valid:
            problems.append(Problem(file, f"几何无效：{_explain(geom)}", i))
        if allowed and geometry_family(geom.geom_type) not in allowed:
            problems.append(Problem(file, f"几何类型为 {geom.geom_type}，目录声明为 {'/'.join(allowed)}", i))
    return problems


def _explain(geom) -> str:
    reason = explain_validity(geom)
    translations = {
        "Self-intersection": "自相交",
        "Ring Self-intersection": "环自相交",
        "Too few points": "点数过少",
        "Interior is disconnected": "内部不连通",
        "Hole lies outside shell": "内环在外环之外",
        "Nested shells": "外环嵌套",
    }
    for english, chinese in translations.items():
        if reason.startswith(english):
            return f"{chinese}（{reason}）"
    return reason


def check_properties(records: list[dict[str, Any]], required: Iterable[str], file: str) -> list[Problem]:
    """Every required property present and not blank in every feature."""
    problems = []
    required = list(required)
    for i, props in enumerate(records):
        missing = [k for k in required if _blank(props.get(k))]
        if missing:
            problems.append(Problem(file, f"缺少属性：{', '.join(missing)}", i))
    return problems


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()
