"""Staff files over the plan: GeoJSON, GeoPackage, KML or a zipped Shapefile, read defensively.

A file from outside is hostile until proven otherwise, and GDAL is a large
parser to expose, so before GDAL sees anything:

* the size is capped, a zip's directory is checked (entry count, total
  uncompressed size, compression ratio, absolute paths, ``..``, symlinks)
  *before* a byte is extracted, and only Shapefile parts are extracted, under
  generated names inside a :class:`tempfile.TemporaryDirectory`;
* the format is recognised by content, GDAL is restricted to the drivers the
  app reads, and features, fields and vertices are counted against budgets
  before anything is built — all in :mod:`layers.io.formats`.

What GDAL returns is then made usable: DBF text in GBK/GB18030 without a
``.cpg`` is detected (strict UTF-8 first), a missing CRS is accepted only for
plausible lon/lat, projected data is reprojected, GCJ-02 (高德) is converted
by :mod:`layers.crs`, and invalid geometries are repaired with
``shapely.make_valid`` (up to a vertex budget) or skipped — every such step is reported with the
feature index.  Anything unusable raises
:class:`~layers.io.validation.VectorDataError`, never another exception.

:func:`read` is the reader behind ``python -m layers validate`` (via
:func:`layers.io.reader.read_vector`); :func:`load_upload` adds the app's tidying.
Nothing here keeps state: the app holds an upload in the user's session only.
"""

from __future__ import annotations

import codecs
import datetime
import io
import math
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from layers.crs import WGS84, geodataframe_from_gcj02
from layers.io import formats
from layers.io.catalog import DEFAULT_SIMPLIFY_M, LayerSpec, Provenance, Style
from layers.io.geojson import GEOJSON_SUFFIXES, parse_geojson
from layers.io.validation import (
    Problem,
    VectorDataError,
    check_coordinate_ranges,
    check_geometries,
    geometry_family,
    refusal,
)
from layers.region import PLAN_EXTENT

MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
# Real shapefiles compress up to ~20:1 (DBF padding); zip bombs reach 1000:1.
MAX_ZIP_RATIO = 200
RATIO_CHECK_FROM = 1024 * 1024  # tiny entries may compress oddly well
UPLOAD_TYPES = ("geojson", "json", "gpkg", "kml", "zip")
FORMATS_TEXT = "GeoJSON、GeoPackage（.gpkg）、KML、zip 打包的 Shapefile"
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
POPUP_FIELDS = 8
TOOLTIP_FIELDS = 3
UPLOAD_STYLE = Style(color="#c2185b", weight=2.5, opacity=0.95, fill_color="#f06292", fill_opacity=0.25, radius=6.0)
FAMILY_NAMES = {"Polygon": "面", "LineString": "线", "Point": "点"}
_CHUNK = 1024 * 1024
# pyogrio's errors are RuntimeErrors; ValueError includes UnicodeDecodeError for text in another encoding.
_GDAL_ERRORS = (RuntimeError, ValueError, TypeError, OSError)
# .cpg names seen in Chinese data; GB2312/GBK text decodes identically as GB18030 (a superset).
_CPG_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "936": "gb18030", "65001": "utf-8", "utf8": "utf-8"}


@dataclass(frozen=True)
class Upload:
    """A user's file ready to draw: WGS-84, valid 2-D geometries, plain attribute values."""

    name: str
    gdf: gpd.GeoDataFrame
    notes: tuple[Problem, ...]  # what was assumed, converted, repaired or skipped
    source_crs: str


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


# ------------------------------------------------------------------ reading


def read(name: str, data: bytes, file: str | None = None) -> gpd.GeoDataFrame:
    """Any supported file's bytes → a WGS-84 GeoDataFrame (geometries as found, possibly invalid)."""
    return _read(name, data, file or name)[0]


