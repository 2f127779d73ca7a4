"""Attacks on the upload reader ("Closed to attack"): files that are not what their name says, and files that cost too much.

Each hostile file is refused with a Chinese message, by every door (the app's
loader, ``python -m layers validate``, ``export --overlay``), and nothing it
points at — a server file or a local URL — is ever read.  Budgets are checked
before the expensive step: tests lower the limits and make that step explode.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import Point

from layers.io import formats, geojson, uploads
from layers.io.validation import VectorDataError
from tests.conftest import ROOT

PASSWD = Path("/etc/passwd")
SECRET_LINE = PASSWD.read_text().splitlines()[1].split(":")[0] + ":x:"  # e.g. "daemon:x:", a line the VRT would show


def vrt(source: str, source_layer: str) -> bytes:
    """An OGR VRT that turns every line of ``source`` into a point at 株洲站 (it worked before the fix)."""
    return f"""<!-- <kml> -->
<OGRVRTDataSource>
  <OGRVRTLayer name="pw">
    <SrcDataSource relativeToVRT="0">{source}</SrcDataSource>
    <SrcSQL>SELECT *, 'POINT (113.15 27.83)' AS wkt FROM "{source_layer}"</SrcSQL>
    <GeometryType>wkbPoint</GeometryType>
    <LayerSRS>EPSG:4326</LayerSRS>
    <GeometryField encoding="WKT" field="wkt"/>
  </OGRVRTLayer>
</OGRVRTDataSource>
""".encode()


PASSWD_VRT = vrt(f"CSV:{PASSWD}", "passwd")


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def real_shapefile(tmp_path: Path, gdf: gpd.GeoDataFrame | None = None) -> dict[str, bytes]:
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    if gdf is None:
        gdf = gpd.GeoDataFrame({"name": ["株洲站"]}, geometry=[Point(113.15, 27.83)], crs="EPSG:4326")
    gdf.to_file(folder / "a.shp")
    return {f"a{p.suffix}": p.read_bytes() for p in folder.iterdir()}


def disguises(tmp_path: Path, payload: bytes) -> dict[str, bytes]:
    """The payload under every name the app accepts."""
    parts = real_shapefile(tmp_path)
    return {
        "evil.kml": payload,
        "evil.zip": zipped({**parts, "a.shp": payload}),
        "evil.gpkg": payload,
        "evil.geojson": payload,
    }


def test_the_payload_is_real_without_the_guards(tmp_path):
    """In a plain interpreter (no layers.io.formats), GDAL reads /etc/passwd through the payload."""
    path = tmp_path / "evil.kml"
    path.write_bytes(PASSWD_VRT)
    code = f"import pyogrio; print(pyogrio.read_dataframe({str(path)!r}).iloc[:, 0].tolist())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert SECRET_LINE in result.stdout


@pytest.mark.parametrize("name", ["evil.kml", "evil.zip", "evil.gpkg", "evil.geojson"])
def test_a_vrt_in_disguise_is_refused_and_reads_nothing(tmp_path, name):
    data = disguises(tmp_path, PASSWD_VRT)[name]
    with pytest.raises(VectorDataError) as info:
        uploads.load_upload(name, data)
    message = str(info.value)
    assert message.startswith(name) and SECRET_LINE not in message and "root" not in message
    expected = {"evil.kml": "不是 KML 文件（根元素是 <OGRVRTDataSource>", "evil.zip": ".shp 不是 Shapefile 文件",
                "evil.gpkg": "不是 GeoPackage", "evil.geojson": "JSON 语法错误"}[name]
    assert expected in message


def test_without_the_content_check_gdal_still_cannot_use_the_vrt(tmp_path, monkeypatch):
    """Second wall: even if sniffing let it through, no GDAL driver in this process reads a VRT."""
    monkeypatch.setattr(formats, "check_kml", lambda data, file: None)
    assert "OGR_VRT" not in pyogrio.list_drivers() and set(pyogrio.list_drivers()) <= formats.KEEP_DRIVERS
    with pytest.raises(VectorDataError) as info:
        uploads.load_upload("evil.kml", PASSWD_VRT)
    assert SECRET_LINE not in str(info.value) and "zzp-upload" not in str(info.value)


def test_the_restriction_holds_whatever_imported_pyogrio_first():
    code = "import pyogrio; import layers.io.formats; print(sorted(pyogrio.list_drivers()))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert json.loads(result.stdout.replace("'", '"')) == sorted(formats.KEEP_DRIVERS)


def test_gdal_must_use_the_driver_the_content_called_for(tmp_path):
    path = tmp_path / "x.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(113, 27)], crs="EPSG:4326").to_file(path, driver="GPKG")
    with pytest.raises(VectorDataError, match="文件内容不是 KML（被识别为 GPKG）"):
        formats.gdal_layers(path, "kml", "x.kml")
    with pytest.raises(VectorDataError, match="不是本机上传的文件"):
        formats.gdal_layers(Path("/vsicurl/http://127.0.0.1:9/x.gpkg"), "gpkg", "x.gpkg")


def test_gdal_formats_are_refused_when_the_restriction_failed(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "REGISTERED_DRIVERS", formats.KEEP_DRIVERS | {"OGR_VRT"})
    with pytest.raises(VectorDataError, match="服务器未能限制文件解析器"):
        uploads.load_upload("ok.zip", zipped(real_shapefile(tmp_path)))


# ------------------------------------------------------------------ no request leaves through GDAL


SERVER = """
import http.server, sys
log = open(sys.argv[1], "a", buffering=1)
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        log.write(self.command + " " + self.path + "\\n")
        body = b"secret,wkt\\nfrom-the-intranet,POINT (113 27)\\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_HEAD = do_GET
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@pytest.fixture
def local_server(tmp_path):
    """A tiny HTTP server on 127.0.0.1, in its own process (GDAL may hold the GIL), logging every request."""
    log = tmp_path / "requests.log"
    log.touch()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(log)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}", lambda: log.read_text().splitlines()
    finally:
        server.terminate()
        server.wait(10)


