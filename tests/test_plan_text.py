"""The plan text data: faithful to the seed, corrections logged and marked, links that resolve."""

from __future__ import annotations

import csv
import io
import json
import re
from contextlib import redirect_stdout

import pytest

from layers import cli
from layers.build.common import read_table
from layers.io.catalog import load_catalog
from layers.io.reader import load_layer
from layers.paths import GEODATA, SEED
from layers.plan import text

SPATIAL_COLUMNS = {6, 7, 11, 12, 18, 21, 22, 23, 24, 25, 27, 28}
COVERED_LAYERS = ("rail_network", "expressway_network", "industrial_parks", "featured_towns", "town_hierarchy")
FIGURE = re.compile(r"^(图\s*\d+\s*[:：].*|.{0,20}示意图)$")


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"seed text not available: {SEED} (it lives beside the repository, not in it)")
    return SEED.read_text(encoding="utf-8").splitlines()


def _logged_corrections() -> dict[int, list[tuple[str, str]]]:
    by_line: dict[int, list[tuple[str, str]]] = {}
    for row in read_table("ocr_corrections", GEODATA):
        by_line.setdefault(int(row["line"]), []).append((row["seed_form"], row["corrected"]))
    return by_line


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def test_chapter_five_sentences_are_present_verbatim_after_the_logged_corrections(seed_lines):
    """≥ 95 % of 第五章's sentences (seed lines 393–472, figure captions aside) appear in the text."""
    corrections = _logged_corrections()
    paragraphs = text.load_paragraphs()
    haystack = _squash("".join(p.chapter + p.section + p.column + p.text for p in paragraphs))
    sentences = []
    for number in range(393, 473):
        line = seed_lines[number - 1].replace("**", "")
        line = re.sub(r"</?p>", "", line).strip()
        if not line or FIGURE.match(line):
            continue
        for seed_form, corrected in corrections.get(number, []):
            line = line.replace(seed_form, corrected)
        sentences += [s for s in re.split(r"(?<=[。；])", line) if _squash(s)]
    assert len(sentences) > 60
    missing = [s for s in sentences if _squash(s) not in haystack]
    assert len(missing) <= 0.05 * len(sentences), missing


def test_the_committed_text_is_what_the_build_makes(seed_lines, tmp_path):
    from layers.build.plan_text import build_text

    built = build_text(tmp_path)
    assert built.read_bytes() == (GEODATA / "plan_text" / "paragraphs.jsonl").read_bytes(), "run `python -m layers build text`"


def test_every_spatial_column_is_present_with_its_rows():
    paragraphs = text.load_paragraphs()
    columns = {int(re.match(r"专栏(\d+)", p.column).group(1)) for p in paragraphs if p.column}
    assert SPATIAL_COLUMNS <= columns
    counts = {n: sum(1 for p in paragraphs if p.column.startswith(f"专栏{n} ") and p.kind != "head") for n in SPATIAL_COLUMNS}
    assert counts[7] == 4 and counts[12] == 10 and counts[24] == 10 and counts[25] == 6 and counts[27] == 3, counts
    assert all(counts.values()), counts


def test_tables_are_kept_as_rows_and_cells():
    rows = [p for p in text.load_paragraphs() if p.column.startswith("专栏18 ")]
    assert rows[0].kind == "head" and rows[0].text.split("\t")[0] == "序号"
    assert all(len(p.text.split("\t")) == 5 for p in rows)
    assert [p.text.split("\t")[2] for p in rows[1:3]] == ["生猪", "白鹅"]


def test_paragraph_ids_are_unique_and_stable_in_form():
    ids = [p.id for p in text.load_paragraphs()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"c\d+(s\d+)?p\d+|col\d+r\d+", pid) for pid in ids), ids
    assert "c5s1p3" in ids and "col7r4" in ids


def test_no_ocr_or_page_residue_in_the_text():
    for p in text.load_paragraphs():
        assert "**" not in p.text and "<p>" not in p.text and "—— 48" not in p.text, p.id
        assert not re.search(r"— \d+ —", p.text), p.id


def test_corrected_spans_are_marked_with_the_seed_spelling_and_a_reason():
    log = {(r["seed_form"], r["corrected"]) for r in read_table("ocr_corrections", GEODATA)}
    marked = 0
    for p in text.load_paragraphs():
        for fix in p.fixes:
            marked += 1
            assert (fix.seed, p.text[fix.start : fix.end]) in log, (p.id, fix)
            assert fix.reason
    assert marked >= 25