def _read(name: str, data: bytes, file: str) -> tuple[gpd.GeoDataFrame, list[Problem], str]:
    """The frame, notes on what was assumed, and a description of the source CRS."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix in GEOJSON_SUFFIXES:
        return parse_geojson(data, file), [], "WGS-84（GeoJSON）"
    if suffix not in (".gpkg", ".kml", ".zip"):
        raise refusal(file, f"不支持的文件类型 {suffix or '（无扩展名）'}：请使用 {FORMATS_TEXT}")
    if not data:
        raise refusal(file, "文件为空")
    with tempfile.TemporaryDirectory(prefix="zzp-upload-") as tmp:
        folder = Path(tmp)
        if suffix == ".zip":
            sources = _unpack_shapefiles(data, file, folder)
        else:
            formats.check_gpkg(data, file) if suffix == ".gpkg" else formats.check_kml(data, file)
            target = folder / f"upload{suffix}"
            target.write_bytes(data)
            sources = [(target, None, None)]
        frames, notes, crs_names, vertices = [], [], [], [0]
        for path, encoding, label in sources:
            for layer, gdf in _read_ogr(path, file, folder, encoding, notes, vertices):
                crs_names.append(gdf.crs.name if gdf.crs is not None else "未声明")
                gdf = _to_wgs84(gdf, file, notes)
                frames.append((label or layer, gdf))
    if not frames:
        raise refusal(file, "文件中没有带几何的图层")
    if len(frames) == 1:
        gdf = frames[0][1]
    else:
        gdf = pd.concat([g.assign(layer=label) for label, g in frames], ignore_index=True)
        gdf = gpd.GeoDataFrame(gdf, geometry=gdf.geometry.name, crs=WGS84)
    return gdf.reset_index(drop=True), notes, "、".join(dict.fromkeys(crs_names))


def _read_ogr(
    path: Path, file: str, folder: Path, encoding: str | None, notes: list[Problem], vertices: list[int]
) -> list[tuple[str, gpd.GeoDataFrame]]:
    """Every layer with geometry, adding to the file's running ``vertices``; messages never show the temporary folder."""

    def reason(exc: Exception) -> str:
        return str(exc).replace(f"{folder}/", "").replace(str(folder), "") or type(exc).__name__

    try:
        layers = formats.gdal_layers(path, path.suffix.lstrip("."), file)
    except _GDAL_ERRORS as exc:
        raise refusal(file, f"无法读取：{reason(exc)}") from None
    out = []
    for layer, geometry_type in layers:
        if geometry_type is None:
            notes.append(Problem(file, f"图层 {layer!r} 没有几何（纯属性表），已跳过"))
            continue
        try:
            gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding, on_invalid="ignore")
        except UnicodeDecodeError:
            raise refusal(file, f"图层 {layer!r} 的属性文本不是 {encoding} 编码（.cpg 声明可能有误）") from None
        except _GDAL_ERRORS as exc:
            raise refusal(file, f"图层 {layer!r} 无法读取：{reason(exc)}") from None
        if isinstance(gdf, gpd.GeoDataFrame) and len(gdf):
            vertices[0] = formats.check_vertices(shapely.get_num_coordinates(gdf.geometry.values), vertices[0], file)
            out.append((str(layer), gdf))
    return out


def _to_wgs84(gdf: gpd.GeoDataFrame, file: str, notes: list[Problem]) -> gpd.GeoDataFrame:
    """Reproject to WGS-84; without a CRS, accept only coordinates that are plausible lon/lat."""
    if gdf.crs is None:
        coords = shapely.get_coordinates(gdf.geometry.values)
        finite = coords[np.isfinite(coords).all(axis=1)]
        if len(finite) and ((np.abs(finite[:, 0]) > 180).any() or (np.abs(finite[:, 1]) > 90).any()):
            x, y = finite[0]
            raise refusal(
                file,
                f"文件没有声明坐标系（Shapefile 缺少 .prj），坐标也不是经纬度（例: {x:.6g}, {y:.6g}）："
                "请附上 .prj 文件，或先转换为 WGS-84 经纬度",
            )
        notes.append(Problem(file, "文件没有声明坐标系；坐标均在经纬度范围内，按 WGS-84 经纬度读取"))
        return gdf.set_crs(WGS84)
    if gdf.crs.equals(WGS84):
        return gdf
    try:
        out = gdf.to_crs(WGS84)
    except Exception as exc:  # pyproj raises several types for CRSs it cannot transform
        raise refusal(file, f"无法从坐标系 {gdf.crs.name} 转换到 WGS-84：{exc}") from None
    notes.append(Problem(file, f"已从坐标系 {gdf.crs.name}（{gdf.crs.to_string()}）转换为 WGS-84"))
    return out