def test_the_local_server_sees_what_gdal_fetches_without_the_guard(local_server):
    url, hits = local_server
    code = f"import pyogrio; print(pyogrio.read_info('/vsicurl/{url}/data.csv')['driver'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip() == "CSV" and "GET /data.csv" in hits(), result.stderr


def test_a_vsicurl_vrt_sends_no_request(tmp_path, monkeypatch, local_server):
    url, hits = local_server
    payload = vrt(f"/vsicurl/{url}/data.csv", "data")
    for name, data in disguises(tmp_path, payload).items():
        with pytest.raises(VectorDataError):
            uploads.load_upload(name, data)
    monkeypatch.setattr(formats, "check_kml", lambda data, file: None)  # the second wall alone
    with pytest.raises(VectorDataError):
        uploads.load_upload("evil.kml", payload)
    with pytest.raises(pyogrio.errors.DataSourceError):  # and GDAL itself, asked directly
        pyogrio.read_info(f"/vsicurl/{url}/data.csv")
    assert hits() == []


def test_a_kml_network_link_or_remote_style_is_not_fetched(local_server):
    """Even where an operator lets LIBKML resolve remote styles, the network is off for GDAL."""
    url, hits = local_server
    link = f"<NetworkLink><Link><href>{url}/more.kml</href></Link></NetworkLink>".encode()
    data = KML.replace(b"<Placemark>", link + b"<Placemark><styleUrl>" + url.encode() + b"/styles.kml#s</styleUrl>")
    pyogrio.set_gdal_config_options({"LIBKML_RESOLVE_STYLE": "YES", "LIBKML_EXTERNAL_STYLE": "YES"})
    try:
        up = uploads.load_upload("linked.kml", data)
    finally:
        pyogrio.set_gdal_config_options({"LIBKML_RESOLVE_STYLE": None, "LIBKML_EXTERNAL_STYLE": None})
    assert len(up.gdf) == 1 and hits() == []


# ------------------------------------------------------------------ content, not name


