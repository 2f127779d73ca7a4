"""The house rules, checked: imports flow pages → ui → layers, modules stay short, facts are stated once.

* ``layers/`` is the library and CLI: it never imports Streamlit, streamlit-folium or ``ui``.
* ``ui/`` never imports ``pages``; no module imports itself back through a cycle.
* no module over 450 lines, no page over 80, no JavaScript or CSS over 25 lines inside a Python string;
* the nine counties are spelled out in one module (:mod:`layers.region`);
* every public module, class and function says what it is for (a docstring).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("layers", "ui", "pages")
SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py")) + [ROOT / "app.py"]
MAX_MODULE_LINES, MAX_PAGE_LINES, MAX_EMBEDDED_CODE_LINES = 450, 80, 25
COUNTIES = ("荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县", "茶陵县", "炎陵县")


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


OUR_MODULES = {module_name(p) for p in SOURCES}


def imports(path: Path) -> set[str]:
    """Every module a file imports, by absolute name.

    ``from a import b`` counts ``a.b`` when ``b`` is a submodule of ours (the
    package's own ``__init__`` is then not what the file depends on), else ``a``.
    """
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in OUR_MODULES else node.module)
    return found


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", [p for p in SOURCES if rel(p).startswith("layers/")], ids=rel)
def test_the_library_never_imports_streamlit_or_the_ui(path):
    bad = {name for name in imports(path) if top(name) in {"streamlit", "streamlit_folium", "ui", "pages"}}
    assert not bad, f"{rel(path)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", [p for p in SOURCES if rel(p).startswith("ui/")], ids=rel)
def test_the_ui_never_imports_pages(path):
    assert not {name for name in imports(path) if top(name) == "pages"}


def _graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SOURCES}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a loop (strongly connected, size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles():
    assert cycles(_graph()) == []


def test_the_cycle_check_finds_a_hidden_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("path", SOURCES, ids=rel)
def test_modules_stay_short(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    limit = MAX_PAGE_LINES if rel(path).startswith("pages/") else MAX_MODULE_LINES
    assert lines <= limit, f"{rel(path)}: {lines} lines (limit {limit})"


CODE_HINT = re.compile(r"function\s*\(|=>|\bvar\s|\bconst\s|\{[^{}\n]*:[^{}\n]*;")


@pytest.mark.parametrize("path", SOURCES, ids=rel)
def test_no_long_javascript_or_css_inside_python(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if text.count("\n") > MAX_EMBEDDED_CODE_LINES and len(CODE_HINT.findall(text)) > 3:
                pytest.fail(f"{rel(path)}:{node.lineno}: {text.count(chr(10))} lines of JS/CSS in a string — move it to static/")


def test_the_county_list_is_spelled_out_once():
    spelled = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        if all(name in text for name in COUNTIES) and re.search("荷塘区.{0,12}芦淞区.{0,12}石峰区", text):
            spelled.append(rel(path))
    assert spelled == ["layers/region/__init__.py"]


def _public_definitions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = [] if ast.get_docstring(tree) else ["(module)"]
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            if not ast.get_docstring(node):
                missing.append(node.name)
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    public = isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_")
                    if public and not ast.get_docstring(item) and not _is_trivial_property(item):
                        missing.append(f"{node.name}.{item.name}")
    return missing


def _is_trivial_property(node: ast.FunctionDef) -> bool:
    """``@property`` returning one expression (a derived attribute): its name is its documentation."""
    decorated = any(isinstance(d, ast.Name) and d.id in {"property", "cached_property"} for d in node.decorator_list)
    return decorated and len(node.body) == 1 and isinstance(node.body[0], ast.Return)


@pytest.mark.parametrize("path", [p for p in SOURCES if not rel(p).startswith("pages/")], ids=rel)
def test_every_public_definition_has_a_docstring(path):
    missing = _public_definitions(path)
    assert not missing, f"{rel(path)}: no docstring on {', '.join(missing)}"
