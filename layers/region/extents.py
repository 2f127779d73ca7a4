"""Named map extents for exports: the whole city, the core, the plan's 圈 and 廊, a county, a view.

An extent is a WGS-84 box ``(minlon, minlat, maxlon, maxlat)``, computed from
the data rather than typed in, so it follows the county outlines (and the
spatial-structure layer once it exists).  Keys are English for URLs and the
command line; :func:`label` gives the Chinese name for the page and the sheet.

``bbox:minlon,minlat,maxlon,maxlat`` is the view a map page links with.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import shapely

from layers.io import store
from layers.io.catalog import Catalog, LayerSpec, load_catalog
from layers.region import COUNTIES, URBAN_DISTRICTS, VIEW_LIMITS

PRESETS = {"city": "全市", "core": "中心城区", "zhuli": "株醴都市圈", "corridor": "醴炎走廊"}
BBOX_PREFIX = "bbox:"
BBOX_LABEL = "当前地图视图"
COUNTY_LAYER = "admin_counties"
STRUCTURE_LAYER = "spatial_structure"
# The plan's own outlines of 一圈 and 一廊, used when the structure layer carries them.
STRUCTURE_FEATURES = {"zhuli": "一圈（株醴都市圈）", "corridor": "一廊（醴炎县域经济发展走廊）"}
# Stand-ins from the counties the plan names for each, when it does not.
FALLBACK_COUNTIES = {
    "city": COUNTIES,
    "core": URBAN_DISTRICTS,
    "zhuli": (*URBAN_DISTRICTS, "渌口区", "醴陵市"),
    "corridor": ("醴陵市", "攸县", "茶陵县", "炎陵县"),
}
# The 中心城区 includes 渌口's urban area: a box around 渌口镇 (its seat in sources/gazetteer.csv), ≈ ±5 km.
LUKOU_TOWN = (113.13723, 27.70851)
LUKOU_HALF_SIZE = (0.05, 0.045)

Bounds = tuple[float, float, float, float]


class ExtentError(ValueError):
    """An unknown or malformed extent; the message lists the valid choices."""


@dataclass(frozen=True)
class Extent:
    """A named map extent: its key (for URLs and the CLI), Chinese label and WGS-84 bounds."""
    key: str
    label: str
    bounds: Bounds


def choices() -> list[str]:
    """Every named extent: the presets, then the nine counties."""
    return [*PRESETS, *COUNTIES]


def label(key: str) -> str:
    """Chinese name of an extent key (the county name for a county)."""
    if key.startswith(BBOX_PREFIX):
        return BBOX_LABEL
    return PRESETS.get(key, key)


def bbox_key(bounds: Bounds) -> str:
    """The key of a free box, as map pages put it in links (4 decimals ≈ 10 m)."""
    return BBOX_PREFIX + ",".join(f"{v:.4f}" for v in bounds)


MAX_BBOX_CHARS = 120  # four numbers with decimals; anything longer is not a bbox


def parse_bbox(text: str) -> Bounds:
    """``minlon,minlat,maxlon,maxlat`` → bounds clipped to the region; raises :class:`ExtentError`."""
    if len(text) > MAX_BBOX_CHARS:
        raise ExtentError(f"范围参数过长（{len(text)} 字符）")
    try:
        minx, miny, maxx, maxy = (float(v) for v in text.split(","))
    except ValueError:
        raise ExtentError(f"范围 {text!r} 格式应为 minlon,minlat,maxlon,maxlat（WGS-84 经纬度）") from None
    lx0, ly0, lx1, ly1 = VIEW_LIMITS
    minx, miny, maxx, maxy = max(minx, lx0), max(miny, ly0), min(maxx, lx1), min(maxy, ly1)
    if not (minx < maxx and miny < maxy):
        raise ExtentError(f"范围 {text!r} 为空或不在株洲附近（经度 {lx0}–{lx1}，纬度 {ly0}–{ly1}）")
    return (minx, miny, maxx, maxy)


def _union(boxes: list[Bounds]) -> Bounds:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@lru_cache(maxsize=8)
def _named_bounds(spec: LayerSpec, stamp: float) -> dict[str, Bounds] | None:
    """Bounds of each named feature of a layer (``stamp`` keys the cache to the file); None if broken."""
    load = store.load(spec)
    if not load.ok:
        return None
    return {
        str(name): tuple(float(v) for v in shapely.bounds(geom))
        for name, geom in zip(load.gdf["name"], load.gdf.geometry.values)
        if geom is not None and not geom.is_empty
    }


def _layer_bounds(catalog: Catalog, layer_id: str) -> dict[str, Bounds] | None:
    if layer_id not in catalog.ids():
        return None
    spec = catalog.get(layer_id)
    return _named_bounds(spec, store.file_stamp(spec))


def _county_union(catalog: Catalog, names: tuple[str, ...]) -> Bounds:
    counties = _layer_bounds(catalog, COUNTY_LAYER)
    if counties is None:
        raise ExtentError(f"县界图层 {COUNTY_LAYER} 无法读取，无法计算范围（python -m layers validate --all 查看原因）")
    missing = [name for name in names if name not in counties]
    if missing:
        raise ExtentError(f"县界图层缺少 {'、'.join(missing)}，无法计算范围")
    return _union([counties[name] for name in names])


def _preset_bounds(catalog: Catalog, key: str) -> Bounds:
    if key in STRUCTURE_FEATURES:
        structure = _layer_bounds(catalog, STRUCTURE_LAYER) or {}
        if STRUCTURE_FEATURES[key] in structure:
            return structure[STRUCTURE_FEATURES[key]]
    bounds = _county_union(catalog, FALLBACK_COUNTIES[key])
    if key == "core":
        lon, lat = LUKOU_TOWN
        dx, dy = LUKOU_HALF_SIZE
        bounds = _union([bounds, (lon - dx, lat - dy, lon + dx, lat + dy)])
    return bounds


def resolve(key: str, catalog: Catalog | None = None) -> Extent:
    """The extent named by ``key``; raises :class:`ExtentError` naming the valid choices."""
    catalog = catalog or load_catalog()
    key = key.strip()
    if key.startswith(BBOX_PREFIX):
        bounds = parse_bbox(key[len(BBOX_PREFIX):])
        return Extent(bbox_key(bounds), BBOX_LABEL, bounds)
    if key in PRESETS:
        return Extent(key, PRESETS[key], _preset_bounds(catalog, key))
    if key in COUNTIES:
        return Extent(key, key, _county_union(catalog, (key,)))
    raise ExtentError(
        f"未知范围 {key!r}（可选: {', '.join(choices())}，或 {BBOX_PREFIX}minlon,minlat,maxlon,maxlat）"
    )
