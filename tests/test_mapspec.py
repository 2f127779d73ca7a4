"""The live map's spec (layers/web/mapspec.py): what the inline map component is sent on every run.

Plain pytest, no Streamlit: the spec is built the way the pages build it (``compose_map``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache

import geopandas as gpd
import pytest
import shapely

from layers.io import store
from layers.io.catalog import load_catalog
from layers.region import extents
from layers.web import mapbuild
from layers.web.basemaps import GCJ02_DATUM, WGS84_DATUM, get_basemap
from layers.web.compose import compose_map, field_filter, fit_request
from layers.web.display import prepare
from layers.web.mapspec import MapSpec, ViewRequest
from layers.web.permalink import MapState
from layers.web.views import VIEWS

CATALOG = load_catalog()


@lru_cache(maxsize=None)
def _load(layer_id: str) -> store.LayerLoad:
    return store.load(CATALOG.get(layer_id))


@lru_cache(maxsize=None)
def _display(layer_id: str, datum: str):
    load = _load(layer_id)
    return prepare(load.spec, load.gdf, datum)


def build(view_id: str = "transport", state: MapState = MapState(), basemap: str = "none", **kwargs) -> dict:
    """The decoded spec of a page's map, as the browser gets it."""
    bm = get_basemap(basemap)
    loads = [_load(i) for i in VIEWS[view_id].layer_ids(state)]
    spec, _ = compose_map(view_id, loads, lambda s: _display(s.id, bm.datum), bm, state, **kwargs)
    return json.loads(spec.to_json())


def by_id(spec: dict) -> dict[str, dict]:
    return {layer["id"]: layer for layer in spec["layers"]}


def test_layers_come_in_the_views_drawing_order_with_their_features_and_styles():
    spec = build()
    assert [layer["id"] for layer in spec["layers"]] == VIEWS["transport"].layer_ids(MapState())
    rail = by_id(spec)["rail_network"]
    assert len(rail["features"]["features"]) == len(rail["styleOf"]) == len(_load("rail_network").gdf)
    for feature, index in zip(rail["features"]["features"], rail["styleOf"]):
        assert rail["styles"][index] == mapbuild.feature_style(CATALOG.get("rail_network"), feature["properties"])
    assert len(rail["styles"]) < len(rail["styleOf"])  # distinct styles are sent once
    assert rail["config"]["popup"] == list(CATALOG.get("rail_network").popup)


def test_a_layers_hash_follows_its_content_and_not_its_visibility():
    plain, again = build(), build()
    hidden = build(visible={"admin_counties"})
    built = build(filters={"rail_network": field_filter("status", ["已建"])})
    for layer_id in ("admin_counties", "rail_network", "expressway_network"):
        for key in ("hash", "styleHash"):
            assert by_id(plain)[layer_id][key] == by_id(again)[layer_id][key] == by_id(hidden)[layer_id][key]
    assert by_id(hidden)["rail_network"]["visible"] is False and by_id(plain)["rail_network"]["visible"] is True
    assert by_id(built)["rail_network"]["hash"] != by_id(plain)["rail_network"]["hash"]
    assert by_id(built)["expressway_network"]["hash"] == by_id(plain)["expressway_network"]["hash"]
    assert 0 < len(by_id(built)["rail_network"]["features"]["features"]) < len(by_id(plain)["rail_network"]["features"]["features"])


def test_a_selection_restyles_only_the_selected_feature():
    record_id = _load("rail_network").gdf["id"].iloc[0]
    plain, chosen = build(), build(state=MapState(selected=record_id))
    before, after = by_id(plain)["rail_network"], by_id(chosen)["rail_network"]
    assert before["hash"] == after["hash"] and before["styleHash"] != after["styleHash"]  # restyled, not redrawn
    changed = [
        i for i, (a, b) in enumerate(zip(before["styleOf"], after["styleOf"]))
        if before["styles"][a] != after["styles"][b]
    ]
    assert changed == [0] and after["styles"][after["styleOf"][0]]["color"] == "#ff00aa"
    assert chosen["sync"]["selected"] == record_id


def test_the_view_request_is_the_links_and_its_nonce_names_it():
    first, rerun = build(state=MapState(center=(27.0, 113.5), zoom=10)), build(state=MapState(center=(27.0, 113.5), zoom=10))
    other, default = build(state=MapState(center=(27.1, 113.5), zoom=10)), build()
    assert first["view"] == rerun["view"] and first["view"]["center"] == [27.0, 113.5] and first["view"]["zoom"] == 10
    assert other["view"]["nonce"] != first["view"]["nonce"] != default["view"]["nonce"]
    assert first["view"]["bounds"] is None  # a link's view is shown as it was shared


def test_the_first_view_fits_the_whole_city_and_a_page_request_wins():
    default = build()
    (south, west), (north, east) = default["view"]["bounds"]
    minlon, minlat, maxlon, maxlat = extents.resolve("city").bounds
    assert (south, west, north, east) == (minlat, minlon, maxlat, maxlon)
    assert south < 26.1 and north > 28.0  # 炎陵's southern tip to 渌口's north: the whole city
    assert default["view"]["nonce"] != build(view_id="structure")["view"]["nonce"]
    county = extents.resolve("炎陵县").bounds
    fitted = build(state=MapState(center=(27.0, 113.5), zoom=10), fit=fit_request(county, "county|1"))
    assert fitted["view"]["bounds"] == [[county[1], county[0]], [county[3], county[2]]]
    assert fitted["view"]["nonce"] == "county|1"


