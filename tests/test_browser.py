"""What only a browser shows: the inline map draws offline, updates in place, layers toggle, clicks and links work.

Run alone with ``python -m pytest -m browser``.  Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import json
import re

import pytest

from benchmarks.live import (
    MAP,
    RUN_COUNTER,
    map_view,
    offline_context,
    wait_for_app,
)
from tests.browser_support import artifacts_dir, isolated_point

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = offline_context(browser, viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: page.errors.append(msg.text)
        if msg.type == "error" and "Failed to load resource" not in msg.text
        else None,
    )
    yield page
    context.close()


def open_map(page, url: str, name: str):
    page.goto(url)
    wait_for_app(page)
    page.locator(".leaflet-container").wait_for(timeout=30_000)
    # attached, not visible: at high zoom a county's path may lie outside the view
    page.locator("path.zzp-admin_counties").first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir() / f"{name}.png"))
    return page


def test_overview_map_draws_every_county_offline_in_the_page_itself(page, server):
    open_map(page, server + "/", "overview")
    assert page.locator("iframe").count() == 0  # no frame: the map is part of the page
    assert page.locator("path.zzp-admin_counties").count() == 9
    assert page.locator(".zzp-legend").is_visible()
    assert page.locator(".leaflet-control-scale").is_visible()
    for name in ("放大", "缩小", "图层", "全屏", "复制本视图链接", "以当前视图出简报图"):  # Leaflet's words in Chinese too
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name
    assert page.get_by_role("region", name="地图：总览").count() == 1
    assert not page.errors


def test_turning_a_layer_off_removes_its_paths_and_its_legend_rows(page, server):
    open_map(page, server + "/", "layer-toggle")
    rail = page.locator("path.zzp-rail_network")
    assert rail.count() > 0
    rows = page.locator(".zzp-legend-row[data-layer='铁路“六纵四横”']")
    assert rows.first.is_visible()
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers label", has_text="铁路“六纵四横”").locator("input[type=checkbox]").uncheck()
    page.wait_for_timeout(300)
    assert rail.count() == 0
    assert not rows.first.is_visible()
    assert page.locator("path.zzp-admin_counties").count() == 9


def test_panning_and_zooming_never_rerun_python_a_click_reruns_once(page, server):
    open_map(page, server + "/parks_towns", "reruns")
    page.evaluate(RUN_COUNTER)
    box = page.locator(MAP).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 60, steps=8)
    page.mouse.up()
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__runs") == 0
    isolated_point(page, "industrial_parks").click(force=True)
    page.wait_for_timeout(2500)
    wait_for_app(page)
    assert page.evaluate("window.__runs") == 1


def test_changing_a_filter_updates_the_same_map_and_keeps_the_view(page, server):
    open_map(page, server + "/transport", "filter-in-place")
    page.evaluate(f"() => {{ document.querySelector('{MAP}').__marker = 'same map'; }}")
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(800)
    box = page.locator(MAP).first.bounding_box()
    page.mouse.move(box["x"] + 300, box["y"] + 300)
    page.mouse.down()
    page.mouse.move(box["x"] + 380, box["y"] + 340, steps=6)
    page.mouse.up()
    page.wait_for_timeout(800)
    view = map_view(page)
    rails = page.locator("path.zzp-rail_network").count()
    page.evaluate(RUN_COUNTER)
    statuses = page.locator("[data-testid='stButtonGroup']").nth(1).locator("button")
    assert statuses.first.inner_text() == "已建"
    statuses.first.click()  # 建设状态: drop 已建
    page.wait_for_function("() => window.__runs > 0", timeout=10_000)
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__runs") == 1
    assert page.locator(MAP).count() == 1 and page.locator("iframe").count() == 0
    assert page.evaluate(f"() => document.querySelector('{MAP}').__marker") == "same map"
    assert 0 < page.locator("path.zzp-rail_network").count() < rails  # the filter reached the map
    assert map_view(page) == pytest.approx(view, abs=1e-9)  # and the user's view stayed
    page.screenshot(path=str(artifacts_dir() / "filter-in-place.png"))
    # The URL now lists the layers shown (written on the pan); the page's 网络 choice still wins.
    assert "layers=" in page.url and "trunk_roads" not in page.url
    page.locator("[data-testid='stButtonGroup']").nth(0).locator("button", has_text="普通国省干线").click()
    page.locator("path.zzp-trunk_roads").first.wait_for(state="attached", timeout=10_000)
    wait_for_app(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('layers').includes('trunk_roads')", timeout=5_000)
    assert page.evaluate("window.__runs") == 2
    page.locator(".leaflet-control-zoom-in").click()  # a later rerun reads the URL the map wrote: still shown
    page.locator("[data-testid='stButtonGroup']").nth(1).locator("button").first.click()  # 已建 back on
    page.wait_for_function("() => window.__runs > 2", timeout=10_000)
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert page.locator("path.zzp-trunk_roads").count() > 0
    assert page.evaluate(f"() => document.querySelector('{MAP}').__marker") == "same map"
    assert not page.errors


def test_clicking_a_park_shows_its_details_and_the_link_opens_its_record(page, server):
    open_map(page, server + "/parks_towns?layers=admin_counties,industrial_parks", "park-click")
    marker = isolated_point(page, "industrial_parks")
    marker.click(force=True)
    page.wait_for_timeout(1500)
    wait_for_app(page)
    name = page.locator("h3").first.inner_text()
    assert name and "点击" not in name
    page.screenshot(path=str(artifacts_dir() / "park-details.png"))
    assert page.locator(".leaflet-popup").count() == 1  # the rerun kept the map and its open popup
    assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "关闭"
    link = page.locator("a.zzp-detail")
    link.wait_for(timeout=10_000)
    href = link.get_attribute("href")
    assert re.search(r"/projects\?id=[a-z0-9-]+$", href)
    link.click()
    page.wait_for_url(re.compile(r".*/projects\?id=.*"), timeout=30_000)
    wait_for_app(page)
    page.locator("path.zzp-projects").first.wait_for(state="attached", timeout=30_000)  # the record's own map
    page.screenshot(path=str(artifacts_dir() / "record.png"))
    assert page.locator("h1").first.inner_text().strip()
    assert page.get_by_text("规划原文").first.is_visible()
    assert page.locator("iframe").count() == 0


def test_permalink_restores_layers_and_zoom(page, server):
    url = server + "/transport?layers=admin_counties,rail_network&c=27.0000,113.5000&z=10"
    open_map(page, url, "permalink")
    assert page.locator("path.zzp-rail_network").count() > 0
    assert page.locator("path.zzp-expressway_network").count() == 0
    lat, lng, zoom = map_view(page)
    assert zoom == 10 and abs(lat - 27.0) < 0.01 and abs(lng - 113.5) < 0.01


def test_the_view_is_written_back_into_the_url(page, server):
    open_map(page, server + "/structure", "url-sync")
    zoom = map_view(page)[2]  # the city fitted to the window
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1200)
    assert re.search(rf"[?&]z={zoom + 1:g}(&|$)", page.url)
    assert "layers=" in page.url and "bm=none" in page.url


def test_clean_mode_hides_the_map_buttons_in_place(page, server):
    open_map(page, server + "/", "clean")
    page.evaluate(f"() => {{ document.querySelector('{MAP}').__marker = 'same map'; }}")
    assert page.locator(".leaflet-control-zoom").is_visible()
    page.get_by_text("简洁模式（截图用）").click()
    page.wait_for_timeout(500)
    wait_for_app(page)
    page.wait_for_function(f"() => document.querySelector('{MAP}').classList.contains('zzp-clean')", timeout=10_000)
    assert not page.locator(".leaflet-control-zoom").is_visible() and not page.locator(".zzp-tools").is_visible()
    assert page.locator(".zzp-legend").is_visible()
    assert page.evaluate(f"() => document.querySelector('{MAP}').__marker") == "same map"


def test_a_records_map_keeps_the_records_url(page, server):
    open_map(page, server + "/", "record-from-search")
    page.locator("[data-testid='stSidebar'] input").last.fill("清水塘")
    page.keyboard.press("Enter")
    link = page.locator("[data-testid='stSidebar'] a[href*='projects?id=']").first
    link.wait_for(timeout=20_000)
    link.click()  # within the app: the overview's map goes, the record's own map comes
    page.wait_for_url(re.compile(r".*/projects\?id=[^&]+(&from=[^&]+)?$"), timeout=30_000)  # from=: the back link
    wait_for_app(page)
    record_url = page.url
    page.locator("path.zzp-projects").first.click(force=True)
    page.wait_for_timeout(800)  # longer than the permalink's 250 ms debounce
    assert page.url == record_url
    assert page.locator(MAP).count() == 1 and not page.errors


def test_an_upload_joins_the_same_map_and_its_text_stays_text(page, server, tmp_path):
    name = "<b>踏勘点</b>"
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Point", "coordinates": [113.15, 27.83]}}]}
    upload = tmp_path / "mine.geojson"
    upload.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    open_map(page, server + "/upload", "upload")
    page.evaluate(f"() => {{ document.querySelector('{MAP}').__marker = 'same map'; }}")
    page.locator("input[type=file]").set_input_files(str(upload))
    drawn = page.locator("path[class*='zzp-upload_']")
    drawn.first.wait_for(state="attached", timeout=30_000)
    wait_for_app(page)
    assert page.evaluate(f"() => document.querySelector('{MAP}').__marker") == "same map"
    drawn.first.click(force=True)
    page.locator(".leaflet-popup .zzp-title").wait_for(timeout=5_000)
    assert page.locator(".leaflet-popup .zzp-title").inner_text() == name  # shown as text, not markup
    page.wait_for_timeout(1500)
    wait_for_app(page)
    assert page.get_by_text("要素 #0").count() == 1  # the upload's own row beside the map
    assert not page.errors
