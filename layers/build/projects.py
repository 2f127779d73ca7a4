"""``projects``: the plan's key projects and places, one record each, with a place on the map.

Table ``projects.csv``: id, name, category, county, status, plan_ref, excerpt,
related, geometry_type, location, accuracy, note.  ``location`` is either
``feature:<table>:<id>`` — reuse the geometry of that item in another plan layer
(all its segments), so a railway's record and its map line are the same line —
or ``;``-separated gazetteer names / ``lon lat`` pairs:

* Point: the single place;
* LineString: through the places in order;
* Polygon: with one or two places, the area within :data:`SITE_KM` of them; with
  three or more, the counties the record names (e.g. the 湘赣边 works).
"""

from __future__ import annotations

import re

import shapely
from shapely.geometry import Point

from layers.build.areas import Metric
from layers.io.catalog import load_catalog
from layers.build.common import (
    PLAN,
    Counties,
    Gazetteer,
    SourceError,
    accuracy_km,
    read_table,
    split_list,
)

CATEGORIES = (
    "铁路", "高速公路", "国省干线", "枢纽与港航", "城市交通", "产业园区", "新城新片区", "城市更新",
    "特色小镇", "能源", "水利", "生态环保", "湘赣边合作", "文旅", "公共服务", "其他",
)
SITE_KM = 1.5
# Programme-wide records (the 湘赣边 works) cover whole counties: their outline is
# generalised, since the record says “these counties”, not a surveyed boundary.
COUNTY_OUTLINE_TOLERANCE_DEG = 0.005  # ≈ 500 m
# The plan words each item's status freely; ``stage`` sorts that wording into a few
# stages for filtering (first match wins, the full wording stays in ``status``).
# Only what the 十三五 already finished counts as 已建成; “建成/开通” in a 十四五
# sentence is a target, so it is 推进建设.
STAGES = (
    ("已建成", ("“十三五”", "既有", "已创建", "已建")),
    ("前期", ("前期",)),
    ("争取纳入/建设", ("争取",)),
    ("规划新建", ("规划新建", "规划建设", "（规划）")),
    ("推进建设", ("建设", "推进", "打造", "实施", "改造", "提质", "提升", "培育", "贯通", "开通", "建成", "保护", "示范")),
)


def stage_of(status: str) -> str:
    """The stage of a project (建成、在建、推进、前期 …) from the words of its plan statement."""
    for stage, words in STAGES:
        if any(word in status for word in words):
            return stage
    return "未说明"


def columns_of(plan_ref: str) -> str:
    """The 专栏 numbers a plan reference cites (``专栏7、专栏12``), or ``""``."""
    return "、".join(dict.fromkeys(f"专栏{n}" for n in re.findall(r"专栏\s*(\d+)", plan_ref)))
# Source tables whose rows other records may point at, and the layers they become.
FEATURE_TABLES = {
    "rail_lines": "rail_network",
    "expressways": "expressway_network",
    "trunk_roads": "trunk_roads",
    "hubs": "transport_hubs",
    "industrial_parks": "industrial_parks",
    "featured_towns": "featured_towns",
}


def _radius(accuracy: str) -> float:
    """A record's stated radius in km, 0 when the text gives none (so the anchor's own applies)."""
    try:
        return accuracy_km(accuracy)
    except SourceError:
        return 0.0


