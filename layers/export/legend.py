"""The legend-and-notes panel: rows for each exported layer and note, and the panel size they fit in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from layers.export.drawing import metric_bounds
from layers.export.layout import GAP, PANEL_SHARES, Layout, layout
from layers.export.sheet import GREY, INK, MAP_BACKGROUND, PT_PER_MM, Paper, Sheet
from layers.export.text import draw_text, wrap
from layers.web.style import LegendEntry, matplotlib_kwargs


@dataclass(frozen=True)
class PanelRow:
    """One row of the legend-and-notes panel: a heading, a legend row or a note."""

    lines: tuple[str, ...]
    size: float
    height: float
    colour: str = INK
    entry: LegendEntry | None = None  # a legend row: symbol, then text
    space_after: float = 0.0
    keep_with_next: bool = False  # headings never end a column


SWATCH_W = 20.0  # points
PANEL_SCALES = (1.0, 0.9, 0.8, 0.72)  # font scales tried in each panel size


def _symbol_height(entry: LegendEntry) -> float:
    kw = matplotlib_kwargs(entry.style, entry.geometry)
    return math.sqrt(kw["s"]) + kw["linewidth"] if entry.geometry == "Point" else 9.0


def row_text(entry: LegendEntry, legend: str, grouped: bool) -> str:
    """A legend row's words on the sheet, flush with the other rows.

    The web legend writes rows as ``铁路：纵线``, and indents the rows of a second
    category field (``　已建``) to show they belong to the layer above.  On the sheet
    the layer's name is already a heading over its rows, so both go: a leading
    full-width space would push just those rows' text right of the others'.
    """
    text = entry.label.removeprefix(f"{legend}：") if grouped else entry.label
    return text.lstrip("\u3000 ")


def _legend_rows(sheet: Sheet, scale: float, col_w: float) -> list[PanelRow]:
    """One block per layer: a layer with categories gets its name as a heading, then a row per category."""
    body = 7.5 * scale
    rows = []
    for layer in sheet.layers:
        entries = [entry for entry in sheet.legend if entry.layer_id == layer.spec.id]
        grouped = len(entries) > 1
        if grouped:
            lines = tuple(wrap(layer.spec.legend, body, col_w))
            rows.append(PanelRow(lines, body, len(lines) * body * 1.3 + 1.5 * scale, keep_with_next=True))
        for i, entry in enumerate(entries):
            text = row_text(entry, layer.spec.legend, grouped)
            lines = tuple(wrap(text, body, col_w - SWATCH_W - 5)) or ("",)
            height = max(len(lines) * body * 1.25, _symbol_height(entry)) + 2.2 * scale
            rows.append(PanelRow(lines, body, height, entry=entry, space_after=3 * scale if i == len(entries) - 1 else 0))
    return rows


def _panel_rows(sheet: Sheet, notes: list[str], scale: float, col_w: float) -> list[PanelRow]:
    head, small = 10.0 * scale, 6.5 * scale
    rows = [PanelRow(("图例",), head, head * 1.5, keep_with_next=True), *_legend_rows(sheet, scale, col_w)]
    rows.append(PanelRow(("说明",), head * 0.85, head * 0.85 * 1.5, keep_with_next=True))
    for note in notes:
        lines = tuple(wrap(note, small, col_w))
        rows.append(PanelRow(lines, small, len(lines) * small * 1.3 + 1.2 * scale, colour=GREY))
    return rows


def _flow(rows: list[PanelRow], columns: int, height: float) -> tuple[list[list[PanelRow]], bool]:
    """Rows poured into columns top to bottom (the last column takes the rest); and whether they fit."""
    out: list[list[PanelRow]] = [[]]
    used, fits = 0.0, True
    for i, row in enumerate(rows):
        needed = row.height + (rows[i + 1].height if row.keep_with_next and i + 1 < len(rows) else 0)
        if used + needed > height and out[-1]:
            if len(out) < columns:
                out.append([])
                used = 0.0
            else:
                fits = False
        out[-1].append(row)
        used += row.height + row.space_after
    return out, fits and used <= height


@dataclass(frozen=True)
class PanelPlan:
    """Where the panel goes and what each of its columns holds."""

    frame: Layout
    columns: list[list[PanelRow]]
    column_width: float  # points


def _free_share(sheet: Sheet) -> float:
    """The panel share that costs the map nothing: the room the extent leaves beside (or below) it."""
    paper = sheet.paper
    frame = layout(paper, bool(sheet.subtitle), 0.0)
    x0, y0, x1, y1 = metric_bounds(sheet.extent.bounds)
    if paper.width_mm >= paper.height_mm:
        needed = frame.map.h * (x1 - x0) / (y1 - y0)
        return (frame.map.w - needed) / (frame.map.w + GAP)
    needed = frame.map.w * (y1 - y0) / (x1 - x0)
    return (frame.map.h - needed) / (frame.map.h + GAP)


def plan(sheet: Sheet, notes_for: Callable[[Layout], list[str]]) -> PanelPlan:
    """Where legend and notes go: the panel size and type size in which they fit.

    First the panels that leave the map's scale as it is (the extent does not
    fill the paper's shape), at the largest type; then wider panels that shrink
    the map.  Failing all, the widest panel at the smallest type (the notes
    then run short).  ``notes_for`` writes the notes for a layout (they quote
    the map's scale).
    """
    paper = sheet.paper
    shares = PANEL_SHARES["landscape" if paper.width_mm >= paper.height_mm else "portrait"]
    free = min(_free_share(sheet), shares[-1])
    cheap = [share for share in shares if share < free] + [max(free, shares[0])]
    attempts = [(share, scale) for scale in PANEL_SCALES for share in cheap]
    attempts += [(share, scale) for share in shares if share > cheap[-1] for scale in PANEL_SCALES]
    gap = GAP * PT_PER_MM
    for share, scale in attempts:
        frame = layout(paper, bool(sheet.subtitle), share)
        width, height = frame.panel.w * PT_PER_MM, frame.panel.h * PT_PER_MM
        col_w = (width - (frame.columns - 1) * gap) / frame.columns
        columns, fits = _flow(_panel_rows(sheet, notes_for(frame), scale, col_w), frame.columns, height)
        if fits:
            break
    return PanelPlan(frame, columns, col_w)


def _legend_symbol(ax, entry: LegendEntry, x: float, y: float) -> None:
    kw = matplotlib_kwargs(entry.style, entry.geometry)
    if entry.geometry == "Point":
        ax.add_line(Line2D([x + SWATCH_W / 2], [y], linestyle="none", marker="o", markersize=math.sqrt(kw["s"]),
                           markerfacecolor=kw["facecolor"], markeredgecolor=kw["edgecolor"], markeredgewidth=kw["linewidth"]))
    elif entry.geometry == "LineString":
        ax.add_line(Line2D([x + 1, x + SWATCH_W - 1], [y, y], color=kw["edgecolor"], linewidth=kw["linewidth"],
                           linestyle=kw["linestyle"], solid_capstyle="butt"))
    else:  # over the map's own background, so the swatch looks as the area does on the map
        ax.add_patch(Rectangle((x + 1, y - 4.5), SWATCH_W - 2, 9, facecolor=MAP_BACKGROUND, edgecolor="none"))
        ax.add_patch(Rectangle((x + 1, y - 4.5), SWATCH_W - 2, 9, facecolor=kw["facecolor"], edgecolor=kw["edgecolor"],
                               linewidth=kw["linewidth"], linestyle=kw["linestyle"]))


@dataclass(frozen=True)
class PanelCell:
    """Where one panel row is drawn, in points from the panel's lower-left corner."""

    row: PanelRow
    x: float  # left edge of the row's text
    y: float  # its vertical centre (legend rows) or top (headings, notes)
    symbol_x: float | None  # left edge of a legend row's swatch


def panel_cells(chosen: PanelPlan, height: float) -> list[PanelCell]:
    """Every row's position: legend text starts one swatch right of the column edge, all else at the edge."""
    cells = []
    for c, column in enumerate(chosen.columns):
        x, y = c * (chosen.column_width + GAP * PT_PER_MM), height
        for row in column:
            if row.entry is not None:
                cells.append(PanelCell(row, x + SWATCH_W + 5, y - row.height / 2, x))
            else:
                cells.append(PanelCell(row, x, y, None))
            y -= row.height + row.space_after
    return cells


def draw_panel(fig: Figure, paper: Paper, chosen: PanelPlan) -> list[LegendEntry]:
    """Draw the planned legend and notes; return the legend rows drawn."""
    box = chosen.frame.panel
    w, h = box.w * PT_PER_MM, box.h * PT_PER_MM
    ax = fig.add_axes(box.frac(paper))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.axis("off")
    drawn = []
    for cell in panel_cells(chosen, h):
        row = cell.row
        if row.entry is not None and cell.symbol_x is not None:
            _legend_symbol(ax, row.entry, cell.symbol_x, cell.y)
            draw_text(ax, cell.x, cell.y, "\n".join(row.lines), row.size, va="center", color=row.colour, linespacing=1.25)
            drawn.append(row.entry)
        else:
            draw_text(ax, cell.x, cell.y, "\n".join(row.lines), row.size, va="top", color=row.colour, linespacing=1.3)
    return drawn
