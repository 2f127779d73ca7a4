"""Plan layers against the plan: names, counts, provenance, the plan's own sentences.

Counts and names are checked twice: against numbers the plan states (always),
and against lists parsed from the seed text (skipped when the seed is absent).
"""

import re
from collections import Counter

import pytest
import shapely

from layers.io.catalog import load_catalog
from layers.io.reader import load_layer
from layers.paths import SEED
from layers.region import METRIC_CRS
from tests.plan_helpers import in_seed, seed_forms

CATALOG = load_catalog()
PLAN_LAYERS = [s for s in CATALOG if s.group != "行政区划"]


def layer(layer_id):
    return load_layer(CATALOG.get(layer_id))


@pytest.fixture(scope="module")
def seed_raw() -> str:
    if not SEED.exists():
        pytest.skip(f"seed text not available: {SEED}")
    return SEED.read_text(encoding="utf-8")


def seed_list(seed_raw: str, start: str, stop: str) -> list[str]:
    """Items between two markers of a 专栏7 cell, e.g. between “六纵：” and “四横：”."""
    text = re.sub(r"</?[a-zA-Z][^<>]*>|\s+", "", seed_raw)
    segment = text.split(start, 1)[1].split(stop, 1)[0]
    return [item for item in segment.split("、") if item]



def assert_same_names(layer_names: set[str], seed_names: list[str]) -> None:
    for name in layer_names:
        assert seed_forms(name) & set(seed_names), f"{name} is not one of the plan's names {seed_names}"
    assert len(layer_names) == len(seed_names)


@pytest.mark.parametrize("spec", PLAN_LAYERS, ids=[s.id for s in PLAN_LAYERS])
def test_every_feature_carries_provenance_and_a_plan_reference(spec):
    gdf = load_layer(spec)
    for field in ("name", "plan_ref", "source", "method", "accuracy"):
        assert gdf[field].astype(str).str.strip().ne("").all(), f"{spec.id}.{field}"
    if spec.provenance.schematic:
        assert gdf["method"].astype(str).str.len().gt(2).all()


@pytest.mark.parametrize("spec", PLAN_LAYERS, ids=[s.id for s in PLAN_LAYERS])
def test_quotes_are_the_plans_words(spec, seed_text):
    gdf = load_layer(spec)
    for column in ("quote", "excerpt"):
        if column in gdf:
            for name, text in zip(gdf["name"], gdf[column]):
                assert in_seed(str(text), seed_text), f"{spec.id}/{name}: {column} is not verbatim"


# --------------------------------------------------------------------------- networks
def network(layer_id: str, network_name: str):
    gdf = layer(layer_id)
    return gdf[gdf["network"] == network_name]


def test_ten_rail_lines_six_vertical_four_horizontal():
    rail = network("rail_network", "六纵四横")
    names = rail.drop_duplicates("name")
    assert len(names) == 10
    assert Counter(names["orientation"]) == {"纵": 6, "横": 4}
    assert set(rail["status"]) <= {"已建", "在建", "规划", "未说明"}


def test_eleven_expressways_five_vertical_six_horizontal():
    names = network("expressway_network", "五纵六横").drop_duplicates("name")
    assert len(names) == 11
    assert Counter(names["orientation"]) == {"纵": 5, "横": 6}


def test_rail_names_are_the_plans(seed_raw):
    rail = network("rail_network", "六纵四横")
    assert_same_names(set(rail[rail["orientation"] == "纵"]["name"]), seed_list(seed_raw, "六纵：", "四横："))
    assert_same_names(set(rail[rail["orientation"] == "横"]["name"]), seed_list(seed_raw, "四横：", "高速公路"))


def test_expressway_names_are_the_plans(seed_raw):
    expy = network("expressway_network", "五纵六横")
    assert_same_names(set(expy[expy["orientation"] == "纵"]["name"]), seed_list(seed_raw, "五纵：", "六横："))
    assert_same_names(set(expy[expy["orientation"] == "横"]["name"]), seed_list(seed_raw, "六横：", "普通国道"))


def test_renamed_ocr_errors_are_gone():
    rail = layer("rail_network")
    assert "长株潭城际铁路（延伸至渌口区）" in set(rail["name"])
    for gdf in (rail, layer("expressway_network"), layer("transport_hubs"), layer("industrial_parks")):
        assert not gdf["name"].str.contains("涑|涪|淶|董家垅|董家墩").any()


