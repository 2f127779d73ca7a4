"""地图要素列表: the text twin of each map lists what the map shows and opens a chosen feature."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from layers.io.catalog import load_catalog
from layers.web.views import VIEWS
from tests.conftest import ROOT
from tests.test_pages import open_page

APP = str(ROOT / "app.py")
MAP_PAGES = ["overview", "structure", "transport", "parks_towns", "upload"]


def feature_table(at: AppTest, view_id: str):
    [table] = [df for df in at.dataframe if df.proto.id.endswith(f"features-{view_id}") or f"features-{view_id}" in df.proto.id]
    return table


@pytest.mark.parametrize("url_path", MAP_PAGES)
def test_every_map_page_lists_the_features_of_its_visible_layers(url_path):
    at = open_page(url_path)
    [expander] = [e for e in at.expander if e.label.startswith("地图要素列表")]
    table = feature_table(at, url_path).value
    assert list(table.columns) == ["名称", "图层", "县市区", "规划出处"]
    titles = {load_catalog().get(layer).title for layer in VIEWS[url_path].visible}
    assert set(table["图层"]) == titles
    assert f"（{len(table)} 项" in expander.label


def test_the_list_follows_the_page_filters():
    rails_only = feature_table(open_page("transport", {"net": ["铁路"]}), "transport").value
    assert "铁路“六纵四横”" in set(rails_only["图层"])
    assert not {"高速公路“五纵六横”", "综合枢纽与港航"} & set(rails_only["图层"])
    liling = feature_table(open_page("parks_towns", {"county": ["醴陵市"]}), "parks_towns").value
    points = liling[liling["图层"].isin(["产业园区与平台", "城镇等级体系", "特色小镇"])]
    assert len(points) and (points["县市区"] == "醴陵市").all()


def test_choosing_a_row_opens_the_feature_in_the_panel():
    at = open_page("parks_towns")
    table = feature_table(at, "parks_towns")
    rows = table.value
    index = int(rows.index[rows["图层"] == "产业园区与平台"][0])
    name = rows.loc[index, "名称"]
    state = table.proto.id
    at.session_state["features-parks_towns"] = {"selection": {"rows": [index], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params["sel"]
    assert any(h.value == name for h in at.subheader), (name, [h.value for h in at.subheader], state)
