"""Map pages against naive Folium and an empty Streamlit page, measured in one run.

    python -m benchmarks [--json FILE] [--repeats N] [--no-browser]

For each map page (``layers.web.views.VIEWS``):

* **build** — server time to make the page's map spec and serialise it as the
  inline map component is sent it, cold (empty caches: read, validate, prepare)
  and warm (display data cached, as on every rerun);
* **payload** — bytes of the map spec handed to the browser;
* **ready** — headless Chromium, navigation until the county paths are drawn
  (and the number of iframes on the page: the goal is none).

Baselines, in the same run: **naive** — ``GeoDataFrame.explore()`` of the same
layer files at full resolution chained onto one map, serialised the way
``st_folium`` sends a map (script, HTML and header); **floor** — an empty
Streamlit page (connected and idle); and, for reference, an **empty inline map**
(our component with no layers) and an **empty st_folium map** (what any
streamlit-folium page cost: the iframe component the app used before; needs the
dev requirement ``streamlit-folium``).  Medians and ratios are printed; ``--json``
writes them for CI or the README.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import geopandas as gpd
from streamlit_folium import _get_header, _get_html, _get_map_string

from benchmarks.live import (
    launch,
    offline_context,
    streamlit_server,
    wait_for_app,
)
from layers.io import store
from layers.io.catalog import load_catalog
from layers.paths import ROOT
from layers.web.basemaps import get_basemap
from layers.web.compose import compose_map
from layers.web.display import prepare
from layers.web.permalink import MapState
from layers.web.views import VIEWS

ST_FOLIUM_FLOOR_APP = """
import sys
sys.path.insert(0, {root!r})
from streamlit_folium import st_folium
from layers.web import assets, mapbuild

assets.serve_once()
st_folium(mapbuild.new_map(), key="floor", height=600, returned_objects=[])
"""
INLINE_FLOOR_APP = """
import sys
sys.path.insert(0, {root!r})
from layers.web import assets, mapbuild
from layers.web.basemaps import get_basemap
from layers.web.mapspec import MapSpec, ViewRequest
from ui.map_component import live_map

assets.serve_once()
live_map(MapSpec(get_basemap("none"), ViewRequest(mapbuild.CITY_CENTER, mapbuild.CITY_ZOOM, "floor"), height=600), key="floor")
"""
ST_FOLIUM_IFRAME = 'iframe[title="streamlit_folium\\.st_folium"]'
GOALS = {
    "payload_ratio": 0.28,  # overview, as with st_folium
    "build_ms_warm": 50.0,
    "ready_ratio": 1.5,  # every map page
    "overview_ready_ratio": 1.3,
    "payload_bytes": 1_000_000,
    "iframes": 0,
}


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def serialise(m) -> int:
    """Bytes ``st_folium`` sends for a folium map: its script, HTML and header (the naive baseline)."""
    m.get_root().render()
    html, header = _get_html(m), _get_header(m)
    script = _get_map_string(m)
    return sum(len(part.encode("utf-8")) for part in (script, html or "", header or ""))


def _loads(view_id: str) -> list[store.LayerLoad]:
    """The layers a first visit to the page draws (no link state)."""
    return [store.load(load_catalog().get(layer_id)) for layer_id in VIEWS[view_id].layer_ids(MapState())]


def build_ours(view_id: str, cache: dict | None) -> int:
    """Build and serialise a page's map spec (bytes sent); ``cache`` holds display data between warm runs."""
    basemap = get_basemap("none")
    loads = _loads(view_id) if cache is None else cache["loads"]
    display = {} if cache is None else cache["display"]

    def data(spec):
        if spec.id not in display:
            load = next(item for item in loads if item.spec.id == spec.id)
            display[spec.id] = prepare(spec, load.gdf, basemap.datum)
        return display[spec.id]

    spec, _ = compose_map(view_id, loads, data, basemap, MapState(), visible=set(VIEWS[view_id].visible))
    if cache is not None:
        cache.update(loads=loads, display=display)
    return len(spec.to_json())


