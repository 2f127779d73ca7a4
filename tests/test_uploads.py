"""Staff uploads: every format, zip limits and zip slip, DBF encodings, CRSs, repair, size cap, session only."""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon
from streamlit.testing.v1 import AppTest

from layers import crs
from layers.io import uploads
from layers.io.validation import VectorDataError
from tests.conftest import ROOT
from ui.map_component import COMPONENT_NAME

NAMES = ["株洲站", "醴陵瓷谷", "炎陵县神农谷"]
POINTS = [Point(113.15, 27.83), Point(113.50, 27.66), Point(113.97, 26.48)]
RARE = "𠀀龘"  # outside GBK: only GB18030 (4-byte sequences) encodes it


def frame(names=NAMES, geoms=POINTS, epsg=4326) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": names, "rank": range(len(names))}, geometry=geoms, crs="EPSG:4326").to_crs(epsg=epsg)


def geojson(features: list[dict], **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}, ensure_ascii=False).encode()


def feature(geometry, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geometry)}


def zipped(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def shapefile(tmp_path: Path, gdf: gpd.GeoDataFrame, encoding: str, keep_cpg: bool = True, keep_prj: bool = True) -> bytes:
    """A zipped shapefile whose DBF text is in ``encoding`` (GDAL writes a .cpg naming it)."""
    folder = tmp_path / f"shp-{encoding}-{keep_cpg}-{keep_prj}"
    folder.mkdir()
    gdf.to_file(folder / "图层.shp", encoding=encoding)
    parts = {}
    for path in folder.iterdir():
        if (path.suffix == ".cpg" and not keep_cpg) or (path.suffix == ".prj" and not keep_prj):
            continue
        parts[f"导出/{path.name}"] = path.read_bytes()
    return zipped(parts)


def geometry_coords(upload: uploads.Upload) -> list[tuple[float, float]]:
    return [(round(g.x, 4), round(g.y, 4)) for g in upload.gdf.geometry]


# ------------------------------------------------------------------ formats


def test_geojson_upload():
    up = uploads.load_upload("points.geojson", geojson([feature(p, name=n) for p, n in zip(POINTS, NAMES)]))
    assert list(up.gdf["name"]) == NAMES and up.gdf.crs.to_epsg() == 4326
    assert up.notes == ()


def test_geojson_keeps_its_strict_parser():
    ring = [[113.0, 27.0], [113.1, 27.0], [113.1, 27.1]]  # unclosed: GDAL would close it silently
    data = geojson([{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}])
    with pytest.raises(VectorDataError, match="要素 #0: .*至少需要 4 个"):
        uploads.load_upload("ring.geojson", data)


def test_geopackage_upload_in_utm_is_reprojected(tmp_path):
    path = tmp_path / "utm.gpkg"
    frame(epsg=32649).to_file(path, driver="GPKG", layer="站点")
    up = uploads.load_upload("utm.gpkg", path.read_bytes())
    assert list(up.gdf["name"]) == NAMES
    assert geometry_coords(up) == [(round(p.x, 4), round(p.y, 4)) for p in POINTS]
    assert "UTM zone 49N" in up.source_crs
    assert any("转换为 WGS-84" in n.message for n in up.notes)


def test_geopackage_with_several_layers_keeps_them_all(tmp_path):
    path = tmp_path / "two.gpkg"
    frame().iloc[:2].to_file(path, driver="GPKG", layer="a")
    frame().iloc[2:].to_file(path, driver="GPKG", layer="b")
    up = uploads.load_upload("two.gpkg", path.read_bytes())
    assert sorted(up.gdf["name"]) == sorted(NAMES)
    assert set(up.gdf["layer"]) == {"a", "b"}


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>踏勘</name>
<Placemark><name>株洲站</name><description><![CDATA[<b>站房</b>]]></description><Point><coordinates>113.15,27.83,0</coordinates></Point></Placemark>
<Placemark><name>线路</name><LineString><coordinates>113.1,27.8 113.2,27.9</coordinates></LineString></Placemark>
</Document></kml>"""


def test_kml_upload():
    up = uploads.load_upload("survey.kml", KML.encode())
    assert list(up.gdf["Name"]) == ["株洲站", "线路"]
    assert up.gdf["description"][0] == "<b>站房</b>"  # kept as text: the map renders it with textContent
    assert [spec.geometry for spec, _ in uploads.layer_specs(up)] == ["LineString", "Point"]


def test_kml_with_entity_declarations_is_refused():
    data = KML.replace("<kml", '<!DOCTYPE kml [<!ENTITY a "aaaaaaaa">]><kml').encode()
    with pytest.raises(VectorDataError, match="实体声明"):
        uploads.load_upload("lol.kml", data)


@pytest.mark.parametrize("epsg", [4526, 4547, 32649])  # CGCS2000 GK zone 38, GK CM 114E, UTM 49N
def test_zipped_shapefile_in_a_projected_crs(tmp_path, epsg):
    up = uploads.load_upload("exp.zip", shapefile(tmp_path, frame(epsg=epsg), "utf-8"))
    assert list(up.gdf["name"]) == NAMES
    assert geometry_coords(up) == [(round(p.x, 4), round(p.y, 4)) for p in POINTS]


# ------------------------------------------------------------------ DBF encodings


@pytest.mark.parametrize("keep_cpg", [True, False], ids=["with-cpg", "without-cpg"])
@pytest.mark.parametrize("encoding,names", [("gbk", NAMES), ("gb18030", [*NAMES[:2], RARE]), ("utf-8", [*NAMES[:2], RARE])])
def test_chinese_dbf_text_is_decoded(tmp_path, encoding, names, keep_cpg):
    data = shapefile(tmp_path, frame(names=names), encoding, keep_cpg=keep_cpg)
    up = uploads.load_upload("dbf.zip", data)
    assert list(up.gdf["name"]) == names


def test_gbk_without_cpg_needs_the_detection(tmp_path):
    """GDAL alone reads a GBK DBF without .cpg as Latin-1: the detection is what fixes it."""
    folder = tmp_path / "raw"
    folder.mkdir()
    frame().to_file(folder / "t.shp", encoding="gbk")
    (folder / "t.cpg").unlink()
    assert list(pyogrio.read_dataframe(folder / "t.shp")["name"]) != NAMES
    assert uploads.dbf_text((folder / "t.dbf").read_bytes()).decode("gb18030").count("株洲站") == 1


def test_cpg_is_honoured_over_detection(tmp_path):
    names = ["Café du Nord", "Zürich"]  # cp1252 bytes that GB18030 would decode as Chinese
    gdf = frame(names=names, geoms=POINTS[:2])
    assert uploads.load_upload("w.zip", shapefile(tmp_path, gdf, "cp1252")).gdf["name"].tolist() == names


def test_unknown_cpg_is_reported(tmp_path):
    data = shapefile(tmp_path, frame(), "utf-8")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["导出/图层.cpg"] = b"KLINGON-7"
    with pytest.raises(VectorDataError, match="无法识别的编码 'klingon-7'"):
        uploads.load_upload("bad.zip", zipped(parts))


# ------------------------------------------------------------------ zip limits and zip slip


def never_extracts(monkeypatch) -> list:
    opened: list = []
    original = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or original(self, *a, **k))
    return opened


def bomb(total_mb: int, entries: int = 1) -> bytes:
    """Zeros compress ~1000:1: a few hundred kB that claim hundreds of MB."""
    buffer = io.BytesIO()
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for n in range(entries):
            with archive.open(f"bomb{n}.shp", "w", force_zip64=True) as out:
                for _ in range(total_mb // entries):
                    out.write(zeros)
    return buffer.getvalue()


def test_zip_bomb_by_ratio_is_refused_fast_without_extracting(monkeypatch):
    data = bomb(60)
    assert len(data) < 200_000
    opened = never_extracts(monkeypatch)
    start = time.perf_counter()
    with pytest.raises(VectorDataError, match="压缩比 .*疑似压缩炸弹"):
        uploads.load_upload("bomb.zip", data)
    assert time.perf_counter() - start < 2
    assert opened == []


def test_zip_bomb_by_total_size_is_refused_without_extracting(monkeypatch):
    data = bomb(260, entries=4)
    opened = never_extracts(monkeypatch)
    with pytest.raises(VectorDataError, match="解压后共 260.0 MB，超过上限"):
        uploads.load_upload("bomb.zip", data)
    assert opened == []


def test_too_many_entries(monkeypatch):
    data = zipped({f"f{i}.txt": b"x" for i in range(uploads.MAX_ZIP_ENTRIES + 1)})
    opened = never_extracts(monkeypatch)
    with pytest.raises(VectorDataError, match="文件过多"):
        uploads.load_upload("many.zip", data)
    assert opened == []


def symlink_entry(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    info.create_system = 3
    return info


@pytest.mark.parametrize("hostile", ["../../evil.shp", "/etc/evil.shp", "a/../../evil.dbf", "C:\\evil.shp", "..\\evil.shx", "link.shp"])
def test_zip_slip_is_refused(tmp_path, monkeypatch, hostile):
    good = shapefile(tmp_path, frame(), "utf-8")
    buffer = io.BytesIO(good)
    with zipfile.ZipFile(buffer, "a") as archive:
        if hostile == "link.shp":
            archive.writestr(symlink_entry(hostile, "/etc/passwd"), "/etc/passwd")
        else:
            archive.writestr(hostile, b"x")
    monkeypatch.chdir(tmp_path)
    opened = never_extracts(monkeypatch)
    with pytest.raises(VectorDataError, match="不安全的路径"):
        uploads.load_upload("slip.zip", buffer.getvalue())
    assert opened == [] and not list(tmp_path.rglob("evil*"))


def test_extraction_happens_only_in_a_temporary_folder_that_is_removed(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    data = shapefile(tmp_path, frame(), "utf-8")
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    seen: list[Path] = []
    original = uploads._read_ogr
    monkeypatch.setattr(uploads, "_read_ogr", lambda path, *a: seen.append(path) or original(path, *a))
    uploads.load_upload("ok.zip", data)
    assert seen and all(scratch in p.parents for p in seen)  # GDAL read inside the temporary folder
    assert list(scratch.iterdir()) == []  # and it is gone afterwards


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("x.zip", b"PK\x03\x04 truncated", "不是有效的 zip"),
        ("x.zip", zipped({"readme.txt": b"hi"}), "没有 .shp"),
        ("x.gpkg", b"not sqlite", "不是 GeoPackage"),
        ("x.kml", b"<html></html>", "不是 KML"),
        ("x.dwg", b"AC1032", "不支持的文件类型 .dwg"),
        ("x.zip", b"", "文件为空"),
    ],
)
def test_unusable_files_get_a_specific_message(name, data, reason):
    with pytest.raises(VectorDataError) as info:
        uploads.load_upload(name, data)
    assert reason in str(info.value) and str(info.value).startswith(name)


def test_shapefile_without_dbf(tmp_path):
    with zipfile.ZipFile(io.BytesIO(shapefile(tmp_path, frame(), "utf-8"))) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if not n.endswith(".dbf")}
    with pytest.raises(VectorDataError, match="Shapefile '图层' 缺少 .dbf"):
        uploads.load_upload("nodbf.zip", zipped(parts))


# ------------------------------------------------------------------ CRS


def test_missing_crs_with_projected_coordinates_is_refused(tmp_path):
    data = shapefile(tmp_path, frame(epsg=4547), "utf-8", keep_prj=False)
    with pytest.raises(VectorDataError, match="没有声明坐标系.*请附上 .prj"):
        uploads.load_upload("noprj.zip", data)


def test_missing_crs_with_lonlat_coordinates_is_read_as_wgs84(tmp_path):
    up = uploads.load_upload("noprj.zip", shapefile(tmp_path, frame(), "utf-8", keep_prj=False))
    assert geometry_coords(up) == [(round(p.x, 4), round(p.y, 4)) for p in POINTS]
    assert any("按 WGS-84 经纬度读取" in n.message for n in up.notes)


def test_gcj02_data_is_converted_through_layers_crs():
    wgs = (113.1517, 27.8310)
    gcj = crs.wgs84_to_gcj02(*wgs)
    data = geojson([feature(Point(gcj), name="高德拾取")])
    plain = uploads.load_upload("amap.geojson", data)
    converted = uploads.load_upload("amap.geojson", data, gcj02=True)
    assert crs.distance_m(*geometry_coords(plain)[0], *wgs) > 300  # unconverted: hundreds of metres off
    x, y = converted.gdf.geometry[0].x, converted.gdf.geometry[0].y
    assert crs.distance_m(x, y, *wgs) < 0.05
    assert any("GCJ-02" in n.message for n in converted.notes)


def test_data_far_from_zhuzhou_is_flagged():
    up = uploads.load_upload("beijing.geojson", geojson([feature(Point(116.39, 39.9), name="天安门")]))
    assert any("不在株洲市范围内" in n.message for n in up.notes)


# ------------------------------------------------------------------ geometries


BOWTIE = Polygon([(113.0, 27.0), (113.2, 27.2), (113.2, 27.0), (113.0, 27.2), (113.0, 27.0)])
FLAT = Polygon([(113.0, 27.0), (113.1, 27.0), (113.1, 27.0), (113.0, 27.0)])  # collapsed ring: nothing to keep


def test_invalid_geometry_is_repaired_and_reported_with_its_index():
    data = geojson([feature(POINTS[0], name="ok"), feature(BOWTIE, name="bowtie")])
    up = uploads.load_upload("bowtie.geojson", data)
    assert up.gdf.geometry.is_valid.all() and len(up.gdf) == 2
    repaired = up.gdf.geometry[1]
    assert repaired.geom_type == "MultiPolygon" and repaired.area == pytest.approx(0.02)  # both triangles kept
    [note] = up.notes
    assert note.index == 1 and "自相交" in note.message and "make_valid 修复" in note.message


def test_unrepairable_geometry_is_skipped_and_reported():
    data = geojson([feature(FLAT, name="flat"), feature(POINTS[0], name="ok"), {"type": "Feature", "properties": {"name": "null"}, "geometry": None}])
    up = uploads.load_upload("flat.geojson", data)
    assert list(up.gdf["name"]) == ["ok"] and list(up.gdf.index) == [1]  # keeps the file's feature number
    assert {(n.index, "无法修复" in n.message or "几何为空" in n.message) for n in up.notes} == {(0, True), (2, True)}


def test_nothing_usable_is_an_error():
    with pytest.raises(VectorDataError, match="没有可显示的要素"):
        uploads.load_upload("flat.geojson", geojson([feature(FLAT, name="flat")]))


def test_mixed_geometry_types_become_one_layer_each():
    data = geojson([feature(POINTS[0], name="p"), feature(LineString([(113, 27), (113.1, 27.1)]), name="l"), feature(BOWTIE.buffer(0), name="a")])
    up = uploads.load_upload("mixed.geojson", data)
    specs = uploads.layer_specs(up)
    assert [(spec.geometry, list(gdf["name"])) for spec, gdf in specs] == [("Polygon", ["a"]), ("LineString", ["l"]), ("Point", ["p"])]
    assert [spec.title for spec, _ in specs] == ["mixed.geojson（面）", "mixed.geojson（线）", "mixed.geojson（点）"]
    assert specs[0][0].popup == ("name",)


def test_3d_coordinates_are_flattened():
    data = geojson([{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [113.1, 27.8, 55.0]}}])
    assert not uploads.load_upload("z.geojson", data).gdf.has_z.any()


def test_out_of_range_coordinates_are_refused_with_the_index():
    data = geojson([feature(POINTS[0]), feature(Point(713000, 3081000))])
    with pytest.raises(VectorDataError, match="要素 #1: 坐标像是投影坐标"):
        uploads.load_upload("utm-no-crs.geojson", data)


# ------------------------------------------------------------------ size cap


def test_size_cap_default_is_50_mb_and_says_so():
    assert uploads.MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    too_big = b" " * (uploads.MAX_UPLOAD_BYTES + 1)
    with pytest.raises(VectorDataError, match="文件大小 50.0 MB 超过上限 50.0 MB"):
        uploads.load_upload("big.geojson", too_big)


def test_streamlit_refuses_bigger_uploads_too():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == uploads.MAX_UPLOAD_MB


# ------------------------------------------------------------------ the command line uses the same loader


def test_validate_reads_every_upload_format(tmp_path):
    files = {
        "a.geojson": geojson([feature(POINTS[0], name="a")]),
        "b.kml": KML.encode(),
        "c.zip": shapefile(tmp_path, frame(epsg=4547), "gbk", keep_cpg=False),
    }
    gpkg = tmp_path / "d.gpkg"
    frame(epsg=32649).to_file(gpkg, driver="GPKG")
    paths = [str(gpkg)]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    result = subprocess.run([sys.executable, "-m", "layers", "validate", *paths], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("OK") == 4


def test_validate_refuses_a_zip_bomb(tmp_path):
    (tmp_path / "bomb.zip").write_bytes(bomb(60))
    result = subprocess.run([sys.executable, "-m", "layers", "validate", str(tmp_path / "bomb.zip")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "疑似压缩炸弹" in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------------------ the page


def upload_page(result=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/upload.py")
    if result is not None:
        at.session_state["upload_result"] = result
    at.run()
    return at


def test_upload_page_shows_count_problems_table_and_map():
    data = geojson([feature(POINTS[0], name="株洲站", 等级="一级"), feature(BOWTIE, name="范围")])
    at = upload_page(uploads.load_upload("踏勘.geojson", data))
    assert not at.exception
    assert [m.value for m in at.metric][:1] == ["2"]
    assert "要素 \\#1" in at.warning[0].value and "make\\_valid" in at.warning[0].value
    table = at.dataframe[-1].value  # the 属性表 closes the page (the map's 地图要素列表 comes first)
    assert list(table["name"]) == ["株洲站", "范围"] and list(table["等级"]) == ["一级", ""]
    [spec] = [json.loads(el.proto.bytes) for el in at.get("bidi_component") if el.proto.component_name == COMPONENT_NAME]
    assert "踏勘.geojson（面）" in [layer["title"] for layer in spec["layers"]]


def test_upload_page_lists_why_a_file_was_refused():
    with pytest.raises(VectorDataError) as info:
        uploads.load_upload("bomb.zip", bomb(60))
    at = upload_page(info.value.problems)
    assert not at.exception
    assert "疑似压缩炸弹" in at.error[0].value


def test_an_upload_stays_in_its_session():
    at = upload_page(uploads.load_upload("mine.geojson", geojson([feature(POINTS[0], name="只给我看")])))
    assert "只给我看" in at.dataframe[-1].value["name"].tolist()
    other = upload_page()
    assert not other.exception
    assert "upload_result" not in other.session_state
    assert other.info[0].value.startswith("尚未上传文件")


def test_export_adds_an_overlay_checked_like_an_upload(tmp_path):
    source = tmp_path / "踏勘<b>.geojson"
    source.write_bytes(geojson([feature(POINTS[0], name="株洲站")]))
    (tmp_path / "bomb.zip").write_bytes(bomb(60))
    out = tmp_path / "map.html"

    def export(overlay: Path) -> subprocess.CompletedProcess:
        args = ["export", "--layers", "admin_counties", "--title", "叠加", "--overlay", str(overlay), "--out", str(out)]
        return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)

    result = export(source)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "踏勘&lt;b&gt;.geojson" in page and "踏勘<b>" not in page
    refused = export(tmp_path / "bomb.zip")
    assert refused.returncode == 1 and "疑似压缩炸弹" in refused.stderr and "Traceback" not in refused.stderr
