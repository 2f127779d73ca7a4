"""``industrial_parks``: the ten parks of 专栏12 and the other named platforms.

Table ``industrial_parks.csv``: id, name, kind (专栏12园区 / 其他平台), level
(国家级/省级/未说明), industries (主导产业, ``、``-separated as in 专栏12),
county, place, extent_km, plan_ref, quote, accuracy, note.  Each park is a
point at its core from the gazetteer.  Platforms the plan names but that could
not be located (no ``place``) are left out of the map; the catalog
description names them.
"""

from __future__ import annotations

from layers.build.common import Counties, Gazetteer, SourceError, plan_point, read_table

KINDS = ("专栏12园区", "其他平台")
LEVELS = ("国家级", "省级", "未说明")


def build_parks(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """专栏12 parks and the other platforms the plan names, each drawn at its cited anchor."""
    features = []
    for row in read_table("industrial_parks"):
        if not row["place"]:
            continue
        if row["kind"] not in KINDS or row["level"] not in LEVELS:
            raise SourceError(f"industrial_parks.csv {row['id']}: kind/level 取值无效（{row['kind']}/{row['level']}）")
        features.append(
            plan_point(
                row, "industrial_parks", gazetteer, counties, "点位：园区/片区核心（示意，不是园区边界）",
                kind=row["kind"], level=row["level"], industries=row["industries"],
                extent_km=float(row["extent_km"]) if row["extent_km"] else None,
            )
        )
    return features