def build_naive(view_id: str) -> int:
    m = None
    for layer_id in VIEWS[view_id].layer_ids(MapState()):
        gdf = gpd.read_file(load_catalog().get(layer_id).path)
        m = gdf.explore(m=m, name=layer_id)
    return serialise(m)


def server_figures(view_id: str, repeats: int) -> dict:
    cold = median_ms(lambda: build_ours(view_id, None), repeats)
    cache: dict = {"loads": _loads(view_id), "display": {}}
    build_ours(view_id, cache)
    warm = median_ms(lambda: build_ours(view_id, cache), repeats * 3)
    ours = build_ours(view_id, cache)
    naive = build_naive(view_id)
    return {
        "build_ms_cold": round(cold, 1),
        "build_ms_warm": round(warm, 1),
        "payload_bytes": ours,
        "naive_payload_bytes": naive,
        "payload_ratio": round(ours / naive, 3),
    }


def ready_times(repeats: int) -> tuple[dict[str, float], dict[str, int]]:
    """Median page-ready time per map page and of the baselines; iframes seen on each map page."""
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {}
    iframes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        empty = Path(tmp) / "empty.py"
        empty.write_text("import streamlit as st\n", encoding="utf-8")
        inline = Path(tmp) / "inline.py"
        inline.write_text(INLINE_FLOOR_APP.format(root=str(ROOT)), encoding="utf-8")
        st_folium = Path(tmp) / "st_folium.py"
        st_folium.write_text(ST_FOLIUM_FLOOR_APP.format(root=str(ROOT)), encoding="utf-8")
        (Path(tmp) / "static").symlink_to(ROOT / "static")  # the same self-hosted Leaflet
        browser = launch(playwright)
        with streamlit_server(empty) as (floor_base, _):
            for _ in range(repeats + 1):  # the first load warms the server
                results.setdefault("floor", []).append(_time_page(browser, floor_base + "/", None)[0])
        with streamlit_server(inline) as (inline_base, _):
            for _ in range(repeats + 1):
                results.setdefault("inline_floor", []).append(_time_page(browser, inline_base + "/", ".leaflet-container")[0])
        with streamlit_server(st_folium) as (st_folium_base, _):
            for _ in range(repeats + 1):
                ms = _time_page(browser, st_folium_base + "/", ".leaflet-container", frame=ST_FOLIUM_IFRAME)[0]
                results.setdefault("st_folium_floor", []).append(ms)
        with streamlit_server() as (base, _):
            for view_id in VIEWS:
                if view_id == "upload":
                    continue
                path = "/" if view_id == "overview" else f"/{view_id}"
                for _ in range(repeats + 1):
                    ms, frames = _time_page(browser, base + path, "path.zzp-admin_counties")
                    results.setdefault(view_id, []).append(ms)
                    iframes[view_id] = max(iframes.get(view_id, 0), frames)
        browser.close()
    return {key: round(statistics.median(times[1:]), 1) for key, times in results.items()}, iframes


