"""A Chinese font for matplotlib, so exported maps never print tofu boxes.

matplotlib's bundled DejaVu has no Han glyphs: without help every Chinese
label becomes a row of boxes and a "Glyph … missing from font" warning.  We use
Noto Sans CJK (SIL OFL 1.1) and nothing proprietary (no SimHei bundles):
first the pip package ``noto-cjk-sans-otc`` (pinned in requirements.txt, so
every machine renders the same), else Debian's ``fonts-noto-cjk``.

Both ship a ``.ttc`` collection whose first face is the *Japanese* one; some
Han characters are drawn differently there, so the simplified-Chinese face is
picked by its family name and its face index is passed to matplotlib
(:class:`matplotlib.font_manager.FontPath`, matplotlib ≥ 3.10).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

SC_FAMILY = "Noto Sans CJK SC"
PIP_PACKAGE = "noto_cjk_sans_otc"
PIP_FILE = "NotoSansCJK-Regular.ttc"
# Where Debian's fonts-noto-cjk (and older releases of it) put the sans collection.
SYSTEM_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)
INSTALL_HINT = "pip install noto-cjk-sans-otc==0.0.1（或 Debian: apt-get install fonts-noto-cjk）"


class FontMissing(RuntimeError):
    """No Noto Sans CJK SC on this machine; the message says how to install one."""


@dataclass(frozen=True)
class CjkFont:
    """The simplified-Chinese face of a Noto Sans CJK collection: its file, face index and family."""
    path: Path
    face_index: int
    family: str

    def properties(self, size: float | None = None) -> font_manager.FontProperties:
        """Font properties that select exactly this face (not the collection's first)."""
        return font_manager.FontProperties(fname=font_manager.FontPath(str(self.path), self.face_index), size=size)


def candidates() -> list[Path]:
    """Font files to try, best first: the pip package, then the system's."""
    found = []
    spec = importlib.util.find_spec(PIP_PACKAGE)
    if spec is not None and spec.origin:
        found.append(Path(spec.origin).with_name(PIP_FILE))
    found.extend(SYSTEM_FILES)
    return [path for path in found if path.is_file()]


def sc_face(path: Path) -> int | None:
    """Index of the simplified-Chinese face in a font file or collection, if it has one."""
    count = FT2Font(str(path)).num_faces
    for index in range(count):
        if FT2Font(str(path), face_index=index).family_name == SC_FAMILY:
            return index
    return None


@lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    """The font every export uses; raises :class:`FontMissing` with install instructions."""
    for path in candidates():
        index = sc_face(path)
        if index is not None:
            font_manager.fontManager.addfont(str(path))  # so rcParams can name the family too
            return CjkFont(path, index, SC_FAMILY)
    raise FontMissing(f"未找到中文字体 {SC_FAMILY}，导出地图需要它：{INSTALL_HINT}")


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    font = cjk_font()
    return frozenset(FT2Font(str(font.path), face_index=font.face_index).get_charmap())


def printable(text: str) -> str:
    """``text`` without the characters the font cannot draw (an emoji, say), so none prints as a box."""
    covered = _covered()
    return "".join(char for char in text if char == "\n" or ord(char) in covered)


def rc_params() -> dict[str, object]:
    """matplotlib settings for exports: Chinese text, and fonts embedded as text (TrueType) in PDF."""
    font = cjk_font()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [font.family, "DejaVu Sans"],
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "axes.unicode_minus": False,
    }
