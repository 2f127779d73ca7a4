"""Write layers as compact, deterministic RFC 7946 GeoJSON (the committed form)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, precision: int = 6) -> None:
    """Coordinates snapped to ``10**-precision`` degrees (6 ≈ 0.1 m), one feature per line."""
    gdf = gdf.copy()
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 10 ** -precision)
    doc = json.loads(gdf.to_json(ensure_ascii=False, drop_id=True, to_wgs84=True))
    features = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in doc["features"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n", encoding="utf-8")
