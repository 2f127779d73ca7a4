"""Making text safe for the places it lands in a map page.

Three contexts matter (see the folium notes in the README):
HTML (legend, labels we build as markup), JavaScript literals (configuration
embedded in scripts, where ``</script>`` must not appear), and JavaScript
template literals (folium ``Tooltip``/``Popup``, where a backtick or ``${``
would break out).  Feature properties themselves are rendered by the map's
own script with ``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import json
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


def template_literal_text(value: Any) -> str:
    """HTML-escaped text that is also inert inside a JavaScript template literal."""
    return html_text(value).replace("\\", "&#92;").replace("`", "&#96;").replace("${", "&#36;{")


_MARKDOWN_SPECIALS = "\\`*_{}[]<>()#+-.!|~$"


def escape_markdown(value: Any) -> str:
    """Text shown through ``st.markdown`` as written: no links, HTML or formatting injected."""
    text = "" if value is None else str(value)
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text)
