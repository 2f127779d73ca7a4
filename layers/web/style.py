"""Symbols and legends derived from the catalog, for the web map and for print.

The catalog holds one :class:`~layers.io.catalog.Style` per layer (or per
category); this module turns it into Leaflet options, legend rows and
matplotlib keyword arguments, so the briefing export draws exactly what the
web map shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from layers.io.catalog import LayerSpec, Style

# Leaflet sizes are CSS pixels (1/96 in); matplotlib sizes are points (1/72 in).
PX_TO_PT = 0.75


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: the layer, its label, the symbol and the geometry its swatch shows."""
    layer_id: str
    label: str
    style: Style
    geometry: str


def legend_entries(spec: LayerSpec) -> list[LegendEntry]:
    """One row per symbol: the layer itself, or one per category value.

    With several category fields (colour by one, dash by another) the first
    field's rows carry the layer name; later fields' rows show only their value.
    """
    if not spec.categories:
        return [LegendEntry(spec.id, spec.legend, spec.style, spec.geometry)]
    entries = []
    for depth, categories in enumerate(spec.categories):
        for item in categories.items:
            label = f"{spec.legend}：{item.label}" if depth == 0 else f"　{item.label}"
            style = replace(spec.style, **dict(item.overrides))
            entries.append(LegendEntry(spec.id, label, style, item.geometry or spec.geometry))
    return entries


def swatch_html(entry: LegendEntry) -> str:
    """A small inline SVG symbol matching the map style."""
    s = entry.style
    dash = f' stroke-dasharray="{escape(s.dash)}"' if s.dash else ""
    stroke = f'stroke="{s.color}" stroke-width="{min(s.weight, 4)}" stroke-opacity="{s.opacity}"{dash}'
    if entry.geometry == "Point":
        shape = f'<circle cx="9" cy="7" r="{min(s.radius, 6)}" fill="{s.fill_color or s.color}" fill-opacity="{max(s.fill_opacity, 0.6)}" {stroke}/>'
    elif entry.geometry == "LineString":
        shape = f'<line x1="1" y1="7" x2="17" y2="7" {stroke}/>'
    else:
        fill = s.fill_color or s.color
        shape = f'<rect x="1.5" y="1.5" width="15" height="11" fill="{fill}" fill-opacity="{max(s.fill_opacity, 0.25)}" {stroke}/>'
    return f'<svg width="18" height="14" viewBox="0 0 18 14" aria-hidden="true">{shape}</svg>'


def legend_html(specs: list[LayerSpec], title: str = "图例") -> str:
    """The legend box; rows carry ``data-layer`` so the map can hide rows of hidden layers."""
    rows = []
    for spec in specs:
        for entry in legend_entries(spec):
            rows.append(
                f'<div class="zzp-legend-row" data-layer="{escape(spec.title)}">'
                f"{swatch_html(entry)}<span>{escape(entry.label)}</span></div>"
            )
    return (
        '<div class="zzp-legend" role="region" aria-label="图例">'
        f'<div class="zzp-legend-title">{escape(title)}</div>{"".join(rows)}</div>'
    )


def matplotlib_kwargs(style: Style, geometry: str) -> dict:
    """The same symbol for matplotlib, at the same physical size as on screen.

    Keyword arguments of a collection: ``PathCollection`` (polygons),
    ``LineCollection`` (lines) or ``Axes.scatter`` (points, ``s`` in pt²).
    Colours carry Leaflet's ``opacity``/``fillOpacity`` as alpha; a Leaflet
    ``dashArray`` in pixels becomes a dash pattern in points.
    """
    stroke = _rgba(style.color, style.opacity)
    linewidth = style.weight * PX_TO_PT
    fill = _rgba(style.fill_color or style.color, style.fill_opacity)
    if geometry == "Point":
        # Leaflet's radius excludes the stroke, as matplotlib's marker size does.
        return {"s": (2 * style.radius * PX_TO_PT) ** 2, "facecolor": fill, "edgecolor": stroke, "linewidth": linewidth}
    kwargs: dict = {"edgecolor": stroke, "linewidth": linewidth, "linestyle": _dashes(style.dash, linewidth)}
    kwargs["facecolor"] = "none" if geometry == "LineString" else fill
    return kwargs


def _dashes(dash: str | None, linewidth: float) -> str | tuple[float, tuple[float, ...]]:
    """Leaflet ``dashArray`` (pixels, SVG rules) → matplotlib dash tuple.

    matplotlib multiplies dash lengths by the line width, so they are divided
    by it here; an odd SVG list is repeated to make it even, as browsers do.
    """
    if not dash:
        return "solid"
    lengths = [float(x) for x in dash.replace(",", " ").split()]
    if len(lengths) % 2:
        lengths *= 2
    scale = PX_TO_PT / max(linewidth, 1e-6)
    return (0.0, tuple(length * scale for length in lengths))


def _rgba(hex_color: str, alpha: float) -> tuple[float, float, float, float]:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (r, g, b, alpha)
