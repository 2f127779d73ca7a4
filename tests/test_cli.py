import json
import subprocess
import sys

from layers.io.catalog import load_catalog
from tests.conftest import DATA, ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_list_json_describes_every_layer():
    result = run("list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == load_catalog().ids()
    for row in rows:
        assert {"id", "title", "group", "path", "count"} <= set(row)
        assert (ROOT / row["path"]).exists()
        assert row["count"] and row["count"] > 0


def test_validate_all_passes():
    result = run("validate", "--all")
    assert result.returncode == 0, result.stderr


def test_validate_rejects_every_broken_file_without_traceback():
    broken = sorted(str(p) for p in (DATA / "broken").iterdir())
    result = run("validate", *broken)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    for path in broken:
        assert any(line.startswith(path) for line in lines), path


def test_validate_accepts_valid_file():
    result = run("validate", str(DATA / "valid" / "two_features.geojson"))
    assert result.returncode == 0
    assert "OK" in result.stdout


def test_validate_without_arguments_is_a_usage_error():
    assert run("validate").returncode == 2