# ------------------------------------------------------------------ zipped shapefiles


def _unsafe_name(info: zipfile.ZipInfo) -> bool:
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    is_link = stat.S_ISLNK(info.external_attr >> 16)
    return name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts or is_link


def check_zip_directory(infos: list[zipfile.ZipInfo], file: str) -> None:
    """Refuse a zip from its directory alone: too many entries, too big, too compressed, unsafe paths."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise refusal(file, f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_ZIP_ENTRIES} 个）")
    for info in infos:
        if _unsafe_name(info):
            raise refusal(file, f"压缩包含不安全的路径 {info.filename!r}（绝对路径、“..”或符号链接），已拒绝")
        if info.flag_bits & 0x1:
            raise refusal(file, f"压缩包中的 {info.filename!r} 已加密，无法读取")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise refusal(file, f"解压后共 {_mb(total)}，超过上限 {_mb(MAX_UNZIPPED_BYTES)}（疑似压缩炸弹），未解压")
    for info in infos:
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise refusal(
                file, f"压缩包中的 {info.filename!r} 压缩比 {ratio:.0f}:1，超过上限 {MAX_ZIP_RATIO}:1（疑似压缩炸弹），未解压"
            )


def _unpack_shapefiles(data: bytes, file: str, folder: Path) -> list[tuple[Path, str | None, str]]:
    """Extract each shapefile's parts under generated names; return (shp path, DBF encoding, label)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, EOFError, OSError):
        raise refusal(file, "不是有效的 zip 压缩包（可能已损坏或被截断）") from None
    check_zip_directory(infos, file)
    groups: dict[str, dict[str, zipfile.ZipInfo]] = {}
    labels: dict[str, str] = {}
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir() or "__MACOSX" in path.parts or path.name.startswith("._"):
            continue
        suffix = path.suffix.lower()
        if suffix in SHAPEFILE_PARTS:
            stem = str(path.with_suffix("")).lower()
            groups.setdefault(stem, {})[suffix] = info
            labels.setdefault(stem, path.stem)
    shapefiles = {stem: parts for stem, parts in groups.items() if ".shp" in parts}
    if not shapefiles:
        raise refusal(file, "压缩包中没有 .shp 文件（zip 中应包含同名的 .shp、.shx、.dbf，最好还有 .prj）")
    budget = [MAX_UNZIPPED_BYTES]
    out = []
    for n, (stem, parts) in enumerate(sorted(shapefiles.items())):
        missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
        if missing:
            raise refusal(file, f"Shapefile {labels[stem]!r} 缺少 {'、'.join(missing)} 文件")
        for ext, info in parts.items():
            _extract(archive, info, folder / f"layer{n}{ext}", budget, file)
        formats.check_shapefile(folder / f"layer{n}", file, labels[stem])  # before the DBF is decoded or GDAL reads
        cpg = (folder / f"layer{n}.cpg").read_bytes() if ".cpg" in parts else None
        dbf = (folder / f"layer{n}.dbf").read_bytes()
        out.append((folder / f"layer{n}.shp", _dbf_encoding(dbf, cpg, f"{file}: {labels[stem]}.dbf"), labels[stem]))
    return out


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: list[int], file: str) -> None:
    """Copy one entry, counting bytes as they come (a lying directory cannot overrun the budget)."""
    try:
        with archive.open(info) as src, target.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise refusal(file, f"解压后超过上限 {_mb(MAX_UNZIPPED_BYTES)}（疑似压缩炸弹），已停止")
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise refusal(file, f"压缩包中的 {info.filename!r} 无法解压：{exc}") from None


