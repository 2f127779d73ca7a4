"""The committed plan layers are exactly what the build makes from geodata/sources/."""

import pytest

from layers.build import build_plan, ocr_logs
from layers.build.common import Gazetteer, SourceError, read_table
from layers.paths import GEODATA


def test_build_reproduces_the_committed_layers(tmp_path):
    written = build_plan(tmp_path)
    assert written
    for layer_id, path in written.items():
        committed = GEODATA / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), f"{layer_id}: run `python -m layers build plan`"


def test_gazetteer_names_are_unique_and_resolvable():
    gazetteer = Gazetteer()
    assert len(gazetteer.places) > 50
    assert gazetteer.resolve("113.1 27.8", "test") == (113.1, 27.8)
    with pytest.raises(SourceError, match="没有"):
        gazetteer.resolve("不存在的地名", "test")


def test_gazetteer_rejects_swapped_coordinates(tmp_path):
    (tmp_path / "places_bad.csv").write_text("name,kind,county,lon,lat,source,accuracy,note\n错点,town,攸县,27.0,113.3,x,±1 km,\n", encoding="utf-8")
    with pytest.raises(SourceError, match="颠倒"):
        Gazetteer(tmp_path)


def test_every_ocr_correction_is_logged_once():
    rows = [r for path in ocr_logs() for r in read_table(path.stem, path.parent)]
    merged = read_table("ocr_corrections", GEODATA)
    assert {(r["seed_form"], r["corrected"], r["line"]) for r in rows} == {(r["seed_form"], r["corrected"], r["line"]) for r in merged}


def test_an_anchor_table_cannot_restate_a_gazetteer_place(tmp_path):
    (tmp_path / "gazetteer.csv").write_text(
        "name,kind,county,lon,lat,source,accuracy,position,note\n群丰镇,town,天元区,113.08204,27.78697,x,±1 km,cited,\n", encoding="utf-8"
    )
    (tmp_path / "places_x.csv").write_text(
        "name,kind,county,lon,lat,source,accuracy,note\n群丰镇,town,天元区,113.08,27.78,x,±2 km,\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="已在 gazetteer.csv"):
        Gazetteer(tmp_path)