def _time_page(browser, url: str, selector: str | None, frame: str | None = None) -> tuple[float, int]:
    """Milliseconds from navigation until ``selector`` is attached (in ``frame`` if given); iframes on the page."""
    context = offline_context(browser, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    if selector is None:
        wait_for_app(page)
    else:
        scope = page.frame_locator(frame).first if frame else page
        scope.locator(selector).first.wait_for(state="attached", timeout=60_000)
    elapsed = (time.perf_counter() - start) * 1000
    frames = page.locator("iframe").count()
    context.close()
    return elapsed, frames


def run(repeats: int, browser: bool) -> dict:
    figures: dict = {}
    for view_id in VIEWS:
        if view_id == "upload":
            continue
        for key, value in server_figures(view_id, repeats).items():
            figures[f"{view_id}_{key}"] = value
    if browser:
        ready, iframes = ready_times(repeats)
        figures["floor_ready_ms"] = ready.pop("floor")
        for floor in ("inline_floor", "st_folium_floor"):
            figures[f"{floor}_ready_ms"] = ready.pop(floor)
            figures[f"{floor}_ready_ratio"] = round(figures[f"{floor}_ready_ms"] / figures["floor_ready_ms"], 2)
        for view_id, ms in ready.items():
            figures[f"{view_id}_ready_ms"] = ms
            figures[f"{view_id}_ready_ratio"] = round(ms / figures["floor_ready_ms"], 2)
            figures[f"{view_id}_iframes"] = iframes[view_id]
    from benchmarks.export import measure_export

    export = measure_export(repeats)
    figures["export_a4_300dpi_png_s"] = export["png_median_s"]
    figures["export_a4_300dpi_pdf_s"] = export["pdf_median_s"]
    return figures


def report(figures: dict) -> list[str]:
    """A table of the figures beside their goals; returns the goals missed."""
    missed = []
    pages = [v for v in VIEWS if v != "upload"]
    print(
        f"{'页面':<12}{'构建冷/ms':>10}{'构建热/ms':>10}{'载荷/KB':>10}{'朴素/KB':>10}{'载荷比':>8}"
        f"{'就绪/ms':>10}{'就绪比':>8}{'iframe':>8}"
    )
    for view_id in pages:
        f = {k.removeprefix(f"{view_id}_"): v for k, v in figures.items() if k.startswith(f"{view_id}_")}
        print(
            f"{view_id:<14}{f['build_ms_cold']:>10.0f}{f['build_ms_warm']:>10.1f}{f['payload_bytes'] / 1024:>10.0f}"
            f"{f['naive_payload_bytes'] / 1024:>10.0f}{f['payload_ratio']:>8.2f}"
            f"{f.get('ready_ms', float('nan')):>10.0f}{f.get('ready_ratio', float('nan')):>8.2f}{f.get('iframes', '-'):>8}"
        )
        if f["build_ms_warm"] > GOALS["build_ms_warm"]:
            missed.append(f"{view_id}: warm build {f['build_ms_warm']} ms > {GOALS['build_ms_warm']} ms")
        if f["payload_bytes"] > GOALS["payload_bytes"]:
            missed.append(f"{view_id}: payload {f['payload_bytes']} B > 1 MB")
        limit = GOALS["overview_ready_ratio"] if view_id == "overview" else GOALS["ready_ratio"]
        if "ready_ratio" in f and f["ready_ratio"] > limit:
            missed.append(f"{view_id}: ready {f['ready_ratio']}× floor > {limit}×")
        if f.get("iframes", 0) > GOALS["iframes"]:
            missed.append(f"{view_id}: {f['iframes']} iframe(s) on the page")
    if figures["overview_payload_ratio"] > GOALS["payload_ratio"]:
        missed.append(f"overview payload {figures['overview_payload_ratio']:.0%} of naive > {GOALS['payload_ratio']:.0%}")
    if "floor_ready_ms" in figures:
        print(f"空白 Streamlit 页（下限）就绪: {figures['floor_ready_ms']:.0f} ms")
        print(
            f"只有一张空地图的页就绪: 内联组件 {figures['inline_floor_ready_ms']:.0f} ms"
            f"（{figures['inline_floor_ready_ratio']:.2f}× 下限），"
            f"streamlit-folium（参考）{figures['st_folium_floor_ready_ms']:.0f} ms（{figures['st_folium_floor_ready_ratio']:.2f}× 下限）"
        )
    print(f"简报导出（全部图层，A4 横向 300 dpi）: PNG {figures['export_a4_300dpi_png_s']:.2f} s，PDF {figures['export_a4_300dpi_pdf_s']:.2f} s")
    for line in missed:
        print(f"未达目标: {line}")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="也把结果写入这个 JSON 文件")
    parser.add_argument("--repeats", type=int, default=5, help="每项重复次数（取中位数）")
    parser.add_argument("--no-browser", action="store_true", help="不测浏览器就绪时间")
    args = parser.parse_args(argv)
    figures = run(args.repeats, browser=not args.no_browser)
    missed = report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