KML = b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>a</name><Point><coordinates>113.15,27.83</coordinates></Point></Placemark></kml>'


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"<!-- <kml> --><html/>", "根元素是 <html>"),
        (b'<!DOCTYPE kml SYSTEM "file:///etc/passwd"><kml/>', "文档类型或实体声明"),
        (b"<kml><Placemark>", "XML 格式错误"),
        (b"plain text mentioning <kml>", "XML 格式错误"),
        (b"", "文件为空"),
    ],
)
def test_kml_must_be_xml_rooted_in_kml(data, reason):
    with pytest.raises(VectorDataError, match=reason):
        uploads.load_upload("x.kml", data)


def test_a_namespaced_kml_root_is_accepted():
    data = KML.replace(b"<kml xmlns=", b"<k:kml xmlns:k=").replace(b"</kml>", b"</k:kml>")
    formats.check_kml(data, "x.kml")


def test_a_sqlite_database_that_is_not_a_geopackage_is_refused(tmp_path):
    path = tmp_path / "plain.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (a)")
    with pytest.raises(VectorDataError, match="没有 GeoPackage 应用标识"):
        uploads.load_upload("plain.gpkg", path.read_bytes())


def test_shx_must_carry_the_shapefile_code_too(tmp_path):
    parts = real_shapefile(tmp_path)
    parts["a.shx"] = b"\0" * 200
    with pytest.raises(VectorDataError, match=r"'a' 的 \.shx 不是 Shapefile 文件"):
        uploads.load_upload("x.zip", zipped(parts))


def test_gdal_messages_do_not_show_the_temporary_folder():
    header = formats.SQLITE_MAGIC + bytes(52) + b"GPKG" + bytes(28)
    with pytest.raises(VectorDataError) as info:
        uploads.load_upload("broken.gpkg", header + b"\0" * 4000)
    assert "zzp-upload" not in str(info.value) and "/tmp" not in str(info.value)


# ------------------------------------------------------------------ the command line


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_validate_and_export_refuse_the_payload(tmp_path):
    paths = []
    for name, data in disguises(tmp_path, PASSWD_VRT).items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    result = cli("validate", *paths)
    assert result.returncode == 1 and "OK" not in result.stdout and "Traceback" not in result.stderr
    assert "不是 KML 文件" in result.stderr and SECRET_LINE not in result.stderr + result.stdout
    out = tmp_path / "map.html"
    exported = cli("export", "--layers", "admin_counties", "--title", "叠加", "--overlay", paths[0], "--out", str(out))
    assert exported.returncode == 1 and "不是 KML 文件" in exported.stderr and not out.exists()


def test_validate_refuses_too_many_features_before_building_anything(tmp_path):
    features = [{"type": "Feature", "properties": {"n": i}, "geometry": {"type": "Point", "coordinates": [113.1, 27.8]}} for i in range(20_001)]
    path = tmp_path / "many.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = cli("validate", str(path))
    assert result.returncode == 1 and "要素超过上限 20000 个（计得 20001 个）" in result.stderr


# ------------------------------------------------------------------ budgets before work


def explode(*args, **kwargs):
    raise AssertionError("the expensive step ran")


def feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


POINT = {"type": "Point", "coordinates": [113.15, 27.83]}


def test_geojson_with_100000_keys_is_refused_before_a_frame_is_built(monkeypatch):
    monkeypatch.setattr(geojson.gpd, "GeoDataFrame", explode)
    data = collection([feature(POINT, **{f"k{i}": i for i in range(100_000)})])
    with pytest.raises(VectorDataError, match=r"要素 #0: 属性过多（100000 个，上限 500 个）"):
        uploads.load_upload("keys.geojson", data)


def test_geojson_keys_are_counted_across_features(monkeypatch):
    monkeypatch.setattr(formats, "MAX_FIELDS", 10)
    monkeypatch.setattr(geojson.gpd, "GeoDataFrame", explode)
    data = collection([feature(POINT, **{f"k{i}": 1}) for i in range(11)])
    with pytest.raises(VectorDataError, match="不同的属性名超过上限 10 个"):
        uploads.load_upload("keys.geojson", data)


