"""Paragraphs of the plan, the reviewed name index, and the links between them.

``geodata/plan_text/paragraphs.jsonl`` holds the text (built from the OCR'd
plan by ``python -m layers build text``); ``name_index.csv`` says which map
feature or project record each name in it stands for.  Links are found here,
automatically, longest name first and never overlapping, so a reviewer edits
names, not character offsets.  A link's target is a permalink selection: the
feature's record id, or ``layer:name`` for features without a record.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from layers.io.catalog import load_catalog
from layers.paths import GEODATA

if TYPE_CHECKING:
    import geopandas as gpd

TEXT_DIR = GEODATA / "plan_text"


@dataclass(frozen=True)
class Fix:
    """An OCR correction inside a paragraph: ``text[start:end]`` replaced the seed's ``seed``."""

    start: int
    end: int
    seed: str
    reason: str


@dataclass(frozen=True)
class Paragraph:
    """One paragraph or 专栏 row of the plan: stable id, 篇/章/节/专栏 reference, corrected text, corrections."""
    id: str
    ref: str
    part: str
    chapter: str
    section: str
    column: str
    kind: str  # "p" paragraph; 专栏: "item" (list entry), "row"/"head" (table row, cells split by tabs)
    text: str
    fixes: tuple[Fix, ...]

    def cells(self) -> list[tuple[int, int]]:
        """(start, end) of each table cell; a paragraph is one cell."""
        spans, start = [], 0
        for cell in self.text.split("\t"):
            spans.append((start, start + len(cell)))
            start += len(cell) + 1
        return spans


@dataclass(frozen=True)
class Entry:
    """One row of the name index: a name as the plan writes it, and the feature it stands for."""

    name: str
    alias_of: str
    layer: str
    feature: str
    note: str

    @property
    def canonical(self) -> str:
        return self.alias_of or self.name


@dataclass(frozen=True)
class Link:
    """A span of a paragraph that names a feature or record (found from the reviewed name index)."""
    start: int
    end: int
    text: str
    entry: Entry

    @property
    def selection(self) -> str:
        return selection(self.entry.layer, self.entry.feature)


def selection(layer_id: str, feature: str) -> str:
    """The permalink ``sel`` of a feature: its record id where the layer has records, else ``layer:name``."""
    spec = load_catalog().get(layer_id)
    return feature if spec.record_field else f"{layer_id}:{feature}"


def selection_of(layer_id: str, record: dict) -> str | None:
    """The ``sel`` of a clicked or selected feature (its full record from the layer)."""
    spec = load_catalog().get(layer_id)
    if spec.record_field and record.get(spec.record_field):
        return str(record[spec.record_field])
    name = record.get("name")
    return f"{layer_id}:{name}" if name else None


