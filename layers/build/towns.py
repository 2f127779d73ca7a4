"""``town_hierarchy`` (专栏25) and ``featured_towns`` (专栏27 and 第十二章第五节).

Tables: ``town_hierarchy.csv`` (name, official_name, tier, pop_band, county,
county_listed, place, plan_ref, quote, note) and ``featured_towns.csv`` (id,
name, category, host, county, place, plan_ref, quote, note).  Points sit at the
seat of the town government (or the park/area the plan names as host) from
the gazetteer; the county is taken from the outlines and must agree with the
table.
"""

from __future__ import annotations

from layers.build.common import Counties, Gazetteer, Place, plan_point, read_table

TIER_LABELS = {1: "一级城市", 2: "二级城市", 3: "三级城市", 4: "四级城镇", 5: "五级城镇", 6: "六级城镇"}


def _method(place: Place) -> str:
    return {
        "town": "点位：乡镇人民政府驻地",
        "county_seat": "点位：县（市）人民政府驻地",
        "city_centre": "点位：中心城区代表点",
        "street": "点位：街道办事处一带",
        "park": "点位：园区所在地（示意）",
        "area": "点位：片区代表点（示意）",
    }.get(place.kind, "点位：地名表")


def build_town_hierarchy(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """专栏25: the 65 towns in their six tiers, each at its gazetteer seat."""
    features = []
    for row in read_table("town_hierarchy"):
        tier = int(row["tier"])
        features.append(
            plan_point(
                row, "town_hierarchy", gazetteer, counties, _method, linked=False,
                official_name=row["official_name"], tier=tier, tier_label=TIER_LABELS[tier],
                pop_band=row["pop_band"], county_listed=row["county_listed"],
            )
        )
    return features


def build_featured_towns(gazetteer: Gazetteer, counties: Counties) -> list[dict]:
    """专栏27: the 33 + 5 featured towns, each at the seat or place that hosts it."""
    return [
        plan_point(row, "featured_towns", gazetteer, counties, _method, category=row["category"], host=row["host"])
        for row in read_table("featured_towns")
    ]
