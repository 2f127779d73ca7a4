"""Symbols and legends derived from the catalog, for the web map and for print.

The catalog holds one :class:`~layers.catalog.Style` per layer (or per
category); this module turns it into Leaflet options, legend rows and
matplotlib keyword arguments, so the briefing export draws exactly what the
web map shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from layers.catalog import LayerSpec, Style


@dataclass(frozen=True)
class LegendEntry:
    layer_id: str
    label: str
    style: Style
    geometry: str


def legend_entries(spec: LayerSpec) -> list[LegendEntry]:
    """One row per symbol: the layer itself, or one per category."""
    if spec.categories is None:
        return [LegendEntry(spec.id, spec.legend, spec.style, spec.geometry)]
    return [
        LegendEntry(spec.id, f"{spec.legend}：{item.label}", item.style, spec.geometry)
        for item in spec.categories.items
    ]


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
    """The same symbol for matplotlib/geopandas ``plot``."""
    kwargs: dict = {"alpha": None}
    if geometry == "Point":
        kwargs.update(
            color=style.fill_color or style.color,
            edgecolor=style.color,
            markersize=(style.radius * 2.2) ** 2 / 4,
            linewidth=0.5,
        )
    elif geometry == "LineString":
        kwargs.update(color=style.color, linewidth=style.weight * 0.6)
        if style.dash:
            on, off, *_ = [float(x) for x in style.dash.replace(",", " ").split()] + [4.0]
            kwargs["linestyle"] = (0, (on * 0.6, off * 0.6))
    else:
        kwargs.update(
            facecolor=_rgba(style.fill_color or style.color, style.fill_opacity),
            edgecolor=_rgba(style.color, style.opacity),
            linewidth=style.weight * 0.6,
        )
        if style.dash:
            kwargs["linestyle"] = "--"
    return kwargs


def _rgba(hex_color: str, alpha: float) -> tuple[float, float, float, float]:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (r, g, b, alpha)
