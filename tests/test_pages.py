"""Every page runs under Streamlit's AppTest without an exception."""

import json

import pytest
from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui import frame
from ui.map_component import CLICKS, COMPONENT_NAME

APP = str(ROOT / "app.py")


def run_page(page: frame.PageInfo) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if not page.default:
        at.switch_page(page.file)
        at.run()
    return at


def open_page(url_path: str, params: dict[str, str | list[str]] | None = None) -> AppTest:
    """Open a page with these query parameters set first, as a link would; no exception allowed."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    page = frame.page_info(url_path)
    if not page.default:
        at.switch_page(page.file)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_components(at: AppTest) -> list:
    """Every inline map (a Custom Components v2 element) on the page."""
    return [el for el in at.get("bidi_component") if el.proto.component_name == COMPONENT_NAME]


def map_specs(at: AppTest) -> list[dict]:
    """The map spec each inline map was sent (what component.js applies)."""
    return [json.loads(el.proto.bytes) for el in map_components(at)]


@pytest.mark.parametrize("page", frame.PAGES, ids=[p.url_path for p in frame.PAGES])
def test_page_runs_without_exception(page):
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value


def test_overview_map_is_inline_with_every_layer_and_reports_clicks():
    at = run_page(frame.page_info("overview"))
    [spec] = map_specs(at)
    assert spec["clicks"] and spec["sync"]["page"] == "overview"
    assert {layer["id"] for layer in spec["layers"]} >= {"admin_counties", "rail_network"}
    assert all(layer["hash"] for layer in spec["layers"])


def test_data_page_lists_every_layer_with_download():
    from layers.io.catalog import load_catalog

    at = run_page(frame.page_info("data"))
    table = at.dataframe[0].value
    catalog = load_catalog()
    assert list(table["图层"]) == [spec.title for spec in catalog]
    assert table["要素数"].notna().all()
    assert len(at.get("download_button")) == len(catalog)


def click(at: AppTest, layer: str, row: int, name: str) -> None:
    """Simulate a click on feature ``row`` of ``layer``."""
    send_click(at, {"name": name, "_layer": layer, "_row": row})


def send_click(at: AppTest, value: object) -> None:
    """Simulate a feature click the way the inline map reports it: a ``clicked`` trigger event.

    AppTest has no driver for Custom Components v2, so the trigger widget's value is sent
    with the next run exactly as the browser's ``setTriggerValue('clicked', …)`` sends it.
    """
    [component] = map_components(at)
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{component.proto.id}{EVENT_DELIM}events"
    trigger.json_trigger_value = json.dumps([{"event": "clicked", "value": value}])
    at._tree._runner._run(states, timeout=None)


def test_clicking_a_feature_shows_its_full_record_beside_the_map():
    at = run_page(frame.page_info("overview"))
    click(at, "admin_counties", 8, "醴陵市")
    assert not at.exception
    assert [s.value for s in at.subheader] == ["醴陵市"]
    [table] = [df.value for df in at.dataframe if "值" in df.value.columns]  # the panel's, not the 地图要素列表
    assert "430281" in set(table["值"])  # adcode comes from the full record, not the light popup data
    at.run()  # a later rerun (a filter, the basemap) without a new click keeps the record shown
    assert [s.value for s in at.subheader] == ["醴陵市"]


def test_a_click_is_kept_per_map_and_anything_but_a_feature_is_ignored():
    at = run_page(frame.page_info("overview"))
    send_click(at, "<b>not a feature</b>")
    send_click(at, {"_layer": "admin_counties"})  # no row: not a feature reference
    assert not at.exception and CLICKS not in at.session_state and not at.subheader
    click(at, "no_such_layer", 0, "x")  # kept, but leads to no record: the panel shows its hint
    assert not at.exception and not at.subheader
    assert at.session_state[CLICKS] == {"map-overview": {"name": "x", "_layer": "no_such_layer", "_row": 0}}


def test_every_project_record_opens_and_shows_its_name():
    from layers.io.catalog import load_catalog
    from layers.io.reader import load_layer

    projects = load_layer(load_catalog().get("projects"))
    at = run_page(frame.page_info("projects"))
    for record_id, name in zip(projects["id"], projects["name"]):
        at.query_params["id"] = record_id
        at.run()
        assert not at.exception, (record_id, [e.value for e in at.exception])
        assert at.title[0].value == name, record_id
        assert any("规划原文" in m.value for m in at.markdown), record_id


def test_unknown_record_id_says_so():
    at = run_page(frame.page_info("projects"))
    at.query_params["id"] = "no-such-record"
    at.run()
    assert not at.exception
    assert "no-such-record" in at.error[0].value.replace("\\", "")  # Markdown-escaped, shown as written


def test_project_table_filters():
    at = run_page(frame.page_info("projects"))
    at.selectbox[0].select("铁路").run()
    table = at.dataframe[0].value
    assert len(table) and set(table["类别"]) == {"铁路"}


def test_clicking_a_railway_shows_its_details_and_record_link():
    at = run_page(frame.page_info("transport"))
    click(at, "rail_network", 0, "京广高铁")
    assert not at.exception
    assert at.subheader[0].value == "京广高铁"
    assert any("projects" in str(link.proto.page) for link in at.get("page_link"))


def test_sidebar_search_lists_matching_records():
    at = run_page(frame.page_info("overview"))
    at.sidebar.text_input[0].input("清水塘").run()
    labels = [link.proto.label for link in at.sidebar.get("page_link")]
    assert any(label.startswith("清水塘") for label in labels)


def test_permalink_selection_opens_the_details():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["sel"] = "park-liling-etdz"
    at.run()
    at.switch_page("pages/parks_towns.py")
    at.query_params["sel"] = "park-liling-etdz"
    at.run()
    assert not at.exception
    assert at.subheader[0].value == "醴陵经开区"
