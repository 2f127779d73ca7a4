"""Briefing exports: exact paper sizes, searchable one-page PDFs, honest legends, every extent, HTML, CLI, page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import warnings

import geopandas as gpd
import pytest
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import LineString, Point, box
from streamlit.testing.v1 import AppTest

from layers import export
from layers.io import catalog as catalog_module
from layers.io import store
from layers.io.catalog import Style, load_catalog
from layers.region import extents
from layers.web import assets
from layers.web.style import PX_TO_PT, legend_entries, matplotlib_kwargs
from tests.conftest import ROOT

TITLE = "株洲市“十四五”发展空间布局"
ALL = load_catalog().ids()
DEFAULT = [spec.id for spec in load_catalog() if spec.visible]


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def squeeze(text: str) -> str:
    """Text without whitespace, so lines wrapped on the sheet still match."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("paper", list(export.PAPERS))
def test_png_is_exactly_paper_times_dpi(paper):
    data = export.render(DEFAULT, "city", TITLE, paper=paper, dpi=150)
    spec = export.PAPERS[paper]
    assert png_size(data) == (round(spec.width_mm / 25.4 * 150), round(spec.height_mm / 25.4 * 150))


def test_png_sizes_of_the_common_cases():
    assert export.PAPERS["a4-landscape"].pixels(150) == (1754, 1240)
    assert export.PAPERS["16x9"].pixels(150) == (2000, 1125)
    assert png_size(export.render(ALL, "city", TITLE, dpi=300)) == (3508, 2480)


def test_pdf_is_one_searchable_a4_page_with_truetype_text():
    data = export.render(DEFAULT, "core", TITLE, "中心城区", fmt="pdf")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert [round(float(v)) for v in page.mediabox[2:]] == [842, 595]  # 297 × 210 mm in points
    assert TITLE in page.extract_text()
    assert reader.metadata.title == TITLE
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    assert fonts and all(font["/Subtype"] != "/Type3" for font in fonts)  # pdf.fonttype 42: text, not glyph drawings
    assert all("NotoSansCJKsc" in font["/BaseFont"] for font in fonts)  # the simplified-Chinese face


def test_legend_lists_exactly_the_exported_layers_in_catalog_order():
    chosen = ["town_hierarchy", "admin_counties", "featured_towns"]
    sheet = export.compose(chosen, "city", TITLE)
    rendered = export.draw(sheet, dpi=60)
    catalog = load_catalog()
    expected = [entry for spec in catalog if spec.id in chosen for entry in legend_entries(spec)]
    assert list(rendered.legend) == expected
    assert {entry.layer_id for entry in rendered.legend} == set(chosen)


def test_legend_rows_and_provenance_are_printed_as_text():
    chosen = ["neighbour_cities", "admin_counties", "town_hierarchy"]
    text = squeeze(pdf_text(export.render(chosen, "city", TITLE, fmt="pdf")))
    catalog = load_catalog()
    for layer_id in chosen:
        spec = catalog.get(layer_id)
        for entry in legend_entries(spec):
            assert squeeze(entry.label.removeprefix(f"{spec.legend}：")) in text
        assert squeeze(spec.provenance.source) in text
        assert squeeze(spec.provenance.accuracy) in text
        assert (squeeze(f"{spec.title}（示意）") in text) == spec.provenance.schematic
    assert "比例尺" in text and "制图日期" in text


def test_all_layers_fit_on_the_sheet():
    """Legend and notes of every catalog layer fit the panel (it widens or adds columns as needed)."""
    for paper in export.PAPERS:
        sheet = export.compose(ALL, "city", TITLE, "全部图层", paper=paper, permalink="http://localhost:8501/overview?z=8")
        chosen = export.legend.plan(sheet, lambda frame: export.raster.sheet_notes(sheet, frame))
        height = chosen.frame.panel.h * export.sheet.PT_PER_MM
        for column in chosen.columns:
            assert sum(row.height + row.space_after for row in column) <= height + 1e-6, paper
        drawn = [row.entry for column in chosen.columns for row in column if row.entry is not None]
        assert drawn == list(sheet.legend)


