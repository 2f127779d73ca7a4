"""Basemaps: every choice builds; 高德 (GCJ-02) shifts the overlays for display only."""

import json
import re

import pytest

from layers.crs import distance_m, gcj02_to_wgs84
from layers.io.catalog import load_catalog
from layers.io.reader import load_layer
from layers.web import mapbuild
from layers.web.basemaps import BASEMAPS, GCJ02_DATUM, get_basemap
from layers.web.display import prepare

CATALOG = load_catalog()


@pytest.mark.parametrize("basemap", BASEMAPS, ids=[b.id for b in BASEMAPS])
def test_every_basemap_builds_a_map(basemap):
    m = mapbuild.new_map(basemap, tianditu_key="TESTKEY" if basemap.needs_key else None)
    html = mapbuild.map_html(m)
    for tile in basemap.tiles:
        assert tile.url.split("{")[0].replace("{key}", "") in html
    if basemap.needs_key:
        assert "tk=TESTKEY" in html and '"subdomains": "01234567"' in html
    if basemap.id == "none":
        assert "L.tileLayer" not in html


@pytest.mark.parametrize("basemap", [b for b in BASEMAPS if b.tiles], ids=[b.id for b in BASEMAPS if b.tiles])
def test_tile_urls_the_browser_receives_have_only_leaflets_placeholders(basemap):
    """Leaflet fills {s} {z} {x} {y}; a doubled brace would reach the tile server as TILEMATRIX={9}."""
    html = mapbuild.map_html(mapbuild.new_map(basemap, tianditu_key="TESTKEY" if basemap.needs_key else None))
    urls = re.findall(r'L\.tileLayer\(\s*"([^"]+)"', html)
    assert len(urls) == len(basemap.tiles)
    for url in urls:
        assert "{{" not in url and "}}" not in url
        assert set(re.findall(r"\{([^{}]*)\}", url)) <= {"s", "z", "x", "y"}
        assert "{z}" in url and "{x}" in url and "{y}" in url


def test_tianditu_needs_a_key():
    with pytest.raises(ValueError, match="TIANDITU_KEY"):
        mapbuild.new_map("tdt-vec")


def test_osm_attribution_as_its_tile_policy_requires():
    osm = get_basemap("osm")
    assert "openstreetmap.org/copyright" in osm.attribution


def test_gaode_basemaps_are_gcj02_and_shift_overlays_by_the_offset_and_back():
    assert {b.id for b in BASEMAPS if b.datum == GCJ02_DATUM} == {"amap-vec", "amap-img"}
    spec = CATALOG.get("transport_hubs")
    gdf = load_layer(spec)
    shifted = prepare(spec, gdf, GCJ02_DATUM).features["features"][0]["geometry"]["coordinates"]
    original = gdf.geometry.iloc[0]
    assert 450 < distance_m(original.x, original.y, *shifted) < 750
    back = gcj02_to_wgs84(*shifted)
    assert distance_m(original.x, original.y, *back) < 2  # rounding to 5 decimals only
    # attributes (what tooltips and exports show) are untouched
    assert prepare(spec, gdf, GCJ02_DATUM).features["features"][0]["properties"]["name"] == gdf["name"].iloc[0]


def test_amap_map_embeds_shifted_coordinates():
    spec = CATALOG.get("transport_hubs")
    m = mapbuild.new_map("amap-vec")
    gdf = load_layer(spec)
    mapbuild.finish_map(m, [(spec, mapbuild.add_layer(m, spec, prepare(spec, gdf, GCJ02_DATUM), CATALOG))])
    html = mapbuild.map_html(m)
    x, y = gdf.geometry.iloc[0].x, gdf.geometry.iloc[0].y
    assert json.dumps([round(x, 5), round(y, 5)]) not in html
    assert re.search(r"webrd0\{s\}\.is\.autonavi\.com", html)
