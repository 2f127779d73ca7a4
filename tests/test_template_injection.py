"""User text is data, never template source: not on the map, the sheet, the HTML export or the CLI.

branca compiles the text of every ``Element``/``Html``/``Figure`` as a Jinja
template, so ``{{ 7*7 }}`` in a title would print ``49`` and
``{{ lipsum.__globals__ … }}`` reaches the operating system.  These tests put
Jinja payloads in every field a user controls, and a static check bans those
constructors fed with anything but fixed text.
"""

from __future__ import annotations

import ast
import html
import subprocess
import sys

import geopandas as gpd
import pytest
import shapely

from layers import export
from tests.conftest import ROOT

# Each payload, and what only its evaluation would print.
PAYLOADS = {
    "{{ 'INJ' ~ 'ECTED' }}": "INJECTED",
    "{{ lipsum.__globals__['os'].popen('echo PW''NED').read() }}": "PWNED",
    "{% for x in range(2) %}LO{% endfor %}OP": "LOLOOP",
    "{# hidden #}'\"": None,
}
AREA = shapely.box(113.2, 27.0, 113.7, 27.45)


def _evaluated(page: str, payload: str) -> bool:
    """Whether the page shows the payload's result (or lost its comment) instead of the payload."""
    mark = PAYLOADS[payload]
    return (mark is not None and mark in page) or "hidden" in payload and "{# hidden #}" not in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_export_prints_every_field_as_written(payload):
    overlay = gpd.GeoDataFrame({"name": [payload], payload: [payload]}, geometry=[AREA], crs="EPSG:4326")
    page = export.render_html(
        ["admin_counties"], "city", payload, payload, permalink=f"http://localhost:8501/?sel={payload}",
        date="2026-11-29", overlay=overlay, overlay_title=payload,
    )
    assert not _evaluated(page, payload)
    assert f"<title>{html.escape(payload)}</title>" in page
    assert f"<h1>{html.escape(payload)}</h1>" in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_png_sheet_takes_payloads_as_text(payload):
    sheet = export.compose(["admin_counties"], "city", payload, payload, permalink=f"http://x/?sel={payload}")
    assert sheet.title == payload and sheet.subtitle == payload
    assert export.draw(sheet, dpi=40).data.startswith(b"\x89PNG")


@pytest.mark.parametrize("date", ["{{ 7*7 }}", "2026-13-01", "2026-11-29'\"", "x" * 5000])
def test_a_date_that_is_not_a_date_is_refused_in_one_line(date):
    with pytest.raises(export.ExportError, match="YYYY-MM-DD"):
        export.compose(["admin_counties"], "city", "t", date=date)


@pytest.mark.parametrize("field", ["title", "subtitle", "permalink", "overlay_title"])
def test_over_long_text_is_refused_before_any_work(field):
    limit = dict(zip(("title", "subtitle", "permalink", "overlay_title"), export.TEXT_LIMITS.values()))[field]
    with pytest.raises(export.ExportError, match="过长"):
        export.compose(["admin_counties"], "city", **{"title": "t", field: "字" * (limit + 1)})


def test_cli_prints_payloads_and_quotes_as_text(tmp_path):
    out = tmp_path / "sheet.html"
    payload = "{{ 'INJ' ~ 'ECTED' }}\"'"
    result = subprocess.run(
        [sys.executable, "-m", "layers", "export", "--extent", "city", "--layers", "admin_counties", "--title", payload,
         "--subtitle", payload, "--permalink", f"http://x/?sel={payload}", "--date", "2026-11-29", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    page = out.read_text(encoding="utf-8")
    assert "INJECTED" not in page and html.escape(payload) in page


def test_cli_refuses_a_template_as_date_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "layers", "export", "--extent", "city", "--layers", "admin_counties", "--title", "t",
         "--date", "{{ 7*7 }}", "--out", str(tmp_path / "x.png")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "YYYY-MM-DD" in result.stderr


# ------------------------------------------------------------------ static check

TEMPLATE_CONSTRUCTORS = {"Element", "Html", "Figure", "Template", "Environment", "from_string", "IFrame", "Div"}
TEMPLATE_MODULES = ("branca", "folium", "jinja2")
SOURCES = sorted(
    p for p in [*ROOT.glob("layers/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
)


def _template_names(tree: ast.Module) -> set[str]:
    """Names bound to a branca/folium/jinja2 template constructor by this module's imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(TEMPLATE_MODULES):
            names |= {alias.asname or alias.name for alias in node.names if alias.name in TEMPLATE_CONSTRUCTORS}
    return names


def _fixed_text(node: ast.expr) -> bool:
    """A literal, a module CONSTANT, or an f-string built only from those."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.JoinedStr):
        return all(_fixed_text(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values)
    return False


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_template_constructors_only_ever_get_fixed_text(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _template_names(tree)
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        via_module = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("branca", "folium", "jinja2", "element")
        if called in names or (via_module and called in TEMPLATE_CONSTRUCTORS):
            if not all(_fixed_text(arg) for arg in node.args[:1]):
                offenders.append(f"{path.name}:{node.lineno} {called}(…)")
    assert not offenders, "template constructor fed with variable text (use RawHtml + html_text): " + ", ".join(offenders)


def test_the_static_check_catches_a_template_fed_with_user_text(tmp_path):
    bad = ast.parse("from branca.element import Element\ndef f(title):\n    return Element(f'<h1>{title}</h1>')\n")
    call = next(n for n in ast.walk(bad) if isinstance(n, ast.Call))
    assert "Element" in _template_names(bad) and not _fixed_text(call.args[0])