@pytest.mark.parametrize("extent", extents.choices() + ["bbox:113.05,27.75,113.25,27.90"])
def test_every_extent_exports(extent):
    sheet = export.compose(DEFAULT, extent, TITLE)
    rendered = export.draw(sheet, dpi=40)
    assert png_size(rendered.data) == export.PAPERS["a4-landscape"].pixels(40)
    assert rendered.scale.startswith("1:")
    if extent in extents.COUNTIES and "admin_counties" in DEFAULT:
        assert extent in rendered.labels  # the county itself is named on its own map


def test_the_view_contains_the_whole_extent():
    frame = export.layout.layout(export.PAPERS["a4-portrait"], True, 0.26)
    for key in extents.choices():
        extent = extents.resolve(key)
        x0, y0, x1, y1, _ = export.drawing.view_limits(extent, frame.map)
        ex0, ey0, ex1, ey1 = export.drawing.metric_bounds(extent.bounds)
        mm = 1e-3  # floating-point slack: a millimetre
        assert x0 <= ex0 + mm and y0 <= ey0 + mm and x1 >= ex1 - mm and y1 >= ey1 - mm, key


def test_chinese_renders_without_missing_glyph_warnings():
    title = "🚄 株洲·醴陵“十四五”规划（示意）—— 渌口区、攸县、茶陵县、炎陵县 ±2 km² 1:500,000"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export.render(ALL, "city", title, "荷塘区 芦淞区 石峰区 天元区", dpi=60)
        export.render(ALL, "corridor", title, fmt="pdf")
    glyph_warnings = [str(w.message) for w in caught if "glyph" in str(w.message).lower()]
    assert glyph_warnings == []


def test_user_text_is_never_parsed_as_mathtext():
    title = "投资 $5 亿 与 $x^2$ 及 \\frac{1}{2}"
    text = pdf_text(export.render(["admin_counties"], "core", title, subtitle="$$", fmt="pdf"))
    assert squeeze(title) in squeeze(text)


def test_labels_name_counties_and_key_places_without_overlap():
    sheet = export.compose(["admin_counties", "town_hierarchy"], "city", TITLE)
    rendered = export.draw(sheet, dpi=60)
    assert {"荷塘区", "醴陵市", "炎陵县"} <= set(rendered.labels)
    towns = gpd.read_file(load_catalog().get("town_hierarchy").path)
    key_places = set(towns[towns["tier"].astype(str).isin(["1", "2", "3"])]["name"])
    assert key_places <= set(rendered.labels)
    assert len(rendered.labels) == len(set(rendered.labels))


