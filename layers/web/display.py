"""Light GeoJSON for the browser; the full-resolution files stay untouched.

A map sends every coordinate to the browser, so what it sends is built
here once per (layer, basemap datum) and cached by the caller:

* only the properties the map uses (tooltip, popup, label, link and style fields);
* polygons that tile the plane (counties, zones) are simplified as a *coverage*,
  so neighbours keep sharing their edges; others one by one, topology preserved;
* coordinates rounded to 5 decimals (≈ 1 m, finer than a screen pixel);
* shifted to GCJ-02 only when drawn over a GCJ-02 basemap.

Exports and downloads read the original files instead.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from layers.crs import geometries_wgs84_to_gcj02
from layers.io.catalog import LayerSpec
from layers.web.basemaps import GCJ02_DATUM

PRECISION_DEG = 1e-5
METRES_PER_DEGREE = 111_320.0


def display_fields(spec: LayerSpec) -> list[str]:
    """Properties the map needs for this layer, in a stable order."""
    wanted = ["name", *spec.tooltip, *spec.popup, *(c.field for c in spec.categories), *spec.filter_fields]
    for extra in (spec.label, spec.record_field, "id"):
        if extra:
            wanted.append(extra)
    return list(dict.fromkeys(wanted))


def simplify(geoms: np.ndarray, geometry: str, tolerance_m: float) -> np.ndarray:
    """Simplify for display; polygon coverages keep their shared edges."""
    if tolerance_m <= 0 or geometry == "Point":
        return geoms
    tolerance = tolerance_m / METRES_PER_DEGREE
    polygons_only = bool(np.isin(shapely.get_type_id(geoms), (3, 6)).all())  # Polygon, MultiPolygon
    if geometry == "Polygon" and polygons_only and shapely.coverage_is_valid(geoms):
        return shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    return shapely.simplify(geoms, tolerance, preserve_topology=True)


def _clean(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    return value


class SerialisedCollection(dict):
    """A FeatureCollection that carries its JSON text, serialised once when prepared.

    A page sends its layers on every rerun; for cached display data the text never
    changes, so the live map's spec inserts this text as is (:mod:`layers.web.mapspec`)
    and :mod:`layers.web.mapbuild` hands it to folium (see ``_dumps`` there).
    """

    def __init__(self, collection: dict[str, Any]):
        super().__init__(collection)
        self.json = json.dumps(collection, sort_keys=True)


@dataclass(frozen=True)
class DisplayLayer:
    """What the browser gets for one layer: features, and label points if the layer is labelled."""

    features: dict[str, Any]
    labels: dict[str, Any] | None


def prepare(spec: LayerSpec, gdf: gpd.GeoDataFrame, datum: str) -> DisplayLayer:
    """A layer ready for the browser: light display GeoJSON and label points, serialised once, in ``datum``."""
    labels = label_geojson(spec, gdf, datum)
    return DisplayLayer(
        SerialisedCollection(display_geojson(spec, gdf, datum)),
        SerialisedCollection(labels) if labels is not None else None,
    )


def label_geojson(spec: LayerSpec, gdf: gpd.GeoDataFrame, datum: str) -> dict[str, Any] | None:
    """One point inside each feature carrying only the label text."""
    if not spec.label:
        return None
    geoms = gdf.geometry.values
    points = geoms if spec.geometry == "Point" else shapely.point_on_surface(geoms)
    if datum == GCJ02_DATUM:
        points = geometries_wgs84_to_gcj02(points)
    points = shapely.set_precision(points, PRECISION_DEG)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": str(i), "properties": {spec.label: str(text)}, "geometry": json.loads(shapely.to_geojson(pt))}
            for i, (text, pt) in enumerate(zip(gdf[spec.label], points))
            if pt is not None and not pt.is_empty
        ],
    }


def display_geojson(spec: LayerSpec, gdf: gpd.GeoDataFrame, datum: str) -> dict[str, Any]:
    """A FeatureCollection ready for ``folium.GeoJson`` (ids set, so folium adds none)."""
    fields = [f for f in display_fields(spec) if f in gdf.columns]
    geoms = simplify(gdf.geometry.values, spec.geometry, spec.simplify_m)
    if datum == GCJ02_DATUM:
        geoms = geometries_wgs84_to_gcj02(geoms)
    geoms = shapely.set_precision(geoms, PRECISION_DEG)
    records = gdf[fields].to_dict("records")
    features = []
    for i, (props, geom) in enumerate(zip(records, geoms)):
        if geom is None or geom.is_empty:
            continue
        properties = {k: _clean(v) for k, v in props.items()}
        properties["_layer"] = spec.id
        properties["_row"] = i
        features.append(
            {"type": "Feature", "id": str(i), "properties": properties, "geometry": json.loads(shapely.to_geojson(geom))}
        )
    return {"type": "FeatureCollection", "features": features}
