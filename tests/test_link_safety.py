"""A link or a field cannot crash, stall or dress up a page: URL parameters, notices, sheets, downloads."""

from __future__ import annotations

import csv
import io
import threading
import urllib.parse

import geopandas as gpd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from layers import export
from layers.plan import records
from layers.web import permalink
from layers.web.escape import escape_markdown
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
LAYERS = ["rail_network", "admin_counties"]


@pytest.mark.parametrize("z", ["inf", "-inf", "1e309", "nan", "9" * 400])
def test_non_finite_or_absurd_zoom_falls_back_with_a_notice(z):
    state = permalink.parse({"z": z}, LAYERS)
    assert state.zoom is None and "z" in state.ignored


@pytest.mark.parametrize("c", ["nan,nan", "inf,113", "27,-inf", "1e309,1e309"])
def test_non_finite_centre_falls_back(c):
    state = permalink.parse({"c": c}, LAYERS)
    assert state.center is None and "c" in state.ignored


def test_over_long_values_are_dropped_not_processed():
    state = permalink.parse({"sel": "x" * 30_000, "layers": ",".join(["rail_network"] * 1000)}, LAYERS)
    assert state.selected is None and state.layers is None
    assert set(state.ignored) == {"sel", "layers"}


def test_a_garbled_layers_list_means_the_page_defaults_not_an_empty_map():
    assert permalink.parse({"layers": "%%%,???"}, LAYERS).layers is None
    assert permalink.parse({"layers": ""}, LAYERS).layers == ()  # the user turned every layer off


def test_wrapping_work_grows_linearly_with_the_text(monkeypatch):
    measured = []
    original = export.text._char_widths
    monkeypatch.setattr(export.text, "_char_widths", lambda text, size: measured.append(len(text)) or original(text, size))
    for n in (3_000, 30_000):
        measured.clear()
        export.text.wrap("http://localhost:8501/?sel=" + "a" * n, 7, 200)
        assert sum(measured) <= 2 * (n + 30)  # each character measured at most twice


@pytest.mark.parametrize("title", ["株洲市“十四五”规划空间布局", "../../etc/passwd", 'a<b>:"c"|?*\x00', ""])
def test_download_names_come_from_the_title_and_are_safe_everywhere(title):
    stem = export.file_stem(title, "全市")
    assert stem and len(stem) <= 80
    assert not set(stem) & set('<>:"/\\|?*\x00') and not stem.startswith(".")
    if title.startswith("株洲"):
        assert stem.startswith(title)


@pytest.mark.parametrize(
    "text", ["# 标题", "[请重新登录](http://evil.example)", "![t](http://evil.example/t.png)", "www.evil.example", "a@evil.example", "<b>x</b>", ":red[x]"]
)
def test_escaped_markdown_has_no_syntax_or_bare_link_left(text):
    escaped = escape_markdown(text)
    for special in "#[]()!<>:@":
        assert special not in escaped.replace("\\" + special, "")
    assert "www." not in escaped and "http:" not in escaped


def test_csv_cells_that_look_like_formulas_are_neutralised():
    gdf = gpd.GeoDataFrame(
        {"name": ["=HYPERLINK(\"http://x\")", "+1", "-1+2", "@SUM(A1)", "普通", 42]}, geometry=[shapely.Point(113, 27)] * 6
    )
    from layers.io.catalog import load_catalog

    rows = list(csv.reader(io.StringIO(records.to_csv(gdf, load_catalog().get("projects")).decode("utf-8-sig"))))[1:]
    assert [row[0][0] for row in rows[:4]] == ["'"] * 4
    assert [row[0] for row in rows[4:]] == ["普通", "42"]


def _page(path: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(path)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("path", ["pages/overview.py", "pages/transport.py", "pages/briefing.py"])
def test_an_infinite_zoom_in_the_link_crashes_no_page(path):
    at = _page(path, z="inf", c="nan,nan")
    assert not at.exception


def test_record_id_from_the_link_is_shown_as_text():
    at = _page("pages/projects.py", id="# 请重新登录 [点此](http://evil.example) ![x](http://evil.example/x.png)")
    assert not at.exception
    body = at.error[0].proto.body
    assert "](" not in body.replace("\\](", "").replace("\\]\\(", "") and "\\#" in body


def test_bbox_from_the_link_is_shown_as_text():
    at = _page("pages/briefing.py", bbox="[登录](http://evil.example)")
    notice = next(c.value for c in at.caption if "地图范围" in c.value)
    assert "\\[" in notice and "http:" not in notice


def test_url_encoding_round_trip_keeps_payload_out_of_the_sheet_link():
    state = permalink.MapState(selected="a'\"<>{{ 7*7 }}")
    url = state.url("http://localhost:8501", "transport")
    assert urllib.parse.urlsplit(url).query.startswith("sel=") and "{" not in url and "<" not in url


def test_exports_of_two_users_do_not_share_a_stall(monkeypatch):
    """A second export is refused after the wait budget instead of queueing behind a held lock."""
    monkeypatch.setattr(export.raster, "LOCK_WAIT_S", 0.05)
    sheet = export.compose(["admin_counties"], "city", "t")
    errors = []
    export.raster._LOCK.acquire()
    worker = threading.Thread(target=lambda: errors.append(_try_draw(sheet)))
    worker.start()
    worker.join(timeout=10)
    export.raster._LOCK.release()
    assert errors == ["refused"]


def _try_draw(sheet: export.Sheet) -> str:
    try:
        export.draw(sheet, dpi=36)
        return "drawn"
    except export.ExportError:
        return "refused"
