"""Project records: filtering, the excerpt with the name highlighted, links to the map.

The records are the ``projects`` catalog layer.  Everything here is plain
Python (no Streamlit) so it is tested directly; ``pages/projects.py`` composes it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd

from layers.io import licence
from layers.io.catalog import LayerSpec
from layers.paths import GEODATA
from layers.web.escape import escape_markdown
from layers.web.permalink import MapState
from layers.web.views import DEFAULT_VIEW, home_view

ALL = "全部"
TABLE_COLUMNS = {
    "name": "名称", "category": "类别", "county": "县市区", "stage": "阶段", "status": "规划表述",
    "columns": "专栏", "plan_ref": "规划出处", "accuracy": "精度", "id": "编号",
}


@dataclass(frozen=True)
class Filters:
    """The 项目库 table's filters: category, county, stage, 专栏, and the records a search found.

    ``ids`` comes from :func:`layers.plan.search.record_ids`: the table and the
    sidebar's search then list the same records for the same words.
    """
    category: str = ALL
    county: str = ALL
    stage: str = ALL
    column: str = ALL
    ids: frozenset[str] | None = None


def options(records: gpd.GeoDataFrame, field: str) -> list[str]:
    """Choices for a filter: every value, splitting multi-valued fields (``、``)."""
    values: set[str] = set()
    for value in records[field].fillna(""):
        values.update(v for v in str(value).split("、") if v)
    return [ALL, *sorted(values)]


def apply(records: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    """The records every filter accepts (``全部`` accepts all)."""
    keep = records.index == records.index
    for field, wanted in (("category", filters.category), ("county", filters.county), ("stage", filters.stage), ("columns", filters.column)):
        if wanted != ALL:
            keep &= records[field].fillna("").apply(lambda v, w=wanted: w in str(v).split("、"))
    if filters.ids is not None:
        keep &= records["id"].isin(filters.ids)
    return records[keep]


def table(records: gpd.GeoDataFrame):
    """The columns a reader needs, with Chinese headers."""
    return records[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A cell that Excel/WPS will show as text: a leading ``= + - @`` (a formula) gets a ``'`` in front.

    Staff open these downloads in spreadsheets, where a cell like
    ``=HYPERLINK(…)`` would run; numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(records: gpd.GeoDataFrame, spec: LayerSpec) -> bytes:
    """The records as CSV for spreadsheets: UTF-8 with BOM, formula-like text neutralised, a 来源与许可 column."""
    buffer = io.StringIO()
    frame = records.drop(columns="geometry").map(spreadsheet_safe)
    frame[licence.CSV_COLUMN] = spreadsheet_safe(licence.attribution(spec))
    frame.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def to_geojson(records: gpd.GeoDataFrame, spec: LayerSpec) -> bytes:
    """The records as GeoJSON for download (UTF-8, WGS-84, every attribute, source and licence members)."""
    return licence.licensed_geojson(records.to_json(drop_id=True), spec)


@lru_cache(maxsize=1)
def _ocr_log() -> tuple[tuple[str, str], ...]:
    """(seed form, corrected form) pairs of ``geodata/ocr_corrections.csv``, read once."""
    path = GEODATA / "ocr_corrections.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8") as fh:
        return tuple((row["seed_form"], row["corrected"]) for row in csv.DictReader(fh))


def seed_spellings(text: str) -> set[str]:
    """The text and every spelling the OCR'd seed may give it (logged corrections undone)."""
    variants = {text}
    for seed_form, corrected in _ocr_log():
        for v in list(variants):
            if corrected in v:
                variants.add(v.replace(corrected, seed_form))
    return variants


def name_variants(name: str, alias: str = "") -> list[str]:
    """Name, alias and their core (without brackets), longest first."""
    bases = {n for n in (name, alias) if n}
    bases |= {re.sub(r"[（(].*?[）)]", "", n).strip("“”") for n in list(bases)}
    found = set()
    for base in bases:
        if len(base) >= 2:
            found |= seed_spellings(base)
    return sorted(found, key=len, reverse=True)


def highlight(excerpt: str, name: str, alias: str = "") -> str:
    """Markdown of the excerpt, escaped, with every mention of the item in bold."""
    variants = name_variants(name, alias)
    if not variants:
        return escape_markdown(excerpt)
    pattern = re.compile("|".join(re.escape(v) for v in variants))
    out, last = [], 0
    for match in pattern.finditer(excerpt):
        out.append(escape_markdown(excerpt[last : match.start()]))
        out.append(f"**{escape_markdown(match.group(0))}**")
        last = match.end()
    out.append(escape_markdown(excerpt[last:]))
    return "".join(out)


MAX_RECORD_ZOOM = 12  # closer than this a single point has no context left (county lines, neighbours)


def zoom_for(bounds: tuple[float, float, float, float], pixels: int = 560) -> int:
    """A Web-Mercator zoom that fits ``bounds`` (lon/lat) in about ``pixels``, between 8 and 12."""
    minx, miny, maxx, maxy = bounds
    span = max(maxx - minx, (maxy - miny) * 1.15, 0.004)
    return max(8, min(MAX_RECORD_ZOOM, int(math.floor(math.log2(360 * pixels / (256 * span))))))


def map_link(record: dict, geometry) -> tuple[str, dict[str, str]]:
    """The map page that shows this record, and query parameters centring it there."""
    page = home_view(record.get("linked_layer") or None)
    bounds = geometry.bounds
    centroid = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
    on_its_layer = page != DEFAULT_VIEW  # drawn by a layer of that page: the page's own layers show it
    state = MapState(
        layers=None if on_its_layer else ("admin_counties", "projects"),
        center=centroid,
        zoom=zoom_for(bounds),
        selected=record["id"],
    )
    return page, state.query()
