"""A record's “‹ 返回…” goes back to where the reader came from, with that page's filters."""

from __future__ import annotations

from urllib.parse import parse_qs

from tests.test_feature_list import open_page


def back(at) -> tuple[str, str, dict[str, list[str]]]:
    link = next(el.proto for el in at.get("page_link") if el.proto.label.startswith("‹ 返回"))
    return link.page, link.label, parse_qs(link.query_string)


def test_a_search_result_returns_to_the_page_and_filters_it_was_found_on():
    at = open_page("transport", {"net": "铁路"})
    at.sidebar.text_input(key="search").input("衡茶吉").run()
    result = next(el.proto for el in at.sidebar.get("page_link") if "衡茶吉" in el.proto.label)
    record = open_page("projects", {k: v for k, v in parse_qs(result.query_string).items()})
    assert back(record) == ("transport", "‹ 返回交通网络", {"net": ["铁路"]})


def test_a_record_opened_from_the_filtered_list_returns_to_that_list():
    at = open_page("projects", {"id": "rail-hengchaji", "county": "茶陵县", "q": "铁路"})
    assert back(at) == ("projects", "‹ 返回项目库", {"county": ["茶陵县"], "q": ["铁路"]})


def test_a_from_that_names_no_page_falls_back_to_the_list():
    for bad in ("https://example.com/", "nosuchpage?x=1", "x" * 2000):
        at = open_page("projects", {"id": "rail-hengchaji", "from": bad})
        assert back(at) == ("projects", "‹ 返回项目库", {})


def test_related_records_keep_the_way_back():
    at = open_page("projects", {"id": "rail-hengchaji", "from": "parks_towns?county=茶陵县"})
    related = [el.proto for el in at.get("page_link") if parse_qs(el.proto.query_string).get("id") and el.proto.page == "projects"]
    assert related and all(parse_qs(link.query_string)["from"] == ["parks_towns?county=茶陵县"] for link in related)