def _dbf_encoding(dbf: bytes, cpg: bytes | None, file: str) -> str:
    """The DBF's text encoding: the ``.cpg`` if there is one, else strict UTF-8, else GB18030."""
    if cpg is not None:
        label = cpg.decode("ascii", "replace").strip().lower().removeprefix("ansi").strip()
        name = _CPG_ALIASES.get(label, label)
        if name.isdigit():
            name = f"cp{name}"
        try:
            return _CPG_ALIASES.get(codecs.lookup(name).name, codecs.lookup(name).name)
        except (LookupError, ValueError):  # unknown name, or one with NUL bytes
            raise refusal(file, f".cpg 声明了无法识别的编码 {label!r}") from None
    text = dbf_text(dbf)
    for codec in ("utf-8", "gb18030"):
        try:
            text.decode(codec)
            return codec
        except UnicodeDecodeError:
            continue
    raise refusal(file, "属性表文本既不是 UTF-8 也不是 GBK/GB18030：请附上写明编码的 .cpg 文件")


def dbf_text(dbf: bytes) -> bytes:
    """The bytes of a DBF's field names and character fields (numbers and padding left out)."""
    if len(dbf) < 32:
        return b""
    records = int.from_bytes(dbf[4:8], "little")
    header = int.from_bytes(dbf[8:10], "little")
    width = int.from_bytes(dbf[10:12], "little")
    fields, pos, offset = [], 32, 1  # each record starts with a deletion flag
    while pos + 32 <= min(header, len(dbf)) and dbf[pos] != 0x0D:
        name, kind, size = dbf[pos : pos + 11].split(b"\0")[0], dbf[pos + 11 : pos + 12], dbf[pos + 16]
        fields.append(name)
        if kind == b"C":
            fields.extend(
                dbf[start + offset : start + offset + size].rstrip(b" \0")
                for start in range(header, min(len(dbf), header + records * width), max(width, 1))
            )
        offset += size
        pos += 32
    return b"\n".join(fields)


# ------------------------------------------------------------------ the app's upload


def load_upload(name: str, data: bytes, gcj02: bool = False, max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """A user's file, checked and tidied for the map; raises :class:`VectorDataError` with the reasons.

    ``gcj02``: the coordinates come from 高德 (GCJ-02) and are converted to WGS-84.
    """
    file = PurePosixPath(name.replace("\\", "/")).name or "（未命名文件）"
    if len(data) > max_bytes:
        raise refusal(file, f"文件大小 {_mb(len(data))} 超过上限 {_mb(max_bytes)}")
    gdf, notes, source_crs = _read(file, data, file)
    if gcj02:
        gdf = geodataframe_from_gcj02(gdf)
        notes.append(Problem(file, "已按 GCJ-02（高德）坐标转换为 WGS-84"))
    gdf, more = _tidy_geometries(gdf, file)
    notes += more
    minx, miny, maxx, maxy = PLAN_EXTENT
    if not gdf.intersects(shapely.box(minx, miny, maxx, maxy)).any():
        x0, y0, x1, y1 = gdf.total_bounds
        notes.append(Problem(file, f"要素都不在株洲市范围内（范围 {x0:.4f},{y0:.4f} – {x1:.4f},{y1:.4f}），请核对坐标系"))
    return Upload(file, _plain_attributes(gdf), tuple(notes), source_crs)


def family(geom: shapely.Geometry) -> str | None:
    """Point, LineString or Polygon; a collection counts as its highest-dimension part."""
    found = geometry_family(geom.geom_type)
    if found or geom.geom_type != "GeometryCollection":
        return found
    dims = {shapely.get_dimensions(part) for part in shapely.get_parts(geom)}
    return {0: "Point", 1: "LineString", 2: "Polygon"}.get(max(dims)) if dims else None


def _repair(geom: shapely.Geometry) -> shapely.Geometry | None:
    """``make_valid`` keeping the feature's kind; None when nothing of that kind is left."""
    polygonal = family(geom) == "Polygon"
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False) if polygonal else shapely.make_valid(geom)
    if fixed is None or fixed.is_empty or not fixed.is_valid or family(fixed) != family(geom):
        return None
    return fixed


