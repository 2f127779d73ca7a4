"""Hostile text never runs: feature properties, layer titles, legend labels, labels, upload names, export titles.

The static tests render the map HTML (``layers.web.mapbuild``) and look at every
place text lands; the browser test loads such a map in Chromium, hovers and
clicks the hostile feature and opens the layer control, and fails on any
``alert`` dialog.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from layers.io import uploads
from layers.io.catalog import Categories, Category, load_catalog
from layers.web import assets, mapbuild
from layers.web.basemaps import WGS84_DATUM, get_basemap
from layers.web.display import prepare
from layers.web.mapspec import MapSpec, Sync, ViewRequest

CATALOG = load_catalog()
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "`);alert(1);(`",
    "\"'><svg onload=alert(1)>",
    "</ScRiPt ><img src=x onerror=alert(1)>",
]
AREA = shapely.box(113.2, 27.0, 113.7, 27.45)  # under the centre of a new map
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def hostile_layers(text: str) -> list[tuple]:
    """A catalog-like layer and an upload where ``text`` is everywhere a user or a data file can put text."""
    base = CATALOG.get("industrial_parks")
    spec = replace(
        base,
        title=text,
        legend=text,
        label="name",
        tooltip=("name", text),
        popup=("name", text, "kind"),
        categories=(Categories("kind", (Category(text, text, (("color", "#ff0000"),)),)),),
        record_field="id",
        geometry="Polygon",
        geometries=("Polygon",),
    )
    gdf = gpd.GeoDataFrame({"name": [text], text: [text], "kind": [text], "id": [text]}, geometry=[AREA], crs="EPSG:4326")
    upload = uploads.load_upload(f"{text}.geojson", gdf.to_json().encode())
    return [(spec, gdf), *uploads.layer_specs(upload)]


def hostile_map(text: str) -> str:
    """The exported (folium) map of :func:`hostile_layers`."""
    m = mapbuild.new_map("none")
    drawn = [(s, mapbuild.add_layer(m, s, gdf, CATALOG)) for s, gdf in hostile_layers(text)]
    mapbuild.finish_map(m, drawn, legend_title=text)
    return mapbuild.map_html(m)


def hostile_spec(text: str) -> bytes:
    """The live map's spec (what the inline component is sent) of :func:`hostile_layers`."""
    spec = MapSpec(
        get_basemap("none"), ViewRequest(mapbuild.CITY_CENTER, mapbuild.CITY_ZOOM, "test"),
        legend_title=text, sync=Sync("overview", "", "none"),
    )
    for layer, gdf in hostile_layers(text):
        spec.add(layer, prepare(layer, gdf, WGS84_DATUM), CATALOG, True, detail_url="/projects?id=")
    return spec.to_json()


# The inline map outside Streamlit: component.js given the spec as Streamlit gives it (bytes).
HARNESS = """<!doctype html><meta charset="utf-8"><div id="root" style="width:900px"></div>
<script type="module">
import draw from '/app/static/zzp/component.js';
const data = new Uint8Array(await (await fetch('/spec.json')).arrayBuffer());
window.sent = [];
draw({data, parentElement: document.getElementById('root'), setTriggerValue: (n, v) => window.sent.push([n, v])});
</script>"""


@pytest.fixture(scope="module")
def benign() -> str:
    return hostile_map("plain text")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_never_appears_raw(payload):
    page = hostile_map(payload)
    if "<" in payload:
        assert payload not in page and payload.lower() not in page.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_blocks_cannot_be_closed_or_opened(payload, benign):
    page = hostile_map(payload).lower()
    assert page.count("</script") == benign.lower().count("</script")
    assert page.count("<script") == benign.lower().count("<script")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_template_literal_or_code_outside_json_strings(payload):
    """Hostile text lives only inside JSON string literals: no backtick, ``${`` or call outside them."""
    code = JSON_STRING.sub('""', hostile_map(payload))
    assert "`" not in code and "${" not in code and "alert" not in code


