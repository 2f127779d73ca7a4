"""The map as planners and the public use it: clicks keep the view, the first view fits the city,
a county filter zooms, tooltips are readable, keyboard and touch work, any layer on any map.

Run alone with ``python -m pytest -m browser tests/test_browser_map_ux.py``.
"""

from __future__ import annotations

import pytest

from benchmarks.live import (
    LEAFLET_MAP,
    MAP,
    RUN_COUNTER,
    map_view,
    offline_context,
    wait_for_app,
)
from tests.browser_support import artifacts_dir, isolated_point

pytestmark = pytest.mark.browser


def new_page(browser, width: int = 1440, height: int = 900, **kwargs):
    context = offline_context(browser, viewport={"width": width, "height": height}, **kwargs)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def open_map(page, url: str, name: str | None = None):
    page.goto(url)
    wait_for_app(page)
    page.locator(".leaflet-container").wait_for(timeout=30_000)
    page.locator("path.zzp-admin_counties").first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(700)
    if name:
        page.screenshot(path=str(artifacts_dir() / f"ux-{name}.png"))
    return page


# Where a fixed place is drawn in the map's container: it moves exactly when the map moves.
PIXEL_OF = f"([lat, lng]) => {{ const p = ({LEAFLET_MAP})().latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }}"

# The screen position of a point feature of LAYER drawn in the top part of the map (where a popup
# would not fit above it), and its name.
TOP_POINT = f"""(layer) => {{
  const map = ({LEAFLET_MAP})();
  const box = map.getContainer().getBoundingClientRect();
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const points = [...document.querySelectorAll('path[tabindex]')].map((p) => p.getBoundingClientRect()).filter((r) => r.width > 0 && r.width < 40);
  const alone = (r) => points.filter((o) => Math.hypot(centre(o)[0] - centre(r)[0], centre(o)[1] - centre(r)[1]) <= 14).length === 1;
  const found = [...document.querySelectorAll('path.zzp-' + layer)].map((p) => p.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.width < 40 && alone(r))
    .filter((r) => r.top > box.top + 20 && r.top < box.top + 240 && r.left > box.left + 80 && r.right < box.right - 80)
    .sort((a, b) => a.top - b.top);
  return found.length ? [found[0].left + found[0].width / 2, found[0].top + found[0].height / 2] : null;
}}"""


@pytest.mark.parametrize("path,layer", [("/parks_towns?layers=admin_counties,industrial_parks", "industrial_parks"), ("/", "town_hierarchy")])
def test_a_click_moves_the_map_by_zero_pixels(page, server, path, layer):
    open_map(page, server + path)
    wait_for_app(page)
    page.locator(".leaflet-control-zoom-in").click()  # zoom in so some features sit near the top edge
    page.wait_for_timeout(1200)
    view = map_view(page)
    anchor = [view[0], view[1]]
    before = page.evaluate(PIXEL_OF, anchor)
    target = page.evaluate(TOP_POINT, layer)
    assert target, f"no {layer} feature near the top of the map"
    page.evaluate(f"() => {{ window.__moves = 0; ({LEAFLET_MAP})().on('move', () => {{ window.__moves += 1; }}); }}")
    page.mouse.click(*target)
    page.wait_for_timeout(1500)
    wait_for_app(page)
    page.wait_for_timeout(800)
    assert page.locator(".leaflet-popup").count() == 1  # the click did open the feature
    assert page.evaluate(PIXEL_OF, anchor) == pytest.approx(before, abs=0.5)
    assert page.evaluate("window.__moves") == 0  # not even for a moment (a popup's autoPan, a view re-applied)
    assert map_view(page)[2] == view[2]  # (the centre may differ if the page's scrollbar changed the map's width)
    assert not page.errors


def shown_bounds(page) -> list[float]:
    """The map's visible box as ``minlon, minlat, maxlon, maxlat``."""
    return page.evaluate(f"() => {{ const b = ({LEAFLET_MAP})().getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }}")


