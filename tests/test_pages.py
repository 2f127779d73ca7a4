"""Every page runs under Streamlit's AppTest without an exception."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from layers import ui
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def run_page(page: ui.PageInfo) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if not page.default:
        at.switch_page(page.file)
        at.run()
    return at


def map_args(at: AppTest) -> list[dict]:
    """The arguments of every st_folium component on the page (script, returned_objects …)."""
    return [
        json.loads(el.proto.json_args)
        for el in at.get("component_instance")
        if el.proto.component_name == "streamlit_folium.st_folium"
    ]


@pytest.mark.parametrize("page", ui.PAGES, ids=[p.url_path for p in ui.PAGES])
def test_page_runs_without_exception(page):
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value


def test_overview_map_reruns_only_on_feature_clicks():
    at = run_page(ui.page_info("overview"))
    [args] = map_args(at)
    assert args["returned_objects"] == ["last_active_drawing"]  # panning never reruns Python
    assert "L.featureGroup(" in args["script"]


def test_data_page_lists_every_layer_with_download():
    from layers.catalog import load_catalog

    at = run_page(ui.page_info("data"))
    table = at.dataframe[0].value
    catalog = load_catalog()
    assert list(table["图层"]) == [spec.title for spec in catalog]
    assert table["要素数"].notna().all()
    assert len(at.get("download_button")) == len(catalog)


def click(at: AppTest, layer: str, row: int, name: str) -> None:
    """Simulate a feature click the way streamlit-folium reports it."""
    [args] = map_args(at)
    at.session_state[args["key"]] = {
        "last_active_drawing": {"type": "Feature", "id": str(row), "properties": {"name": name, "_layer": layer, "_row": row}}
    }
    at.run()


def test_clicking_a_feature_shows_its_full_record_beside_the_map():
    at = run_page(ui.page_info("overview"))
    click(at, "admin_counties", 8, "醴陵市")
    assert not at.exception
    assert [s.value for s in at.subheader] == ["醴陵市"]
    table = at.dataframe[0].value
    assert "430281" in set(table["值"])  # adcode comes from the full record, not the light popup data
