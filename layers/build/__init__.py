"""``python -m layers build plan``: rebuild every plan layer from ``geodata/sources/``.

Each builder returns a list of feature dicts; this module writes them and
merges the per-topic OCR correction logs (``geodata/sources/ocr_*.csv`` and the
plan text's ``geodata/plan_text/ocr_text.csv``) into ``geodata/ocr_corrections.csv``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from layers.build.areas import build_protection, build_structure, build_zones
from layers.build.common import SOURCES, Counties, Gazetteer, read_table, write_layer
from layers.build.gazetteer import build_gazetteer, write_gazetteer
from layers.build.parks import build_parks
from layers.build.projects import build_projects
from layers.build.towns import build_featured_towns, build_town_hierarchy
from layers.build.transport import (
    build_expressways,
    build_hubs,
    build_rail,
    build_trunk_roads,
)
from layers.paths import GEODATA

OCR_COLUMNS = ("seed_form", "corrected", "where", "line")


def ocr_logs() -> list[Path]:
    """Every per-topic OCR correction log: the layer sources' and the plan text's."""
    return [*sorted(SOURCES.glob("ocr_*.csv")), *sorted((GEODATA / "plan_text").glob("ocr_*.csv"))]


def merge_ocr_corrections(out_dir: Path = GEODATA) -> Path:
    """One sorted, de-duplicated log of every OCR correction made in the sources."""
    rows = {}
    for path in ocr_logs():
        for row in read_table(path.stem, path.parent):
            key = (row["seed_form"], row["corrected"], row["where"], row["line"])
            rows[key] = row
    path = out_dir / "ocr_corrections.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(OCR_COLUMNS)
        for key in sorted(rows, key=lambda k: (int(k[3] or 0), k[0], k[2])):
            writer.writerow(key)
    return path


def build_plan(out_dir: Path = GEODATA) -> dict[str, Path]:
    """Rebuild ``sources/gazetteer.csv`` (under ``out_dir``) and every plan layer from the tables."""
    counties = Counties()
    cited_rows = build_gazetteer(counties=counties)
    (out_dir / "sources").mkdir(exist_ok=True)
    gazetteer_path = write_gazetteer(cited_rows, out_dir / "sources")
    gazetteer = Gazetteer(cited_rows=cited_rows)
    builders = {
        "town_hierarchy": build_town_hierarchy,
        "featured_towns": build_featured_towns,
        "rail_network": build_rail,
        "expressway_network": build_expressways,
        "trunk_roads": build_trunk_roads,
        "transport_hubs": build_hubs,
        "industrial_parks": build_parks,
        "spatial_structure": build_structure,
        "protection_pattern": build_protection,
        "planning_zones": build_zones,
    }
    built = {layer_id: build(gazetteer, counties) for layer_id, build in builders.items()}
    built["projects"] = build_projects(gazetteer, counties, built)
    written = {layer_id: write_layer(layer_id, features, out_dir) for layer_id, features in built.items()}
    written["ocr_corrections"] = merge_ocr_corrections(out_dir)
    written["gazetteer"] = gazetteer_path
    return written
