"""Measuring and wrapping sheet text in the export font, and drawing it as text (never mathtext).

Each character is measured once (cached advance widths), so wrapping is linear in the text's
length: a long link on a sheet cannot stall an export.
"""

from __future__ import annotations

import re
from functools import lru_cache

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.ft2font import FT2Font, LoadFlags
from matplotlib.textpath import text_to_path

from layers.export import fonts
from layers.export.sheet import PT_PER_IN


def font_at(size: float):
    """The export font's properties at ``size`` points (Noto Sans CJK SC)."""
    return fonts.cjk_font().properties(size)


@lru_cache(maxsize=1024)
def text_size(text: str, size: float) -> tuple[float, float]:
    """Width and height of a line of text in points (exact, for map labels)."""
    width, height, _ = text_to_path.get_text_width_height_descent(fonts.printable(text), font_at(size), ismath=False)
    return width, height


@lru_cache(maxsize=1024)
def drawn_size(text: str, size: float, dpi: float | None = None) -> tuple[float, float]:
    """Width and height in points of the box matplotlib centres a line of text in.

    The height is the taller of the ink and of ``lp`` (matplotlib's own rule for a
    line's box), so a label's glyphs, centred with ``va="center"``, stay inside it.
    On a raster of ``dpi`` glyphs are hinted to whole pixels (7.5 pt is 15.6 px at
    150 dpi, drawn 16 px wide), which can widen a line by several per cent: measured
    there as Agg draws it.
    """
    width, height = text_size(text, size)
    if dpi is not None:
        width, height = (max(a, b) for a, b in zip((width, height), _raster_size(text, size, dpi)))
    return width, max(height, text_size("lp", size)[1])


@lru_cache(maxsize=4096)
def _raster_size(text: str, size: float, dpi: float) -> tuple[float, float]:
    """Width and height in points of a line of text as the Agg renderer lays it out at ``dpi``."""
    renderer = RendererAgg(1, 1, dpi)
    width, height, _ = renderer.get_text_width_height_descent(fonts.printable(text), font_at(size), ismath=False)
    lp = renderer.get_text_width_height_descent("lp", font_at(size), ismath=False)[1]
    return width * PT_PER_IN / dpi, max(height, lp) * PT_PER_IN / dpi


@lru_cache(maxsize=1)
def _measuring_face() -> FT2Font:
    """A face of our own for measuring (matplotlib's shared one changes size while it draws)."""
    font = fonts.cjk_font()
    face = FT2Font(str(font.path), face_index=font.face_index)
    face.set_size(100, PT_PER_IN)
    return face


@lru_cache(maxsize=8192)
def _advance(char: str) -> float:
    """Advance width of one character at 1 pt, in points (unhinted, so it scales linearly)."""
    return _measuring_face().load_char(ord(char), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536 / 100


def text_width(text: str, size: float) -> float:
    """Width of a line of text in points: fast enough to wrap every note of every layout tried."""
    return size * sum(_advance(char) for char in fonts.printable(text).replace("\n", ""))


def _char_widths(text: str, size: float) -> list[float]:
    """Each character's width in points (0 for what the font cannot draw), so wrapping stays linear."""
    drawable = set(fonts.printable(text)) - {"\n"}
    return [size * _advance(char) if char in drawable else 0.0 for char in text]


_TOKENS = re.compile(r"[A-Za-z0-9.,;:/?&=%#+~@_\-–()]+ ?|.", re.S)
_NO_LINE_START = set("，。；：、）》”’！？")


def _fit(widths: list[float], width: float, start: int) -> int:
    """How many characters from ``start``, of the given widths, fit in ``width`` points (at least one)."""
    total = 0.0
    for i in range(start, len(widths)):
        total += widths[i]
        if total > width:
            return max(i - start, 1)
    return max(len(widths) - start, 1)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than ``width`` points, between Han characters or Latin words.

    Closing punctuation never starts a line; a word longer than a line (a URL)
    is broken between characters.  Each character is measured once, so the
    work grows linearly with the text (a long link cannot stall an export).
    """
    lines, line, line_w = [], "", 0.0
    for token in _TOKENS.findall(text):
        token_w = sum(_char_widths(token, size))
        if line_w + token_w <= width or (token in _NO_LINE_START and line):
            line, line_w = line + token, line_w + token_w
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        widths = _char_widths(line, size)
        start, line_w = 0, sum(widths)
        while len(line) - start > 1 and line_w > width:
            cut = _fit(widths, width, start)
            lines.append(line[start : start + cut])
            line_w -= sum(widths[start : start + cut])
            start += cut
        line = line[start:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def draw_text(target, x: float, y: float, text: str, size: float, **kwargs):
    """Text that is never parsed as mathtext (a ``$`` in a title stays a ``$``) nor drawn as boxes."""
    return target.text(x, y, fonts.printable(text), fontproperties=font_at(size), parse_math=False, **kwargs)
