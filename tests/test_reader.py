"""Validation of vector files: the broken corpus is refused with a specific reason."""

import pytest

from layers.io.reader import load_vector
from layers.io.validation import VectorDataError
from tests.conftest import DATA

BROKEN = {
    "truncated.geojson": "JSON 语法错误",
    "not_geojson.geojson": "不是 GeoJSON",
    "self_intersecting.geojson": "自相交",
    "swapped_latlon.geojson": "经纬度可能颠倒",
    "projected_no_crs.geojson": "投影坐标",
    "empty_collection.geojson": "没有任何要素",
    "null_geometry.geojson": "几何为空",
    "unclosed_ring.geojson": "未闭合",
    "binary_garbage.geojson": "不是 UTF-8",
}


def test_corpus_is_complete():
    assert {p.name for p in (DATA / "broken").iterdir()} == set(BROKEN)


@pytest.mark.parametrize("name,reason", sorted(BROKEN.items()))
def test_broken_file_is_rejected_with_a_clear_message(name, reason):
    path = DATA / "broken" / name
    with pytest.raises(VectorDataError) as info:
        load_vector(path)
    message = str(info.value)
    assert reason in message
    assert str(path) in message  # names the file
    assert "Traceback" not in message


def test_feature_index_is_named():
    with pytest.raises(VectorDataError) as info:
        load_vector(DATA / "broken" / "null_geometry.geojson")
    assert "要素 #1" in str(info.value)


def test_valid_file_loads_in_wgs84():
    gdf = load_vector(DATA / "valid" / "two_features.geojson")
    assert len(gdf) == 2
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["name"]) == ["株洲站", "方块"]


def test_wrong_geometry_type_and_missing_property(tmp_path):
    path = DATA / "valid" / "two_features.geojson"
    with pytest.raises(VectorDataError, match="目录声明为 Point"):
        load_vector(path, expected_geometry="Point")
    with pytest.raises(VectorDataError, match="缺少属性：county"):
        load_vector(path, required=("name", "county"))


def test_declared_projected_crs_is_reprojected(tmp_path):
    path = tmp_path / "utm.geojson"
    path.write_text(
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32649"}},'
        '"features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Point","coordinates":[713000,3081000]}}]}',
        encoding="utf-8",
    )
    gdf = load_vector(path)
    x, y = gdf.geometry.iloc[0].x, gdf.geometry.iloc[0].y
    assert 113 < x < 114 and 27 < y < 28.5


def test_missing_file(tmp_path):
    with pytest.raises(VectorDataError, match="文件不存在"):
        load_vector(tmp_path / "nope.geojson")