def contains(outer: list[float], inner: tuple[float, ...]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


@pytest.mark.parametrize("width,height", [(1366, 768), (1440, 900), (1920, 1080), (390, 844)])
def test_the_first_view_shows_the_whole_city_at_every_window_size(browser, server, width, height):
    from layers.region import extents

    page = new_page(browser, width, height)
    try:
        open_map(page, server + "/parks_towns", f"first-view-{width}")
        city = extents.resolve("city").bounds
        assert contains(shown_bounds(page), city), (shown_bounds(page), city)
        assert map_view(page)[2] >= 7  # fitted, not zoomed out to the province
    finally:
        page.context.close()


def test_choosing_a_county_zooms_the_map_to_it(page, server):
    from layers.region import extents

    open_map(page, server + "/parks_towns")
    before = map_view(page)
    page.locator("[data-testid='stMultiSelect']").filter(has_text="县市区").first.click()
    page.get_by_role("option", name="炎陵县").click()
    page.keyboard.press("Escape")
    page.wait_for_timeout(1500)
    wait_for_app(page)
    page.wait_for_timeout(800)
    county = extents.resolve("炎陵县").bounds
    shown = shown_bounds(page)
    assert contains(shown, county)
    assert map_view(page)[2] > before[2]  # closer than the whole city
    page.screenshot(path=str(artifacts_dir() / "ux-county-zoom.png"))
    # The view is the user's again: a later rerun (another filter) does not move it back.
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(800)
    zoomed = map_view(page)
    page.evaluate(RUN_COUNTER)
    page.locator("[data-testid='stSelectbox']").filter(has_text="主导产业").first.click()
    page.get_by_role("option").nth(1).click()  # another filter: a rerun
    page.wait_for_function("() => window.__runs > 0", timeout=10_000)
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert map_view(page) == pytest.approx(zoomed, abs=5e-4)  # within a pixel: not fitted again


def test_a_tooltip_is_readable_and_above_the_legend(page, server):
    open_map(page, server + "/parks_towns")
    legend = page.locator(".zzp-legend").bounding_box()
    # The park nearest the legend's top right corner: its tooltip is the one most likely to meet the legend.
    target = page.evaluate(
        """([x, y]) => [...document.querySelectorAll('path.zzp-industrial_parks')].map((p) => p.getBoundingClientRect())
            .filter((r) => r.width > 0).map((r) => [r.left + r.width / 2, r.top + r.height / 2])
            .sort((a, b) => Math.hypot(a[0] - x, a[1] - y) - Math.hypot(b[0] - x, b[1] - y))[0]""",
        [legend["x"] + legend["width"], legend["y"]],
    )
    page.mouse.move(*target)
    tip = page.locator(".leaflet-tooltip .zzp-tip")
    tip.wait_for(timeout=5_000)
    box = tip.bounding_box()
    page.screenshot(path=str(artifacts_dir() / "ux-tooltip.png"))
    assert 120 <= box["width"] <= 300
    # Each value on few lines, not one character a line.
    for cell in tip.locator("td").all():
        assert cell.bounding_box()["height"] < 4 * 19, cell.inner_text()
    # Wherever tooltip and legend meet, the tooltip is the one seen.
    tooltip = page.locator(".leaflet-tooltip").bounding_box()
    legend = page.locator(".zzp-legend").bounding_box()
    x0, y0 = max(tooltip["x"], legend["x"]), max(tooltip["y"], legend["y"])
    x1 = min(tooltip["x"] + tooltip["width"], legend["x"] + legend["width"])
    y1 = min(tooltip["y"] + tooltip["height"], legend["y"] + legend["height"])
    if x0 < x1 and y0 < y1:
        on_top = page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('.leaflet-tooltip')", [(x0 + x1) / 2, (y0 + y1) / 2])
        assert on_top
    else:  # no overlap at this window size: the stacking order still puts the tooltip first
        assert page.evaluate(f"() => getComputedStyle(document.querySelector('{MAP} .leaflet-bottom.leaflet-left')).zIndex") == "399"
    page.mouse.move(5, 5)
    page.wait_for_timeout(300)
    assert page.evaluate(f"() => getComputedStyle(document.querySelector('{MAP} .leaflet-bottom.leaflet-left')).zIndex") == "1000"


@pytest.mark.parametrize("path", ["/", "/structure", "/transport", "/parks_towns", "/plan", "/upload"])
def test_any_map_page_shows_the_layers_its_link_asks_for(page, server, path):
    open_map(page, server + path + "?layers=admin_counties,rail_network,planning_zones")
    page.locator("path.zzp-rail_network").first.wait_for(state="attached", timeout=15_000)
    assert page.locator("path.zzp-planning_zones").count() > 0
    assert page.locator("path.zzp-rail_network").count() > 0
    page.locator(".leaflet-control-zoom-in").click()  # the map writes its view: the layers stay in the URL
    page.wait_for_function("() => /[?&]z=/.test(location.search)", timeout=5_000)
    layers = page.evaluate("() => new URLSearchParams(location.search).get('layers').split(',')")
    assert {"rail_network", "planning_zones"} <= set(layers)
    assert not page.errors


def test_the_map_is_named_and_its_controls_come_first_by_keyboard(page, server):
    open_map(page, server + "/parks_towns")
    assert page.get_by_role("region", name="地图：园区与小镇").count() == 1
    page.locator(MAP).focus()
    reached = []
    for _ in range(15):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.getAttribute('aria-label') || document.activeElement.title || document.activeElement.tagName"))
        if page.evaluate("() => document.activeElement.classList.contains('leaflet-control-zoom-in')"):
            break
    else:
        pytest.fail(f"the zoom button is not reached in 15 Tab stops: {reached}")
    # Legend toggle: a button that Enter and Space work.
    title = page.locator(".zzp-legend-title")
    panel = page.locator(".zzp-legend")
    collapsed = "collapsed" in (panel.get_attribute("class") or "")
    title.focus()
    page.keyboard.press("Enter")
    assert ("collapsed" in (panel.get_attribute("class") or "")) != collapsed
    page.keyboard.press(" ")
    assert ("collapsed" in (panel.get_attribute("class") or "")) == collapsed


def test_enter_on_a_focused_feature_opens_it(page, server):
    open_map(page, server + "/parks_towns?layers=admin_counties,industrial_parks")
    feature = isolated_point(page, "industrial_parks")
    name = feature.get_attribute("aria-label")
    assert name and feature.get_attribute("tabindex") == "0"
    feature.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    wait_for_app(page)
    page.locator(".leaflet-popup").wait_for(timeout=5_000)
    assert name in page.locator(".leaflet-popup").inner_text()
    page.get_by_role("heading", name=name).first.wait_for(timeout=10_000)  # the panel beside the map
    # Features come after the controls: Tab from the map reaches a control before any feature.
    order = page.evaluate(f"""() => {{
      const all = [...document.querySelector('{MAP}').querySelectorAll('a[href], [tabindex="0"]')];
      return [all.findIndex((e) => e.classList.contains('leaflet-control-zoom-in')), all.findIndex((e) => e.matches('path.zzp-industrial_parks'))];
    }}""")
    assert 0 <= order[0] < order[1]


# How far the page is scrolled (Streamlit scrolls its main area, not the window).
SCROLLED = "() => Math.max(window.scrollY, ...[...document.querySelectorAll('*')].map((e) => e.scrollTop), 0)"


def test_on_a_phone_one_finger_scrolls_the_page_not_the_map(browser, server):
    page = new_page(browser, 390, 844, has_touch=True, is_mobile=True)
    try:
        open_map(page, server + "/parks_towns")
        page.locator(MAP).scroll_into_view_if_needed()
        box = page.locator(MAP).bounding_box()
        scrolled, view = page.evaluate(SCROLLED), map_view(page)
        cdp = page.context.new_cdp_session(page)
        x, y = box["x"] + box["width"] / 2, min(box["y"] + box["height"] / 2, 700)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for step in range(1, 11):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - 25 * step}]})
            page.wait_for_timeout(16)
        assert page.locator(".zzp-touch-hint.shown").inner_text() == "双指移动地图"
        page.screenshot(path=str(artifacts_dir() / "ux-touch-hint.png"))
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(800)
        assert page.evaluate(SCROLLED) > scrolled + 100  # the page scrolled
        assert map_view(page) == pytest.approx(view, abs=1e-9)  # the map did not move
        # Two fingers move the map.
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x - 40, "y": 400, "id": 1}, {"x": x + 40, "y": 400, "id": 2}]})
        for step in range(1, 11):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x - 40, "y": 400 + 10 * step, "id": 1}, {"x": x + 40, "y": 400 + 10 * step, "id": 2}]})
            page.wait_for_timeout(16)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(800)
        assert map_view(page)[0] != pytest.approx(view[0], abs=1e-4)
    finally:
        page.context.close()


