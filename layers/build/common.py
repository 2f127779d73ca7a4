"""Shared pieces of the plan-layer build: source tables, the gazetteer, counties, features.

Source tables live in ``geodata/sources/`` (see its README).  Every feature the
build writes carries ``name``, ``plan_ref``, ``quote``, ``source``, ``method``
and ``accuracy``; points also carry ``county``, looked up from the county
outlines so a wrong coordinate cannot hide behind a typed county name.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from layers.crs import WGS84
from layers.io.writer import write_geojson
from layers.paths import GEODATA
from layers.region import METRIC_CRS

SOURCES = GEODATA / "sources"
PLAN = "株洲市“十四五”规划纲要"
OUTSIDE = "市外"


class SourceError(ValueError):
    """A source table is inconsistent (unknown place, bad coordinate, wrong county …)."""


def read_table(name: str, sources: Path = SOURCES) -> list[dict[str, str]]:
    """Rows of ``geodata/sources/<name>.csv`` with surrounding whitespace stripped."""
    path = sources / f"{name}.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def split_list(value: str, sep: str = "、") -> list[str]:
    """Items of a table cell separated by 、 or ；/; (blank items dropped)."""
    return [part.strip() for part in value.replace("；", sep).replace(";", sep).split(sep) if part.strip()]


@dataclass(frozen=True)
class Place:
    """One anchor of the build: a named place with its WGS-84 position, source, accuracy and whether it is cited."""
    name: str
    kind: str
    county: str
    lon: float
    lat: float
    source: str
    accuracy: str
    note: str
    position: str = "cited"

    @property
    def point(self) -> Point:
        return Point(self.lon, self.lat)


def accuracy_km(text: str) -> float:
    """The radius of an accuracy string (``±500 m``, ``±1.5 km``, ``示意（±5 km）``) in km; ``inf`` for a bare ``示意``."""
    match = re.search(r"±\s*([\d.]+)\s*(k?m)", text)
    if not match:
        if text.startswith("示意"):
            return math.inf
        raise SourceError(f"精度 {text!r} 没有给出半径（如 ±1 km）")
    value = float(match.group(1))
    return value if match.group(2) == "km" else value / 1000


class Gazetteer:
    """Every located ``gazetteer.csv`` row and every ``places_*.csv`` row, by unique name.

    ``gazetteer.csv`` (built by ``layers.build.gazetteer`` from cited datasets) holds
    the seats, county seats and villages; ``places_*.csv`` the other anchors.  A
    ``places_*.csv`` row named like a ``gazetteer.csv`` row is an error: a place is
    stated once, at its cited coordinate, and other tables name it.  Hand-kept rows count as 示意
    (``position`` = ``schematic``) unless their table says ``cited``; a row with an
    ``anchor`` and no coordinates is drawn at that anchor (see ``_schematic``).
    """

    def __init__(self, sources: Path = SOURCES, cited_rows: list[dict[str, str]] | None = None):
        """``cited_rows``: freshly built ``gazetteer.csv`` rows (default: the file's)."""
        self.places: dict[str, Place] = {}
        if cited_rows is None:
            cited_rows = read_table("gazetteer", sources) if (sources / "gazetteer.csv").exists() else []
        cited = {row["name"] for row in cited_rows}
        tables = [("gazetteer.csv", cited_rows)] + [
            (path.name, read_table(path.stem, sources)) for path in sorted(sources.glob("places_*.csv"))
        ]
        anchored: list[tuple[str, dict[str, str]]] = []
        for filename, rows in tables:
            for row in rows:
                name = row["name"]
                if row.get("position") == "unlocated":
                    continue
                if filename != "gazetteer.csv" and name in cited:
                    raise SourceError(f"{filename}: {name!r} 已在 gazetteer.csv 中（引用坐标），请直接使用该地名，不要重复")
                if name in self.places:
                    raise SourceError(f"{filename}: 地名 {name!r} 与其他地名表重复")
                if row.get("anchor"):
                    anchored.append((filename, row))
                    continue
                try:
                    lon, lat = float(row["lon"]), float(row["lat"])
                except ValueError:
                    raise SourceError(f"{filename}: {name!r} 的坐标不是数字") from None
                if not (112.0 < lon < 115.5 and 25.0 < lat < 29.0):
                    raise SourceError(f"{filename}: {name!r} 的坐标 {lon},{lat} 不在株洲附近（经纬度是否颠倒？）")
                self.places[name] = Place(
                    name, row.get("kind", ""), row.get("county", ""), lon, lat,
                    row.get("source", ""), row.get("accuracy", ""), row.get("note", ""),
                    row.get("position") or ("cited" if filename == "gazetteer.csv" else "schematic"),
                )
        for filename, row in anchored:
            self.places[row["name"]] = self._schematic(filename, row)

    def _schematic(self, filename: str, row: dict[str, str]) -> Place:
        """A place known only to lie near a cited anchor: drawn at the anchor, 示意.

        Its ``accuracy`` (the table's) must be at least the anchor's own.
        """
        anchor = self.get(row["anchor"], f"{filename} {row['name']}")
        if accuracy_km(row["accuracy"]) < accuracy_km(anchor.accuracy):
            raise SourceError(f"{filename} {row['name']}: 精度 {row['accuracy']} 小于锚点 {anchor.name} 的 {anchor.accuracy}")
        source = f"示意：取{anchor.name}（{anchor.source}）"
        return Place(row["name"], row.get("kind", ""), row.get("county", ""), anchor.lon, anchor.lat,
                     source, row["accuracy"], row.get("note", ""), "schematic")

    def __contains__(self, name: str) -> bool:
        return name in self.places

    def get(self, name: str, where: str = "") -> Place:
        """The place with this name; :class:`SourceError` naming the table row (``where``) if unknown."""
        try:
            return self.places[name]
        except KeyError:
            raise SourceError(f"{where}: 地名表中没有 {name!r}") from None

    def resolve(self, token: str, where: str) -> tuple[float, float]:
        """A waypoint: a gazetteer name or a literal ``lon lat`` pair."""
        parts = token.replace(",", " ").split()
        if len(parts) == 2:
            try:
                return float(parts[0]), float(parts[1])
            except ValueError:
                pass
        place = self.get(token, where)
        return place.lon, place.lat

    def line(self, waypoints: str, where: str) -> LineString:
        """A line through the ``;``-separated waypoints (place names) of a table row."""
        coords = [self.resolve(tok, where) for tok in split_list(waypoints, ";")]
        if len(coords) < 2:
            raise SourceError(f"{where}: 线路至少需要两个途经点")
        return LineString(coords)

    def places_on(self, waypoints: str) -> list[Place]:
        """The named places among a row's waypoints, in order."""
        return [self.places[t] for t in split_list(waypoints, ";") if t in self.places]


class Counties:
    """County outlines for lookups: which county holds a point, which a line crosses."""

    def __init__(self, path: Path = GEODATA / "admin_counties.geojson"):
        self.gdf = gpd.read_file(path)[["name", "geometry"]]

    @cached_property
    def city(self) -> BaseGeometry:
        return shapely.union_all(self.gdf.geometry.values)

    @cached_property
    def metric(self) -> gpd.GeoDataFrame:
        return self.gdf.to_crs(METRIC_CRS)

    def geometry(self, name: str) -> BaseGeometry:
        """The outline of the named county (WGS-84)."""
        return self.gdf.set_index("name").geometry[name]

    def county_of(self, lon: float, lat: float) -> str:
        """The county containing a point, or ``OUTSIDE``."""
        point = Point(lon, lat)
        for name, geom in zip(self.gdf["name"], self.gdf.geometry):
            if geom.covers(point):
                return name
        return OUTSIDE

    def crossed_by(self, geom: BaseGeometry, min_length_m: float = 500) -> list[str]:
        """Counties a line runs through for at least ``min_length_m`` (ordered as in the catalog)."""
        line = gpd.GeoSeries([geom], crs=WGS84).to_crs(METRIC_CRS).iloc[0]
        return [
            name for name, poly in zip(self.metric["name"], self.metric.geometry)
            if line.intersection(poly).length >= min_length_m
        ]


def plan_point(
    row: dict[str, str],
    table: str,
    gazetteer: Gazetteer,
    counties: Counties,
    method: str | Callable[[Place], str],
    linked: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """A plan item drawn at its gazetteer place, with the provenance every feature carries.

    ``county`` comes from the outlines, not from the table; where the table names
    one too, they must agree (a wrong coordinate cannot hide behind a typed name).
    ``linked`` items carry ``id`` and ``record_id`` (their project record).
    """
    where = f"{table}.csv {row.get('id') or row['name']}"
    place = gazetteer.get(row["place"], where)
    accuracy = row.get("accuracy") or place.accuracy
    if accuracy_km(accuracy) < accuracy_km(place.accuracy):
        raise SourceError(f"{where}: 精度 {accuracy} 小于所用地名 {place.name} 的 {place.accuracy}")
    # Cited only when drawn at a cited place with that place's own accuracy.
    position = "cited" if place.position == "cited" and accuracy == place.accuracy else "schematic"
    feature = {
        **({"id": row["id"], "record_id": row["id"]} if linked else {}),
        "name": row["name"],
        **extra,
        "plan_ref": row["plan_ref"],
        "quote": row["quote"],
        "source": f"{PLAN}{row['plan_ref']}；位置：{place.source}",
        "method": method(place) if callable(method) else method,
        "accuracy": accuracy,
        "position": position,
        "note": row.get("note", ""),
        "county": counties.county_of(place.lon, place.lat),
        "geometry": place.point,
    }
    if row.get("county") and row["county"] != feature["county"]:
        raise SourceError(f"{where}: 表中县市区为 {row['county']}，点位却落在 {feature['county']}")
    return feature


def frame(features: Iterable[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Built features as a WGS-84 GeoDataFrame."""
    rows = list(features)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def write_layer(layer_id: str, features: Iterable[dict[str, Any]], out_dir: Path = GEODATA) -> Path:
    """Write a built layer as reviewable GeoJSON (5 decimals, one feature per line)."""
    path = out_dir / f"{layer_id}.geojson"
    gdf = frame(features)
    write_geojson(gdf, path, precision=5)
    return path
