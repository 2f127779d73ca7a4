"""The export font: Noto Sans CJK, simplified-Chinese face, no tofu, text kept as text in PDF."""

import io
import warnings

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from pypdf import PdfReader

from layers.export import fonts

SAMPLE = "株洲“十四五”规划：渌口区、醴陵市、攸县、茶陵县、炎陵县（示意）±1–6 km²"


def test_the_font_is_the_simplified_chinese_face_of_noto_sans_cjk():
    font = fonts.cjk_font()
    assert FT2Font(str(font.path), face_index=font.face_index).family_name == "Noto Sans CJK SC"
    assert font.face_index != 0  # a collection's first face is the Japanese one


def test_the_pip_package_is_preferred_when_installed():
    pytest.importorskip(fonts.PIP_PACKAGE)
    assert fonts.candidates()[0].parent.name == fonts.PIP_PACKAGE
    assert fonts.cjk_font().path == fonts.candidates()[0]


def test_a_missing_font_says_how_to_install_one(monkeypatch):
    monkeypatch.setattr(fonts, "candidates", lambda: [])
    fonts.cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="pip install noto-cjk-sans-otc.*apt-get install fonts-noto-cjk"):
            fonts.cjk_font()
    finally:
        fonts.cjk_font.cache_clear()


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_chinese_text_draws_without_missing_glyphs(fmt):
    fig = Figure()
    FigureCanvasAgg(fig)
    fig.text(0.1, 0.5, SAMPLE, fontproperties=fonts.cjk_font().properties(12))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format=fmt)
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []


def test_pdf_keeps_chinese_as_text():
    fig = Figure()
    FigureCanvasAgg(fig)
    fig.text(0.1, 0.5, SAMPLE, fontproperties=fonts.cjk_font().properties(12))
    buffer = io.BytesIO()
    with matplotlib.rc_context(fonts.rc_params()):
        fig.savefig(buffer, format="pdf")
    assert SAMPLE in PdfReader(buffer).pages[0].extract_text()


def test_characters_the_font_lacks_are_left_out_not_boxed():
    assert fonts.printable("🚄 高铁\n株洲 ±1–6 km²") == " 高铁\n株洲 ±1–6 km²"
