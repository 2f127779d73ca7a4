"""读纲要 under AppTest: every paragraph opens by URL, map clicks mark the text, the text is safe HTML."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from layers.plan import text
from tests.conftest import ROOT
from tests.test_pages import click, map_specs, run_page
from ui import frame

APP = str(ROOT / "app.py")


def reader_only() -> None:
    """The text column alone (no map): what ``?p=`` opens."""
    import sys

    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT))
    from ui import plan_reader

    plan_reader.reader(None)


def reader_html(at: AppTest) -> str:
    [body] = [el.proto.body for el in at.get("html") if 'class="zzp-plan"' in el.proto.body]
    return body


def scroll_target(at: AppTest) -> str | None:
    scripts = [el.proto.body for el in at.get("html") if el.proto.body.startswith("<script>")]
    if not scripts:
        return None
    return re.search(r'var target="para-([a-z0-9]+)"', scripts[0]).group(1)


def open_plan(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/plan.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_every_paragraph_opens_at_its_url():
    at = AppTest.from_function(reader_only, default_timeout=60)
    for para in text.load_paragraphs():
        at.query_params["p"] = para.id
        at.run()
        assert not at.exception, (para.id, [e.value for e in at.exception])
        body = reader_html(at)
        assert re.search(rf'id="para-{para.id}" class="[^"]*\bcurrent\b', body), para.id
        assert scroll_target(at) == para.id


def test_the_page_opens_a_paragraph_with_its_feature_selected_and_centred():
    at = open_plan(p="col12r7", sel="park-liling-etdz")
    body = reader_html(at)
    assert re.search(r'id="para-col12r7" class="para named current"', body)
    assert '<span class="sel">醴陵经开区</span>' in body
    assert at.query_params["c"] and at.query_params["z"], "the map is centred on the linked feature"
    [spec] = map_specs(at)
    assert "#ff00aa" in json.dumps(spec)  # the feature is drawn highlighted


def test_an_unknown_paragraph_id_says_so_without_rendering_it():
    at = open_plan(p="c99p1")
    assert any("c99p1" in w.value for w in at.warning)
    at = open_plan(p="[点我](javascript:alert(1))")
    assert any(r"\[点我\]\(javascript\:alert\(1\)\)" in w.value for w in at.warning)


def test_clicking_a_feature_marks_and_scrolls_to_the_sentences_naming_it():
    from layers.io.catalog import load_catalog
    from layers.io.reader import load_layer

    parks = load_layer(load_catalog().get("industrial_parks"))
    row = int(parks.index[parks["record_id"] == "park-liling-etdz"][0])
    at = open_plan(p="c5s1p1")
    click(at, "industrial_parks", row, "醴陵经开区")
    assert not at.exception
    body = reader_html(at)
    naming = [p.id for p in text.paragraphs_naming("park-liling-etdz")]
    for pid in naming:
        assert re.search(rf'id="para-{pid}" class="para named', body), pid
    assert scroll_target(at) == naming[0]


def test_links_are_real_anchors_with_accessible_names():
    at = open_plan(p="c5s1p5")
    body = reader_html(at)
    anchors = re.findall(r'<a class="lk" href="([^"]+)" aria-label="([^"]+)"', body)
    assert len(anchors) > 500
    opened = [(parse_qs(urlsplit(html.unescape(h)).query), html.unescape(a)) for h, a in anchors]
    assert ({"p": ["c5s1p5"], "sel": ["admin_counties:醴陵市"]}, "在地图上查看：醴陵（醴陵市）") in opened
    assert all(label.startswith("在地图上查看：") for _, label in opened)
    assert all(urlsplit(html.unescape(h)).path == "/plan" for h, _ in anchors)


def test_corrected_spans_show_the_seed_spelling_and_reason_on_hover():
    at = open_plan(p="c5s3p5")
    body = reader_html(at)
    assert '<mark class="fix" title="原文：涑水；原因：' in body


def test_search_finds_paragraphs_and_marks_the_words():
    at = open_plan()
    at.text_input(key="plan_q").input("云龙 大道").run()
    body = reader_html(at)
    assert '<mark class="q">' in body
    assert all(re.sub(r"\s+", "", "云龙大道") in re.sub(r"<[^>]+>", "", chunk) for chunk in re.findall(r'<p id="para-[^"]+".*?</p>', body))


def test_plan_text_is_escaped_never_markup():
    from ui.plan_reader import paragraph_html

    para = text.Paragraph("x1", "r", "", "", "", "", "p", "<img src=x onerror=alert(1)> 醴陵 `${x}` **b**", ())
    entry = text.Entry("醴陵", "", "admin_counties", "醴陵市", "")
    links = tuple(text.find_links(para.text, (entry,)))
    [cell] = paragraph_html(para, links, href=lambda pid, link: f"/plan?p={pid}&sel=\"><script>")
    assert "<img" not in cell and "&lt;img src=x onerror=alert(1)&gt;" in cell
    assert 'href="/plan?p=x1&amp;sel=&quot;&gt;&lt;script&gt;"' in cell
    assert "**b**" in cell  # no Markdown


@pytest.mark.parametrize("record_id", ["park-liling-etdz", "rail-licha"])
def test_record_page_lists_the_paragraphs_naming_the_record(record_id):
    page = frame.page_info("projects")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(page.file)
    at.query_params["id"] = record_id
    at.run()
    assert not at.exception
    assert any(m.value == "**规划原文提及**" for m in at.markdown)
    links = [el.proto for el in at.get("page_link") if el.proto.page == "plan"]
    assert {f"p={p.id}&sel={record_id}" for p in text.paragraphs_naming(record_id)} == {link.query_string for link in links}


def test_feature_panel_lists_the_paragraphs_naming_the_feature():
    at = run_page(frame.page_info("overview"))
    click(at, "admin_counties", 8, "醴陵市")
    links = [el.proto for el in at.get("page_link") if el.proto.page == "plan"]
    assert len(links) == len(text.paragraphs_naming("admin_counties:醴陵市")) > 5


def test_briefing_offers_the_paragraph_as_caption():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/briefing.py")
    at.query_params["p"] = "c5s1p5"
    at.query_params["from"] = "plan"
    at.run()
    assert not at.exception
    assert at.toggle[0].label == "图注：规划原文" and at.toggle[0].value
    caption = at.text_area[0].value
    assert caption.startswith("“一圈：株醴都市圈。") and caption.endswith("…”（纲要第五章第一节）") and len(caption) <= 46
