"""The gazetteer: cited coordinates, converted in code, checked against the official list and GeoNames.

And every plan point: drawn within its stated accuracy of the gazetteer place
it cites, one accuracy per feature wherever it is shown.
"""

import statistics
import struct

import geopandas as gpd
import pytest

from layers.build.common import SOURCES, Gazetteer, SourceError, accuracy_km, read_table
from layers.build.gazetteer import adcode_rows, build_gazetteer, geonames_fix
from layers.crs import distance_m, wgs84_to_gcj02
from layers.io.catalog import load_catalog
from layers.io.provenance import position_counts, position_summary
from layers.io.reader import load_layer
from layers.paths import GEODATA

CATALOG = load_catalog()
GAZETTEER = read_table("gazetteer")
OFFICIAL = read_table("official_townships_2023")
PLACES = Gazetteer()
# Plan layers whose points are drawn at a gazetteer place named in their table's ``place`` column.
POINT_TABLES = {"town_hierarchy": "name", "featured_towns": "id", "industrial_parks": "id"}
# GeoNames names of towns the adcode centres can be compared with (independent source, WGS-84).
GEONAMES_TOWNS = {
    "枣市镇": "Zaoshi", "严塘镇": "Yantang", "桃坑乡": "Taokeng", "马江镇": "Majiang", "界首镇": "Jieshou",
    "湖口镇": "Hukou", "高陇镇": "Gaolong", "舲舫乡": "Lingfang", "虎踞镇": "Huju", "秩堂镇": "Zhitang",
    "腰潞镇": "Yaopi", "渌口镇": "Lukou", "霞阳镇": "Xiayang",
}
BUILD_TABLES = ("places_", "industrial_parks.csv", "featured_towns.csv", "town_hierarchy.csv", "projects.csv")


def km(a, b) -> float:
    return distance_m(a[0], a[1], b[0], b[1]) / 1000


def test_raw_adcode_rows_are_verbatim():
    """lon/lat of each saved row agree with the row's own WKB point: no transcription slip."""
    for row in adcode_rows().values():
        if row["longitude"]:
            x, y = struct.unpack("<dd", bytes.fromhex(row["center"])[5:21])
            assert (round(x, 6), round(y, 6)) == (float(row["longitude"]), float(row["latitude"])), row["code"]


def test_gazetteer_reproduces_from_the_raw_tables():
    assert build_gazetteer() == GAZETTEER


def test_gcj02_rows_are_converted_to_wgs84():
    adcode = adcode_rows()
    converted = [r for r in GAZETTEER if r["datum_conversion"].startswith("GCJ-02") and r["position"] == "cited"]
    assert len(converted) > 100
    for row in converted:
        raw = adcode[row["source"].split("代码 ")[1].split(" ")[0]]
        lon, lat = wgs84_to_gcj02(float(row["lon"]), float(row["lat"]))
        # Back to GCJ-02 lands on the raw 高德 point (to the 5 decimals kept), ≈ 500 m from the WGS-84 one.
        assert km((lon, lat), (float(raw["longitude"]), float(raw["latitude"]))) < 0.002, row["name"]
        assert 0.2 < km((float(row["lon"]), float(row["lat"])), (float(raw["longitude"]), float(raw["latitude"]))) < 1.0


def test_every_official_township_has_a_row_with_its_county():
    rows = {r["name"]: r for r in GAZETTEER}
    for unit in OFFICIAL:
        if int(unit["code"][6:]) >= 400:  # 开发区、农场、管理处
            continue
        row = rows[unit["name"]]
        assert (row["county"], row["adcode"]) == (unit["county"], unit["code"])
        assert row["kind"] in ("town", "street")
        assert row["position"] in ("cited", "schematic"), f"{unit['name']} is not located"


def test_rows_are_located_with_a_parsable_accuracy_and_an_openable_source():
    for row in GAZETTEER:
        assert row["position"] in ("cited", "schematic"), row["name"]
        assert accuracy_km(row["accuracy"]) <= (3 if row["position"] == "cited" else 80), row["name"]
        assert "Vonng/adcode" in row["source"] or "GeoNames" in row["source"], row["name"]
        assert row["datum_conversion"], row["name"]
        if row["position"] == "schematic":
            assert "示意" in row["note"], row["name"]


def test_every_plan_town_is_in_the_official_list_or_explained():
    official = {u["name"] for u in OFFICIAL}
    rows = {r["name"]: r for r in GAZETTEER}
    for town in read_table("town_hierarchy"):
        place = rows[town["place"]]
        if place["kind"] in ("town", "street"):
            assert town["official_name"] == town["place"] and town["place"] in official, town["name"]
        else:
            assert place["kind"] in ("county_seat", "city_centre") and "驻地" in place["note"], town["name"]


