"""The browser-side helpers every page loads (ui/chrome.py): embedded safely, and actually added."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui import chrome


def test_scripts_hold_nothing_an_html_parser_could_read_as_a_tag():
    """They go into the page inside ``<script>`` via st.html: a ``<main>`` in a comment broke one once."""
    for path in chrome.SCRIPTS:
        assert not re.search(r"<[/A-Za-z!]", path.read_text(encoding="utf-8")), path.name


def test_every_page_run_adds_the_style_and_the_scripts():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    bodies = [el.proto.body for el in at.get("html")]
    assert any("window.__zzpChrome" in body and "window.__zzpKeys" in body for body in bodies)
    assert any("stCaptionContainer" in body for body in bodies)
