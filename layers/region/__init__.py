"""Facts about the region itself, stated once: the nine counties, the boxes "near 株洲", how to measure.

Everything else (the export's extents, the upload check, permalinks, the
build, the filters) reads these names instead of spelling them out again.
Named map extents computed from the data live in :mod:`layers.region.extents`.
"""

from __future__ import annotations

import geopandas as gpd

from layers.crs import WGS84

# The nine county-level units of 株洲市, in the order of the statistical yearbook.
COUNTIES = ("荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县", "茶陵县", "炎陵县")
URBAN_DISTRICTS = COUNTIES[:4]  # the 中心城区's four districts (渌口区 joins it in part)

# Generous box around 株洲市 (112.9°–114.2°E, 26.0°–28.1°N): plan layers must lie in it.
PLAN_EXTENT = (112.3, 25.5, 114.8, 28.7)
# A shared view (a permalink's centre, a briefing's bbox) must lie in this wider window.
VIEW_LIMITS = (110.0, 24.0, 117.0, 30.5)

# Distances and areas are measured in CGCS2000 / 3° Gauss-Krüger CM 114°E: 株洲 lies within
# ±1.1° of the central meridian, so scale errors stay below 0.02 %.
METRIC_CRS = "EPSG:4547"
METRIC_NAME = "CGCS2000 / 3 度带高斯-克吕格 CM 114°E（EPSG:4547）"


def in_view_limits(lon: float, lat: float) -> bool:
    """Whether a point may be a shared view's centre (also False for nan and ±inf)."""
    x0, y0, x1, y1 = VIEW_LIMITS
    return x0 <= lon <= x1 and y0 <= lat <= y1


def area_km2(geoms: gpd.GeoSeries) -> list[float]:
    """Area of each WGS-84 geometry in km², to 0.1 km² (the one way areas are computed here)."""
    return [round(a / 1e6, 1) for a in geoms.set_crs(WGS84, allow_override=geoms.crs is None).to_crs(METRIC_CRS).area]
