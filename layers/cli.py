"""``python -m layers`` — the data staff's command line.

    list [--json]                 every catalog layer with its feature count
    validate PATH... | --all      check files, or every catalog layer against its declaration
    build boundaries|plan|all     rebuild layers from their sources
    assets                        fetch the pinned browser assets for offline use

Exit status is 0 when everything is fine and 1 when a problem was found; each
problem is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from layers.assets import AssetFetchError, fetch_all
from layers.boundaries import CnmapsDataMissing, build_boundaries
from layers.build import build_plan
from layers.build.common import SourceError
from layers.catalog import CatalogError, load_catalog
from layers.paths import ROOT
from layers.reader import load_layer, load_vector
from layers.validation import VectorDataError, summarise


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def cmd_list(args: argparse.Namespace) -> int:
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
    if args.target in ("boundaries", "all"):
        for layer_id, path in build_boundaries().items():
            print(f"写入 {layer_id}: {_relative(path)}")
    if args.target in ("plan", "all"):
        for layer_id, path in build_plan().items():
            print(f"写入 {layer_id}: {_relative(path)}")
    return 0


def cmd_assets(args: argparse.Namespace) -> int:
    for target in fetch_all():
        print(f"已获取并校验: {_relative(target)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
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
    p_build.add_argument("target", choices=["boundaries", "plan", "all"])
    p_build.set_defaults(func=cmd_build)
    p_assets = sub.add_parser("assets", help="下载并校验离线所需的浏览器资源（npm）")
    p_assets.set_defaults(func=cmd_assets)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CatalogError, AssetFetchError, CnmapsDataMissing, SourceError, OSError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 1
