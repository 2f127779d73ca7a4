"""What a user's file really is, how far GDAL may go with it, and how much reading it may cost.

A file name is a claim, not a fact.  GDAL chooses its driver by *content*: a
``.kml`` (or a zip's ``.shp``) that really holds an OGR VRT definition is
opened by the VRT driver, which then reads whatever path or URL it names
(``/etc/passwd``, ``/vsicurl/http://…``).  And what a file costs to read grows
with what it holds, not with its size on the wire: 100,000 property keys fit
in 1.5 MB, a million vertices in 16 MB.  So, before GDAL or pandas sees a
file, three walls:

1. **Content, not name.**  KML must be XML (no DTD, so no entities) whose root
   element is ``kml``; a GeoPackage must be SQLite carrying the GeoPackage
   application id; a Shapefile's ``.shp`` and ``.shx`` must start with the
   file code 9994.  GeoJSON never reaches GDAL: :mod:`layers.io.geojson` parses it.
2. **GDAL restricted for the whole process**, at import of this module: every
   driver but the few the app reads is skipped (``GDAL_SKIP``, then verified),
   network file systems are off, ``/vsi`` paths are refused, and the driver
   GDAL actually chose must be the one the content called for.
3. **Budgets before work.**  Features, property keys and vertices are counted
   from headers, from the parsed JSON or while scanning the XML — before a
   DataFrame is built — and geometries too large to repair are not handed to
   ``make_valid``.  The limits keep one upload within seconds of CPU and a few
   hundred MB (measured by ``python -m benchmarks.uploads``).

Every refusal is a :class:`~layers.io.validation.VectorDataError` with a Chinese
message naming the user's file, never a server path.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from pathlib import Path
from typing import Any

import pyogrio

from layers.io.validation import refusal

MAX_FEATURES = 20_000  # everything is inlined into the page: more would stall the browser
MAX_FIELDS = 500  # distinct property keys (attribute columns) in one file
MAX_VERTICES = 1_000_000  # in the whole file
# Checking a self-intersecting geometry costs up to the square of its vertices (1 s at 300,000), repairing
# it more (4 s at 40,000): so one feature is capped, and so is what one file may hand to make_valid.
MAX_GEOMETRY_VERTICES = 100_000
MAX_REPAIR_VERTICES = 20_000
MAX_JSON_VALUES = 5_000_000  # JSON values Python may build while parsing (≈ 300 MB at most)

# The drivers each recognised format may be read with; GeoJSON stays registered for the app's own layers.
READ_DRIVERS = {"kml": ("LIBKML", "KML"), "gpkg": ("GPKG",), "shp": ("ESRI Shapefile",)}
KEEP_DRIVERS = frozenset({"GeoJSON", *(name for names in READ_DRIVERS.values() for name in names)})
FORMAT_NAMES = {"kml": "KML", "gpkg": "GeoPackage", "shp": "Shapefile"}
SQLITE_MAGIC = b"SQLite format 3\x00"
GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")  # big-endian at offset 68 of the SQLite header
SHAPEFILE_CODE = 9994  # big-endian int at offset 0 of .shp and .shx
NETWORK_OFF = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".zzp-no-network",  # no URL ends so: /vsicurl/ and kin never connect
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
}
_CHUNK = 1024 * 1024
_TOKEN = re.compile(r"\S+")


def check_limit(count: int, limit: int, what: str, file: str) -> None:
    """Refuse once a count passes its limit (read at call time, so tests can lower it)."""
    if count > limit:
        raise refusal(file, f"{what}超过上限 {limit} 个（计得 {count} 个）：请先筛选、简化或分幅后再上传")


def check_vertices(counts: Any, total: int, file: str, first: int = 0) -> int:
    """Vertex ``counts`` of features ``first``, ``first + 1``… against both caps; returns the file's new total."""
    for i in (index for index, count in enumerate(counts) if count > MAX_GEOMETRY_VERTICES):
        raise refusal(file, f"单个要素的顶点超过上限 {MAX_GEOMETRY_VERTICES} 个（计得 {counts[i]} 个）：请先简化", first + i)
    total += int(sum(counts))
    check_limit(total, MAX_VERTICES, "顶点", file)
    return total