def test_adcode_centres_agree_with_geonames():
    """The independent check behind the ±1 km of a 高德 township centre."""
    rows = {r["name"]: r for r in GAZETTEER}
    gaps = []
    for town, geoname in GEONAMES_TOWNS.items():
        fix = geonames_fix(geoname)
        row = rows[town]
        gap = km((fix.lon, fix.lat), (float(row["lon"]), float(row["lat"])))
        assert gap <= accuracy_km(row["accuracy"]) + 1.0, f"{town}: {gap:.2f} km from GeoNames {geoname}"
        gaps.append(gap)
    assert statistics.median(gaps) <= 0.5


def test_anchored_places_are_no_tighter_than_their_anchor(tmp_path):
    (tmp_path / "gazetteer.csv").write_text(
        "name,kind,county,adcode,lon,lat,source,datum_conversion,accuracy,position,note\n"
        "甲镇,town,攸县,1,113.3,27.0,x,none,±1 km,cited,\n", encoding="utf-8")
    (tmp_path / "places_x.csv").write_text(
        "name,kind,county,anchor,lon,lat,source,accuracy,note\n乙园,park,攸县,甲镇,,,x,±500 m,\n", encoding="utf-8")
    with pytest.raises(SourceError, match="小于锚点"):
        Gazetteer(tmp_path)


@pytest.fixture(scope="module")
def layers():
    return {layer_id: load_layer(CATALOG.get(layer_id)) for layer_id in (*POINT_TABLES, "projects", "planning_zones")}


@pytest.mark.parametrize("layer_id", list(POINT_TABLES))
def test_points_lie_within_their_accuracy_of_the_cited_coordinate(layers, layer_id):
    """Table → gazetteer place → its cited (or anchor's) coordinate; the GeoJSON point must be that close."""
    key = POINT_TABLES[layer_id]
    places = {row[key]: row["place"] for row in read_table(layer_id) if row["place"]}
    gdf = layers[layer_id]
    assert len(gdf) == len(places)
    for _, feature in gdf.iterrows():
        place = PLACES.get(places[feature[key] if key in feature else feature["name"]])
        radius = accuracy_km(feature["accuracy"])
        assert radius >= accuracy_km(place.accuracy), feature["name"]
        assert km((feature.geometry.x, feature.geometry.y), (place.lon, place.lat)) <= radius, feature["name"]
        assert feature["position"] in ("cited", "schematic")
        if feature["position"] == "cited":
            assert place.position == "cited" and feature["accuracy"] == place.accuracy, feature["name"]
            assert place.source in feature["source"], feature["name"]


def test_records_show_their_map_features_accuracy(layers):
    features = {}
    for layer_id in POINT_TABLES:
        for _, f in layers[layer_id].iterrows():
            if isinstance(f.get("record_id"), str):
                features[(layer_id, f["record_id"])] = f
    records = layers["projects"]
    linked = records[records["linked_layer"].isin(list(POINT_TABLES))]
    assert len(linked) > 30
    for _, record in linked.iterrows():
        feature = features[(record["linked_layer"], record["id"])]
        assert record["accuracy"] == feature["accuracy"], record["id"]
        assert record["position"] == feature["position"], record["id"]
        assert record.geometry.equals(feature.geometry), record["id"]


def test_public_text_cites_sources_not_build_tables_nor_memory(layers):
    for layer_id, gdf in layers.items():
        for _, feature in gdf.iterrows():
            text = " ".join(str(feature.get(k, "")) for k in ("source", "method", "accuracy", "note"))
            assert not any(t in text for t in BUILD_TABLES), f"{layer_id}/{feature['name']}: {text[:120]}"
            if layer_id in POINT_TABLES:
                assert not any(w in text for w in ("记忆", "推估", "估读")), f"{layer_id}/{feature['name']}"


def test_at_most_two_town_seats_in_the_ecological_zone(layers):
    eco = layers["planning_zones"].set_index("name").geometry["生态保护区"]
    seats = [PLACES.get(t["place"]) for t in read_table("town_hierarchy")]
    inside = [p.name for p in seats if eco.covers(p.point)]
    assert len(inside) <= 2, inside


def test_position_counts_come_from_the_features():
    frame = gpd.GeoDataFrame({"position": ["cited", "cited", "schematic"]})
    assert position_counts(frame) == {"cited": 2, "schematic": 1}
    assert position_summary(frame) == "引用坐标 2 · 示意 1"
    assert position_counts(gpd.GeoDataFrame({"name": ["x"]})) is None
    assert position_summary(gpd.GeoDataFrame({"name": ["x"]})) == "—"
    towns = load_layer(CATALOG.get("town_hierarchy"))
    counts = position_counts(towns)
    assert counts["cited"] + counts["schematic"] == len(towns) == 65


def test_sources_folder_documents_the_gazetteer():
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    assert "gazetteer.csv" in readme and "adcode_4302.csv" in readme
    assert (GEODATA / "sources" / "gazetteer.csv").exists()
