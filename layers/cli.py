"""``python -m layers`` — the data staff's command line.

    list [--json]                 every catalog layer with its feature count
    validate PATH... | --all      check files, or every catalog layer against its declaration
    build boundaries|plan|text|all  rebuild layers (and the plan text) from their sources
    text --json                   the plan's spatial text with its links to map features
    assets                        verify and place the browser files the maps load

Exit status is 0 when everything is fine and 1 when a problem was found; each
problem is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from layers.build import build_plan
from layers.build.boundaries import CnmapsDataMissing, build_boundaries
from layers.build.common import SourceError
from layers.io.catalog import CatalogError, load_catalog
from layers.io.reader import load_layer, load_vector
from layers.io.validation import VectorDataError, summarise
from layers.paths import ROOT
from layers.web.assets import AssetError, serve


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def cmd_list(args: argparse.Namespace) -> int:
    """``list``: every catalog layer with its feature count (``损坏`` when it cannot be read)."""
    catalog = load_catalog()
    rows = []
    for spec in catalog:
        try:
            count: int | None = len(load_layer(spec))
        except VectorDataError:
            count = None
        rows.append(
            {
                "id": spec.id,
                "title": spec.title,
                "group": spec.group,
                "geometry": spec.geometry,
                "path": _relative(spec.path),
                "count": count,
                "schematic": spec.provenance.schematic,
                "visible": spec.visible,
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        count = "损坏" if r["count"] is None else r["count"]
        print(f"{r['id']:<{width}}  {count!s:>5}  {r['group']}  {r['title']}  ({r['path']})")
    return 0


def _report(problems: list[str]) -> None:
    for line in problems:
        print(line, file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    """``validate``: check files (any supported format) or every catalog layer; one line per problem."""
    if not args.all and not args.paths:
        print("validate: 需要文件路径，或使用 --all 检查全部目录图层", file=sys.stderr)
        return 2
    failed = 0
    if args.all:
        for spec in load_catalog():
            try:
                gdf = load_layer(spec)
                print(f"OK   {spec.id}: {len(gdf)} 个要素")
            except VectorDataError as exc:
                failed += 1
                _report(summarise(exc.problems))
    for path in args.paths:
        try:
            gdf = load_vector(Path(path))
            print(f"OK   {path}: {len(gdf)} 个要素")
        except VectorDataError as exc:
            failed += 1
            _report(summarise(exc.problems))
    return 1 if failed else 0


def cmd_build(args: argparse.Namespace) -> int:
    """``build``: rebuild the boundary layers, the plan layers, or both, from their sources."""
    if args.target in ("boundaries", "all"):
        for layer_id, path in build_boundaries().items():
            print(f"写入 {layer_id}: {_relative(path)}")
    if args.target in ("plan", "all"):
        for layer_id, path in build_plan().items():
            print(f"写入 {layer_id}: {_relative(path)}")
    if args.target in ("text", "all"):
        from layers.build import merge_ocr_corrections
        from layers.build.plan_text import build_text

        print(f"写入规划原文: {_relative(build_text())}")
        print(f"写入 ocr_corrections: {_relative(merge_ocr_corrections())}")
    return 0


def cmd_text(args: argparse.Namespace) -> int:
    """``text``: the plan's spatial text with its links to map features (``--json``: a JSON list)."""
    from layers.plan import text

    rows = text.as_json()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(f"{row['id']}\t{row['ref']}\t{len(row['links'])} 处链接\t{row['text'][:40]}")
    return 0


