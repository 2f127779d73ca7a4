"""The basemaps a map page can offer, and the datum each one is drawn in.

高德 tiles are GCJ-02: when one of them is chosen every overlay is shifted to
GCJ-02 for display (see :mod:`layers.crs`).  天地图 uses CGCS2000, which equals
WGS-84 at map scale, and needs a key (``TIANDITU_KEY``).  ``none`` draws no tiles
at all: it is the default because it works on an intranet with no internet.
"""

from __future__ import annotations

from dataclasses import dataclass

WGS84_DATUM = "wgs84"
GCJ02_DATUM = "gcj02"
_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)
_TIANDITU_ATTR = '&copy; <a href="https://www.tianditu.gov.cn/" target="_blank">天地图</a>'
_AMAP_ATTR = '&copy; <a href="https://www.amap.com/" target="_blank">高德地图</a>'


@dataclass(frozen=True)
class TileLayer:
    """One tile URL template (Leaflet placeholders only) and its subdomains."""
    url: str
    subdomains: str = ""


@dataclass(frozen=True)
class Basemap:
    """A basemap choice: its tiles, datum (WGS-84 or GCJ-02), attribution and whether it needs a key."""
    id: str
    title: str
    datum: str
    tiles: tuple[TileLayer, ...]
    attribution: str
    max_zoom: int = 18
    needs_key: bool = False
    hint: str = ""

    def with_key(self, key: str) -> tuple[TileLayer, ...]:
        """The tile layers with the 天地图 key filled in."""
        return tuple(TileLayer(t.url.replace("{key}", key), t.subdomains) for t in self.tiles)


BASEMAPS: tuple[Basemap, ...] = (
    Basemap("none", "无底图", WGS84_DATUM, (), "", hint="不加载任何在线瓦片，内网与离线可用"),
    Basemap(
        "osm",
        "OpenStreetMap",
        WGS84_DATUM,
        (TileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),),
        '&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank">OpenStreetMap</a> 贡献者',
        max_zoom=19,
        hint="需访问 tile.openstreetmap.org；国内访问可能较慢",
    ),
    Basemap(
        "tdt-vec",
        "天地图 矢量+注记",
        WGS84_DATUM,
        (
            TileLayer(_TIANDITU.replace("{layer}", "vec"), "01234567"),
            TileLayer(_TIANDITU.replace("{layer}", "cva"), "01234567"),
        ),
        _TIANDITU_ATTR,
        needs_key=True,
        hint="需在环境变量 TIANDITU_KEY 或 st.secrets 中配置天地图密钥",
    ),
    Basemap(
        "tdt-img",
        "天地图 影像+注记",
        WGS84_DATUM,
        (
            TileLayer(_TIANDITU.replace("{layer}", "img"), "01234567"),
            TileLayer(_TIANDITU.replace("{layer}", "cia"), "01234567"),
        ),
        _TIANDITU_ATTR,
        needs_key=True,
        hint="需在环境变量 TIANDITU_KEY 或 st.secrets 中配置天地图密钥",
    ),
    Basemap(
        "amap-vec",
        "高德 矢量",
        GCJ02_DATUM,
        (TileLayer("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}", "1234"),),
        _AMAP_ATTR,
        hint="高德瓦片为 GCJ-02 坐标，叠加图层将临时转换为 GCJ-02 显示",
    ),
    Basemap(
        "amap-img",
        "高德 影像",
        GCJ02_DATUM,
        (TileLayer("https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}", "1234"),),
        _AMAP_ATTR,
        hint="高德瓦片为 GCJ-02 坐标，叠加图层将临时转换为 GCJ-02 显示",
    ),
)

DEFAULT_BASEMAP = "none"


def get_basemap(basemap_id: str) -> Basemap:
    """The basemap with this id; ``KeyError`` for an unknown one."""
    for basemap in BASEMAPS:
        if basemap.id == basemap_id:
            return basemap
    raise KeyError(f"未知底图 {basemap_id!r}（可选: {', '.join(b.id for b in BASEMAPS)}）")