# ------------------------------------------------------------------ GDAL, restricted at import


def _restrict_gdal() -> frozenset[str]:
    """Skip every driver but :data:`KEEP_DRIVERS`, turn the network off; return drivers still registered."""
    skip = sorted((set(pyogrio.list_drivers()) - KEEP_DRIVERS) | {"VRT", "OGR_VRT"})
    pyogrio.set_gdal_config_options({"GDAL_SKIP": ",".join(skip), **NETWORK_OFF})
    # GDAL applies GDAL_SKIP when drivers are registered; pyogrio registered them at import, so again.
    register = getattr(getattr(pyogrio, "_ogr", None), "_register_drivers", None)
    if register is not None:
        register()
    return frozenset(pyogrio.list_drivers())


REGISTERED_DRIVERS = _restrict_gdal()


def gdal_layers(path: Path, kind: str, file: str) -> list[tuple[str, str | None]]:
    """(layer, geometry type) of a file GDAL may read as ``kind``; budgets on features and fields checked.

    Raises pyogrio's errors for the caller to word (it knows which temporary path to hide).
    """
    if str(path).startswith("/vsi") or kind not in READ_DRIVERS:  # GDAL's virtual (network, archive) paths
        raise refusal(file, "拒绝读取：不是本机上传的文件")
    extra = REGISTERED_DRIVERS - KEEP_DRIVERS
    if extra:  # fail closed: without the restriction, content could pick any driver
        raise refusal(file, f"服务器未能限制文件解析器（仍启用 {len(extra)} 个其他驱动），暂不读取 {FORMAT_NAMES[kind]} 文件")
    features, out = 0, []
    for layer, geometry_type in pyogrio.list_layers(path):
        info = pyogrio.read_info(path, layer=layer, force_feature_count=True)
        if info["driver"] not in READ_DRIVERS[kind]:
            raise refusal(file, f"文件内容不是 {FORMAT_NAMES[kind]}（被识别为 {info['driver']}），已拒绝")
        check_limit(len(info["fields"]), MAX_FIELDS, f"图层 {layer!r} 的属性字段", file)
        features += max(int(info["features"]), 0)
        check_limit(features, MAX_FEATURES, "要素", file)
        out.append((str(layer), geometry_type))
    return out


# ------------------------------------------------------------------ content, not name


def check_gpkg(data: bytes, file: str) -> None:
    """A GeoPackage is an SQLite database whose header carries the GeoPackage application id."""
    if not data.startswith(SQLITE_MAGIC) or len(data) < 100:
        raise refusal(file, "不是 GeoPackage 文件（文件头不是 SQLite 数据库）")
    if data[68:72] not in GPKG_APPLICATION_IDS:
        raise refusal(file, "不是 GeoPackage 文件（SQLite 数据库没有 GeoPackage 应用标识）")


