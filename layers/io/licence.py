"""Downloads that carry their licence: every GeoJSON and CSV the app hands out names its source and terms.

A file saved from the data page or 项目库 travels without the page around it, so the
layer's provenance from ``catalog.toml`` goes into the file itself:

* GeoJSON: top-level foreign members of the FeatureCollection (RFC 7946 §6.1 allows
  them; GIS software ignores what it does not know): ``license``, ``source``,
  ``attribution``, ``method``, ``accuracy``, ``schematic``, ``date``.
* CSV: a ``来源与许可`` column with the same text on every row.  A header comment
  line would break spreadsheet and pandas parsing; a column survives both, and it
  stays with any rows copied out of the file.
"""

from __future__ import annotations

import json
from typing import Any

from layers.io.catalog import LayerSpec

CSV_COLUMN = "来源与许可"


def attribution(spec: LayerSpec) -> str:
    """One line to credit a layer: title, source, licence, and 示意 when it is schematic."""
    prov = spec.provenance
    schematic = "；示意图层，不是测绘成果" if prov.schematic else ""
    return f"{spec.title}：{prov.source}；许可：{prov.license}{schematic}"


def members(spec: LayerSpec) -> dict[str, Any]:
    """The provenance members added to a downloaded FeatureCollection."""
    prov = spec.provenance
    return {
        "name": spec.title,
        "license": prov.license,
        "source": prov.source,
        "attribution": attribution(spec),
        "method": prov.method,
        "accuracy": prov.accuracy,
        "schematic": prov.schematic,
        "date": prov.date,
    }


def licensed_geojson(document: bytes | str | dict[str, Any], spec: LayerSpec) -> bytes:
    """A FeatureCollection with the layer's provenance members first, features unchanged (UTF-8)."""
    doc = json.loads(document) if isinstance(document, (bytes, str)) else document
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ValueError(f"{spec.file}: not a GeoJSON FeatureCollection")
    ordered = {"type": doc["type"], **members(spec), **{k: v for k, v in doc.items() if k != "type"}}
    return json.dumps(ordered, ensure_ascii=False).encode("utf-8")
