"""What only a browser shows: the map draws offline, layers toggle, clicks and links work.

Run alone with ``python -m pytest -m browser``.  Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import re

import pytest

from benchmarks.live import (
    MAP_IFRAME,
    RUN_COUNTER,
    launch,
    map_frame,
    offline_context,
    streamlit_server,
    wait_for_app,
)
from layers.web.mapbuild import CITY_ZOOM
from tests.browser_support import artifacts_dir, skip_without_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    skip_without_browser()
    with streamlit_server() as (base, _process):
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


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
    frame = map_frame(page)
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    # attached, not visible: at high zoom a county's path may lie outside the view
    frame.locator("path.zzp-admin_counties").first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir() / f"{name}.png"))
    return frame


def test_overview_map_draws_every_county_offline(page, server):
    frame = open_map(page, server + "/", "overview")
    assert frame.locator("path.zzp-admin_counties").count() == 9
    assert frame.locator(".zzp-legend").is_visible()
    assert frame.locator(".leaflet-control-scale").is_visible()
    assert not page.errors


def test_turning_a_layer_off_removes_its_paths(page, server):
    frame = open_map(page, server + "/", "layer-toggle")
    rail = frame.locator("path.zzp-rail_network")
    assert rail.count() > 0
    frame.locator(".leaflet-control-layers").hover()
    frame.locator("label", has_text="铁路“六纵四横”").locator("input").uncheck()
    page.wait_for_timeout(300)
    assert rail.count() == 0
    assert frame.locator("path.zzp-admin_counties").count() == 9


def test_panning_and_zooming_never_rerun_python_a_click_reruns_once(page, server):
    frame = open_map(page, server + "/parks_towns", "reruns")
    page.evaluate(RUN_COUNTER)
    box = page.locator(MAP_IFRAME).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 60, steps=8)
    page.mouse.up()
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__runs") == 0
    frame.locator("path.zzp-industrial_parks").first.click(force=True)
    page.wait_for_timeout(2500)
    wait_for_app(page)
    assert page.evaluate("window.__runs") == 1


def test_clicking_a_park_shows_its_details_and_the_link_opens_its_record(page, server):
    frame = open_map(page, server + "/parks_towns?layers=admin_counties,industrial_parks", "park-click")
    marker = frame.locator("path.zzp-industrial_parks").first
    marker.click(force=True)
    page.wait_for_timeout(1500)
    wait_for_app(page)
    name = page.locator("h3").first.inner_text()
    assert name and "点击" not in name
    page.screenshot(path=str(artifacts_dir() / "park-details.png"))
    frame = map_frame(page)
    marker = frame.locator("path.zzp-industrial_parks").first
    marker.click(force=True)
    link = frame.locator("a.zzp-detail")
    link.wait_for(timeout=10_000)
    href = link.get_attribute("href")
    assert re.search(r"/projects\?id=[a-z0-9-]+$", href)
    link.click()
    page.wait_for_url(re.compile(r".*/projects\?id=.*"), timeout=30_000)
    wait_for_app(page)
    page.screenshot(path=str(artifacts_dir() / "record.png"))
    assert page.locator("h1").first.inner_text().strip()
    assert page.get_by_text("规划原文").first.is_visible()


def test_permalink_restores_layers_and_zoom(page, server):
    url = server + "/transport?layers=admin_counties,rail_network&c=27.0000,113.5000&z=10"
    frame = open_map(page, url, "permalink")
    assert frame.locator("path.zzp-rail_network").count() > 0
    assert frame.locator("path.zzp-expressway_network").count() == 0
    assert frame.locator("body").evaluate("() => window.map.getZoom()") == 10
    lat, lng = frame.locator("body").evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(lat - 27.0) < 0.01 and abs(lng - 113.5) < 0.01


def test_the_view_is_written_back_into_the_url(page, server):
    frame = open_map(page, server + "/structure", "url-sync")
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1200)
    assert re.search(rf"[?&]z={CITY_ZOOM + 1:g}(&|$)", page.url)
    assert "layers=" in page.url and "bm=none" in page.url