@pytest.mark.parametrize(
    "limit,value,features,reason",
    [
        ("MAX_FEATURES", 3, [feature(POINT)] * 4, "要素超过上限 3 个"),
        ("MAX_VERTICES", 5, [feature({"type": "MultiPolygon", "coordinates": [[[[113, 27], [113.1, 27], [113, 27.1], [113, 27]]]]})] * 2, "顶点超过上限 5 个（计得 8 个）"),
        ("MAX_JSON_VALUES", 10, [feature(POINT)] * 3, "JSON 值"),
    ],
)
def test_geojson_budgets_are_checked_before_geometries_are_built(monkeypatch, limit, value, features, reason):
    monkeypatch.setattr(formats, limit, value)
    monkeypatch.setattr(geojson, "shape", explode)
    with pytest.raises(VectorDataError, match=reason):
        uploads.load_upload("x.geojson", collection(features))


def star(vertices: int) -> shapely.Polygon:
    """A self-intersecting star (a pentagram's rings, many times over) around 株洲."""
    angles = np.linspace(0, 2 * np.pi * 7, vertices)
    radius = np.where(np.arange(vertices) % 2, 0.1, 0.03)
    ring = np.column_stack([113.15 + radius * np.cos(angles), 27.83 + radius * np.sin(angles)])
    return shapely.Polygon(np.vstack([ring, ring[:1]]))


def test_a_huge_invalid_polygon_is_not_repaired(monkeypatch):
    monkeypatch.setattr(formats, "MAX_REPAIR_VERTICES", 100)
    monkeypatch.setattr(uploads.shapely, "make_valid", explode)
    big = star(200)
    assert not big.is_valid
    data = collection([feature(shapely.geometry.mapping(big)), feature(POINT, name="ok")])
    up = uploads.load_upload("star.geojson", data)
    assert list(up.gdf.index) == [1]
    [note] = up.notes
    assert note.index == 0 and "自相交" in note.message and "顶点过多（本文件最多修复共 100 个顶点），未修复，已跳过" in note.message


def test_the_repair_budget_is_shared_by_the_whole_file(monkeypatch):
    monkeypatch.setattr(formats, "MAX_REPAIR_VERTICES", 150)
    data = collection([feature(shapely.geometry.mapping(star(100)), name=str(i)) for i in range(3)])
    up = uploads.load_upload("stars.geojson", data)
    assert list(up.gdf["name"]) == ["0"]  # 101 vertices repaired; the next 101 would pass 150
    assert [("make_valid 修复" in n.message, "未修复" in n.message) for n in up.notes] == [(True, False), (False, True), (False, True)]


def test_one_huge_feature_is_refused_before_its_validity_is_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "MAX_GEOMETRY_VERTICES", 150)
    monkeypatch.setattr(uploads, "check_geometries", explode)
    monkeypatch.setattr(geojson, "shape", explode)
    data = collection([feature(POINT), feature(shapely.geometry.mapping(star(200)))])
    with pytest.raises(VectorDataError, match="要素 #1: 单个要素的顶点超过上限 150 个（计得 201 个）"):
        uploads.load_upload("star.geojson", data)
    coords = " ".join(f"{x},{y}" for x, y in shapely.get_coordinates(star(200)))
    kml = f"<kml><Placemark><Point><coordinates>113,27</coordinates></Point></Placemark><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>"
    with pytest.raises(VectorDataError, match="要素 #1: 单个要素的顶点超过上限 150 个（计得 201 个）"):
        uploads.load_upload("star.kml", kml.encode())
    path = tmp_path / "star.gpkg"
    gpd.GeoDataFrame(geometry=[star(200)], crs="EPSG:4326").to_file(path, driver="GPKG")
    with pytest.raises(VectorDataError, match="要素 #0: 单个要素的顶点超过上限 150 个（计得 201 个）"):
        uploads.load_upload("star.gpkg", path.read_bytes())


def test_a_small_invalid_polygon_is_still_repaired():
    up = uploads.load_upload("star.geojson", collection([feature(shapely.geometry.mapping(star(200)))]))
    assert up.gdf.geometry.is_valid.all() and "make_valid 修复" in up.notes[0].message