# Two point features drawn within 8 px of each other: their screen positions and names.
OVERLAPPING = """() => {
  const pts = [...document.querySelectorAll('path[tabindex]')].filter((p) => /zzp-(industrial_parks|featured_towns|town_hierarchy)/.test(p.getAttribute('class')))
    .map((p) => { const r = p.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2, name: p.getAttribute('aria-label'), w: r.width}; })
    .filter((p) => p.w > 0);
  for (const a of pts) { for (const b of pts) {
    if (a !== b && a.name !== b.name && Math.hypot(a.x - b.x, a.y - b.y) < 8) { return [a, b]; }
  } }
  return null;
}"""


def test_overlapping_markers_offer_a_choice(page, server):
    open_map(page, server + "/parks_towns")
    pair = page.evaluate(OVERLAPPING)
    assert pair, "no overlapping markers at the first view"
    first, other = pair
    page.mouse.click(first["x"], first["y"])
    chooser = page.locator(".zzp-chooser")
    chooser.wait_for(timeout=5_000)
    names = chooser.locator("button").all_inner_texts()
    assert first["name"] in names and other["name"] in names
    page.screenshot(path=str(artifacts_dir() / "ux-chooser.png"))
    chooser.locator("button", has_text=other["name"]).first.click()
    page.wait_for_timeout(1500)
    wait_for_app(page)
    page.get_by_role("heading", name=other["name"]).first.wait_for(timeout=10_000)  # the one chosen, not the one on top
    assert chooser.count() == 0
    assert not page.errors