def _geometry(row: dict, gazetteer: Gazetteer, counties: Counties, metric: Metric, built: dict[str, list[dict]]):
    where = f"projects.csv {row['id']}"
    location = row["location"]
    if location.startswith("feature:"):
        _, table, feature_id = location.split(":", 2)
        layer = FEATURE_TABLES.get(table)
        if layer is None:
            raise SourceError(f"{where}: 不能引用 {table}")
        parts = [f for f in built[layer] if f.get("record_id") == feature_id or f.get("id") == feature_id]
        if not parts:
            raise SourceError(f"{where}: {layer} 中没有 {feature_id}")
        geoms = [f["geometry"] for f in parts]
        row["name"], row["alias"] = parts[0]["name"], row["name"]  # the map's (plan) spelling wins
        row["linked_layer"] = layer
        # One accuracy and one position source per feature: the record shows the map feature's.
        row["accuracy"], row["position"] = parts[0]["accuracy"], parts[0].get("position", "schematic")
        row["where"] = parts[0]["source"].partition("；位置：")[2]
        return shapely.union_all(geoms) if len(geoms) > 1 else geoms[0], f"与图层「{load_catalog().get(layer).title}」中的要素同一几何"
    tokens = split_list(location, ";")
    points = [Point(gazetteer.resolve(t, where)) for t in tokens]
    kind = row["geometry_type"]
    if kind == "Point":
        if len(points) != 1:
            raise SourceError(f"{where}: 点要素只能有一个位置")
        if tokens[0] in gazetteer:
            place = gazetteer.get(tokens[0])
            row["where"], row["position"] = place.source, place.position
            if not row["accuracy"] or _radius(row["accuracy"]) < accuracy_km(place.accuracy):
                row["accuracy"] = place.accuracy
            if row["accuracy"] != place.accuracy:
                row["position"] = "schematic"
        return points[0], f"点位：{tokens[0]}"
    if kind == "LineString":
        return gazetteer.line(location, where), f"示意：依次连接 {'、'.join(tokens)}"
    if kind == "Polygon":
        if len(points) >= 3:
            names = [c for c in split_list(row["county"]) if c in counties.gdf["name"].values]
            if not names:
                raise SourceError(f"{where}: 多点面要素需在 county 列出县市区")
            union = shapely.union_all([counties.geometry(n) for n in names])
            outline = shapely.simplify(union, COUNTY_OUTLINE_TOLERANCE_DEG, preserve_topology=True)
            return outline, f"县界合并（概化约 500 m）：{'、'.join(names)}"
        area = metric.to_wgs(shapely.union_all([metric.to_m(p) for p in points]).convex_hull.buffer(SITE_KM * 1000))
        return area, f"示意：{'、'.join(tokens)}周边 {SITE_KM:g} km"
    raise SourceError(f"{where}: 未知几何类型 {kind!r}")


def build_projects(gazetteer: Gazetteer, counties: Counties, built: dict[str, list[dict]]) -> list[dict]:
    """The project records, each with its verbatim excerpt and the geometry of the feature it is drawn as."""
    rows = read_table("projects")
    ids = {row["id"] for row in rows}
    metric = Metric(counties)
    features = []
    for row in rows:
        where = f"projects.csv {row['id']}"
        if row["category"] not in CATEGORIES:
            raise SourceError(f"{where}: 未知类别 {row['category']!r}")
        unknown = [r for r in split_list(row["related"], ";") if r not in ids]
        if unknown:
            raise SourceError(f"{where}: related 中的 {', '.join(unknown)} 不存在")
        row = dict(row)
        geometry, method = _geometry(row, gazetteer, counties, metric, built)
        features.append(
            {
                "id": row["id"],
                "record_id": row["id"],
                "name": row["name"],
                "alias": row["alias"] if row.get("alias") not in (None, row["name"]) else "",
                "category": row["category"],
                "county": row["county"],
                "status": row["status"] or "未说明",
                "stage": stage_of(row["status"]),
                "plan_ref": row["plan_ref"],
                "columns": columns_of(row["plan_ref"]),
                "excerpt": row["excerpt"],
                "related": row["related"],
                "linked_layer": row.get("linked_layer", ""),
                "source": f"{PLAN}{row['plan_ref']}" + (f"；位置：{row['where']}" if row.get("where") else ""),
                "method": method,
                "accuracy": row["accuracy"] or "示意",
                "position": row.get("position", "schematic"),
                "note": row["note"],
                "geometry": geometry,
            }
        )
    return features
