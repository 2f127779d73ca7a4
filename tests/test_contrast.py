"""The app's own text colours meet WCAG AA (4.5:1) against what they are drawn on.

Read from the files that set them: ``.streamlit/config.toml`` (theme), ``static/zzp/app.css``
(captions, placeholders), ``ui/indicators.py`` (chart legends and axes), ``static/zzp/map.css`` (map labels, popups, legend) and the fills
of labelled layers in ``layers/catalog.toml`` (a label sits on its own polygon, with any
plan layer's translucent fill over it).  Streamlit's and Leaflet's own colours are not ours.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from layers.io.catalog import load_catalog
from tests.conftest import ROOT

AA = 4.5
WHITE = (255, 255, 255)


def rgb(colour: str) -> tuple[float, ...]:
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def over(top: tuple[float, ...], alpha: float, below: tuple[float, ...]) -> tuple[float, ...]:
    """``top`` at ``alpha`` opacity composited over ``below``."""
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top, below))


def luminance(colour: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def css_rules(path) -> dict[str, dict[str, str]]:
    """``{selector: {property: value}}`` for a flat stylesheet (media blocks flattened)."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"@media[^{]*\{((?:[^{}]*\{[^{}]*\})*)\s*\}", r"\1", text)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        props = dict((k.strip(), v.strip()) for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d))
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(props)
    return rules


def colour_of(rules: dict[str, dict[str, str]], selector: str, prop: str = "color") -> tuple[float, ...]:
    return rgb(rules[selector][prop].replace("!important", ""))


THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
APP = css_rules(ROOT / "static" / "zzp" / "app.css")
MAP = css_rules(ROOT / "static" / "zzp" / "map.css")
MAP_BACKGROUND = colour_of(MAP, ".leaflet-container", "background")
PAGE_BACKGROUNDS = {
    "page": rgb(THEME["backgroundColor"]),
    "widgets": rgb(THEME["secondaryBackgroundColor"]),
    "sidebar": rgb(THEME["sidebar"]["backgroundColor"]),
    "sidebar widgets": rgb(THEME["sidebar"]["secondaryBackgroundColor"]),
}


def test_the_contrast_formula_matches_wcag_examples():
    assert contrast((0, 0, 0), WHITE) == pytest.approx(21)
    assert contrast(rgb("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes on white
    assert contrast(rgb("#888"), WHITE) < AA  # the grey the map's muted labels used to be


@pytest.mark.parametrize("where", PAGE_BACKGROUNDS)
@pytest.mark.parametrize("what, colour", [
    ("text", rgb(THEME["textColor"])),
    ("captions", colour_of(APP, '[data-testid="stCaptionContainer"]')),
    ("widget labels", colour_of(APP, '[data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"] p')),
    ("placeholders", colour_of(APP, "input::placeholder")),
])
def test_page_text_is_readable(what, colour, where):
    assert contrast(colour, PAGE_BACKGROUNDS[where]) >= AA, f"{what} on {where}"


def test_captions_are_drawn_opaque():
    """Streamlit fades captions with ``opacity: .6``; a readable colour needs that undone."""
    assert APP['[data-testid="stCaptionContainer"]']["opacity"] == "1"


def label_backgrounds(layer_id: str) -> list[tuple[float, ...]]:
    """What a layer's labels may sit on: its own fill over the map, alone or under each plan fill."""
    catalog = load_catalog()
    spec = catalog.get(layer_id)
    own = over(rgb(spec.style.fill_color), spec.style.fill_opacity, MAP_BACKGROUND) if spec.style.fill_color else MAP_BACKGROUND
    found = [own]
    if spec.label_muted:  # context outside the city: no plan layer is drawn there
        return found
    for other in catalog:
        if other.geometry == "Polygon" and other.id != layer_id and not other.label_muted and other.style.fill_color:
            found.append(over(rgb(other.style.fill_color), other.style.fill_opacity, own))
    return found


LABELLED = [spec.id for spec in load_catalog() if spec.label]


@pytest.mark.parametrize("layer_id", LABELLED)
def test_map_labels_are_readable_on_their_polygons(layer_id):
    spec = load_catalog().get(layer_id)
    colour = colour_of(MAP, ".zzp-label.muted" if spec.label_muted else ".zzp-label")
    for background in label_backgrounds(layer_id):
        assert contrast(colour, background) >= AA, (layer_id, background)


def test_there_are_muted_labels_to_check():
    assert any(load_catalog().get(layer_id).label_muted for layer_id in LABELLED)


def test_chart_text_is_readable():
    from ui.indicators import CHART_TEXT

    for where, background in PAGE_BACKGROUNDS.items():
        assert contrast(rgb(CHART_TEXT), background) >= AA, where


@pytest.mark.parametrize("selector", [".zzp-table th", ".zzp-meta"])
def test_popup_text_is_readable_on_white(selector):
    assert contrast(colour_of(MAP, selector), WHITE) >= AA


def test_legend_text_is_readable():
    legend = over(WHITE, 0.92, MAP_BACKGROUND)  # .zzp-legend: rgba(255,255,255,.92) over the map
    assert "rgba(255,255,255,.92)" in MAP[".zzp-legend"]["background"]
    assert contrast(colour_of(MAP, ".zzp-legend-title::after"), legend) >= AA