def test_the_text_log_is_part_of_the_merged_ocr_log(seed_lines):
    merged = {(r["seed_form"], r["corrected"], r["line"]) for r in read_table("ocr_corrections", GEODATA)}
    for row in read_table("ocr_text", GEODATA / "plan_text"):
        assert (row["seed_form"], row["corrected"], row["line"]) in merged
        assert row["seed_form"] in seed_lines[int(row["line"]) - 1], row


def _feature_keys() -> dict[str, set[str]]:
    keys = {}
    for spec in load_catalog():
        gdf = load_layer(spec)
        values = set(gdf["name"].astype(str))
        for field in ("record_id", "id"):
            if field in gdf:
                values |= set(gdf[field].dropna().astype(str))
        keys[spec.id] = values
    return keys


def test_every_index_entry_points_at_a_feature_or_record():
    keys = _feature_keys()
    entries = text.load_index()
    assert len(entries) > 200
    for entry in entries:
        assert entry.layer in keys, entry
        assert entry.feature in keys[entry.layer], entry
        if entry.alias_of and entry.layer != "projects":
            names = set(load_layer(load_catalog().get(entry.layer))["name"].astype(str))
            assert entry.alias_of in names or entry.alias_of == entry.feature, entry
    names = [e.name for e in entries]
    assert len(names) == len(set(names)), "a name stands for one feature"


def test_links_quote_their_paragraph_and_never_overlap():
    paragraphs = {p.id: p for p in text.load_paragraphs()}
    links = text.all_links()
    assert sum(len(v) for v in links.values()) > 500
    for pid, found in links.items():
        last_end = -1
        for link in found:
            assert paragraphs[pid].text[link.start : link.end] == link.text == link.entry.name
            assert link.start >= last_end
            last_end = link.end


def test_most_features_of_the_spatial_layers_are_named_by_a_linked_paragraph():
    named = {link.selection for found in text.all_links().values() for link in found}
    for layer_id in COVERED_LAYERS:
        gdf = load_layer(load_catalog().get(layer_id))
        records = gdf.drop(columns="geometry").to_dict("records")
        hits = sum(text.selection_of(layer_id, r) in named for r in records)
        assert hits >= 0.9 * len(records), (layer_id, hits, len(records))


def test_unlinked_names_are_in_the_text_with_a_reason_and_not_in_the_index():
    body = "".join(p.text for p in text.load_paragraphs())
    indexed = {e.name for e in text.load_index()}
    for row in text.load_unlinked():
        assert row["name"] in body and row["reason"], row
        assert row["name"] not in indexed


def test_matching_takes_the_longest_name_and_unlinked_names_block_shorter_ones():
    def entry(name: str) -> text.Entry:
        return text.Entry(name, "", "rail_network", name, "")

    found = text.find_links("长株潭城际铁路株洲站；来龙门街道；龙门", (entry("长株潭城际"), entry("长株潭城际铁路"), entry("龙门")), ("来龙门街道",))
    assert [(link.text, link.start) for link in found] == [("长株潭城际铁路", 0), ("龙门", 17)]


def test_a_feature_leads_to_the_paragraphs_that_name_it():
    naming = [p.id for p in text.paragraphs_naming("park-liling-etdz")]
    assert "col12r7" in naming and "c5s1p5" in naming
    [link] = [li for li in text.all_links()["col12r7"] if li.selection == "park-liling-etdz"]
    assert (link.start, link.end) == (0, 5)
    towns = [p.id for p in text.paragraphs_naming("town_hierarchy:鹿原")]
    assert "col25r5" in towns


def test_search_ignores_spaces():
    assert [p.id for p in text.search("醴陵 经开区")][:1] == ["col6r2"]
    assert text.search("  ") == []


def test_cli_prints_paragraphs_with_their_links_as_json():
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["text", "--json"]) == 0
    rows = json.loads(out.getvalue())
    assert [r["id"] for r in rows] == [p.id for p in text.load_paragraphs()]
    row = next(r for r in rows if r["id"] == "col7r1")
    assert set(row) == {"id", "ref", "text", "links"} and row["ref"] == "第五章第三节 专栏7"
    link = next(li for li in row["links"] if li["feature"] == "rail-changzhutan-intercity")
    assert link == {"text": "长株潭城际铁路（延伸至渌口区）", "layer": "rail_network", "feature": "rail-changzhutan-intercity"}
    for r in rows:
        assert all(li["text"] in r["text"] for li in r["links"])


def test_name_index_is_a_plain_reviewable_csv():
    with (GEODATA / "plan_text" / "name_index.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["name", "alias_of", "layer", "feature", "note"]
        assert all(len(row) == 5 for row in reader)
