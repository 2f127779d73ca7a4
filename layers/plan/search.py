"""One search over project records and map features, by name, county and category.

Matching is by substring on normalised text (full-width and spacing ignored), so
a partial name finds every item that contains it: 清水塘 finds 清水塘大桥,
清水塘公园, 清水塘生态科技产业新城 …  Results that stand for a project record
open that record; other features open their map page at the feature.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from layers.io.store import LayerLoad
from layers.web.views import home_view


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, where it is drawn, and its record (if it has one)."""
    name: str
    layer_id: str
    layer_title: str
    county: str
    category: str
    record_id: str | None
    score: int

    @property
    def page(self) -> str:
        """The page a hit opens: its record in 项目库, else the map page that is the layer's home."""
        return "projects" if self.record_id else home_view(self.layer_id)


def normalise(text: object) -> str:
    """Text folded for matching: full-width to half-width, lower case, spaces and punctuation removed."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text)).lower()
    return re.sub(r"[\s·•“”\"'（）()、，,。]", "", folded)


def search(query: str, loads: list[LayerLoad]) -> list[Hit]:
    """Every item whose searchable fields contain every word of ``query``; records first, de-duplicated.

    All of them: the sidebar shows the first few and says how many there are, and
    项目库 lists the same records (:func:`record_ids`), so the two counts agree.
    """
    words = [normalise(w) for w in query.split() if normalise(w)]
    if not words:
        return []
    hits: dict[tuple[str, str], Hit] = {}
    for load in loads:
        if not load.ok:
            continue
        spec = load.spec
        fields = [f for f in dict.fromkeys((*spec.search_fields, "name", "county", "category")) if f in load.gdf]
        for row in load.gdf[fields + [c for c in (spec.record_field,) if c and c in load.gdf]].to_dict("records"):
            name_text = normalise(row.get("name"))
            haystack = " ".join(normalise(row.get(f)) for f in fields)
            if not all(word in haystack for word in words):
                continue
            score = 2 if all(word in name_text for word in words) else 1
            record_id = row.get(spec.record_field) if spec.record_field else None
            key = (record_id, "") if record_id else (spec.id, str(row.get("name")))
            hit = Hit(
                name=str(row.get("name", "")),
                layer_id=spec.id,
                layer_title=spec.title,
                county=str(row.get("county") or ""),
                category=str(row.get("category") or row.get("kind") or spec.title),
                record_id=record_id,
                score=score,
            )
            if key not in hits or (hit.layer_id == "projects" and hits[key].layer_id != "projects"):
                hits[key] = hit
    return sorted(hits.values(), key=lambda h: (-h.score, h.record_id is None, h.name))


def record_ids(hits: list[Hit]) -> frozenset[str]:
    """The project records among ``hits`` (a map feature linked to a record counts as that record)."""
    return frozenset(h.record_id for h in hits if h.record_id)
