"""What every page gets once from the browser side: Chinese for Streamlit's own words, readable captions, phone targets.

Streamlit 1.67 cannot be told a language; ``static/zzp/i18n.js`` translates its built-in
strings and accessible names in the page with a fixed dictionary, and closes the sidebar on
phones after a result is chosen; ``static/zzp/keys.js`` lets Enter choose a table row;
``static/zzp/history.js`` keeps a page's filters in its history entry so Back restores them.  ``static/zzp/app.css`` sets caption colours that pass WCAG AA
and gives buttons, links, pills and tabs 44 px targets on touch screens.
"""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from layers.paths import STATIC

SCRIPTS = (STATIC / "zzp" / "i18n.js", STATIC / "zzp" / "keys.js", STATIC / "zzp" / "history.js")
STYLE = STATIC / "zzp" / "app.css"


@lru_cache(maxsize=1)
def _script_tag() -> str:
    scripts = "".join(f"<script>{path.read_text(encoding='utf-8')}</script>" for path in SCRIPTS)
    return '<span class="zzp-chrome" hidden></span>' + scripts


def install() -> None:
    """Add the style and the scripts to the page (each script guards against running twice)."""
    st.html(STYLE)  # a style-only body goes to Streamlit's event container: no space in the layout
    st.html(_script_tag(), unsafe_allow_javascript=True, width="content")