def points_frame(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"n": range(n)}, geometry=shapely.points(np.full(n, 113.15), np.full(n, 27.83)), crs="EPSG:4326")


@pytest.mark.parametrize("limit,value,reason", [("MAX_FEATURES", 9, "'a' 的要素超过上限 9 个（计得 10 个）"), ("MAX_VERTICES", 9, "按 .shp 大小估计")])
def test_a_big_shapefile_is_refused_from_its_headers(tmp_path, monkeypatch, limit, value, reason):
    data = zipped(real_shapefile(tmp_path, points_frame(10)))
    monkeypatch.setattr(formats, limit, value)
    monkeypatch.setattr(uploads, "_dbf_encoding", explode)
    monkeypatch.setattr(uploads.pyogrio, "read_dataframe", explode)
    with pytest.raises(VectorDataError, match=reason):
        uploads.load_upload("big.zip", data)


def test_a_shapefile_with_too_many_fields_is_refused_from_the_dbf_header(tmp_path, monkeypatch):
    gdf = points_frame(2).assign(**{f"f{i}": i for i in range(12)})
    monkeypatch.setattr(formats, "MAX_FIELDS", 10)
    monkeypatch.setattr(uploads.pyogrio, "read_dataframe", explode)
    with pytest.raises(VectorDataError, match="'a' 的属性字段超过上限 10 个（计得 13 个）"):
        uploads.load_upload("wide.zip", zipped(real_shapefile(tmp_path, gdf)))


def test_a_geopackage_is_counted_before_it_is_read_and_before_repair(tmp_path, monkeypatch):
    path = tmp_path / "p.gpkg"
    points_frame(10).to_file(path, driver="GPKG")
    monkeypatch.setattr(formats, "MAX_FEATURES", 9)
    monkeypatch.setattr(uploads.pyogrio, "read_dataframe", explode)
    with pytest.raises(VectorDataError, match="要素超过上限 9 个（计得 10 个）"):
        uploads.load_upload("p.gpkg", path.read_bytes())
    monkeypatch.undo()
    monkeypatch.setattr(formats, "MAX_VERTICES", 9)
    monkeypatch.setattr(uploads, "_tidy_geometries", explode)
    with pytest.raises(VectorDataError, match="顶点超过上限 9 个（计得 10 个）"):
        uploads.load_upload("p.gpkg", path.read_bytes())


def test_a_kml_is_counted_while_its_xml_is_checked(monkeypatch):
    placemark = b"<Placemark><LineString><coordinates>113.1,27.8,0 113.2,27.9,0\n 113.3,27.9</coordinates></LineString></Placemark>"
    data = b"<kml><Document>" + placemark * 3 + b"</Document></kml>"
    monkeypatch.setattr(uploads.pyogrio, "list_layers", explode)
    monkeypatch.setattr(formats, "MAX_FEATURES", 2)
    with pytest.raises(VectorDataError, match="要素（Placemark）超过上限 2 个"):
        uploads.load_upload("x.kml", data)
    monkeypatch.setattr(formats, "MAX_FEATURES", 20)
    monkeypatch.setattr(formats, "MAX_VERTICES", 8)
    with pytest.raises(VectorDataError, match="顶点超过上限 8 个（计得 9 个）"):
        uploads.load_upload("x.kml", data)


def test_kml_vertices_split_across_parser_chunks_are_counted_once(monkeypatch):
    monkeypatch.setattr(formats, "_CHUNK", 7)  # expat then hands the coordinates over in many pieces
    monkeypatch.setattr(formats, "MAX_VERTICES", 3)
    coordinates = b"113.111111,27.811111 113.211111,27.911111 113.311111,27.911111"
    formats.check_kml(b"<kml><Placemark><LineString><coordinates>" + coordinates + b"</coordinates></LineString></Placemark></kml>", "x.kml")
    with pytest.raises(VectorDataError, match="计得 4 个"):
        formats.check_kml(b"<kml><Placemark><LineString><coordinates>" + coordinates + b" 113.4,27.9</coordinates></LineString></Placemark></kml>", "x.kml")