def check_shapefile(stem: Path, file: str, label: str) -> None:
    """``stem``'s ``.shp`` and ``.shx`` carry the file code 9994; sizes and the DBF header bound the work.

    A ``.shx`` holds 8 bytes per feature, every vertex takes at least 16 bytes
    of ``.shp``, and a DBF header states its record and field counts.
    """
    shp, shx, dbf = (stem.with_suffix(ext) for ext in (".shp", ".shx", ".dbf"))
    for path in (shp, shx):
        head = _head(path, 100)
        if len(head) < 100 or int.from_bytes(head[:4], "big") != SHAPEFILE_CODE:
            raise refusal(file, f"Shapefile {label!r} 的 {path.suffix} 不是 Shapefile 文件（文件头标识不是 {SHAPEFILE_CODE}）")
    check_limit((shx.stat().st_size - 100) // 8, MAX_FEATURES, f"Shapefile {label!r} 的要素", file)
    check_limit((shp.stat().st_size - 100) // 16, MAX_VERTICES, f"Shapefile {label!r} 的顶点（按 .shp 大小估计）", file)
    head = _head(dbf, 32)
    if len(head) == 32:  # shorter: GDAL reports the broken DBF itself
        check_limit(int.from_bytes(head[4:8], "little"), MAX_FEATURES, f"Shapefile {label!r} 的属性记录", file)
        check_limit((int.from_bytes(head[8:10], "little") - 33) // 32, MAX_FIELDS, f"Shapefile {label!r} 的属性字段", file)


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as f:
        return f.read(size)


def check_kml(data: bytes, file: str) -> None:
    """XML without a DTD whose root is ``kml``; placemarks and coordinate tuples counted on the way.

    The whole file is parsed here by expat (streaming), so GDAL's KML readers
    only ever see well-formed XML of the right shape and size.
    """
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    state: dict[str, Any] = {"root": None, "placemarks": 0, "vertices": 0, "feature_start": 0, "coordinates": False, "in_token": False}

    def doctype(*_: Any) -> None:
        raise refusal(file, "KML 含有文档类型或实体声明（<!DOCTYPE>/<!ENTITY>），为安全起见已拒绝")

    def start(name: str, _attrs: Any) -> None:
        local = name.rsplit(" ", 1)[-1]
        if state["root"] is None:
            state["root"] = local
            if local != "kml":
                raise refusal(file, f"不是 KML 文件（根元素是 <{local}>，应为 <kml>）")
        if local == "Placemark":
            state["placemarks"] += 1
            state["feature_start"] = state["vertices"]
            check_limit(state["placemarks"], MAX_FEATURES, "要素（Placemark）", file)
        elif local == "coord":  # gx:Track: one vertex per element
            state["vertices"] += 1
        state["coordinates"] = local == "coordinates"
        state["in_token"] = False

    def end(name: str) -> None:
        state["coordinates"] = False
        if name.rsplit(" ", 1)[-1] == "Placemark":
            check_vertices([state["vertices"] - state["feature_start"]], 0, file, state["placemarks"] - 1)
        check_limit(state["vertices"], MAX_VERTICES, "顶点", file)

    def text(chunk: str) -> None:
        if state["coordinates"] and chunk:  # tuples are separated by whitespace; a chunk may split one
            state["vertices"] += len(_TOKEN.findall(chunk)) - (state["in_token"] and not chunk[0].isspace())
            state["in_token"] = not chunk[-1].isspace()

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.Parse(data[offset : offset + _CHUNK], False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        line = exc.lineno
        raise refusal(file, f"不是 KML 文件（XML 格式错误，第 {line} 行：{xml.parsers.expat.ErrorString(exc.code)}）") from None
    if state["root"] is None:
        raise refusal(file, "不是 KML 文件（找不到 <kml> 元素）")


# ------------------------------------------------------------------ GeoJSON budgets


def check_json_size(raw: bytes, file: str) -> None:
    """Bound what ``json.loads`` may build: each value is a container's first or follows a comma."""
    values = raw.count(b",") + raw.count(b"[") + raw.count(b"{")
    check_limit(values, MAX_JSON_VALUES, "JSON 值（数组、对象、数字与文本）", file)


def check_geojson(features: list, file: str) -> None:
    """Features, property keys and vertices of parsed GeoJSON, counted before any frame or geometry is built."""
    check_limit(len(features), MAX_FEATURES, "要素", file)
    keys: set[str] = set()
    vertices = 0
    for i, feature in enumerate(features):
        if not isinstance(feature, dict):
            continue  # the reader reports it
        props = feature.get("properties")
        if isinstance(props, dict):
            if len(props) > MAX_FIELDS:
                raise refusal(file, f"属性过多（{len(props)} 个，上限 {MAX_FIELDS} 个）", i)
            keys.update(props)
            check_limit(len(keys), MAX_FIELDS, "不同的属性名", file)
        vertices = check_vertices([positions(feature.get("geometry"))], vertices, file, i)


_NESTING = {"Point": 0, "MultiPoint": 1, "LineString": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}


def positions(geometry: Any, depth: int = 0) -> int:
    """How many positions a GeoJSON geometry object lists (malformed parts count 0: the reader reports them)."""
    if not isinstance(geometry, dict):
        return 0
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        parts = geometry.get("geometries")
        return sum(positions(part, depth + 1) for part in parts) if isinstance(parts, list) and depth < 8 else 0
    if not isinstance(kind, str) or kind not in _NESTING:
        return 0
    level = [geometry.get("coordinates")]
    for _ in range(_NESTING[kind]):
        level = [item for seq in level if isinstance(seq, list) for item in seq]
    return len(level)
