"""The maps' browser files: pinned in requirements.txt, verified, served under any base path."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest

from layers.paths import ROOT
from layers.web import assets, mapbuild, urls


def test_leaflet_comes_pinned_with_the_runtime_requirements():
    pins = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(rf"^{assets.DISTRIBUTION}==\S+", pins, re.M)


@pytest.mark.parametrize("name", sorted(assets.LEAFLET_FILES))
def test_every_file_taken_from_the_wheel_matches_its_recorded_digest(name):
    data = assets.source(f"{assets.VENDOR}/{name}").read_bytes()
    assert hashlib.sha256(data).hexdigest() == assets.LEAFLET_FILES[name]


def test_the_wheel_carries_the_pinned_leaflet_version_and_its_licence():
    assert f"Leaflet {assets.LEAFLET_VERSION}," in assets.source(assets.LEAFLET_JS).read_text(encoding="utf-8")[:200]
    assert "BSD 2-Clause" in assets.source(f"{assets.VENDOR}/LICENSE").read_text(encoding="utf-8")


def test_a_file_that_differs_from_its_digest_is_refused(monkeypatch):
    monkeypatch.setattr(assets, "_verified", {})
    monkeypatch.setitem(assets.LEAFLET_FILES, "leaflet.js", "0" * 64)
    with pytest.raises(assets.AssetError, match="sha256"):
        assets.source(assets.LEAFLET_JS)


def test_serve_copies_missing_and_changed_files_and_leaves_good_ones(tmp_path):
    written = assets.serve(tmp_path)
    assert {p.relative_to(tmp_path / assets.VENDOR).as_posix() for p in written} == set(assets.LEAFLET_FILES)
    css = tmp_path / assets.LEAFLET_CSS
    assert css.read_bytes() == assets.source(assets.LEAFLET_CSS).read_bytes()
    assert (css.parent / "images" / "layers.png").is_file()  # beside the CSS that refers to it
    assert assets.serve(tmp_path) == []
    css.write_text("tampered", encoding="utf-8")
    (tmp_path / assets.VENDOR / "images" / "layers.png").unlink()
    assert sorted(p.name for p in assets.serve(tmp_path)) == ["layers.png", "leaflet.css"]
    assert css.read_bytes() == assets.source(assets.LEAFLET_CSS).read_bytes()


def test_our_own_browser_files_are_in_the_repository():
    for rel in (assets.FULLSCREEN_JS, assets.FULLSCREEN_CSS):
        assert assets.source(rel).is_relative_to(ROOT / "static" / "zzp")


@pytest.mark.parametrize(
    ("raw", "prefix"), [(None, ""), ("", ""), ("/", ""), ("zzp", "/zzp"), ("/zzp/", "/zzp"), ("a/b", "/a/b")]
)
def test_base_path_prefix(raw, prefix):
    assert urls.normalise_base(raw) == prefix
    assert urls.static_url(prefix, "zzp/fullscreen.js") == f"{prefix}/app/static/zzp/fullscreen.js"
    assert urls.app_url(prefix, "projects?id=") == f"{prefix}/projects?id="


@pytest.mark.parametrize("base", ["", "/zzp"])
def test_every_file_a_map_loads_is_under_the_base_path(base):
    html = mapbuild.map_html(mapbuild.new_map("none", base_path=base))
    loaded = re.findall(r'<script src="([^"]+)"|<link rel="stylesheet" href="([^"]+)"', html)
    loaded = [a or b for a, b in loaded]
    assert sorted(loaded) == sorted(urls.static_url(base, rel) for rel in assets.MAP_FILES)


def test_attribution_prefix_is_leaflet_without_a_flag():
    html = mapbuild.map_html(mapbuild.new_map("none"))
    assert ".attributionControl.setPrefix(" in html
    assert "Leaflet" in mapbuild.ATTRIBUTION_PREFIX
    assert "<svg" not in mapbuild.ATTRIBUTION_PREFIX and "\U0001f1fa" not in mapbuild.ATTRIBUTION_PREFIX


def test_an_unwritable_static_folder_is_a_clear_error(tmp_path):
    (tmp_path / "vendor").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(assets.AssetError, match="无法写入地图文件"):
        assets.serve(tmp_path)


def test_the_assets_command_checks_and_places_the_files():
    result = subprocess.run([sys.executable, "-m", "layers", "assets"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (ROOT / "static" / assets.LEAFLET_JS).read_bytes() == assets.source(assets.LEAFLET_JS).read_bytes()
