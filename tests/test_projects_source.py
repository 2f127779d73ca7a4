"""Checks on geodata/sources/projects.csv (the plan's project records, 项目库) on its own."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = ROOT / "geodata" / "sources" / "projects.csv"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_546095a7c4866ffd.txt"

COLUMNS = [
    "id", "name", "category", "county", "status", "plan_ref", "excerpt",
    "related", "geometry_type", "location", "accuracy", "note",
]
CATEGORIES = {
    "铁路", "高速公路", "国省干线", "枢纽与港航", "城市交通", "产业园区", "新城新片区", "城市更新",
    "特色小镇", "能源", "水利", "生态环保", "湘赣边合作", "文旅", "公共服务", "其他",
}
COUNTIES = {"荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县", "茶陵县", "炎陵县", "全市"}
GEOMETRY_TYPES = {"Point", "LineString", "Polygon"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LONLAT = re.compile(r"^-?\d{1,3}\.\d+ -?\d{1,2}\.\d+$")


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    return pd.read_csv(PROJECTS, dtype=str, keep_default_na=False)


def test_columns(projects):
    assert list(projects.columns) == COLUMNS


def test_at_least_60_rows(projects):
    assert len(projects) >= 60


def test_ids_unique_lowercase_slugs(projects):
    ids = projects["id"]
    assert ids.is_unique, ids[ids.duplicated()].tolist()
    bad = [i for i in ids if not SLUG.match(i)]
    assert not bad, bad


def test_required_fields_filled(projects):
    for col in ("name", "category", "county", "status", "plan_ref", "excerpt", "geometry_type", "location", "accuracy"):
        empty = projects.loc[projects[col].str.strip() == "", "id"].tolist()
        assert not empty, f"{col} empty for {empty}"


def test_related_ids_exist(projects):
    ids = set(projects["id"])
    missing = [
        (row.id, rel)
        for row in projects.itertuples()
        for rel in filter(None, (x.strip() for x in row.related.split(";")))
        if rel not in ids
    ]
    assert not missing, missing


def test_category_allowed(projects):
    bad = projects.loc[~projects["category"].isin(CATEGORIES), ["id", "category"]]
    assert bad.empty, bad.to_dict("records")


def test_county_allowed(projects):
    bad = [(row.id, row.county) for row in projects.itertuples() if not set(row.county.split("、")) <= COUNTIES]
    assert not bad, bad


def test_geometry_type_allowed(projects):
    bad = projects.loc[~projects["geometry_type"].isin(GEOMETRY_TYPES), ["id", "geometry_type"]]
    assert bad.empty, bad.to_dict("records")


def test_literal_coordinates_plausible(projects):
    """Any `lon lat` pair written in `location` lies around 株洲 (WGS-84, lon before lat)."""
    bad = []
    for row in projects.itertuples():
        if row.location.startswith("feature:"):
            continue
        for part in row.location.split(";"):
            part = part.strip()
            if LONLAT.match(part):
                lon, lat = map(float, part.split())
                if not (112.5 <= lon <= 114.5 and 25.5 <= lat <= 28.5):
                    bad.append((row.id, part))
    assert not bad, bad


def test_feature_references_well_formed(projects):
    bad = [
        (row.id, row.location)
        for row in projects.itertuples()
        if row.location.startswith("feature:") and not re.fullmatch(r"feature:[a-z_]+:[a-z0-9-]+", row.location)
    ]
    assert not bad, bad


def test_excerpts_verbatim_in_seed(projects):
    if not SEED.exists():
        pytest.skip(f"seed text not available: {SEED}")
    seed = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    missing = [
        (row.id, part[:40])
        for row in projects.itertuples()
        for part in row.excerpt.split("…")
        if re.sub(r"\s+", "", part) not in seed
    ]
    assert not missing, missing