def test_a_layer_from_another_page_can_be_turned_on_from_the_layer_list(page, server):
    open_map(page, server + "/structure")
    assert page.locator("path.zzp-rail_network").count() == 0
    page.locator(".leaflet-control-layers").hover()
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any("铁路“六纵四横”（交通网络）" in t for t in labels), labels
    own = [i for i, t in enumerate(labels) if "（" not in t]
    assert own == list(range(len(own)))  # the page's own layers first
    page.locator(".leaflet-control-layers label", has_text="铁路“六纵四横”").locator("input[type=checkbox]").check()
    page.locator("path.zzp-rail_network").first.wait_for(state="attached", timeout=15_000)
    wait_for_app(page)
    page.wait_for_function("() => (new URLSearchParams(location.search).get('layers') || '').includes('rail_network')", timeout=5_000)
    assert page.locator(".zzp-legend-row[data-layer='铁路“六纵四横”']").count() > 0
    assert not page.errors


def test_each_drawn_layer_has_an_opacity_slider(page, server):
    open_map(page, server + "/transport")
    page.locator(".leaflet-control-layers").hover()
    slider = page.get_by_label("透明度：铁路“六纵四横”")
    assert slider.count() == 1
    slider.fill("0.3")
    opacity = page.evaluate("() => getComputedStyle(document.querySelector('path.zzp-rail_network')).opacity")
    assert float(opacity) == pytest.approx(0.3)
    assert float(page.evaluate("() => getComputedStyle(document.querySelector('path.zzp-admin_counties')).opacity")) == 1
    assert not page.errors
