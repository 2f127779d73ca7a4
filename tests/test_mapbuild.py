"""Maps are tested without a browser, by rendering their HTML."""

import json
import re

import pytest

from layers.io.catalog import load_catalog
from layers.io.reader import load_layer
from layers.web import mapbuild

CATALOG = load_catalog()


def render(layer_ids, visible=None) -> str:
    m = mapbuild.new_map("none")
    drawn = [(CATALOG.get(i), mapbuild.add_layer(m, CATALOG.get(i), load_layer(CATALOG.get(i)), CATALOG)) for i in layer_ids]
    mapbuild.finish_map(m, drawn, visible)
    return mapbuild.map_html(m)


def contains_text(html: str, text: str) -> bool:
    escaped = json.dumps(text)[1:-1]  # how JSON embeds it with ASCII escapes
    return text in html or escaped in html


@pytest.fixture(scope="module")
def overview_html() -> str:
    return render(["neighbour_cities", "admin_counties"])


def test_every_county_name_is_on_the_map(overview_html):
    counties = load_layer(CATALOG.get("admin_counties"))
    for name in counties["name"]:
        assert contains_text(overview_html, name), name


def test_one_feature_group_per_layer_and_layer_control_last(overview_html):
    assert overview_html.count("L.featureGroup(") == 2
    script = overview_html[overview_html.index("L.featureGroup(") :]
    last_control = script.rindex("L.control.layers(")
    for marker in ("L.featureGroup(", "zzp.legend("):
        assert script.rindex(marker) < last_control


def test_legend_lists_the_layers(overview_html):
    for spec in (CATALOG.get("neighbour_cities"), CATALOG.get("admin_counties")):
        assert contains_text(overview_html, spec.legend)


def test_hidden_layers_are_hidden_after_binding():
    html = render(["neighbour_cities", "admin_counties"], visible={"admin_counties"})
    match = re.search(r"zzp\.hideLater\([^,]+, \[([^\]]*)\]\)", html)
    assert match and match.group(1).count("feature_group_") == 1


def test_only_leaflet_fullscreen_and_the_maps_own_script_are_loaded(overview_html):
    scripts = re.findall(r'<script src="([^"]+)"', overview_html)
    assert scripts == ["/app/static/vendor/leaflet/leaflet.js", "/app/static/zzp/map.js", "/app/static/zzp/fullscreen.js"]
    assert "jquery" not in overview_html.lower() and "bootstrap" not in overview_html.lower()


def test_tooltips_render_text_not_html(overview_html):
    # Property text reaches the page only through textContent in the shared script.
    assert "zzp.bind(" in overview_html
    assert ".innerHTML = table" not in overview_html


def test_feature_text_is_never_evaluated_as_a_template():
    import geopandas as gpd
    from shapely.geometry import Point

    spec = CATALOG.get("town_hierarchy")
    hostile = "{{ 7*7 }}{% for i in range(3) %}Z{% endfor %}"
    gdf = gpd.GeoDataFrame(
        [{"name": hostile, "tier": 1, "tier_label": "x", "county": "天元区", "official_name": "x", "pop_band": "x",
          "plan_ref": "x", "accuracy": "x", "source": "x", "method": "x", "quote": "x"}],
        geometry=[Point(113.1, 27.8)], crs=4326,
    )
    m = mapbuild.new_map("none")
    mapbuild.finish_map(m, [(spec, mapbuild.add_layer(m, spec, gdf, CATALOG))])
    html = mapbuild.map_html(m)
    assert "{{ 7*7 }}{% for i in range(3) %}" in html  # shipped as text, for textContent
    assert "ZZZ" not in html
