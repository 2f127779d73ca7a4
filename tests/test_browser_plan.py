"""读纲要 in a real browser: a name in the text opens its feature; a feature on the map marks its sentences.

Run alone with ``python -m pytest tests/test_browser_plan.py -m browser``.  Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import pytest

from benchmarks.live import LEAFLET_MAP, MAP, offline_context, wait_for_app
from tests.browser_support import artifacts_dir, isolated_point

pytestmark = pytest.mark.browser
MAGENTA = "#ff00aa"


def new_page(browser, width: int = 1400, height: int = 950):
    context = offline_context(browser, viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


def open_plan(page, url: str | None = None):
    """Open ``url`` (or wait for the page a link opened) until its map has drawn."""
    if url:
        page.goto(url)
    wait_for_app(page)
    page.locator("path.zzp-admin_counties").first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(800)
    return page  # the map is inline: its features are in the page itself


def test_clicking_a_name_in_the_text_highlights_its_feature(browser, server):
    context, page = new_page(browser)
    open_plan(page, server + "/plan?p=col12r7")
    page.locator("#para-col12r7").get_by_role("link", name="在地图上查看：醴陵经开区").click()
    page.wait_for_url("**sel=park-liling-etdz**", timeout=30_000)
    frame = open_plan(page)
    page.screenshot(path=str(artifacts_dir() / "plan-link.png"))
    selected = frame.locator(f'path.zzp-industrial_parks[stroke="{MAGENTA}"]')
    assert selected.count() == 1
    zoom = page.evaluate(f"() => ({LEAFLET_MAP})().getZoom()")
    assert zoom >= 10  # centred on the park, not the whole city
    assert page.locator("#para-col12r7.current").is_visible()
    assert not page.errors
    context.close()


def test_clicking_a_feature_on_the_map_highlights_and_shows_its_sentences(browser, server):
    from playwright.sync_api import expect

    context, page = new_page(browser)
    frame = open_plan(page, server + "/plan?layers=admin_counties,industrial_parks")
    assert page.locator(".para.named").count() == 0
    isolated_point(frame, "industrial_parks").click(force=True)  # overlapping markers would open a chooser
    page.wait_for_timeout(1500)
    wait_for_app(page)
    named = page.locator(".para.named")
    named.first.wait_for(timeout=15_000)
    expect(named.first).to_be_in_viewport()
    assert page.locator(".para.named .sel").count() > 0  # the name itself is marked in the sentence
    page.screenshot(path=str(artifacts_dir() / "plan-click.png"))
    assert not page.errors
    context.close()


def test_on_a_phone_text_and_map_stack_and_tapping_a_name_scrolls_to_the_map(browser, server):
    from playwright.sync_api import expect

    context, page = new_page(browser, width=390, height=844)
    open_plan(page, server + "/plan?p=c5s1p5")
    text_box = page.locator(".zzp-plan").bounding_box()
    map_box = page.locator(MAP).bounding_box()
    assert map_box["y"] > text_box["y"] and abs(map_box["x"] - text_box["x"]) < 40  # stacked, not side by side
    page.locator("#para-c5s1p5").get_by_role("link", name="在地图上查看：株醴都市圈").first.click()
    page.wait_for_url("**sel=**", timeout=30_000)
    open_plan(page)
    page.wait_for_timeout(800)
    expect(page.locator(MAP)).to_be_in_viewport()
    page.screenshot(path=str(artifacts_dir() / "plan-phone.png"))
    context.close()


def test_contents_jump_to_a_column_and_links_work_from_the_keyboard(browser, server):
    from playwright.sync_api import expect

    context, page = new_page(browser)
    open_plan(page, server + "/plan")
    page.get_by_text("目录", exact=True).click()
    page.get_by_role("navigation", name="目录").get_by_role("link", name="专栏25 城镇等级体系结构").click()
    expect(page.locator("#para-col25r1")).to_be_in_viewport()
    link = page.locator("#para-col25r4").get_by_role("link", name="在地图上查看：淦田")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sel=town_hierarchy**", timeout=30_000)
    frame = open_plan(page)
    assert frame.locator(f'path.zzp-town_hierarchy[stroke="{MAGENTA}"]').count() == 1
    context.close()