def test_label_placement_never_overlaps():
    labels = [export.labels.Label(f"地名{i}", 0.0, 0.0, 9.0, "#333333", i, offset=4.0) for i in range(12)]
    placed = export.labels.place_labels(labels, [], [], 400, 300, (-1000.0, -750.0), 5.0)
    assert 4 <= len(placed) < 12  # the first few fit around the point, the rest are dropped
    boxes = []
    for spot in placed:
        w, h = export.text.drawn_size(spot.label.text, spot.label.size)
        cx, cy = (spot.x + 1000) / 5, (spot.y + 750) / 5
        boxes.append(box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    for i, a in enumerate(boxes):
        assert all(a.intersection(b).area == 0 for b in boxes[i + 1:])


def test_a_broken_layer_is_left_out_and_named(tmp_path, monkeypatch):
    for path in catalog_module.GEODATA.glob("*.geojson"):
        shutil.copy(path, tmp_path / path.name)
    broken = load_catalog().get("town_hierarchy")
    (tmp_path / broken.file).write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    monkeypatch.setattr(catalog_module, "GEODATA", tmp_path)
    sheet = export.compose(["admin_counties", "town_hierarchy"], "city", TITLE)
    assert [layer.spec.id for layer in sheet.layers] == ["admin_counties"]
    assert {entry.layer_id for entry in sheet.legend} == {"admin_counties"}
    assert any(broken.title in note and "未导出" in note for note in sheet.notes)
    assert png_size(export.draw(sheet, dpi=40).data) == export.PAPERS["a4-landscape"].pixels(40)


def test_overlay_is_drawn_legended_and_noted_like_a_layer():
    overlay = gpd.GeoDataFrame(
        {"name": ["<b>站点</b>", "线路 $1$", "片区"]},
        geometry=[Point(113.15, 27.83), LineString([(113.1, 27.8), (113.2, 27.9)]), box(113.05, 27.7, 113.1, 27.75)],
        crs="EPSG:4326",
    )
    sheet = export.compose(["admin_counties"], "core", TITLE, overlay=overlay, overlay_title="我的文件 <i>")
    assert sheet.legend[-1].label == "我的文件 <i>"
    assert any("我的文件 <i>" in note and "未经本项目核验" in note for note in sheet.notes)
    assert "我的文件<i>" in squeeze(pdf_text(export.draw(sheet, fmt="pdf").data))
    html = export.render_html(["admin_counties"], "core", TITLE, overlay=overlay, overlay_title="我的文件 <i>")
    assert "我的文件 &lt;i&gt;" in html and "我的文件 <i>" not in html


def test_bad_requests_say_what_is_valid():
    with pytest.raises(export.ExportError, match="未知图层 'nope'.*admin_counties"):
        export.render(["admin_counties", "nope"], "city", TITLE)
    with pytest.raises(export.ExportError, match="a4-landscape"):
        export.render(["admin_counties"], "city", TITLE, paper="a3")
    with pytest.raises(export.ExportError, match="DPI"):
        export.render(["admin_counties"], "city", TITLE, dpi=5000)
    with pytest.raises(export.ExportError, match="png"):
        export.render(["admin_counties"], "city", TITLE, fmt="svg")
    with pytest.raises(export.ExportError, match="至少"):
        export.render([], "city", TITLE)
    with pytest.raises(extents.ExtentError, match="city, core, zhuli, corridor, 荷塘区"):
        export.render(["admin_counties"], "长沙", TITLE)


def test_print_symbols_match_the_web_symbols():
    point = matplotlib_kwargs(Style(color="#ffffff", weight=1.0, fill_color="#d7301f", fill_opacity=0.9, radius=8.0), "Point")
    assert point["s"] == pytest.approx((2 * 8.0 * PX_TO_PT) ** 2)  # diameter in points = 16 px on screen
    assert point["facecolor"] == pytest.approx((215 / 255, 48 / 255, 31 / 255, 0.9))
    line = matplotlib_kwargs(Style(color="#3388ff", weight=4.0, opacity=0.5, dash="8 4"), "LineString")
    assert line["edgecolor"][3] == 0.5 and line["facecolor"] == "none"
    assert line["linewidth"] == pytest.approx(3.0)
    # matplotlib scales dashes by the line width; the result is Leaflet's 8 px on, 4 px off.
    offset, dashes = line["linestyle"]
    assert [d * line["linewidth"] for d in dashes] == pytest.approx([6.0, 3.0])
    area = matplotlib_kwargs(Style(color="#4a4a4a", weight=1.6, fill_color="#fffdf7", fill_opacity=0.55, dash="4"), "Polygon")
    assert area["facecolor"][3] == 0.55
    assert len(area["linestyle"][1]) == 2  # an odd SVG dash list repeats


def test_html_export_has_layers_legend_escaped_title_and_extent():
    title = "<script>alert(1)</script>株洲 & 简报"
    html = export.render_html(DEFAULT, "core", title, "副标题 <b>", permalink="http://localhost:8501/overview?z=9")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;株洲 &amp; 简报" in html
    assert "<script>alert(1)" not in html and "副标题 <b>" not in html
    catalog = load_catalog()
    for layer_id in DEFAULT:
        assert catalog.get(layer_id).title in html
        assert catalog.get(layer_id).legend in html
    minx, miny, maxx, maxy = extents.resolve("core").bounds
    assert "fitBounds" in html and f"{miny}" in html and f"{maxx}" in html
    assert "zzp.bind" in html  # tooltips and popups
    assert 'href="http://localhost:8501/overview?z=9"' in html


def test_html_export_inlines_leaflet_and_the_map_scripts_so_it_works_offline():
    html = export.render_html(["admin_counties"], "city", TITLE)
    assert "<script src=" not in html and 'rel="stylesheet"' not in html
    assert "/app/static/" not in html
    for rel in assets.MAP_FILES:  # the very files the app serves, verified
        text = assets.source(rel).read_text(encoding="utf-8")
        first_line = text.splitlines()[1 if rel.endswith(".js") else 0]
        assert first_line.strip() in html, rel
    assert f"Leaflet {assets.LEAFLET_VERSION}" in html
    assert "data:image/png;base64," in html  # the layer-control icon, from leaflet.css


def test_layer_loads_are_cached_per_file_version():
    spec = load_catalog().get("admin_counties")
    stamp = store.file_stamp(spec)
    assert export.sheet.load_cached("admin_counties", stamp) is export.sheet.load_cached("admin_counties", stamp)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", "export", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_cli_exports_png_pdf_and_html(tmp_path):
    common = ["--extent", "zhuli", "--layers", "admin_counties,town_hierarchy", "--title", TITLE, "--subtitle", "株醴都市圈"]
    result = cli(*common, "--paper", "16x9", "--dpi", "150", "--out", str(tmp_path / "map.png"))
    assert result.returncode == 0, result.stderr
    assert png_size((tmp_path / "map.png").read_bytes()) == (2000, 1125)
    result = cli(*common, "--format", "pdf", "--out", str(tmp_path / "map.out"))
    assert result.returncode == 0, result.stderr
    assert TITLE in pdf_text((tmp_path / "map.out").read_bytes())
    result = cli(*common, "--out", str(tmp_path / "map.html"))
    assert result.returncode == 0, result.stderr
    assert TITLE in (tmp_path / "map.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--extent", "长沙市", "--layers", "admin_counties"], "未知范围"),
        (["--extent", "city", "--layers", "admin_counties,railways"], "未知图层 'railways'"),
        (["--extent", "bbox:1,2,3", "--layers", "admin_counties"], "minlon,minlat,maxlon,maxlat"),
    ],
)
def test_cli_rejects_bad_input_in_one_line(tmp_path, args, message):
    result = cli(*args, "--title", "t", "--out", str(tmp_path / "x.png"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not (tmp_path / "x.png").exists()


def extent_box(at: AppTest):
    return next(box for box in at.selectbox if box.label == "范围")


def test_briefing_page_takes_its_defaults_from_the_map_page_link():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.query_params.update(
        {"from": "overview", "layers": "admin_counties,town_hierarchy", "bbox": "113.05,27.70,113.30,27.95",
         "bm": "none", "c": "27.8200,113.1800", "z": "10"}
    )
    at.switch_page("pages/briefing.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "简报出图"
    assert at.multiselect[0].value == ["admin_counties", "town_hierarchy"]
    assert extent_box(at).value == "bbox:113.0500,27.7000,113.3000,27.9500"
    assert len(at.get("image")) == 1
    assert [b.proto.label for b in at.get("download_button")] == ["PNG · 150 dpi", "PDF · 矢量", "HTML · 可交互"]
    link = "http://localhost:8501/?bm=none&layers=admin_counties,town_hierarchy&c=27.8200,113.1800&z=10"  # overview is "/"
    assert any(link == block.value for block in at.code)  # shown as plain text, not Markdown


def test_briefing_page_without_a_link_uses_the_catalog_defaults():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/briefing.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect[0].value == DEFAULT
    assert extent_box(at).value == "city"
    at.multiselect[0].set_value([]).run()
    assert not at.exception
    assert "至少选择一个图层" in at.info[0].value


@pytest.mark.parametrize("paper", list(export.PAPERS))
def test_legend_rows_are_flush_in_each_column(paper):
    """Every legend row's text starts at the same x in its column, with no leading (full-width) space."""
    sheet = export.compose(ALL, "city", TITLE, paper=paper)
    chosen = export.legend.plan(sheet, lambda frame: export.raster.sheet_notes(sheet, frame))
    cells = export.legend.panel_cells(chosen, chosen.frame.panel.h * export.sheet.PT_PER_MM)
    rows = [cell for cell in cells if cell.row.entry is not None]
    assert len(rows) == len(sheet.legend)
    by_column: dict[float, set[float]] = {}
    for cell in rows:
        by_column.setdefault(cell.symbol_x, set()).add(cell.x)
        assert cell.row.lines[0] == cell.row.lines[0].lstrip("\u3000 \t"), cell.row.lines
    assert all(len(xs) == 1 for xs in by_column.values()), by_column
    sub_rows = [e for e in sheet.legend if e.label.startswith("\u3000")]
    assert sub_rows  # the catalog has second-field rows (已建/在建 …): the case this guards
