"""Lines run through their real anchors, and every anchor position is cited.

The town seats below are inputs from Vonng/adcode (commit 294c4ef, CC BY 4.0;
GCJ-02, converted here through layers.crs) — an independent check that the
four lines the review found misplaced now pass the towns they really pass.
"""

import re

import pytest
import shapely
from shapely.geometry import Point

from layers.build.common import Counties, Gazetteer, read_table, split_list
from layers.crs import distance_m, gcj02_to_wgs84
from layers.io.catalog import load_catalog
from layers.io.reader import load_layer

CATALOG = load_catalog()
LINE_TABLES = {"rail_lines": "rail_network", "expressways": "expressway_network", "trunk_roads": "trunk_roads"}
MAX_KM = 2.5
EXISTING = ("已建", "在建")
CITED = re.compile(r"维基百科|Vonng/adcode|GeoNames|https?://|门户网站")

# GCJ-02 seats from data/adcode/430281.csv (醴陵市), 430223.csv (攸县), 430203.csv (芦淞区),
# 430204.csv (石峰区), 430221.csv (渌口区, then 株洲县), 430321.csv (湘潭县) and 430181.csv (浏阳市).
SEATS_GCJ = {
    "枫林镇": (113.42487, 27.786966),
    "板杉镇": (113.441695, 27.704528),
    "东富镇": (113.561241, 27.608764),
    "皇图岭镇": (113.490834, 27.351348),
    "网岭镇": (113.443156, 27.230724),
    "白关镇": (113.241758, 27.813209),
    "建宁街道": (113.160095, 27.827363),
    "田心街道": (113.129476, 27.881035),
    "淦田镇": (113.149868, 27.483572),
    "龙门镇": (113.167836, 27.433337),
    "谭家山镇": (112.959144, 27.643185),
    "柏加镇": (113.234842, 28.049269),
}
# GeoNames cities1000 (WGS-84): Huanxi, the 浣溪 the 吉衡 railway crosses.
HUANXI = (113.60096, 26.56377)
FIXED = [  # (layer, line id, seats it must pass within MAX_KM)
    ("expressway_network", "expy-wushen", ["枫林镇", "板杉镇"]),
    ("expressway_network", "expy-hukun", ["板杉镇"]),
    ("rail_network", "rail-licha", ["皇图岭镇", "网岭镇"]),
    ("expressway_network", "expy-lilou", ["东富镇"]),
    # Reports name the towns these lines pass or end at (sources in each line's note).
    ("expressway_network", "expy-zhuli", ["板杉镇", "白关镇", "建宁街道"]),
    ("expressway_network", "expy-changzhu", ["柏加镇", "田心街道"]),
    ("rail_network", "rail-jingguang-hsr", ["谭家山镇"]),
    ("expressway_network", "expy-jinggangao-east", ["白关镇", "淦田镇", "龙门镇"]),
]


def km(radius: str) -> float | None:
    """The radius of an accuracy like ``±300 m`` or ``±1.5 km``; None for 示意."""
    match = re.search(r"±\s*([\d.]+)\s*(k?m)", radius)
    if not match or radius.startswith("示意"):
        return None
    value = float(match.group(1))
    return value if match.group(2) == "km" else value / 1000


def offset_m(line, lon: float, lat: float) -> float:
    nearest = line.interpolate(line.project(Point(lon, lat)))
    return distance_m(lon, lat, nearest.x, nearest.y)


def seat(name: str) -> tuple[float, float]:
    lon, lat = gcj02_to_wgs84(*SEATS_GCJ[name])
    return float(lon), float(lat)


def line_features():
    for table, layer_id in LINE_TABLES.items():
        gdf = load_layer(CATALOG.get(layer_id)).set_index("id")
        for row in read_table(table):
            yield row, gdf.loc[row["id"]]


GAZETTEER = Gazetteer()


@pytest.mark.parametrize("layer_id,line_id,seats", FIXED, ids=[f[1] for f in FIXED])
def test_fixed_lines_pass_the_towns_they_really_pass(layer_id, line_id, seats):
    line = load_layer(CATALOG.get(layer_id)).set_index("id").geometry[line_id]
    for name in seats:
        assert offset_m(line, *seat(name)) <= MAX_KM * 1000, f"{line_id} misses {name}"


def test_the_jiheng_railway_crosses_huanxi():
    line = load_layer(CATALOG.get("rail_network")).set_index("id").geometry["rail-hengchaji"]
    assert offset_m(line, *HUANXI) <= MAX_KM * 1000


