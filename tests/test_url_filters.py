"""Filters live in the URL: a link (and Back, which returns to that URL) brings the same filters back.

Also: the sidebar's search and 项目库 count the same records for the same words.
"""

from __future__ import annotations

import pytest

from layers.io.catalog import load_catalog
from layers.io.store import load_many
from layers.plan import search
from tests.conftest import ROOT
from tests.test_pages import open_page

APP = str(ROOT / "app.py")


def test_transport_networks_come_from_the_url():
    at = open_page("transport", {"net": ["铁路"], "status": ["规划"]})
    assert at.session_state["net"] == ["铁路"]
    assert at.session_state["status"] == ["规划"]
    assert at.query_params["net"] == ["铁路"] or at.query_params["net"] == "铁路"


def test_transport_without_url_filters_shows_the_defaults():
    at = open_page("transport", {})
    assert at.session_state["net"] == ["铁路", "高速公路", "枢纽与港航"]


def test_parks_filters_come_from_the_url_and_filter_the_tables():
    at = open_page("parks_towns", {"county": ["醴陵市"], "tier": ["5 级", "6 级"]})
    assert at.session_state["county"] == ["醴陵市"]
    assert at.session_state["tier"] == [5, 6]
    everywhere = open_page("parks_towns", {})
    counts = [c.value for c in at.caption if c.value.startswith("共 ")]
    assert counts and counts != [c.value for c in everywhere.caption if c.value.startswith("共 ")]


def test_projects_filters_come_from_the_url():
    at = open_page("projects", {"county": "醴陵市", "q": "园区"})
    assert at.selectbox(key="county").value == "醴陵市"
    assert at.text_input(key="q").value == "园区"
    table = at.dataframe[0].value
    assert len(table) and table["县市区"].str.contains("醴陵市").all()


def test_sidebar_search_and_project_table_count_the_same_records():
    hits = search.search("醴陵", load_many(load_catalog().ids()))
    records = len(search.record_ids(hits))
    at = open_page("overview", {})
    at.sidebar.text_input(key="search").input("醴陵").run()
    summary = at.sidebar.caption[0].value
    assert summary == f"显示前 8 条，共 {len(hits)} 条（其中项目库记录 {records} 条）"
    listing = open_page("projects", {"q": "醴陵"})
    assert f"共 {records} 条" in [c.value for c in listing.caption][1]
    assert len(listing.dataframe[0].value) == records


@pytest.mark.parametrize("total, records, shown, expected", [
    (84, 63, 8, "显示前 8 条，共 84 条（其中项目库记录 63 条）"),
    (5, 5, 5, "共 5 条"),
])
def test_search_summary(total, records, shown, expected):
    from ui.sidebar import search_summary
    assert search_summary(total, records, shown) == expected


def test_a_rerun_keeps_the_same_filters():
    at = open_page("parks_towns", {"industry": "陶瓷"})
    counts = [c.value for c in at.caption if c.value.startswith("共 ")]
    at.run()
    assert at.session_state["industry"] == "陶瓷"
    assert [c.value for c in at.caption if c.value.startswith("共 ")] == counts
