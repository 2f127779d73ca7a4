"""Project records: links from map features, filters, excerpts, downloads, map links."""

import io
import json

import pandas as pd
import pytest

from layers.io import licence
from layers.io.catalog import load_catalog
from layers.io.reader import load_layer
from layers.plan import records

CATALOG = load_catalog()


@pytest.fixture(scope="module")
def projects():
    return load_layer(CATALOG.get("projects"))


def test_at_least_sixty_records_with_unique_slugs(projects):
    assert len(projects) >= 60
    assert projects["id"].is_unique
    assert projects["id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()


def test_every_record_id_on_every_map_layer_exists(projects):
    ids = set(projects["id"])
    for spec in CATALOG:
        if spec.record_field and spec.id != "projects":
            gdf = load_layer(spec)
            dead = set(gdf[spec.record_field]) - ids
            assert not dead, f"{spec.id}: dead links {sorted(dead)}"


def test_related_records_exist(projects):
    ids = set(projects["id"])
    for related in projects["related"].fillna(""):
        assert {r for r in related.split(";") if r} <= ids


def test_linked_records_share_the_map_features_geometry(projects):
    rail = load_layer(CATALOG.get("rail_network"))
    record = projects.set_index("id").loc["rail-hengchaji"]
    line = rail[rail["record_id"] == "rail-hengchaji"].union_all()
    assert record.geometry.equals_exact(line, 1e-6) or record.geometry.symmetric_difference(line).length < 1e-6
    assert record["name"] == "衡茶吉铁路（含文竹支线）"  # the plan's spelling, as on the map


def test_filters(projects):
    rail = records.apply(projects, records.Filters(category="铁路"))
    assert len(rail) and set(rail["category"]) == {"铁路"}
    in_chaling = records.apply(projects, records.Filters(county="茶陵县"))
    assert in_chaling["county"].str.contains("茶陵县").all()
    column7 = records.apply(projects, records.Filters(column="专栏7"))
    assert len(column7) >= 21 + 10
    named = records.apply(projects, records.Filters(ids=frozenset({"qingshuitang-new-city", "no-such-record"})))
    assert list(named["id"]) == ["qingshuitang-new-city"]
    assert len(records.apply(projects, records.Filters())) == len(projects)


def test_downloads_follow_the_filter(projects):
    chosen = records.apply(projects, records.Filters(category="水利"))
    spec = CATALOG.get("projects")
    doc = json.loads(records.to_geojson(chosen, spec))
    assert len(doc["features"]) == len(chosen)
    assert doc["license"] == spec.provenance.license and doc["source"] == spec.provenance.source
    table = pd.read_csv(io.BytesIO(records.to_csv(chosen, spec)), encoding="utf-8-sig")
    assert len(table) == len(chosen) and set(table["category"]) == {"水利"}
    assert set(table["来源与许可"]) == {licence.attribution(spec)} and spec.provenance.license in licence.attribution(spec)


def test_excerpt_highlights_the_name_even_in_ocr_spelling():
    marked = records.highlight("建设完善铜塘湾港区、涑口港区等项目", "渌口港区")
    assert "**涑口港区**" in marked
    assert records.highlight("a <b>株洲</b>", "株洲") == "a \\<b\\>**株洲**\\<\\/b\\>"


def test_map_link_centres_the_record(projects):
    row = projects.set_index("id").loc["rail-hengchaji"]
    page, params = records.map_link({"id": "rail-hengchaji", "linked_layer": row["linked_layer"]}, row.geometry)
    assert page == "transport"  # the home page of the layer that draws it (layers.web.views)
    lat, lon = (float(v) for v in params["c"].split(","))
    assert 26.3 < lat < 27.2 and 113.2 < lon < 114.0
    assert params["sel"] == "rail-hengchaji"
    assert 8 <= float(params["z"]) <= 12


def test_a_record_without_a_map_layer_opens_the_overview_with_the_records_layer(projects):
    row = projects[projects["linked_layer"].fillna("") == ""].iloc[0]
    page, params = records.map_link(row.to_dict(), row.geometry)
    assert page == "overview" and params["layers"] == "admin_counties,projects" and params["sel"] == row["id"]
