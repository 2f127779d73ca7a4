"""Strict GeoJSON: bytes → WGS-84 GeoDataFrame, refusing what RFC 7946 forbids, with clear reasons.

GeoJSON is parsed here rather than handed to GDAL, because GDAL quietly
repairs what RFC 7946 forbids (unclosed rings, wrong nesting) and reports
broken JSON as a generic driver error.  Size budgets are checked before the
JSON is parsed (:func:`layers.io.formats.check_json_size`).  A file that fails
raises :class:`~layers.io.validation.VectorDataError` listing every problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import shape

from layers.crs import WGS84
from layers.io import formats
from layers.io.validation import (
    Problem,
    VectorDataError,
    refusal,
)

GEOJSON_SUFFIXES = {".geojson", ".json"}
_GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
_WGS84_NAMES = {"EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "urn:ogc:def:crs:EPSG::4326", "CRS84"}


def _parse_json(raw: bytes, file: str) -> Any:
    if not raw.strip():
        raise refusal(file, "文件为空")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refusal(file, "不是 UTF-8 文本（可能是二进制文件或其他编码）") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise refusal(file, f"JSON 语法错误，第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}（文件可能被截断）") from None
    except RecursionError:
        raise refusal(file, "JSON 嵌套层数过深，无法读取") from None


def _ring_problems(geometry: dict, file: str, index: int) -> list[Problem]:
    """RFC 7946 rings are closed and have ≥ 4 positions; shapely would silently close them."""
    kind = geometry.get("type")
    polygons = []
    if kind == "Polygon":
        polygons = [geometry.get("coordinates") or []]
    elif kind == "MultiPolygon":
        polygons = geometry.get("coordinates") or []
    problems = []
    for polygon in polygons if isinstance(polygons, list) else []:
        for ring in polygon if isinstance(polygon, list) else []:
            if not isinstance(ring, list):
                continue  # not a ring at all: shape() reports the structure
            if len(ring) < 4:
                problems.append(Problem(file, f"多边形的环只有 {len(ring)} 个点（至少需要 4 个且首尾相同）", index))
            elif ring[0] != ring[-1]:
                problems.append(Problem(file, "多边形的环未闭合（首尾坐标不同）", index))
    return problems


def _declared_crs(doc: dict, file: str) -> str | None:
    crs = doc.get("crs")
    if crs is None:
        return None
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str):
        raise refusal(file, "crs 成员格式无法识别")
    if name in _WGS84_NAMES:
        return None
    try:
        CRS.from_user_input(name)
    except CRSError:
        raise refusal(file, f"无法识别的坐标系 {name!r}") from None
    return name


def _features(doc: Any, file: str) -> list[dict]:
    if not isinstance(doc, dict) or "type" not in doc:
        raise refusal(file, "不是 GeoJSON：缺少 type 成员")
    kind = doc["type"]
    if not isinstance(kind, str):
        raise refusal(file, "不是 GeoJSON：type 成员应为字符串")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise refusal(file, "FeatureCollection 缺少 features 数组")
        return features
    if kind == "Feature":
        return [doc]
    if kind in _GEOMETRY_TYPES:
        return [{"type": "Feature", "properties": {}, "geometry": doc}]
    raise refusal(file, f"不是 GeoJSON：未知的 type {kind!r}")


def read_bytes(path: Path, file: str) -> bytes:
    """The file's content, or a :class:`VectorDataError` saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise refusal(file, "文件不存在") from None  # ``file`` names it; the server's own path stays private
    except OSError as exc:
        raise refusal(file, f"无法读取：{exc.strerror}") from None


def parse_geojson(raw: bytes, file: str) -> gpd.GeoDataFrame:
    """GeoJSON bytes → WGS-84 GeoDataFrame, strictly (geometries may still be invalid).

    ``file`` is how messages name the file.
    """
    formats.check_json_size(raw, file)
    doc = _parse_json(raw, file)
    features = _features(doc, file)
    formats.check_geojson(features, file)  # features, keys and vertices, before any geometry or frame
    declared = _declared_crs(doc, file)
    problems: list[Problem] = []
    geoms, records = [], []
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(file, "不是 Feature 对象", i))
            continue
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            problems.append(Problem(file, "properties 应为对象", i))
            props = None
        props = props or {}
        if "geometry" in props:  # would be overwritten by the geometry column
            props = {("geometry_" if k == "geometry" else k): v for k, v in props.items()}
        records.append(props)
        geometry = feature.get("geometry")
        if geometry is None:
            geoms.append(None)
            continue
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if not isinstance(kind, str) or kind not in _GEOMETRY_TYPES:
            problems.append(Problem(file, "几何对象无法识别", i))
            geoms.append(None)
            continue
        ring_problems = _ring_problems(geometry, file, i)
        if ring_problems:
            problems += ring_problems
            geoms.append(None)
            continue
        try:
            geoms.append(shape(geometry))
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.ShapelyError) as exc:
            problems.append(Problem(file, f"坐标结构错误：{exc}", i))
            geoms.append(None)
    if problems:
        raise VectorDataError(problems)
    gdf = gpd.GeoDataFrame(records, geometry=gpd.GeoSeries(geoms), crs=declared or WGS84)
    if declared:
        gdf = _to_wgs84(gdf, file)
    return gdf


def _to_wgs84(gdf: gpd.GeoDataFrame, file: str) -> gpd.GeoDataFrame:
    try:
        return gdf.to_crs(WGS84)
    except Exception as exc:  # pyproj raises several types for unknown CRSs
        raise refusal(file, f"无法从坐标系 {gdf.crs} 转换到 WGS-84：{exc}") from None
