"""Every point says whether it sits at a cited coordinate, and says it truly.

The data page counts ``position`` per layer (layers/io/provenance.py); a point
without it, or an anchor table that calls a 示意 point cited, would make those
counts false.  One fact once: a hand-kept anchor never repeats a gazetteer place.
"""

import re

from shapely.geometry import Point

from layers.build.common import SOURCES, Gazetteer, accuracy_km, read_table
from layers.io.catalog import load_catalog
from layers.io.reader import load_layer

CATALOG = load_catalog()
CITED_SOURCE = re.compile(r"维基百科|Vonng/adcode|GeoNames|https?://|门户网站")
GAZETTEER_NAMES = {row["name"] for row in read_table("gazetteer")}
GAZETTEER_COORDS = {(row["lon"], row["lat"]): row["name"] for row in read_table("gazetteer")}


def place_rows():
    for path in sorted(SOURCES.glob("places_*.csv")):
        for row in read_table(path.stem):
            yield path.name, row


def test_every_point_feature_of_every_layer_carries_position():
    checked = 0
    for layer in CATALOG.layers:
        gdf = load_layer(layer)
        points = gdf[gdf.geometry.geom_type.isin(["Point", "MultiPoint"])]
        if points.empty:
            continue
        assert "position" in points.columns, layer.id
        bad = points[~points["position"].isin(["cited", "schematic"])]
        assert bad.empty, f"{layer.id}: {list(bad['name'])} lack position"
        checked += len(points)
    assert checked > 250


def test_transport_anchors_state_position_and_it_matches_their_source():
    rows = read_table("places_transport")
    assert all(row["position"] in ("cited", "schematic") for row in rows)
    for row in rows:
        if row["position"] == "cited":
            assert row["kind"] != "edge", row["name"]
            assert accuracy_km(row["accuracy"]) < float("inf"), row["name"]
            assert CITED_SOURCE.search(row["source"]), f"{row['name']}: cited without an openable source"
        else:
            assert row["kind"] == "edge" or row["accuracy"].startswith("示意"), row["name"]


def test_transport_hubs_count_their_cited_positions():
    gdf = load_layer(CATALOG.get("transport_hubs"))
    gazetteer = Gazetteer()
    for row, (_, feature) in zip(read_table("hubs"), gdf.iterrows()):
        place = gazetteer.get(row["place"])
        expected = "cited" if place.position == "cited" and row["accuracy"] == place.accuracy else "schematic"
        assert feature["position"] == expected, row["id"]
    assert (gdf["position"] == "cited").sum() >= 5


def test_no_anchor_row_repeats_a_gazetteer_place():
    """A seat or village is stated once, in gazetteer.csv; other tables name it."""
    for filename, row in place_rows():
        assert row["name"] not in GAZETTEER_NAMES, f"{filename}: {row['name']} is a gazetteer place"
        stripped = re.sub(r"驻地$", "", row["name"])
        assert stripped == row["name"] or stripped not in GAZETTEER_NAMES, f"{filename}: {row['name']}"
        if row.get("lon") and row["kind"] in ("town", "street", "area", "county_seat"):
            twin = GAZETTEER_COORDS.get((row["lon"], row["lat"]))
            assert twin is None, f"{filename}: {row['name']} repeats the coordinate of {twin}"


SEAT_KINDS = ("county_seat", "city_centre")


def test_structure_and_zone_tables_name_seats_instead_of_copying_their_coordinates():
    """A literal ``lon lat`` near a seat is a stale copy of a position the gazetteer states."""
    seats = [p for p in Gazetteer().places.values() if p.kind in SEAT_KINDS]
    for table, column in (("structure", "waypoints"), ("agri_zones", "anchors"), ("rivers", "waypoints")):
        for row in read_table(table):
            for token in row[column].split(";"):
                parts = token.split()
                if len(parts) != 2:
                    continue
                lon, lat = map(float, parts)
                near = [p.name for p in seats if abs(p.lon - lon) < 0.001 and abs(p.lat - lat) < 0.001]
                assert not near, f"{table}.csv {row['id']}: {token} copies {near}; name it"


def test_structure_areas_and_axes_pass_through_their_current_anchors():
    """Label points are computed from these geometries when drawn, so they follow the anchors."""
    gazetteer = Gazetteer()
    gdf = load_layer(CATALOG.get("spatial_structure")).set_index("name")
    checked = 0
    for row in read_table("structure"):
        if row["name"] not in gdf.index:
            continue
        geometry = gdf.geometry[row["name"]]
        for token in row["waypoints"].split(";"):
            if token in gazetteer:
                place = gazetteer.get(token)
                assert geometry.distance(Point(place.lon, place.lat)) < 1e-4, f"{row['id']} misses {token}"
                checked += 1
    assert checked >= 15
