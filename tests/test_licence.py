"""Downloaded layers carry their source and licence (RFC 7946 foreign members), features untouched."""

from __future__ import annotations

import json

import pytest

from layers.io import licence
from layers.io.catalog import load_catalog

CATALOG = load_catalog()


@pytest.mark.parametrize("spec", list(CATALOG), ids=lambda s: s.id)
def test_every_layer_download_names_its_source_and_licence(spec):
    original = json.loads(spec.path.read_bytes())
    doc = json.loads(licence.licensed_geojson(spec.path.read_bytes(), spec))
    assert doc["type"] == "FeatureCollection" and doc["features"] == original["features"]
    prov = spec.provenance
    assert (doc["license"], doc["source"], doc["accuracy"], doc["schematic"]) == (
        prov.license, prov.source, prov.accuracy, prov.schematic,
    )
    assert prov.license in doc["attribution"] and spec.title in doc["attribution"]
    assert list(doc)[0] == "type"  # readers that peek at the start still see a FeatureCollection


def test_a_file_that_is_not_a_feature_collection_is_refused():
    with pytest.raises(ValueError):
        licence.licensed_geojson(b'{"type": "Point", "coordinates": [113, 27]}', CATALOG.get("projects"))