@lru_cache(maxsize=4)
def load_paragraphs(folder: Path = TEXT_DIR) -> tuple[Paragraph, ...]:
    """Every extracted paragraph, in the plan's order, from ``geodata/plan_text/paragraphs.jsonl``."""
    rows = []
    with (folder / "paragraphs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                raw = json.loads(line)
                fixes = tuple(Fix(**f) for f in raw["fixes"])
                rows.append(
                    Paragraph(raw["id"], raw["ref"], raw["part"], raw["chapter"], raw["section"], raw["column"], raw["kind"], raw["text"], fixes)
                )
    return tuple(rows)


@lru_cache(maxsize=4)
def load_index(folder: Path = TEXT_DIR) -> tuple[Entry, ...]:
    """The reviewed name index: each name or alias and the layer and feature it links to."""
    with (folder / "name_index.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            Entry(r["name"].strip(), r["alias_of"].strip(), r["layer"].strip(), r["feature"].strip(), r["note"].strip())
            for r in csv.DictReader(fh)
        )


@lru_cache(maxsize=4)
def load_unlinked(folder: Path = TEXT_DIR) -> tuple[dict[str, str], ...]:
    """Names the plan gives that no feature or record stands for, each with the reason."""
    with (folder / "unlinked.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(dict(r) for r in csv.DictReader(fh))


def find_links(text: str, entries: tuple[Entry, ...], unlinked: tuple[str, ...] = ()) -> list[Link]:
    """Every indexed name in ``text``: longest names first, no two links overlapping.

    ``unlinked`` names (places the map does not show) take their span without a
    link, so 来龙门街道 does not become a link to the town 龙门.
    """
    taken = [False] * len(text)
    found: list[Link] = []
    names = [(e.name, e) for e in entries] + [(name, None) for name in unlinked]
    for name, entry in sorted(names, key=lambda item: (-len(item[0]), item[0], item[1] is None)):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if any(taken[start:end]):
                start = text.find(name, start + 1)
                continue
            taken[start:end] = [True] * len(name)
            if entry is not None:
                found.append(Link(start, end, name, entry))
            start = text.find(name, end)
    return sorted(found, key=lambda link: link.start)


@lru_cache(maxsize=4)
def all_links(folder: Path = TEXT_DIR) -> dict[str, tuple[Link, ...]]:
    """Paragraph id → its links."""
    entries = load_index(folder)
    unlinked = tuple(row["name"] for row in load_unlinked(folder))
    return {p.id: tuple(find_links(p.text, entries, unlinked)) for p in load_paragraphs(folder)}


def paragraph(pid: str, folder: Path = TEXT_DIR) -> Paragraph | None:
    """The paragraph with this id, or None."""
    return next((p for p in load_paragraphs(folder) if p.id == pid), None)


@lru_cache(maxsize=4)
def _naming(folder: Path = TEXT_DIR) -> dict[str, tuple[str, ...]]:
    by_selection: dict[str, list[str]] = {}
    for pid, links in all_links(folder).items():
        for link in links:
            ids = by_selection.setdefault(link.selection, [])
            if pid not in ids:
                ids.append(pid)
    return {sel: tuple(ids) for sel, ids in by_selection.items()}


def paragraphs_naming(sel: str, folder: Path = TEXT_DIR) -> list[Paragraph]:
    """Every paragraph that names the feature selected by ``sel``, in the plan's order."""
    ids = set(_naming(folder).get(sel, ()))
    return [p for p in load_paragraphs(folder) if p.id in ids]


def search(query: str, folder: Path = TEXT_DIR) -> list[Paragraph]:
    """Paragraphs containing ``query`` (spaces ignored on both sides)."""
    needle = re.sub(r"\s+", "", query)
    if not needle:
        return []
    return [p for p in load_paragraphs(folder) if needle in re.sub(r"\s+", "", p.text)]


def contents(folder: Path = TEXT_DIR) -> list[tuple[str, str]]:
    """Table of contents: (heading, id of its first paragraph), in the plan's order."""
    seen: dict[str, str] = {}
    for p in load_paragraphs(folder):
        for heading in (p.chapter, p.section, p.column):
            if heading and heading not in seen:
                seen[heading] = p.id
    return list(seen.items())


def as_json(folder: Path = TEXT_DIR) -> list[dict]:
    """The paragraphs with their links, for ``python -m layers text --json``."""
    links = all_links(folder)
    return [
        {
            "id": p.id,
            "ref": p.ref,
            "text": p.text,
            "links": [{"text": link.text, "layer": link.entry.layer, "feature": link.entry.feature} for link in links[p.id]],
        }
        for p in load_paragraphs(folder)
    ]


def feature_bounds(frames: Iterable[tuple[str, gpd.GeoDataFrame]]) -> dict[str, tuple[float, float, float, float]]:
    """Selection → lon/lat bounds of every feature it selects (a line's segments together).

    ``frames`` are (layer id, GeoDataFrame in EPSG:4326) pairs; used to centre the
    map on a linked name.
    """
    found: dict[str, tuple[float, float, float, float]] = {}
    for layer_id, gdf in frames:
        for record, geometry in zip(gdf.drop(columns="geometry").to_dict("records"), gdf.geometry):
            sel = selection_of(layer_id, record)
            if sel is None or geometry is None or geometry.is_empty:
                continue
            b = geometry.bounds
            old = found.get(sel)
            found[sel] = b if old is None else (min(old[0], b[0]), min(old[1], b[1]), max(old[2], b[2]), max(old[3], b[3]))
    return found


def caption(para: Paragraph, limit: int = 46) -> str:
    """The paragraph as one quoted plain line with its place in the plan, at most ``limit`` characters."""
    plain = re.sub(r"\s+", " ", para.text).strip()
    source = f"（纲要{para.ref}）"
    room = limit - len(source) - 2
    quote = plain if len(plain) <= room else plain[: room - 1] + "…"
    return f"“{quote}”{source}"
