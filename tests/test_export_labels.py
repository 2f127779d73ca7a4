"""Names on briefing maps: parks, lines and towns are named; no label overprints another; HTML labels too."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import matplotlib
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from layers import export
from layers.export import fonts
from layers.export.labels import HALO_PT, NAMED, box_size, line_text
from layers.io.catalog import load_catalog
from layers.region import extents
from layers.region.extents import COUNTIES

ALL = load_catalog().ids()
DEFAULT = [spec.id for spec in load_catalog() if spec.visible]
INDUSTRY = ["admin_counties", "industrial_parks"]  # an "产业布局" map


def names(layer_id: str, field: str = "name") -> list[str]:
    return [str(v) for v in gpd.read_file(load_catalog().get(layer_id).path)[field]]


def overlaps(rendered: export.Rendered) -> list[tuple[str, str]]:
    polygons = [shapely.Polygon(corners) for corners in rendered.label_boxes]
    assert len(polygons) == len(rendered.labels)
    return [(rendered.labels[i], rendered.labels[j]) for i in range(len(polygons)) for j in range(i + 1, len(polygons))
            if polygons[i].intersection(polygons[j]).area > 1e-6]


@pytest.mark.parametrize("extent, at_least", [("city", 8), ("core", 20)])
def test_an_industry_map_names_its_parks(extent, at_least):
    rendered = export.draw(export.compose(INDUSTRY, extent, "产业布局"), dpi=60)
    parks = set(names("industrial_parks")) & set(rendered.labels)
    assert len(parks) >= at_least, parks
    assert overlaps(rendered) == []


def test_the_parks_of_column_12_are_named_first():
    """At the core extent every 专栏12 park in view is named, crowded as the centre is."""
    rendered = export.draw(export.compose(INDUSTRY, "core", "产业布局"), dpi=60)
    gdf = gpd.read_file(load_catalog().get("industrial_parks").path)
    x0, y0, x1, y1 = extents.resolve("core").bounds
    inside = gdf[(gdf["kind"] == "专栏12园区") & gdf.geometry.within(shapely.box(x0, y0, x1, y1))]
    assert len(inside) >= 5
    assert set(inside["name"]) <= set(rendered.labels)


@pytest.mark.parametrize("layer_id", ["rail_network", "expressway_network", "trunk_roads"])
def test_lines_are_named_once_per_line_along_the_line(layer_id):
    rule = NAMED[layer_id]
    rendered = export.draw(export.compose(["admin_counties", layer_id], "city", "交通"), dpi=60)
    expected = {line_text(name, rule) for name in names(layer_id, rule.field)}
    placed = [text for text in rendered.labels if text in expected]
    assert len(placed) >= 5, placed
    assert len(placed) == len(set(placed))  # one label per line name
    turned = [corners for text, corners in zip(rendered.labels, rendered.label_boxes) if text in expected
              and abs(corners[1][1] - corners[0][1]) > 1]  # the box's lower edge is not horizontal
    assert turned  # at least some follow their line
    assert overlaps(rendered) == []


def test_line_names_drop_only_a_trailing_note():
    rule = NAMED["rail_network"]
    assert line_text("醴茶铁路（电气化改造）", rule) == "醴茶铁路"
    assert line_text("长株潭城际铁路（延伸至渌口区）", rule) == "长株潭城际铁路"
    assert line_text("株洲西经渌口区至醴陵东铁路", rule) == "株洲西经渌口区至醴陵东铁路"
    assert line_text("（示意）", rule) == "（示意）"  # never an empty label


@pytest.mark.parametrize("extent", extents.choices())
def test_no_two_labels_overlap_with_every_layer(extent):
    rendered = export.draw(export.compose(ALL, extent, "全部图层"), dpi=40)
    assert len(rendered.labels) >= 5
    assert overlaps(rendered) == []


@pytest.mark.parametrize("paper", list(export.PAPERS))
@pytest.mark.parametrize("layers", [ALL, DEFAULT], ids=["all", "default"])
def test_every_county_is_named_exactly_once_at_city_extent(paper, layers):
    rendered = export.draw(export.compose(layers, "city", "全市", paper=paper), dpi=40)
    for county in COUNTIES:
        assert rendered.labels.count(county) == 1, county
    assert overlaps(rendered) == []


@pytest.mark.parametrize("dpi", [40, 72, 150, 300])
@pytest.mark.parametrize("text, size, angle", [("石峰区", 9.0, 0), ("荷塘区", 9.0, 0), ("渌口区", 9.0, 0), ("G106", 7.5, 30),
                                               ("株洲高新区（河西示范园）", 7.5, 0), ("衡阳市", 8.25, 0), ("京广高铁", 7.5, -70)])
def test_a_label_box_holds_its_text_and_halo_as_drawn(text, size, angle, dpi):
    """What placement keeps apart is what is printed: the glyphs' box plus the halo's stroke."""
    label = export.labels.Label(text, 0.0, 0.0, size, "#333333", 10)
    w, h = box_size(label, dpi)
    with matplotlib.rc_context(fonts.rc_params()):
        fig = Figure(figsize=(4, 3), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 288)
        ax.set_ylim(0, 216)
        drawn = export.text.draw_text(ax, 144, 108, text, size, ha="center", va="center", rotation=angle, rotation_mode="anchor")
        fig.canvas.draw()
        extent = drawn.get_window_extent()
    px = dpi / 72  # pixels per point
    corners = shapely.Polygon(export.labels.rectangle(144, 108, w, h, angle))
    ink = shapely.box(extent.x0 / px, extent.y0 / px, extent.x1 / px, extent.y1 / px)
    if angle == 0:
        assert ink.buffer(HALO_PT, join_style="mitre").within(corners)
    else:  # a turned text's window extent is its box's bounding box: compare sizes
        assert extent.width / px <= shapely.bounds(corners)[2] - shapely.bounds(corners)[0] + 1e-6
        assert extent.height / px <= shapely.bounds(corners)[3] - shapely.bounds(corners)[1] + 1e-6


def label_configs(html: str) -> list[dict]:
    """The configuration of each label layer of an HTML map (``zzp.label(f, l, {...})``)."""
    return [json.loads(config) for config in set(re.findall(r"zzp\.label\(f, l, (\{[^}]*\})\)", html))]


def test_html_export_names_parks_lines_and_towns():
    chosen = ["admin_counties", "rail_network", "industrial_parks", "town_hierarchy", "featured_towns"]
    html = export.render_html(chosen, "core", "产业与交通")
    configs = label_configs(html)
    assert {c["priority"] for c in configs} >= {10, 15, 20, 26, 32}  # counties, parks, lines, other parks, featured towns
    assert any(c["minor"] for c in configs) and any(not c["minor"] for c in configs)
    sheet = export.compose(chosen, "core", "产业与交通")
    view = export.drawing.metric_bounds(sheet.extent.bounds)
    by_layer = {layer.spec.id: export.labels.web_labels(layer, export.drawing.feature_styles(layer.spec, layer.gdf), view)
                for layer in sheet.layers}
    assert "株洲经开区" in {text for text, *_ in by_layer["industrial_parks"]}
    rail = {text: extra for text, _, _, _, extra in by_layer["rail_network"]}
    assert "京广高铁" in rail and "_angle" in rail["京广高铁"]
    assert "株洲市市区" in {text for text, *_ in by_layer["town_hierarchy"]}
    for text in ["株洲经开区", "京广高铁", "株洲市市区"]:
        assert json.dumps(text)[1:-1] in html or text in html
    assert '"_angle"' in html


def test_a_name_moves_off_a_line_where_it_can_and_stays_inside_its_area():
    """A county name crossed by a rail line at its middle goes to a clear spot inside the county."""
    area = shapely.box(0, 0, 400, 300)  # metres, at one metre per point
    centre = shapely.Point(200, 150)
    label = export.labels.Label("渌口区", 200.0, 150.0, 9.0, "#333333", 10)
    w, h = box_size(label)
    spots = export.labels.area_spots(area, centre, w, h)
    assert spots and all(area.contains(shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)) for x, y in spots)
    label = export.labels.Label("渌口区", 200.0, 150.0, 9.0, "#333333", 10, spots=spots)
    line = shapely.LineString([(200, 0), (200, 300)])
    [through] = export.labels.place_labels([label], [], [], 400, 300, (0.0, 0.0), 1.0)
    assert (through.x, through.y) == (200.0, 150.0)  # nothing in the way: the middle
    [beside] = export.labels.place_labels([label], [], [], 400, 300, (0.0, 0.0), 1.0, lines=[line])
    assert not shapely.Polygon(beside.corners).intersects(line)
    assert area.contains(shapely.Polygon(beside.corners))


VISIBLE_LABELS = """() => Array.from(document.querySelectorAll('.zzp-label')).map(s => {
  const r = s.getBoundingClientRect();
  return {text: s.textContent, hidden: s.classList.contains('zzp-hidden'), turned: s.style.transform.includes('rotate'),
          box: [r.left, r.top, r.right, r.bottom]};
})"""


@pytest.mark.browser
def test_html_labels_never_overlap_in_chromium(tmp_path):
    """In the exported HTML map the browser hides the later of two overlapping labels, and shows it when zoomed in."""
    from tests.browser_support import skip_without_browser

    skip_without_browser()
    from playwright.sync_api import sync_playwright

    from benchmarks.live import launch

    chosen = ["admin_counties", "rail_network", "industrial_parks", "town_hierarchy", "featured_towns"]
    path = tmp_path / "map.html"
    path.write_text(export.render_html(chosen, "core", "产业与交通"), encoding="utf-8")

    def shown_without_overlap(page) -> list[dict]:
        page.wait_for_timeout(400)  # zzp.label declutters 60 ms after the view settles
        labels = page.evaluate(VISIBLE_LABELS)
        shown = [label for label in labels if not label["hidden"] and label["box"][2] > label["box"][0]]
        for i, a in enumerate(shown):
            for b in shown[i + 1:]:
                (al, at, ar, ab), (bl, bt, br, bb) = a["box"], b["box"]
                assert not (al < br and bl < ar and at < bb and bt < ab), (a["text"], b["text"])
        return labels

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.as_uri())
            page.wait_for_selector(".zzp-label", timeout=15_000)
            before = shown_without_overlap(page)
            assert any(label["turned"] for label in before)  # line names follow their lines
            assert {"京广高铁", "株洲经开区", "荷塘区"} <= {label["text"] for label in before}
            page.click(".leaflet-control-zoom-in")
            page.click(".leaflet-control-zoom-in")
            after = shown_without_overlap(page)
        finally:
            browser.close()
    assert errors == []
    hidden_before = sum(label["hidden"] for label in before)
    assert hidden_before > 0  # the core is crowded at first
    assert sum(label["hidden"] for label in after) < hidden_before  # zoomed in, there is room for more
