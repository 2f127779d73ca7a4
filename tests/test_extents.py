"""Extent presets: computed from the data, the plan's own outlines when present, clear errors otherwise."""

import pytest
import shapely

from layers.io import store
from layers.region import PLAN_EXTENT, URBAN_DISTRICTS, extents


def county_bounds() -> dict[str, tuple[float, float, float, float]]:
    [load] = store.load_many([extents.COUNTY_LAYER])
    return {name: tuple(shapely.bounds(geom)) for name, geom in zip(load.gdf["name"], load.gdf.geometry.values)}


def contains(outer, inner) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def test_every_choice_resolves_to_a_box_near_zhuzhou():
    for key in extents.choices():
        extent = extents.resolve(key)
        minx, miny, maxx, maxy = extent.bounds
        assert minx < maxx and miny < maxy, key
        assert contains(PLAN_EXTENT, extent.bounds), key
        assert extent.label == extents.label(key)


def test_presets_have_chinese_labels_and_counties_their_names():
    assert [extents.label(k) for k in extents.PRESETS] == ["全市", "中心城区", "株醴都市圈", "醴炎走廊"]
    assert set(extents.COUNTIES) == set(county_bounds())
    for name in extents.COUNTIES:
        assert extents.resolve(name).bounds == county_bounds()[name]


def test_city_and_core_cover_what_they_name():
    bounds = county_bounds()
    city = extents.resolve("city").bounds
    assert all(contains(city, b) for b in bounds.values())
    core = extents.resolve("core").bounds
    assert all(contains(core, bounds[name]) for name in URBAN_DISTRICTS)
    lon, lat = extents.LUKOU_TOWN
    assert contains(core, (lon - 0.04, lat - 0.04, lon + 0.04, lat + 0.04))  # 渌口's urban area
    assert not contains(core, bounds["攸县"])


def test_circle_and_corridor_use_the_plan_outlines_when_the_structure_layer_has_them():
    [load] = store.load_many([extents.STRUCTURE_LAYER])
    names = dict(zip(load.gdf["name"], load.gdf.geometry.values))
    for key, feature in extents.STRUCTURE_FEATURES.items():
        if feature in names:
            assert extents.resolve(key).bounds == tuple(shapely.bounds(names[feature]))


def test_circle_and_corridor_fall_back_to_their_counties(monkeypatch):
    real = extents._layer_bounds
    monkeypatch.setattr(extents, "_layer_bounds", lambda catalog, layer_id: None if layer_id == extents.STRUCTURE_LAYER else real(catalog, layer_id))
    bounds = county_bounds()
    for key in ("zhuli", "corridor"):
        names = extents.FALLBACK_COUNTIES[key]
        expected = (
            min(bounds[n][0] for n in names), min(bounds[n][1] for n in names),
            max(bounds[n][2] for n in names), max(bounds[n][3] for n in names),
        )
        assert extents.resolve(key).bounds == expected


def test_bbox_is_the_map_view():
    extent = extents.resolve("bbox:113.1,27.7,113.3,27.9")
    assert extent.bounds == (113.1, 27.7, 113.3, 27.9)
    assert extent.label == "当前地图视图"
    assert extent.key == "bbox:113.1000,27.7000,113.3000,27.9000"
    assert extents.resolve(" bbox:100,20,113.5,28 ").bounds == (110.0, 24.0, 113.5, 28.0)  # clipped to the region


@pytest.mark.parametrize(
    "key, message",
    [
        ("长沙市", "未知范围 '长沙市'（可选: city, core, zhuli, corridor, 荷塘区"),
        ("CITY", "未知范围"),
        ("bbox:113,27", "minlon,minlat,maxlon,maxlat"),
        ("bbox:a,b,c,d", "minlon,minlat,maxlon,maxlat"),
        ("bbox:113.3,27.9,113.1,27.7", "为空"),
        ("bbox:120,40,121,41", "不在株洲附近"),
        ("bbox:nan,27,113,28", "为空"),
    ],
)
def test_bad_extents_name_the_valid_choices(key, message):
    with pytest.raises(extents.ExtentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        extents.resolve(key)