def test_assets_and_links_live_under_the_base_path():
    spec = build(base_path="/zzp")
    assert spec["scripts"] == [
        "/zzp/app/static/vendor/leaflet/leaflet.js", "/zzp/app/static/zzp/map.js", "/zzp/app/static/zzp/fullscreen.js"
    ]
    assert all(href.startswith("/zzp/app/static/") for href in spec["styles"])
    assert by_id(spec)["rail_network"]["config"]["detail"] == "/zzp/projects?id="
    assert spec["sync"]["base"] == "/zzp"


def test_basemaps_tiles_key_and_gcj02_shift():
    assert build()["basemap"]["tiles"] == []
    tdt = MapSpec(get_basemap("tdt-vec"), ViewRequest(mapbuild.CITY_CENTER, 8, "x"), tianditu_key="KEY123")
    assert all("tk=KEY123" in t["url"] for t in json.loads(tdt.to_json())["basemap"]["tiles"])
    with pytest.raises(ValueError, match="天地图密钥"):
        MapSpec(get_basemap("tdt-vec"), ViewRequest(mapbuild.CITY_CENTER, 8, "x")).to_json()
    wgs, gcj = by_id(build(basemap="osm"))["admin_counties"], by_id(build(basemap="amap-vec"))["admin_counties"]
    assert _display("admin_counties", GCJ02_DATUM).features["features"] == gcj["features"]["features"]
    assert _display("admin_counties", WGS84_DATUM).features["features"] == wgs["features"]["features"]
    shift = shapely.distance(
        shapely.geometry.shape(wgs["features"]["features"][0]["geometry"]).centroid,
        shapely.geometry.shape(gcj["features"]["features"][0]["geometry"]).centroid,
    )
    assert 0.003 < shift < 0.01  # ≈ 500–700 m in degrees here


def test_clean_mode_labels_and_legend():
    spec = build(clean=True)
    assert spec["clean"] is True and build()["clean"] is False
    counties, hubs = by_id(spec)["admin_counties"], by_id(spec)["transport_hubs"]
    assert counties["label"] == {"field": "name", "muted": CATALOG.get("admin_counties").label_muted}
    assert len(counties["labels"]["features"]) == 9 and hubs["label"] is None and hubs["labels"] is None
    assert 'class="zzp-legend"' in spec["legend"] and CATALOG.get("rail_network").legend in spec["legend"]


def test_hostile_text_stays_data_and_names_are_escaped():
    text = "<img src=x onerror=alert(1)>{{ 7*7 }}"
    base = CATALOG.get("industrial_parks")
    layer = replace(base, id="upload_x", title=text, legend=text, label="name", tooltip=("name",), popup=("name",), record_field=None)
    gdf = gpd.GeoDataFrame({"name": [text]}, geometry=[shapely.Point(113.4, 27.2)], crs="EPSG:4326")
    spec = MapSpec(get_basemap("none"), ViewRequest(mapbuild.CITY_CENTER, 8, "x"))
    spec.add(layer, prepare(layer, gdf, WGS84_DATUM), CATALOG, True)
    decoded = json.loads(spec.to_json())
    [sent] = decoded["layers"]
    assert sent["title"] == text and sent["features"]["features"][0]["properties"]["name"] == text  # data, as written
    assert "<" not in sent["name"] and "<img" not in decoded["legend"]  # the two places HTML is inserted
    assert "49" not in spec.to_json().decode()


@pytest.mark.parametrize("view_id", sorted(VIEWS))
def test_any_catalog_layer_a_link_asks_for_is_drawn_on_any_page_in_its_place(view_id):
    view = VIEWS[view_id]
    state = MapState(layers=("rail_network", "planning_zones"))
    ids = view.layer_ids(state)
    assert {"rail_network", "planning_zones"} <= set(ids)
    own = [i for i in ids if i in view.layers]
    assert own == [i for i in view.layers if i in own]  # the page's own layers keep their order
    kind = {"Polygon": 0, "LineString": 1, "Point": 2}
    ranks = [kind[CATALOG.get(i).geometry] for i in ids]
    assert ranks == sorted(ranks)  # areas under lines under points, added layers too
    spec = by_id(build(view_id, state))
    assert spec["rail_network"]["visible"] and spec["planning_zones"]["visible"]
    assert [i for i in spec if spec[i]["visible"]] == [i for i in ids if i in state.layers]


def test_the_layer_list_offers_every_catalog_layer_the_page_did_not_send_grouped():
    spec = build("structure")
    sent = {layer["id"] for layer in spec["layers"]}
    offered = [item["id"] for item in spec["more"]]
    assert set(offered) | sent == set(CATALOG.ids()) and not set(offered) & sent
    groups = [CATALOG.get(i).group for i in offered]
    assert groups == sorted(groups, key=CATALOG.groups.index)  # in the catalog's groups
    rail = next(item for item in spec["more"] if item["id"] == "rail_network")
    assert rail["name"] == "铁路“六纵四横”（交通网络）"
    asked = build("structure", MapState(layers=("rail_network",)))
    assert "rail_network" not in [item["id"] for item in asked["more"]]