def literal(token: str) -> bool:
    parts = token.split()
    try:
        return len(parts) == 2 and bool([float(p) for p in parts])
    except ValueError:
        return False


def test_existing_lines_run_only_through_named_anchors():
    """No uncited ``lon lat`` midpoint: between anchors an existing line is drawn straight."""
    for table in LINE_TABLES:
        for row in read_table(table):
            if row["status"] in EXISTING:
                found = [t for t in split_list(row["waypoints"], ";") if literal(t)]
                assert not found, f"{row['id']}: uncited waypoints {found}"


def test_wushen_runs_west_of_liling_city_and_the_cicheng_interchange_lies_east():
    city = GAZETTEER.get("醴陵市城区")
    wushen = load_layer(CATALOG.get("expressway_network")).set_index("id").geometry["expy-wushen"]
    crossing = wushen.intersection(shapely.box(113.0, city.lat - 0.001, 114.5, city.lat + 0.001))
    assert not crossing.is_empty and crossing.centroid.x < city.lon - 0.03  # ≥ 3 km west
    assert GAZETTEER.get("瓷城互通").lon > city.lon


def test_an_interchange_located_only_to_its_street_still_lies_within_its_accuracy_of_the_line():
    """醴陵南互通 is not a waypoint of 醴娄高速 (its street seat is too coarse to bend the line through)."""
    place = GAZETTEER.get("醴陵南互通")
    line = load_layer(CATALOG.get("expressway_network")).set_index("id").geometry["expy-lilou"]
    assert offset_m(line, place.lon, place.lat) <= km(place.accuracy) * 1000


def test_every_existing_line_passes_each_anchor_it_names_within_its_accuracy():
    checked = 0
    for row, feature in line_features():
        if row["status"] not in EXISTING and row["accuracy"].startswith("示意"):
            continue
        for name in split_list(row["waypoints"], ";"):
            if name not in GAZETTEER:
                continue
            place = GAZETTEER.get(name)
            radius = km(place.accuracy)
            if place.kind == "edge" or radius is None:
                continue
            limit = min(radius, MAX_KM) * 1000
            assert offset_m(feature.geometry, place.lon, place.lat) <= limit, f"{row['id']} misses {name}"
            checked += 1
    assert checked > 40


def test_via_anchors_match_the_table():
    for row, feature in line_features():
        named = [GAZETTEER.get(n) for n in split_list(row["waypoints"], ";") if n in GAZETTEER]
        expected = "、".join(f"{p.name}（{p.accuracy}）" for p in named if p.kind != "edge")
        assert feature["via_anchors"] == expected, row["id"]


def test_no_anchor_position_comes_from_memory():
    for row in read_table("places_transport"):
        assert not re.search(r"记忆|推估|推断", row["source"]), row["name"]
        if row["kind"] == "edge":
            continue
        if km(row["accuracy"]) is not None:
            assert CITED.search(row["source"] + row["note"]), f"{row['name']}: a stated accuracy needs a source a reviewer can open"
        else:
            assert row["accuracy"].startswith("示意"), row["name"]


def test_every_anchor_lies_in_the_county_its_row_names():
    counties = Counties()
    for row in read_table("places_transport"):
        assert counties.county_of(float(row["lon"]), float(row["lat"])) == row["county"], row["name"]


def test_hubs_claim_no_better_accuracy_than_their_place():
    for row in read_table("hubs"):
        place = GAZETTEER.get(row["place"])
        hub_km, place_km = km(row["accuracy"]), km(place.accuracy)
        if place_km is None:
            assert hub_km is None, f"{row['id']}: {place.name} is only 示意"
        elif hub_km is not None:
            assert hub_km >= place_km, f"{row['id']}: ±{hub_km} km but {place.name} is ±{place_km} km"


def test_adcode_anchors_are_the_converted_gcj_coordinates():
    """Where a source gives a GCJ-02 coordinate, the table holds its WGS-84 conversion."""
    found = 0
    for row in read_table("places_transport"):
        match = re.search(r"GCJ-02 ([\d.]+),([\d.]+)", row["source"])
        if not match:
            continue
        lon, lat = gcj02_to_wgs84(float(match.group(1)), float(match.group(2)))
        assert distance_m(float(lon), float(lat), float(row["lon"]), float(row["lat"])) < 5, row["name"]
        found += 1
    assert found > 30
