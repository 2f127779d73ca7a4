"""What the browser gets: light, topologically clean, only the fields it uses."""

import json

import shapely

from layers.crs import distance_m
from layers.io.catalog import load_catalog
from layers.io.reader import load_layer
from layers.web.basemaps import GCJ02_DATUM, WGS84_DATUM
from layers.web.display import display_fields, prepare

CATALOG = load_catalog()


def test_counties_stay_a_gapless_coverage_after_simplification():
    spec = CATALOG.get("admin_counties")
    gdf = load_layer(spec)
    data = prepare(spec, gdf, WGS84_DATUM).features
    geoms = [shapely.from_geojson(json.dumps(f["geometry"])) for f in data["features"]]
    assert sum(len(shapely.get_coordinates(g)) for g in geoms) < 0.65 * len(shapely.get_coordinates(gdf.geometry.values))
    assert shapely.coverage_is_valid(geoms)
    union_before = shapely.union_all(gdf.geometry.values)
    union_after = shapely.union_all(geoms)
    # No slivers between neighbours: the union has no more holes than before.
    assert len(getattr(union_after, "interiors", [])) <= len(getattr(union_before, "interiors", []))
    assert abs(union_after.area - union_before.area) / union_before.area < 0.002


def test_only_the_fields_the_map_uses_are_sent():
    spec = CATALOG.get("town_hierarchy")
    data = prepare(spec, load_layer(spec), WGS84_DATUM).features
    allowed = set(display_fields(spec)) | {"_layer", "_row"}
    for feature in data["features"]:
        assert set(feature["properties"]) <= allowed
        assert "quote" not in feature["properties"]  # long text stays server-side


def test_coordinates_are_rounded():
    spec = CATALOG.get("admin_counties")
    text = json.dumps(prepare(spec, load_layer(spec), WGS84_DATUM).features)
    coords = shapely.get_coordinates(shapely.from_geojson(json.dumps(json.loads(text)["features"][0]["geometry"])))
    assert all(abs(round(v, 5) - v) < 1e-9 for v in coords.ravel())


def test_gcj02_display_moves_features_by_the_offset():
    spec = CATALOG.get("town_hierarchy")
    gdf = load_layer(spec)
    wgs = prepare(spec, gdf, WGS84_DATUM).features["features"][0]["geometry"]["coordinates"]
    gcj = prepare(spec, gdf, GCJ02_DATUM).features["features"][0]["geometry"]["coordinates"]
    assert 450 < distance_m(*wgs, *gcj) < 750
