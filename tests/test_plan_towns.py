"""专栏25 town hierarchy and 专栏27 featured towns against the plan."""

from collections import Counter

import pytest

from layers.io.catalog import load_catalog
from layers.io.reader import load_layer
from tests.plan_helpers import in_seed, name_in_seed

CATALOG = load_catalog()
URBAN_DISTRICTS = {"荷塘区", "芦淞区", "石峰区", "天元区", "渌口区"}
LISTED_AS = {"市区": URBAN_DISTRICTS, "醴陵": {"醴陵市"}, "攸县": {"攸县"}, "茶陵": {"茶陵县"}, "炎陵": {"炎陵县"}}


@pytest.fixture(scope="module")
def towns():
    return load_layer(CATALOG.get("town_hierarchy"))


@pytest.fixture(scope="module")
def featured():
    return load_layer(CATALOG.get("featured_towns"))


def test_65_towns_with_the_plans_tier_counts(towns):
    assert len(towns) == 65
    assert Counter(towns["tier"]) == {1: 1, 2: 2, 3: 2, 4: 3, 5: 13, 6: 44}
    assert towns["name"].is_unique


def test_tier_six_grouped_as_the_plan_lists_them(towns):
    six = towns[towns["tier"] == 6]
    assert Counter(six["county_listed"]) == {"市区": 4, "醴陵": 12, "攸县": 9, "茶陵": 11, "炎陵": 8}
    for _, town in six.iterrows():
        assert town["county"] in LISTED_AS[town["county_listed"]], f"{town['name']} lies in {town['county']}"


def test_tiers_one_to_three_are_the_city_and_county_seats(towns):
    seats = dict(zip(towns["name"], towns["county"]))
    assert seats["醴陵市市区"] == "醴陵市"
    assert seats["攸县县城"] == "攸县"
    assert seats["茶陵县县城"] == "茶陵县"
    assert seats["炎陵县县城"] == "炎陵县"
    assert seats["株洲市市区"] in URBAN_DISTRICTS


def test_town_names_are_the_plans(towns, seed_text):
    for name in towns["name"]:
        assert name_in_seed(name, seed_text), f"{name} not in the plan (even allowing logged OCR fixes)"
    for quote in towns["quote"]:
        assert in_seed(quote, seed_text)


def test_ocr_errors_are_corrected(towns):
    names = set(towns["name"])
    assert {"渌田", "沩山", "舲舫"} <= names
    assert not names & {"淶田", "汾山", "舩舫"}


def test_33_featured_towns_plus_five_provincial(featured):
    assert Counter(featured["category"]) == {"特色农业小镇": 10, "特色工业小镇": 13, "特色文旅小镇": 10, "省级特色产业小镇": 5}
    assert featured["id"].is_unique


def test_featured_town_names_and_hosts_are_the_plans(featured, seed_text):
    for _, town in featured.iterrows():
        assert in_seed(town["quote"], seed_text), town["quote"]
        assert name_in_seed(town["name"], seed_text), town["name"]
        assert name_in_seed(town["host"], seed_text), town["host"]
