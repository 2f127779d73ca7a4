import copy
import tomllib

import pytest

from layers.io.catalog import (
    CATALOG_FILE,
    PROVENANCE_KEYS,
    CatalogError,
    load_catalog,
    parse_catalog,
)
from layers.io.reader import load_layer

CATALOG = load_catalog()


@pytest.mark.parametrize("spec", CATALOG.layers, ids=CATALOG.ids())
def test_every_catalog_layer_exists_loads_validates_and_has_provenance(spec):
    assert spec.path.exists(), f"{spec.id}: {spec.path} missing"
    gdf = load_layer(spec)  # raises with every problem if the file breaks its declaration
    assert len(gdf) > 0
    assert str(gdf.crs).upper() in ("EPSG:4326", "OGC:CRS84")
    for key in PROVENANCE_KEYS:
        assert getattr(spec.provenance, key).strip(), f"{spec.id}: provenance.{key} empty"
    for field in ("source", "method", "accuracy", "plan_ref"):
        assert gdf[field].notna().all() and (gdf[field].astype(str).str.strip() != "").all(), field
    if spec.provenance.schematic:
        assert gdf["accuracy"].astype(str).str.len().gt(0).all()
    for field in (*spec.tooltip, *spec.popup):
        assert field in CATALOG.field_labels, f"{spec.id}: no Chinese label for {field!r}"


def _raw() -> dict:
    with CATALOG_FILE.open("rb") as fh:
        return tomllib.load(fh)


def _broken(mutate) -> dict:
    data = copy.deepcopy(_raw())
    mutate(data)
    return data


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (lambda d: d["layer"][0].pop("title"), "缺少键 'title'"),
        (lambda d: d["layer"][0].update(colour="#ffffff"), "未知的键 'colour'"),
        (lambda d: d["layer"][0].update(group="不存在的分组"), "未知分组 '不存在的分组'"),
        (lambda d: d["layer"][0].update(geometry="Circle"), "未知几何类型 'Circle'"),
        (lambda d: d["layer"][0]["style"].update(color="red"), "#rrggbb"),
        (lambda d: d["layer"][0]["provenance"].pop("license"), "缺少键 'license'"),
        (lambda d: d["layer"][0]["provenance"].update(date="27/11/2026"), "YYYY-MM-DD"),
        (lambda d: d["layer"][1].update(id=d["layer"][0]["id"]), "重复"),
        (lambda d: d["layer"][0].update(file="../secrets.geojson"), "geodata/"),
    ],
)
def test_malformed_catalog_names_the_layer_and_key(mutate, expected):
    data = _broken(mutate)
    with pytest.raises(CatalogError, match=expected) as info:
        parse_catalog(data)
    assert data["layer"][0]["id"] in str(info.value) or "重复" in expected


def test_categories_style_by_value():
    data = _raw()
    layer = copy.deepcopy(data["layer"][0])
    layer["categories"] = {"field": "kind", "values": [{"value": "区", "style": {"color": "#ff0000"}}]}
    spec = parse_catalog({**data, "layer": [layer]}).layers[0]
    assert spec.style_for({"kind": "区"}).color == "#ff0000"
    assert spec.style_for({"kind": "县"}).color == spec.style.color
