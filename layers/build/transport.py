"""Transport layers: ``rail_network``, ``expressway_network``, ``trunk_roads``, ``transport_hubs``.

Line tables (``rail_lines.csv``, ``expressways.csv``, ``trunk_roads.csv``): id,
name, record_id, segment, network, orientation, status, status_source,
plan_ref, quote, counties, waypoints, accuracy, note (trunk roads also code,
class, role, from_place, to_place).  A plan line with a branch or a planned
extension is several rows sharing ``name`` and ``record_id`` with different
``segment``s, so status can differ along it.  Lines are drawn through the
gazetteer's stations and interchanges; the counties a line serves are computed
from its geometry.  ``via_anchors`` lists every named anchor a line passes with
the accuracy of its position, so a reader sees which points are cited and which
only 示意 (the literal ``lon lat`` points between anchors are never listed).

``hubs.csv``: id, name, kind, status, county, place, plan_ref, quote, accuracy, note.
"""

from __future__ import annotations

from layers.build.common import (
    PLAN,
    Counties,
    Gazetteer,
    Place,
    SourceError,
    plan_point,
    read_table,
)

STATUSES = ("已建", "在建", "规划", "未说明")
# 专栏7 names the trunk-road networks by class.
NETWORK_BY_CLASS = {"国道": "普通国道“一纵四横”", "省道": "普通省道“一射四纵八横八支”"}


def _line_features(table: str, gazetteer: Gazetteer, counties: Counties, extra: tuple[str, ...] = ()) -> list[dict]:
    features = []
    for row in read_table(table):
        where = f"{table}.csv {row['id']}"
        if row["status"] not in STATUSES:
            raise SourceError(f"{where}: status 应为 {'/'.join(STATUSES)}，实为 {row['status']!r}")
        geometry = gazetteer.line(row["waypoints"], where)
        anchors = [p for p in gazetteer.places_on(row["waypoints"]) if p.kind not in ("edge",)]
        method = "示意：依规划文字及途经地点连线" if row["status"] == "规划" else "途经站点/互通连线（中间点依走向补绘）"
        features.append(
            {
                "id": row["id"],
                "record_id": row.get("record_id") or row["id"],
                "name": row["name"],
                "segment": row.get("segment", ""),
                "network": row.get("network") or NETWORK_BY_CLASS.get(row.get("class", ""), ""),
                "orientation": row.get("orientation") or row.get("role", ""),
                "status": row["status"],
                "status_source": row.get("status_source", ""),
                "counties": "、".join(counties.crossed_by(geometry)),
                "via": "、".join(p.name for p in anchors),
                "via_anchors": "、".join(f"{p.name}（{p.accuracy}）" for p in anchors),
                "plan_ref": row["plan_ref"],
                "quote": row["quote"],
                "source": f"{PLAN}{row['plan_ref']}；走向依途经站点/互通（见途经锚点）",
                "method": method,
                "accuracy": row["accuracy"],
                "note": row.get("note", ""),
                **{key: row.get(key, "") for key in extra},
                "geometry": geometry,
            }
        )
    return features


def build_rail(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """六纵四横 and the other railways the plan names, through their cited stations."""
    return _line_features("rail_lines", gazetteer, counties)


def build_expressways(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """五纵六横 and the other expressways, through their cited interchanges and towns."""
    return _line_features("expressways", gazetteer, counties)


def build_trunk_roads(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """The national and provincial trunk roads of 专栏7, between their cited end points."""
    return _line_features("trunk_roads", gazetteer, counties, extra=("code", "class", "role", "from_place", "to_place"))


def _hub_method(place: Place) -> str:
    return "示意：规划选址未定，取所在城区" if place.kind == "hub" else "点位：枢纽所依托的站场/港区"


def build_hubs(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """Transport hubs, stations and ports, each at its cited anchor."""
    return [
        plan_point(row, "hubs", gazetteer, counties, _hub_method, kind=row["kind"], status=row["status"])
        for row in read_table("hubs")
    ]