def _tidy_geometries(gdf: gpd.GeoDataFrame, file: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """2-D, in lon/lat range, valid (repaired where possible); unusable features skipped and noted."""
    notes: list[Problem] = []
    errors: list[Problem] = []
    keep, geoms, repaired = [], [], 0
    for i, geom in enumerate(gdf.geometry.values):
        if geom is None or geom.is_empty:
            notes.append(Problem(file, "几何为空或无法解析，已跳过", i))
            continue
        out_of_range = check_coordinate_ranges(shapely.get_coordinates(geom), file, i)
        if out_of_range:
            errors += out_of_range
            continue
        geom = shapely.force_2d(geom)
        invalid = check_geometries([geom], file)  # one validity test; the reason only when invalid
        if invalid:
            reason = "；".join(p.message for p in invalid)  # "几何无效：自相交（…）"
            repaired += shapely.get_num_coordinates(geom)
            if repaired > formats.MAX_REPAIR_VERTICES:  # make_valid's cost grows faster than the vertex count
                notes.append(Problem(file, f"{reason}，顶点过多（本文件最多修复共 {formats.MAX_REPAIR_VERTICES} 个顶点），未修复，已跳过", i))
                continue
            fixed = _repair(geom)
            if fixed is None:
                notes.append(Problem(file, f"{reason}，无法修复，已跳过", i))
                continue
            notes.append(Problem(file, f"{reason}，已用 make_valid 修复", i))
            geom = fixed
        keep.append(i)
        geoms.append(geom)
    if errors:
        raise VectorDataError(errors)
    if not keep:
        raise VectorDataError([*notes, Problem(file, "没有可显示的要素")])
    out = gdf.iloc[keep].copy()
    out[gdf.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=WGS84)
    out.index = pd.Index(keep, name="feature")  # the file's own feature numbers, also after skips
    return out, notes


def _plain(value: Any) -> Any:
    """A value JSON and the attribute table both take: text, number, boolean or empty."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, (bytes, bytearray)):
        return f"（{len(value)} 字节二进制数据）"
    if isinstance(value, (datetime.date, datetime.time, pd.Timestamp)):
        return None if pd.isna(value) else value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _plain_attributes(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geometry = gdf.geometry.name
    columns = {str(c): gdf[c].astype(object).map(_plain) for c in gdf.columns if c != geometry}
    frame = pd.DataFrame(columns, index=gdf.index)
    return gpd.GeoDataFrame(frame, geometry=gdf.geometry.values, crs=WGS84)


def layer_specs(upload: Upload) -> list[tuple[LayerSpec, gpd.GeoDataFrame]]:
    """One drawable layer per geometry kind (areas below lines below points), with a neutral style."""
    families = upload.gdf.geometry.map(family)
    present = [f for f in ("Polygon", "LineString", "Point") if (families == f).any()]
    fields = tuple(c for c in upload.gdf.columns if c != upload.gdf.geometry.name)
    out = []
    for kind in present:
        title = upload.name if len(present) == 1 else f"{upload.name}（{FAMILY_NAMES[kind]}）"
        out.append((upload_spec(title, kind, fields), upload.gdf[families == kind]))
    return out


def upload_spec(title: str, geometry: str, fields: tuple[str, ...]) -> LayerSpec:
    """A catalog-like spec for drawing a user's layer; popups show its first columns."""
    return LayerSpec(
        id=f"upload_{geometry.lower()}",
        title=title,
        group="用户数据",
        file="upload",
        geometry=geometry,
        visible=True,
        style=UPLOAD_STYLE,
        legend=title,
        provenance=Provenance("用户上传的文件", "未知", "未经本项目核验", "未知", datetime.date.today().isoformat(), False),
        tooltip=fields[:TOOLTIP_FIELDS],
        popup=fields[:POPUP_FIELDS],
        simplify_m=DEFAULT_SIMPLIFY_M[geometry],
    )
