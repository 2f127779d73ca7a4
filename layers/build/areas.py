"""Schematic areas: ``spatial_structure``, ``protection_pattern``, ``planning_zones``.

The plan describes these in words and in 示意图 only, so every area here is
drawn from real anchors (county outlines, town seats, park cores, river lines)
by a rule written down below, and carries ``accuracy = 示意``.  Geometry is
worked in metres (:data:`layers.region.METRIC_CRS`) and returned in WGS-84.

Tables: ``structure.csv`` (id, name, element, plan_ref, quote, waypoints,
accuracy, note), ``mountains.csv`` (…, ridge), ``rivers.csv`` (…, role,
waypoints), ``agri_zones.csv`` (…, counties).
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from layers.build.common import (
    PLAN,
    Counties,
    Gazetteer,
    SourceError,
    read_table,
    split_list,
)
from layers.crs import WGS84
from layers.paths import GEODATA
from layers.region import METRIC_CRS, URBAN_DISTRICTS

KM = 1000.0
SCHEMATIC = "示意"

# --- the rules, in kilometres -------------------------------------------------------------
# Each 范围 row of structure.csv becomes an area by the rule for its element; the
# anchors it uses are the row's waypoints.
CORE_EXTRA_KM = 4.0  # 一核: the four urban districts plus this much around the 渌口 urban anchors
CIRCLE_KM = 9.0  # 一圈: 一核 plus this much around the 株醴 anchors
CORRIDOR_KM = 10.0  # 一廊: either side of the corridor axis
MAIN_CITY_KM = 5.5  # 一主: around the main-city anchor
POLE_KM = 2.5  # each growth pole: around its axis and the platforms the plan names in it
MOUNTAIN_KM = 4.0  # 四山: either side of the located ridge
RIVER_MARGIN_DEG = 0.01  # 四水 are the city's corridors: rivers are cut ~1 km beyond the city line
SMOOTH_KM = 0.6
POLES = ("北向增长极", "东向增长极", "南向增长极")


class Metric:
    """Conversions between WGS-84 and metres for one build."""

    def __init__(self, counties: Counties):
        self.counties = counties
        self.city = self.to_m(counties.city)

    @staticmethod
    def to_m(geom: BaseGeometry) -> BaseGeometry:
        """A WGS-84 geometry in metres (the region's measuring CRS)."""
        return gpd.GeoSeries([geom], crs=WGS84).to_crs(METRIC_CRS).iloc[0]

    @staticmethod
    def to_wgs(geom: BaseGeometry) -> BaseGeometry:
        """A geometry in metres back to WGS-84."""
        return gpd.GeoSeries([geom], crs=METRIC_CRS).to_crs(WGS84).iloc[0]

    def county(self, *names: str) -> BaseGeometry:
        """The union of the named counties, in metres."""
        return shapely.union_all([self.to_m(self.counties.geometry(n)) for n in names])

    def around(self, geoms: list[BaseGeometry], km: float) -> BaseGeometry:
        """Union of buffers around WGS-84 geometries, smoothed, clipped to the city."""
        area = shapely.union_all([self.to_m(g).buffer(km * KM) for g in geoms])
        return smooth(area).intersection(self.city)


def smooth(geom: BaseGeometry, km: float = SMOOTH_KM) -> BaseGeometry:
    """Round off corners and slivers by buffering out and back ``km`` kilometres (shape stays, jaggies go)."""
    return geom.buffer(km * KM).buffer(-km * KM)


def _area_feature(geom_m: BaseGeometry, metric: Metric, **props) -> dict:
    geom = shapely.make_valid(metric.to_wgs(geom_m))
    area_km2 = round(geom_m.area / 1e6, 1)
    return {**props, "area_km2": area_km2, "accuracy": props.get("accuracy", SCHEMATIC), "geometry": geom}


# --- spatial structure --------------------------------------------------------------------
def _structure_geometry(row: dict, gazetteer: Gazetteer) -> BaseGeometry:
    """A single waypoint is a point; several are a line (or a set of anchors, by rule)."""
    tokens = split_list(row["waypoints"], ";")
    if len(tokens) == 1:
        return Point(gazetteer.resolve(tokens[0], f"structure.csv {row['id']}"))
    return gazetteer.line(row["waypoints"], f"structure.csv {row['id']}")


def _anchors(row: dict, gazetteer: Gazetteer) -> list[Point]:
    return [Point(gazetteer.resolve(t, f"structure.csv {row['id']}")) for t in split_list(row["waypoints"], ";")]


def build_structure(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """一核一圈一廊 and 一主三极 (areas and axes) from ``structure.csv``, anchored on gazetteer seats."""
    metric = Metric(counties)
    rows = read_table("structure")
    ranges = {row["element"]: row for row in rows if row["part"] == "范围"}
    missing = {"一核", "一圈", "一廊", "一主"} - set(ranges)
    if missing:
        raise SourceError(f"structure.csv: 缺少范围行 {'、'.join(sorted(missing))}")

    core = smooth(
        metric.county(*URBAN_DISTRICTS).union(metric.around(_anchors(ranges["一核"], gazetteer), CORE_EXTRA_KM))
    ).intersection(metric.city)
    shapes = {
        "一核": (core, f"四个市辖区（{'、'.join(URBAN_DISTRICTS)}）并渌口城区锚点周边 {CORE_EXTRA_KM:g} km"),
        "一圈": (
            core.union(metric.around(_anchors(ranges["一圈"], gazetteer), CIRCLE_KM)),
            f"一核并株醴锚点（{'、'.join(split_list(ranges['一圈']['waypoints'], ';'))}）周边 {CIRCLE_KM:g} km",
        ),
        "一廊": (
            metric.around([_structure_geometry(ranges["一廊"], gazetteer)], CORRIDOR_KM),
            f"走廊轴线（醴陵—攸县—茶陵—炎陵）两侧各 {CORRIDOR_KM:g} km",
        ),
        "一主": (
            metric.around([_structure_geometry(ranges["一主"], gazetteer)], MAIN_CITY_KM),
            f"主城区锚点周边 {MAIN_CITY_KM:g} km",
        ),
    }
    features = []
    for element, (geom_m, rule) in shapes.items():
        row = ranges[element]
        features.append(
            _area_feature(
                geom_m,
                metric,
                name=row["name"],
                element=element,
                kind="范围",
                plan_ref=row["plan_ref"],
                quote=row["quote"],
                source=f"{PLAN}{row['plan_ref']}；范围依锚点与县界推绘",
                method=f"示意：{rule}",
                note=row["note"],
            )
        )
    for pole in POLES:
        members = [row for row in rows if row["element"] == pole]
        axis = next(row for row in members if row["part"] == "轴线")
        platforms = [row["name"] for row in members if row["part"] == "平台"]
        features.append(
            _area_feature(
                metric.around([_structure_geometry(row, gazetteer) for row in members], POLE_KM),
                metric,
                name=f"{pole}（以{axis['name'].split('（')[0]}为轴）",
                element=pole,
                kind="范围",
                plan_ref=axis["plan_ref"],
                quote=axis["quote"],
                source=f"{PLAN}{axis['plan_ref']}；范围依轴线及规划点名平台推绘",
                method=f"示意：轴线及{'、'.join(platforms)}周边 {POLE_KM:g} km",
                note=axis["note"],
            )
        )
    for row in rows:
        if row["part"] != "轴线":
            continue
        features.append(
            {
                "name": row["name"],
                "element": row["element"],
                "kind": "轴线",
                "area_km2": None,
                "plan_ref": row["plan_ref"],
                "quote": row["quote"],
                "source": f"{PLAN}{row['plan_ref']}；走向依途经地点勾绘",
                "method": "示意：依规划文字及途经地点勾绘轴线",
                "accuracy": row["accuracy"] or SCHEMATIC,
                "note": row["note"],
                "geometry": _structure_geometry(row, gazetteer),
            }
        )
    return features


# --- protection pattern -------------------------------------------------------------------
def _mountain_areas(gazetteer: Gazetteer, metric: Metric) -> list[dict]:
    """The located 四山, as areas either side of their ridge (the rest are never invented)."""
    features = []
    for row in read_table("mountains"):
        if not row["ridge"]:
            continue  # not located: listed in the layer description
        ridge = gazetteer.line(row["ridge"], f"mountains.csv {row['id']}") if ";" in row["ridge"] else gazetteer.get(row["ridge"]).point
        features.append(
            _area_feature(
                metric.around([ridge], MOUNTAIN_KM),
                metric,
                name=row["name"],
                element="四山",
                plan_ref=row["plan_ref"],
                quote=row["quote"],
                source=f"{PLAN}{row['plan_ref']}；山体位置依山峰锚点",
                method=f"示意：已定位山段两侧各 {MOUNTAIN_KM:g} km",
                accuracy=row["accuracy"] or SCHEMATIC,
                note=row["note"],
            )
        )
    return features


def build_protection(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """Drawn bottom to top: 四区 (county areas), 四山, then the rivers."""
    metric = Metric(counties)
    features = []
    for row in read_table("agri_zones"):
        names = split_list(row["counties"], ";")
        features.append(
            _area_feature(
                metric.county(*names),
                metric,
                name=row["name"],
                element="四区",
                plan_ref=row["plan_ref"],
                quote=row["quote"],
                source=f"{PLAN}{row['plan_ref']}；范围按片区名称取县界",
                method=f"县界合并：{'、'.join(names)}",
                accuracy="示意（片区边界未公布，取县界）",
                note=row["note"],
            )
        )
    features += _mountain_areas(gazetteer, metric)
    reach = counties.city.buffer(RIVER_MARGIN_DEG)
    for row in read_table("rivers"):
        course = gazetteer.line(row["waypoints"], f"rivers.csv {row['id']}")
        features.append(
            {
                "name": row["name"],
                "element": "四水" if row["role"] == "四水" else "其他河流",
                "area_km2": None,
                "plan_ref": row["plan_ref"],
                "quote": row["quote"],
                "source": f"{PLAN}{row['plan_ref']}；河道走向见 note",
                "method": "依河道途经点勾绘（每 2–5 km 一点），截取市域内河段",
                "accuracy": row["accuracy"],
                "note": row["note"],
                "geometry": course.intersection(reach),
            }
        )
    return features


# --- planning zones -----------------------------------------------------------------------
# 城镇发展区: built-up areas around these anchors (km), plus every park core and town seat.
URBAN_RADII_KM = {"株洲市中心城区": 6.5, "醴陵市城区": 4.0, "攸县县城": 3.5, "茶陵县县城": 3.0, "炎陵县县城": 2.2}
TOWN_RADIUS_KM = {4: 1.5, 5: 1.1, 6: 0.7}
PARK_DEFAULT_KM = 1.2
# 生态保护区: the 罗霄 uplands along the 江西 border of 攸县、茶陵、炎陵 (this deep), 炎陵 away from
# its valleys, the located 四山, and the 衡东 border hills of western 攸县.
BORDER_UPLAND_KM = 12.0
WEST_UPLAND_KM = 4.0
VALLEY_KM = 2.5
ECO_COUNTIES = ("攸县", "茶陵县", "炎陵县")
# 耕地保护区: the river plains of 市辖区南部、醴陵、攸县、茶陵北部.
PLAIN_RIVER_KM = 5.0
PLAIN_ANCHORS_KM = {"攸县县城": 14.0, "茶陵县县城": 9.0, "醴陵市城区": 9.0}
CHALING_NORTH_OF = 26.72  # latitude: “茶陵北部”
ZONE_ORDER = ("城镇发展区", "生态保护区", "耕地保护区", "乡村发展区")
SLIVER_KM2 = 0.3


def _zone_quote(zone: str) -> str:
    return {
        # Verbatim from the seed, which uses ASCII commas in this paragraph.
        "生态保护区": "生态保护区是具有特殊重要生态功能或生态敏感脆弱、必须强制性严格保护的区域,主要分布在攸县、茶陵和炎陵。",
        "耕地保护区": "耕地保护区内包含永久基本农田保护区和一般耕地区,主要分布在市辖区南部、醴陵、攸县和茶陵北部等区域。",
        "城镇发展区": "城镇发展区是城镇开发边界围合的范围,是城镇集中开发建设并可满足城镇生产、生活需要的区域,主要分布在中心城区、县城、开发园区及镇区。",
        "乡村发展区": "乡村发展区是农田保护区外,为满足农林牧渔等农业发展以及农民集中生活和生产配套为主的区域。",
    }[zone]


def _drop_slivers(geom: BaseGeometry) -> BaseGeometry:
    parts = getattr(geom, "geoms", [geom])
    return shapely.union_all([p for p in parts if p.area >= SLIVER_KM2 * 1e6]) if parts else geom


def _polygons(geom: BaseGeometry) -> BaseGeometry:
    """Only the areal parts: overlays can leave stray lines or points where outlines touch."""
    return shapely.union_all([p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")])


def build_zones(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """Four zones that tile the city: urban first, then ecological, farmland, the rest rural."""
    metric = Metric(counties)
    city = metric.city
    towns = read_table("town_hierarchy")
    parks = read_table("industrial_parks")
    rivers = {row["name"]: row for row in read_table("rivers")}

    urban_parts = [metric.around([gazetteer.get(n).point], km) for n, km in URBAN_RADII_KM.items()]
    for row in towns:
        tier = int(row["tier"])
        if tier in TOWN_RADIUS_KM:
            urban_parts.append(metric.around([gazetteer.get(row["place"]).point], TOWN_RADIUS_KM[tier]))
    for row in parks:
        if row["place"]:
            km = min(float(row["extent_km"]), 3.0) if row["extent_km"] else PARK_DEFAULT_KM
            urban_parts.append(metric.around([gazetteer.get(row["place"]).point], km))
    urban = smooth(shapely.union_all(urban_parts)).intersection(city)

    neighbours = gpd.read_file(GEODATA / "neighbour_cities.geojson").set_index("name").geometry

    def border_with(*names: str) -> BaseGeometry:
        return shapely.union_all([metric.to_m(neighbours[n]) for n in names]).boundary.intersection(city.buffer(50))

    jiangxi_border = border_with("萍乡市", "吉安市")
    west_border = border_with("衡阳市")
    valleys = shapely.union_all(
        [metric.to_m(gazetteer.line(rivers[n]["waypoints"], n)).buffer(VALLEY_KM * KM) for n in ("洣水", "沔水") if n in rivers]
        + [metric.to_m(gazetteer.get(row["place"]).point).buffer(VALLEY_KM * KM) for row in towns if row["county_listed"] == "炎陵" or row["name"] == "炎陵县县城"]
    )
    mountains = [f["geometry"] for f in _mountain_areas(gazetteer, metric)]
    eco_raw = shapely.union_all(
        [
            jiangxi_border.buffer(BORDER_UPLAND_KM * KM).intersection(metric.county(*ECO_COUNTIES)),
            west_border.buffer(WEST_UPLAND_KM * KM).intersection(metric.county("攸县")),
            metric.county("炎陵县").difference(valleys),
            *[metric.to_m(g) for g in mountains],
        ]
    )
    eco = _drop_slivers(smooth(eco_raw).intersection(city).difference(urban))

    plains = shapely.union_all(
        [metric.to_m(gazetteer.line(row["waypoints"], name)).buffer(PLAIN_RIVER_KM * KM) for name, row in rivers.items() if row["role"] == "四水"]
        + [metric.to_m(gazetteer.get(n).point).buffer(km * KM) for n, km in PLAIN_ANCHORS_KM.items()]
    )
    chaling_north = metric.county("茶陵县").intersection(
        metric.to_m(shapely.box(113.0, CHALING_NORTH_OF, 114.5, 28.5))
    )
    farm_region = metric.county("渌口区", "醴陵市", "攸县").union(chaling_north)
    farm = _drop_slivers(smooth(plains.intersection(farm_region)).difference(urban).difference(eco))

    rural = city.difference(urban).difference(eco).difference(farm)
    zones = {name: _polygons(geom) for name, geom in
             {"城镇发展区": urban, "生态保护区": eco, "耕地保护区": farm, "乡村发展区": rural}.items()}
    return [
        _area_feature(
            zones[zone],
            metric,
            name=zone,
            zone=zone,
            plan_ref="第五章第二节",
            quote=_zone_quote(zone),
            source=f"{PLAN}第五章第二节“实施分区管控”；依规划文字描述的分布推绘（规划原图为图2 市域国土空间规划分区图）",
            method="示意：" + _ZONE_RULES[zone],
            accuracy="示意（非国土空间规划成果，仅表达规划文字所述分布）",
        )
        for zone in ZONE_ORDER
    ]


_ZONE_RULES = {
    "城镇发展区": "中心城区、县城、园区核心与四至六级城镇驻地周边的缓冲区",
    "生态保护区": f"攸县、茶陵、炎陵沿江西省界 {BORDER_UPLAND_KM:g} km 山地、炎陵县河谷以外山区、攸县西缘与已定位的“四山”，扣除城镇发展区",
    "耕地保护区": f"渌口区、醴陵、攸县和茶陵北部“四水”两侧 {PLAIN_RIVER_KM:g} km 及县城周边平原，扣除前两类",
    "乡村发展区": "全市扣除以上三类后的其余部分",
}