def test_trunk_roads_one_vertical_four_horizontal_and_21_provincial(seed_raw):
    roads = layer("trunk_roads")
    national = roads[roads["class"] == "国道"]
    provincial = roads[roads["class"] == "省道"]
    assert sorted(national["code"]) == ["G106", "G320", "G322", "G356", "G357"]
    assert len(provincial) == 21
    text = re.sub(r"\s+", "", seed_raw)
    assert set(provincial["code"]) == set(re.findall(r"S\d{3}", text.split("普通省道", 1)[1].split("轨道交通网", 1)[0]))
    assert Counter(provincial["role"]) == {"一射": 1, "四纵": 4, "八横": 8, "八支": 8}


def test_hubs_the_plan_names_are_mapped():
    names = " ".join(layer("transport_hubs")["name"])
    for hub in ("株洲综合客运枢纽", "株洲西综合客运枢纽", "铜塘湾港区", "渌口港区", "湘赣边交通物流综合枢纽"):
        assert hub in names


# --------------------------------------------------------------------------- parks
def test_ten_parks_of_column_12_with_their_industries(seed_raw):
    parks = layer("industrial_parks")
    column12 = parks[parks["kind"] == "专栏12园区"]
    assert len(column12) == 10
    lines = seed_raw.split("专栏 12 园区主导产业发展方向", 1)[1].split("第四节", 1)[0]
    seed_rows = dict(line.split("：", 1) for line in lines.splitlines() if "：" in line)
    assert len(seed_rows) == 10
    for _, park in column12.iterrows():
        [seed_name] = [n for n in seed_rows if n in seed_forms(park["name"])]
        assert park["industries"] == seed_rows[seed_name].strip()
    assert set(parks["level"]) <= {"国家级", "省级", "未说明"}


# --------------------------------------------------------------------------- structure, zones, protection
def test_structure_has_core_circle_corridor_main_city_and_three_poles():
    structure = layer("spatial_structure")
    areas = structure[structure["kind"] == "范围"]
    assert set(areas["element"]) == {"一核", "一圈", "一廊", "一主", "北向增长极", "东向增长极", "南向增长极"}
    axes = structure[structure["kind"] == "轴线"]
    assert {"北向增长极", "东向增长极", "南向增长极", "一廊轴线"} <= set(axes["element"])
    assert all(g.geom_type in ("LineString", "MultiLineString") for g in axes.geometry)
    assert areas["accuracy"].str.contains("示意").all()


def test_zones_cover_the_city_without_overlaps():
    zones = layer("planning_zones").to_crs(METRIC_CRS)
    city = layer("admin_counties").to_crs(METRIC_CRS).union_all()
    assert set(zones["zone"]) == {"生态保护区", "耕地保护区", "城镇发展区", "乡村发展区"}
    covered = shapely.union_all(zones.geometry.values).intersection(city).area / city.area
    assert covered >= 0.98
    overlap = sum(zones.geometry.area) - shapely.union_all(zones.geometry.values).area
    assert overlap / city.area <= 0.01
    assert (zones["accuracy"].str.contains("示意")).all()


def test_ecological_zone_lies_mainly_in_the_three_southern_counties():
    zones = layer("planning_zones").to_crs(METRIC_CRS).set_index("zone")
    counties = layer("admin_counties").to_crs(METRIC_CRS).set_index("name").geometry
    eco = zones.geometry["生态保护区"]
    south = shapely.union_all([counties[c] for c in ("攸县", "茶陵县", "炎陵县")])
    assert eco.intersection(south).area / eco.area > 0.8


def test_protection_pattern_four_rivers_four_areas_and_no_invented_reserves():
    pattern = layer("protection_pattern")
    assert set(pattern[pattern["element"] == "四水"]["name"]) == {"湘江", "渌水", "洣水", "攸水"}
    assert set(pattern[pattern["element"] == "四区"]["name"]) == {
        "株醴都市休闲农业区", "攸县丘岗传统农业区", "茶陵丘岗传统农业区", "炎陵山地特色农业区"}
    assert not (pattern["element"] == "十二地").any()
    assert "十二地" in CATALOG.get("protection_pattern").provenance.description
