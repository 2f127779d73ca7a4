"""Making text safe for the places it lands in a map page.

Contexts that matter: HTML (legend, layer names we build as markup),
JavaScript literals (configuration embedded in scripts, where ``</script>``
must not appear) and Markdown (record pages).  The maps never use folium's
``Tooltip``/``Popup`` (JavaScript template literals, where a backtick or ``${``
would break out), and feature properties are rendered by the map's own script
with ``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any


def html_text(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def js_literal(value: Any) -> str:
    """A JSON literal safe inside ``<script>``: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# Every character Markdown (with GFM autolinks and Streamlit's :color[] directives) may act on;
# CommonMark lets any ASCII punctuation be escaped, so escaping more is harmless.
_MARKDOWN_SPECIALS = "\\`*_{}[]<>()#+-.!|~$:/@=&\"'"


# GFM turns bare ``www.x``, ``http://x`` and ``a@b.c`` into links even when escaped; a zero-width
# space after the scheme or before ``@`` keeps them text (it is invisible and copies harmlessly).
_AUTOLINK = re.compile(r"(?i)(www|https?|ftp|mailto|xmpp)(?=\\[.:])|(?=\\@)")


def escape_markdown(value: Any) -> str:
    """Text shown through ``st.markdown``/``st.error`` as written: no links, HTML or formatting injected."""
    text = "" if value is None else str(value)
    escaped = "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text)
    return _AUTOLINK.sub(lambda m: (m.group(1) or "") + "\u200b", escaped)
