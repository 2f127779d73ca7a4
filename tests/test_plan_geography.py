"""Every plan point lies inside the county the plan puts it in; lines cross the counties they serve."""

import pytest

from layers.io.catalog import load_catalog
from layers.io.reader import load_layer

CATALOG = load_catalog()
POINT_LAYERS = [s for s in CATALOG if "Point" in s.allowed_geometries and s.group != "行政区划"]
COUNTIES = load_layer(CATALOG.get("admin_counties")).set_index("name").geometry


def counties_named(value: str) -> list[str]:
    return list(COUNTIES.index) if value == "全市" else [c for c in str(value).split("、") if c]


@pytest.mark.parametrize("spec", POINT_LAYERS, ids=[s.id for s in POINT_LAYERS])
def test_every_point_lies_inside_its_county(spec):
    gdf = load_layer(spec)
    points = gdf[gdf.geom_type == "Point"]
    assert len(points)
    for _, row in points.iterrows():
        named = counties_named(row["county"])
        assert named and all(c in COUNTIES.index for c in named), f"{spec.id}/{row['name']}: unknown county {row['county']!r}"
        assert any(COUNTIES[c].covers(row.geometry) for c in named), f"{spec.id}/{row['name']} is not inside {row['county']}"


@pytest.mark.parametrize("spec", POINT_LAYERS, ids=[s.id for s in POINT_LAYERS])
def test_points_sharing_a_position_are_different_items(spec):
    gdf = load_layer(spec)
    points = gdf[gdf.geom_type == "Point"]
    dupes = points[points.geometry.apply(lambda g: (round(g.x, 4), round(g.y, 4))).duplicated(keep=False)]
    # Several plan items may share one host (e.g. two featured towns in 白关); they must still differ.
    assert dupes["name"].is_unique


@pytest.mark.parametrize(
    "layer,name,county",
    [
        ("rail_network", "衡茶吉铁路（含文竹支线）", "茶陵县"),
        ("rail_network", "京广高铁", "天元区"),  # 株洲西站; no openable source puts the line in 渌口区
        ("rail_network", "沪昆高铁", "醴陵市"),
        ("expressway_network", "武深高速", "炎陵县"),
        ("expressway_network", "醴娄高速", "醴陵市"),
        ("trunk_roads", "国道106线", "攸县"),
        ("protection_pattern", "湘江", "芦淞区"),
        ("protection_pattern", "洣水", "茶陵县"),
        ("protection_pattern", "渌水", "醴陵市"),
    ],
)
def test_lines_pass_through_the_counties_they_serve(layer, name, county):
    gdf = load_layer(CATALOG.get(layer))
    line = gdf[gdf["name"] == name].union_all()
    assert not line.is_empty, name
    assert line.intersection(COUNTIES[county]).length > 0.02, f"{name} does not run through {county}"
