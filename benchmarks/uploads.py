"""What hostile and maximal uploads cost the server: CPU seconds and peak memory per file.

    python -m benchmarks.uploads [--json FILE]

Builds, in a temporary folder, the attack files from the "Closed to attack"
report — 100,000 property keys in one GeoJSON feature, a self-intersecting
polygon of 10^6 vertices, 450,000 GeoJSON points, a zipped Shapefile of
3 million points — and the largest files the budgets in :mod:`layers.io.formats`
still accept.  Each goes through :func:`layers.io.uploads.load_upload` in a
fresh interpreter, which reports its CPU time (user + system,
``resource.getrusage``) and peak resident memory around that one call, and
whether the file was refused or accepted.  The budgets aim at ≤ 10 s of CPU
and ≤ 500 MB added memory per upload on the 2-core server; the exit status is
1 when a case exceeds them.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
CPU_BUDGET_S = 10.0
MEMORY_BUDGET_MB = 500.0

# Runs in the child: the upload's cost, measured around the one call.
# Peak memory is the kernel's VmHWM, reset just before the call (ru_maxrss would carry the parent's peak over exec).
CHILD = """
import json, re, resource, sys, time
from pathlib import Path
from layers.io import uploads
from layers.io.validation import VectorDataError

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
def status_mb(key):
    return int(re.search(key + r":\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024

path = Path(sys.argv[1])
data = path.read_bytes()  # the server holds the upload's bytes before reading starts
Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the present
base_mb = status_mb("VmRSS")
start, wall = cpu(), time.perf_counter()
try:
    up = uploads.load_upload(path.name, data)
    outcome = f"接受：{len(up.gdf)} 个要素，{len(up.notes)} 条说明"
except VectorDataError as exc:
    outcome = "拒绝：" + exc.problems[-1].message[:90]
print(json.dumps({"cpu_s": cpu() - start, "wall_s": time.perf_counter() - wall,
                  "peak_mb": status_mb("VmHWM"), "base_mb": base_mb,
                  "outcome": outcome}, ensure_ascii=False))
"""


def _feature(geometry: dict, properties: dict | None = None) -> dict:
    return {"type": "Feature", "properties": properties or {}, "geometry": geometry}


def _write_geojson(path: Path, features: list[dict]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")), encoding="utf-8")


def _star(vertices: int) -> list[list[float]]:
    """A ring that crosses itself at every spike: the costliest kind for make_valid."""
    angles = np.linspace(0, 2 * np.pi * 7, vertices - 1)
    radius = np.where(np.arange(vertices - 1) % 2, 0.1, 0.03)
    ring = np.column_stack([113.15 + radius * np.cos(angles), 27.83 + radius * np.sin(angles)]).round(7)
    return [*ring.tolist(), ring[0].tolist()]


def _circle(vertices: int) -> list[list[float]]:
    angles = np.linspace(0, 2 * np.pi, vertices - 1, endpoint=False)
    ring = np.column_stack([113.15 + 0.1 * np.cos(angles), 27.83 + 0.1 * np.sin(angles)]).round(7)
    return [*ring.tolist(), ring[0].tolist()]


def keys_100k(folder: Path) -> Path:
    path = folder / "keys.geojson"
    _write_geojson(path, [_feature({"type": "Point", "coordinates": [113.15, 27.83]}, {f"k{i}": i for i in range(100_000)})])
    return path


def star_polygon(vertices: int) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / f"star{vertices}.geojson"
        _write_geojson(path, [_feature({"type": "Polygon", "coordinates": [_star(vertices)]})])
        return path

    return build


def polygons(count: int, vertices: int, ring: Callable[[int], list[list[float]]]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / f"{ring.__name__.strip('_')}{count}x{vertices}.geojson"
        _write_geojson(path, [_feature({"type": "Polygon", "coordinates": [ring(vertices)]}, {"n": n}) for n in range(count)])
        return path

    return build


def geojson_points(count: int, keys: int = 1) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        rng = np.random.default_rng(0)
        xy = np.column_stack([rng.uniform(112.9, 114.1, count), rng.uniform(26.0, 28.0, count)]).round(5).tolist()
        path = folder / f"points{count}x{keys}.geojson"
        _write_geojson(path, [_feature({"type": "Point", "coordinates": p}, {f"k{k}": i for k in range(keys)}) for i, p in enumerate(xy)])
        return path

    return build


def json_values(count: int) -> Callable[[Path], Path]:
    """One point whose property is an array of ``count`` numbers: Python objects, not vertices."""

    def build(folder: Path) -> Path:
        path = folder / f"values{count}.geojson"
        numbers = ",".join(["1.5"] * count)
        path.write_text(f'{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"a":[{numbers}]}},'
                        '"geometry":{"type":"Point","coordinates":[113.15,27.83]}}]}', encoding="utf-8")
        return path

    return build


def kml_lines(folder: Path) -> Path:
    """20,000 placemarks of 45 vertices: the largest KML the budgets accept, for GDAL's KML reader."""
    rng = np.random.default_rng(3)
    steps = np.linspace(0, 0.05, 45)
    placemarks = []
    for i, (x, y) in enumerate(zip(rng.uniform(112.9, 114.0, 20_000), rng.uniform(26.0, 27.9, 20_000))):
        coords = " ".join(f"{x + dx:.6f},{y + dy:.6f}" for dx, dy in zip(steps, steps[::-1]))
        placemarks.append(f"<Placemark><name>线{i}</name><LineString><coordinates>{coords}</coordinates></LineString></Placemark>")
    path = folder / "lines.kml"
    path.write_text('<kml xmlns="http://www.opengis.net/kml/2.2"><Document>' + "".join(placemarks) + "</Document></kml>", encoding="utf-8")
    return path


def _zipped_shapefile(folder: Path, name: str, gdf: gpd.GeoDataFrame) -> Path:
    shp_folder = folder / name
    shp_folder.mkdir()
    pyogrio.write_dataframe(gdf, shp_folder / f"{name}.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in shp_folder.iterdir():
            archive.write(part, part.name)
    path = folder / f"{name}.zip"
    path.write_bytes(buffer.getvalue())
    return path


def shapefile_points(count: int) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        i = np.arange(count)  # a regular grid: compresses like real survey points, so the zip stays under 50 MB
        geoms = shapely.points(113.0 + (i % 1000) * 0.001, 27.0 + (i // 1000) * 0.0003)
        return _zipped_shapefile(folder, f"points{count}", gpd.GeoDataFrame({"n": np.arange(count)}, geometry=geoms, crs="EPSG:4326"))

    return build


def shapefile_lines(folder: Path) -> Path:
    """20,000 lines of 45 vertices: as many features and nearly as many vertices as the budgets allow."""
    rng = np.random.default_rng(2)
    starts = np.column_stack([rng.uniform(112.9, 114.0, 20_000), rng.uniform(26.0, 27.9, 20_000)])
    steps = np.linspace(0, 0.05, 45)
    geoms = [shapely.LineString(np.column_stack([x + steps, y + steps[::-1]])) for x, y in starts]
    gdf = gpd.GeoDataFrame({"名称": [f"线{i}" for i in range(20_000)]}, geometry=geoms, crs="EPSG:4326")
    return _zipped_shapefile(folder, "lines", gdf)


CASES: list[tuple[str, Callable[[Path], Path]]] = [
    ("攻击：GeoJSON 单个要素 100,000 个属性键", keys_100k),
    ("攻击：自相交多边形 10^6 个顶点", star_polygon(1_000_000)),
    ("攻击：GeoJSON 450,000 个点", geojson_points(450_000, keys=0)),
    ("攻击：zip Shapefile 3,000,000 个点", shapefile_points(3_000_000)),
    ("上限内最坏：10 个自相交多边形 × 99,999 个顶点（每个都要检查）", polygons(10, 99_999, _star)),
    ("上限内最坏：50 个自相交多边形 × 20,000 个顶点（修复额度用尽）", polygons(50, 20_000, _star)),
    ("上限内：10 个有效多边形 × 99,999 个顶点", polygons(10, 99_999, _circle)),
    ("上限内最坏：一个属性里 4,999,000 个数（JSON 值上限以内）", json_values(4_999_000)),
    ("上限内最坏：GeoJSON 20,000 个点 × 200 个属性", geojson_points(20_000, keys=200)),
    ("上限内：zip Shapefile 20,000 条线 × 45 个顶点", shapefile_lines),
    ("上限内：KML 20,000 条线 × 45 个顶点", kml_lines),
]


def measure(path: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{path.name}: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="zzp-bench-uploads-") as tmp:
        for label, build in CASES:
            path = build(Path(tmp))
            row = {"case": label, "file_mb": path.stat().st_size / 1024 / 1024, **measure(path)}
            row["added_mb"] = row["peak_mb"] - row["base_mb"]  # the interpreter and libraries are loaded anyway
            row["within_budget"] = row["cpu_s"] <= CPU_BUDGET_S and row["added_mb"] <= MEMORY_BUDGET_MB
            rows.append(row)
            print(
                f"{label}\n    文件 {row['file_mb']:.1f} MB  CPU {row['cpu_s']:.2f} s  墙钟 {row['wall_s']:.2f} s  "
                f"内存 +{row['added_mb']:.0f} MB（峰值 {row['peak_mb']:.0f} MB，导入后 {row['base_mb']:.0f} MB）  {'✓' if row['within_budget'] else '✗ 超出预算'}\n"
                f"    {row['outcome']}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(row["within_budget"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