def cmd_assets(args: argparse.Namespace) -> int:
    """``assets``: check Leaflet's files from the installed wheel and place them under ``static/``."""
    written = serve()
    for target in written:
        print(f"已校验并写入: {_relative(target)}")
    if not written:
        print("地图所需的浏览器文件已就绪（已校验）")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    # Imported here: matplotlib and folium would slow every other command's start.
    """``export``: a briefing map as PNG, PDF or HTML, optionally over a user's file."""
    from layers import export
    from layers.export.fonts import FontMissing
    from layers.region.extents import ExtentError

    layer_ids = [lid.strip() for lid in args.layers.split(",") if lid.strip()]
    out = Path(args.out)
    fmt = args.format or out.suffix.lstrip(".").lower()
    if fmt not in (*export.FORMATS, "html"):
        print(f"export: 无法从 {out.name!r} 判断格式，请用 --format png|pdf|html", file=sys.stderr)
        return 1
    overlay = {}
    if args.overlay:
        from layers.io import uploads
        from layers.io.geojson import read_bytes

        path = Path(args.overlay)
        try:
            upload = uploads.load_upload(path.name, read_bytes(path, args.overlay))
        except VectorDataError as exc:
            _report(summarise(exc.problems))
            return 1
        overlay = {"overlay": upload.gdf, "overlay_title": upload.name}
    try:
        if fmt == "html":
            data = export.render_html(layer_ids, args.extent, args.title, args.subtitle, args.permalink, args.date, **overlay).encode()
        else:
            data = export.render(
                layer_ids, args.extent, args.title, args.subtitle, args.paper, args.dpi, fmt, args.permalink, args.date, **overlay
            )
    except (export.ExportError, ExtentError, FontMissing) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 1
    out.write_bytes(data)
    print(f"已导出 {fmt.upper()}: {_relative(out)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (help texts in Chinese, for data staff)."""
    parser = argparse.ArgumentParser(prog="python -m layers", description="株洲“十四五”规划空间布局查看器：图层数据工具")
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="列出目录中的全部图层")
    p_list.add_argument("--json", action="store_true", help="输出 JSON 数组")
    p_list.set_defaults(func=cmd_list)
    p_val = sub.add_parser("validate", help="检查矢量文件或全部目录图层")
    p_val.add_argument("paths", nargs="*", help="要检查的文件")
    p_val.add_argument("--all", action="store_true", help="检查目录中的全部图层（含属性与来源）")
    p_val.set_defaults(func=cmd_validate)
    p_build = sub.add_parser("build", help="从来源重建图层")
    p_build.add_argument("target", choices=["boundaries", "plan", "text", "all"])
    p_build.set_defaults(func=cmd_build)
    p_text = sub.add_parser("text", help="规划原文（第五章与空间专栏）及其链接的地图要素")
    p_text.add_argument("--json", action="store_true", help="输出 JSON 数组：{id, ref, text, links}")
    p_text.set_defaults(func=cmd_text)
    p_assets = sub.add_parser("assets", help="校验并放置地图所需的浏览器文件（应用启动时也会自动完成）")
    p_assets.set_defaults(func=cmd_assets)
    p_export = sub.add_parser("export", help="导出简报地图（PNG、PDF 或单文件 HTML）")
    p_export.add_argument("--extent", default="city", help="范围: city、core、zhuli、corridor、县市区名或 bbox:minlon,minlat,maxlon,maxlat")
    p_export.add_argument("--layers", required=True, help="图层 id，逗号分隔（python -m layers list 查看）")
    p_export.add_argument("--title", required=True, help="图名")
    p_export.add_argument("--subtitle", default="", help="副标题")
    p_export.add_argument("--paper", default="a4-landscape", choices=["a4-landscape", "a4-portrait", "16x9"])
    p_export.add_argument("--dpi", type=int, default=150, help="分辨率（打印用 150 或 300）")
    p_export.add_argument("--format", choices=["png", "pdf", "html"], help="默认取 --out 的扩展名")
    p_export.add_argument("--permalink", help="印在图上的在线地图链接")
    p_export.add_argument("--date", help="制图日期 YYYY-MM-DD（默认今天）")
    p_export.add_argument("--overlay", help="叠加一个用户文件（GeoJSON、GeoPackage、KML 或 zip 打包的 Shapefile），与上传页同样检查")
    p_export.add_argument("--out", required=True, help="输出文件")
    p_export.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; problems end as one line on stderr and exit status 1, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CatalogError, AssetError, CnmapsDataMissing, SourceError, OSError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 1
