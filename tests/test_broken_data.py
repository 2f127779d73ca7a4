"""A broken bundled file disables its own layer, visibly, and nothing else.

Each scenario copies ``geodata/`` to a temporary folder, breaks files in the
copy, and points a fresh process at it with ``ZZP_GEODATA`` (the data folder is
fixed when :mod:`layers.paths` is imported, so the pages run in a subprocess
under AppTest).  The real ``geodata/`` is never touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layers.io.catalog import load_catalog
from tests.conftest import ROOT

CATALOG = load_catalog()
CORRUPT = CATALOG.get("rail_network")  # truncated mid-file
MISSING = CATALOG.get("industrial_parks")  # deleted
BROKEN_TITLES = {CORRUPT.title, MISSING.title}

# Runs every page of the app under AppTest and reports what each showed, as JSON on stdout.
RUNNER = """
import json, sys
from streamlit.testing.v1 import AppTest
from ui import frame
from ui.map_component import COMPONENT_NAME

report = {}
for page in frame.PAGES:
    at = AppTest.from_file(sys.argv[1], default_timeout=180)
    at.run()
    if not page.default:
        at.switch_page(page.file)
        at.run()
    specs = [json.loads(el.proto.bytes) for el in at.get("bidi_component") if el.proto.component_name == COMPONENT_NAME]
    tables = [el.value.to_dict("list") for el in at.dataframe]
    report[page.url_path] = {
        "exceptions": [str(e.value) for e in at.exception],
        "messages": [m.value for m in (*at.warning, *at.error)],
        "maps": [[layer["title"] for layer in spec["layers"]] for spec in specs],
        "tables": json.loads(json.dumps(tables, default=str)),
    }
print("REPORT" + json.dumps(report, ensure_ascii=False))
"""


def broken_copy(tmp_path: Path) -> Path:
    data = tmp_path / "geodata"
    shutil.copytree(ROOT / "geodata", data)
    corrupt = data / CORRUPT.file
    text = corrupt.read_text(encoding="utf-8")
    # A cut-off download, cut between characters so the layer fails as JSON, not as an encoding.
    corrupt.write_text(text[: len(text) // 2], encoding="utf-8")
    (data / MISSING.file).unlink()
    return data


def env_for(data: Path) -> dict[str, str]:
    return {**os.environ, "ZZP_GEODATA": str(data), "PYTHONPATH": str(ROOT)}


def run_pages(data: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(ROOT / "app.py")],
        cwd=ROOT, env=env_for(data), capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout[result.stdout.index("REPORT") + len("REPORT") :])


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    return run_pages(broken_copy(tmp_path_factory.mktemp("broken")))


def test_the_original_data_is_untouched():
    from layers.io.reader import load_layer

    assert len(load_layer(CORRUPT)) and len(load_layer(MISSING))


def test_every_page_runs_without_exception(report):
    from ui import frame

    assert set(report) == {p.url_path for p in frame.PAGES}
    for page, shown in report.items():
        assert not shown["exceptions"], (page, shown["exceptions"])


def test_pages_name_the_broken_layers(report):
    overview = " ".join(report["overview"]["messages"])
    for spec in (CORRUPT, MISSING):
        assert spec.title in overview and spec.file in overview, spec.id
    assert "JSON 语法错误" in overview and "文件不存在" in overview  # says why, not only that
    assert MISSING.title in " ".join(report["parks_towns"]["messages"])
    assert CORRUPT.title in " ".join(report["transport"]["messages"])


def test_maps_still_draw_every_other_layer(report):
    from layers.web.permalink import MapState
    from layers.web.views import VIEWS

    overview_layers = VIEWS["overview"].layer_ids(MapState())  # what a first visit draws
    [drawn] = report["overview"]["maps"]
    expected = [CATALOG.get(i).title for i in overview_layers if CATALOG.get(i).title not in BROKEN_TITLES]
    assert sorted(drawn) == sorted(expected)
    for page, shown in report.items():
        for titles in shown["maps"]:
            assert titles and not BROKEN_TITLES & set(titles), page
            assert CATALOG.get("admin_counties").title in titles, page


def test_data_page_marks_the_broken_layers_and_counts_the_rest(report):
    [table, *_] = report["data"]["tables"]
    status = dict(zip(table["图层"], table["状态"]))
    counts = dict(zip(table["图层"], table["要素数"]))
    for spec in CATALOG:
        if spec.title in BROKEN_TITLES:
            assert status[spec.title].startswith("已停用"), spec.id
        else:
            assert status[spec.title] == "正常" and counts[spec.title] > 0, spec.id


def test_validate_all_reports_the_broken_layers(tmp_path):
    data = broken_copy(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "layers", "validate", "--all"],
        cwd=ROOT, env=env_for(data), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(rf"geodata/{CORRUPT.file}: JSON 语法错误", result.stderr)
    assert re.search(rf"geodata/{MISSING.file}: 文件不存在", result.stderr)
    ok = {line.split()[1].rstrip(":") for line in result.stdout.splitlines() if line.startswith("OK")}
    assert ok == set(CATALOG.ids()) - {CORRUPT.id, MISSING.id}


def test_garbage_county_outlines_leave_every_page_working(tmp_path):
    counties = CATALOG.get("admin_counties")  # the base layer most pages and the briefing extents use
    data = tmp_path / "geodata"
    shutil.copytree(ROOT / "geodata", data)
    (data / counties.file).write_bytes(b"\x89PNG not GeoJSON at all")
    report = run_pages(data)
    for page, shown in report.items():
        assert not shown["exceptions"], (page, shown["exceptions"])
        for titles in shown["maps"]:
            assert titles and counties.title not in titles, page
    assert any(counties.title in m for m in report["overview"]["messages"])
