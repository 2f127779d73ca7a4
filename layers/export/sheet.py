"""What a briefing sheet shows, decided before anything is drawn: paper, layers, notes, text limits.

User text (title, subtitle, link, date, an overlay's name) is checked here — length, and a real
date — and later printed as text only; see :mod:`layers.export.html` for the HTML export.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import geopandas as gpd
import numpy as np

from layers.crs import WGS84
from layers.io import store, uploads
from layers.io.catalog import LayerSpec, load_catalog
from layers.region import METRIC_CRS
from layers.region.extents import Extent, resolve
from layers.web.style import LegendEntry, legend_entries

MM_PER_IN, PT_PER_IN = 25.4, 72.0
PT_PER_MM = PT_PER_IN / MM_PER_IN
MAP_BACKGROUND = "#f4f2ec"  # the web map's background (mapbuild.MAP_CSS)
INK, GREY, RULE = "#222222", "#555555", "#999999"
CREATOR = "株洲“十四五”规划空间布局查看器"
# Text that reaches a sheet: a title is a line, a link a URL; longer input is refused, not drawn.
TEXT_LIMITS = {"图名": 80, "副标题": 200, "在线地图链接": 2048, "叠加图层名称": 120}


class ExportError(ValueError):
    """A bad export request (layer, paper, format, DPI); the message says what is valid."""


@dataclass(frozen=True)
class Paper:
    """A paper size (A4 either way, 16:9 slide) in millimetres."""
    id: str
    label: str
    width_mm: float
    height_mm: float

    def pixels(self, dpi: float) -> tuple[int, int]:
        """Size of a PNG of this paper at ``dpi``."""
        return round(self.width_mm / MM_PER_IN * dpi), round(self.height_mm / MM_PER_IN * dpi)


PAPERS: dict[str, Paper] = {
    p.id: p
    for p in (
        Paper("a4-landscape", "A4 横向", 297.0, 210.0),
        Paper("a4-portrait", "A4 纵向", 210.0, 297.0),
        Paper("16x9", "16:9 幻灯片", 13.333 * MM_PER_IN, 7.5 * MM_PER_IN),
    )
}


@lru_cache(maxsize=64)
def load_cached(layer_id: str, stamp: float) -> store.LayerLoad:
    """A catalog layer, read once per file version (``stamp`` is the file's mtime)."""
    [load] = store.load_many([layer_id])
    return load


@lru_cache(maxsize=64)
def _metric(layer_id: str, stamp: float) -> np.ndarray:
    return _to_metric(load_cached(layer_id, stamp).gdf)


def _to_metric(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(gdf.geometry.to_crs(METRIC_CRS).values)


@dataclass(frozen=True)
class SheetLayer:
    """One exported layer: its spec, its features in WGS-84, and the file version that keys its caches."""
    spec: LayerSpec
    gdf: gpd.GeoDataFrame  # WGS-84
    stamp: float | None  # file version of a catalog layer; None for a user's overlay

    @cached_property
    def metric(self) -> np.ndarray:
        """Geometries in the metric CRS (cached across exports for catalog layers)."""
        return _to_metric(self.gdf) if self.stamp is None else _metric(self.spec.id, self.stamp)


@dataclass(frozen=True)
class Sheet:
    """Everything a briefing map shows, decided before anything is drawn."""

    title: str
    subtitle: str
    paper: Paper
    extent: Extent
    layers: tuple[SheetLayer, ...]
    legend: tuple[LegendEntry, ...]  # exactly the exported layers' symbols, in drawing order
    notes: tuple[str, ...]  # source and accuracy of each layer, then what was left out
    date: str
    permalink: str | None




def overlay_spec(gdf: gpd.GeoDataFrame, title: str) -> LayerSpec:
    """The upload page's spec for a user's file, so an export draws and legends it the same way."""
    families = list(gdf.geometry.map(uploads.family))
    geometry = max(("Polygon", "LineString", "Point"), key=families.count)  # ties: the first, deterministically
    fields = tuple(c for c in gdf.columns if c != gdf.geometry.name)
    return uploads.upload_spec(title, geometry, fields)


def _note(spec: LayerSpec) -> str:
    prov = spec.provenance
    return f"{spec.title}{'（示意）' if prov.schematic else ''}：{prov.source}；精度 {prov.accuracy}"


def compose(
    layer_ids: list[str],
    extent: str | Extent,
    title: str,
    subtitle: str = "",
    paper: str = "a4-landscape",
    permalink: str | None = None,
    date: str | datetime.date | None = None,
    overlay: gpd.GeoDataFrame | None = None,
    overlay_title: str = "上传图层",
) -> Sheet:
    """Check the request and load the layers; raises :class:`ExportError` or ``ExtentError``."""
    check_text(title=title, subtitle=subtitle, permalink=permalink or "", overlay_title=overlay_title)
    catalog = load_catalog()
    unknown = [lid for lid in layer_ids if lid not in catalog.ids()]
    if unknown:
        raise ExportError(f"未知图层 {', '.join(map(repr, unknown))}（可选: {', '.join(catalog.ids())}）")
    if not layer_ids and overlay is None:
        raise ExportError("至少选择一个图层")
    if paper not in PAPERS:
        raise ExportError(f"未知纸张 {paper!r}（可选: {', '.join(PAPERS)}）")
    if isinstance(extent, str):
        extent = resolve(extent, catalog)
    layers: list[SheetLayer] = []
    left_out: list[str] = []
    for spec in catalog:  # catalog order: the order the web map stacks them
        if spec.id not in layer_ids:
            continue
        stamp = store.file_stamp(spec)
        load = load_cached(spec.id, stamp)
        if load.ok:
            layers.append(SheetLayer(spec, load.gdf, stamp))
        else:
            reason = load.problems[0] if load.problems else "文件无法读取"
            left_out.append(f"图层「{spec.title}」无法读取，未导出：{reason}")
    notes = [_note(layer.spec) for layer in layers]
    if overlay is not None:
        gdf = (overlay if overlay.crs is not None else overlay.set_crs(WGS84)).to_crs(WGS84)
        spec = overlay_spec(gdf, overlay_title)
        layers.append(SheetLayer(spec, gdf, None))
        notes.append(f"{spec.title}：用户提供的文件，未经本项目核验，不属于规划数据")
    if any(layer.spec.provenance.schematic for layer in layers):
        notes.append("标“示意”的图层依规划文字和真实锚点绘制，不是测绘成果。")
    return Sheet(
        title=title,
        subtitle=subtitle,
        paper=PAPERS[paper],
        extent=extent,
        layers=tuple(layers),
        legend=tuple(entry for layer in layers for entry in legend_entries(layer.spec)),
        notes=(*notes, *left_out),
        date=_date_text(date),
        permalink=permalink,
    )


def check_text(title: str, subtitle: str = "", permalink: str = "", overlay_title: str = "") -> None:
    """Refuse sheet text beyond :data:`TEXT_LIMITS` (user text is printed as text, never interpreted)."""
    for (label, limit), value in zip(TEXT_LIMITS.items(), (title, subtitle, permalink, overlay_title)):
        if len(value) > limit:
            raise ExportError(f"{label}过长（{len(value)} 字，上限 {limit} 字）")


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def file_stem(title: str, extent_label: str) -> str:
    """A download's file name (without suffix) from the sheet's title: safe on Windows, macOS and Linux."""
    stem = _UNSAFE_IN_FILE_NAMES.sub("_", f"{title.strip()}-{extent_label}").strip(" ._-")
    return stem[:80] or "株洲简报图"


def _date_text(date: str | datetime.date | None) -> str:
    """The sheet's date as ``YYYY-MM-DD``; anything that is not a calendar date is refused."""
    if date is None:
        return datetime.date.today().isoformat()
    if isinstance(date, datetime.date):
        return date.isoformat()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
        try:
            return datetime.date.fromisoformat(str(date)).isoformat()
        except ValueError:
            pass
    raise ExportError(f"制图日期应为 YYYY-MM-DD 格式的日期（收到 {str(date)[:20]!r}）")