def overlays(page: str) -> list[str]:
    block = page[page.index("overlays :") : page.index("L.control.layers(")]
    return [json.loads(key) for key in re.findall(r'("(?:[^"\\]|\\.)*")\s*:\s*feature_group_', block)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_layer_control_names_are_html_escaped(payload):
    # Leaflet's layer control sets each name with innerHTML.
    catalog_like, upload = overlays(hostile_map(payload))
    assert catalog_like == html.escape(payload)
    # An upload is named by its base name: a "/" in the payload cuts it, the rest stays escaped.
    assert f"{payload}.geojson".endswith(html.unescape(upload)) and upload == html.escape(html.unescape(upload))
    assert "<" not in catalog_like + upload and ">" not in catalog_like + upload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_legend_is_escaped_html(payload):
    page = hostile_map(payload)
    legend = json.loads(re.search(r"zzp\.legend\([^,]+, (\"(?:[^\"\\]|\\.)*\")", page).group(1))
    assert html.escape(payload) in legend
    if "<" in payload:
        assert payload not in legend


def test_feature_text_is_only_ever_set_as_text():
    """The shared script assigns innerHTML only from its own constants (icons, the escaped legend)."""
    assigned = re.findall(r"innerHTML\s*=\s*([^;]+);", assets.source(assets.MAP_JS).read_text())
    assert set(assigned) == {"ICONS[icon]", "ICONS.done", "ICONS.link", "html"}
    assert "textContent" in assets.source(assets.MAP_JS).read_text()
    assert "bindTooltip(function" in assets.source(assets.MAP_JS).read_text() and "bindPopup(function" in assets.source(assets.MAP_JS).read_text()
    component = assets.source("zzp/component.js").read_text()
    assert "innerHTML" not in component and "insertAdjacentHTML" not in component  # the inline map adds no HTML of its own


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_export_title_and_overlay_are_escaped(payload):
    from layers import export

    overlay = gpd.GeoDataFrame({"name": [payload]}, geometry=[AREA], crs="EPSG:4326")
    page = export.render_html(["admin_counties"], "city", payload, payload, overlay=overlay, overlay_title=payload)
    assert f"<title>{html.escape(payload)}</title>" in page
    if "<" in payload:
        assert payload not in page
    assert html.escape(payload) in overlays(page)


# ------------------------------------------------------------------ in a browser


@pytest.mark.browser
@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("kind", ["export", "live"])
def test_hostile_feature_runs_nothing_in_chromium(tmp_path, payload, kind):
    """The exported folium map and the live inline map: hover, click, layer control, legend, labels."""
    from tests.browser_support import skip_without_browser

    skip_without_browser()
    from playwright.sync_api import sync_playwright

    from benchmarks.live import launch

    page_html = hostile_map(payload) if kind == "export" else HARNESS
    spec = hostile_spec(payload) if kind == "live" else b""
    origin = "http://zzp.test"

    def serve(route):
        url = route.request.url
        if url == f"{origin}/map.html":
            return route.fulfill(body=page_html, content_type="text/html; charset=utf-8")
        if url == f"{origin}/spec.json" and spec:
            return route.fulfill(body=spec, content_type="application/json")
        rel = url.removeprefix(f"{origin}/app/static/").split("?")[0]
        served = rel in (*assets.MAP_FILES, "zzp/component.js") or rel.removeprefix(f"{assets.VENDOR}/") in assets.LEAFLET_FILES
        if url.startswith(f"{origin}/app/static/") and served:
            return route.fulfill(path=str(assets.source(rel)))  # what the app serves, without starting it
        return route.abort()

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 700})
            context.route("**/*", serve)
            page = context.new_page()
            dialogs: list[str] = []
            errors: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{origin}/map.html")
            page.wait_for_selector(".leaflet-overlay-pane path", timeout=15_000)
            assert page.locator("iframe").count() == 0
            box = page.locator(".leaflet-container").bounding_box()
            centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 40)
            page.mouse.move(*centre)
            page.wait_for_selector(".leaflet-tooltip .zzp-title", timeout=5_000)
            shown = {"tooltip": page.locator(".leaflet-tooltip .zzp-title").inner_text()}
            page.mouse.click(*centre)
            page.wait_for_selector(".leaflet-popup .zzp-title", timeout=5_000)
            shown["popup"] = page.locator(".leaflet-popup").inner_text()
            page.hover(".leaflet-control-layers")
            page.wait_for_selector(".leaflet-control-layers-expanded", timeout=5_000)
            shown["layer control"] = page.locator(".leaflet-control-layers-overlays").inner_text()
            shown["legend"] = page.locator(".zzp-legend").inner_text()
            shown["label"] = " ".join(page.locator(".zzp-label").all_inner_texts())
            page.wait_for_timeout(300)  # let any injected onerror/onload fire
            sent = page.evaluate("() => window.sent || []")
            Path(tmp_path / "page.png").write_bytes(page.screenshot())
        finally:
            browser.close()
    assert dialogs == [], dialogs
    assert errors == [], errors
    for where, text in shown.items():
        assert payload in text, where  # shown to the user, as text
    if kind == "live":  # the click reached Python's side as data, unchanged
        assert sent and sent[0][0] == "clicked" and sent[0][1]["name"] == payload
