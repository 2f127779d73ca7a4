from layers.io.catalog import load_catalog
from layers.io.store import load_many
from layers.plan import records
from layers.plan.search import normalise, record_ids, search

LOADS = load_many(load_catalog().ids())


def test_partial_name_finds_every_qingshuitang_item():
    hits = search("清水塘", LOADS)
    names = [h.name for h in hits]
    assert len(hits) >= 5
    assert all("清水塘" in n for n in names[:5])
    assert any(h.record_id == "qingshuitang-new-city" for h in hits)


def test_records_win_over_their_map_features():
    hits = search("衡茶吉", LOADS)
    assert [h.record_id for h in hits].count("rail-hengchaji") == 1
    assert hits[0].page == "projects"


def test_search_by_county_and_category():
    assert any(h.name == "醴陵经开区" for h in search("醴陵 产业园区", LOADS))
    town_hits = search("渌田", LOADS)
    assert any(h.layer_id == "town_hierarchy" and h.page == "parks_towns" for h in town_hits)


def test_normalise_ignores_width_and_punctuation():
    assert normalise("（长株攸高速）") == normalise("(长株攸 高速)")
    assert search("   ", LOADS) == []


def test_search_returns_every_hit_and_the_records_listed_in_the_project_table():
    projects = next(load.gdf for load in LOADS if load.spec.id == "projects")
    hits = search("醴陵", LOADS)
    assert len(hits) > 50  # no silent cap: the sidebar says how many there are
    ids = record_ids(hits)
    listed = records.apply(projects, records.Filters(ids=ids))
    assert set(listed["id"]) == ids  # every record the search found is a row of 项目库
