"""Where things go on a sheet, in millimetres: the map frame, the legend panel, the header.

Landscape sheets put legend and notes beside the map, portrait ones below it.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.export.sheet import Paper


@dataclass(frozen=True)
class Box:
    """A rectangle on the sheet in millimetres from the lower-left corner."""
    x: float
    y: float
    w: float
    h: float

    def frac(self, paper: Paper) -> tuple[float, float, float, float]:
        """As a figure-fraction rectangle for ``Figure.add_axes``."""
        return (self.x / paper.width_mm, self.y / paper.height_mm, self.w / paper.width_mm, self.h / paper.height_mm)


@dataclass(frozen=True)
class Layout:
    """Where the map, the legend panel and the header sit on a sheet, and the panel's column count."""
    map: Box
    panel: Box
    columns: int  # legend and notes flow through this many columns of the panel
    header_top: float
    rule_y: float


MARGIN, GAP = 9.0, 5.0
MIN_COLUMN = 48.0  # mm: narrower columns wrap every legend label
TITLE_PT, SUBTITLE_PT = 18.0, 10.5
# Share of the sheet's body given to the legend and notes: the first share in which they fit wins.
PANEL_SHARES = {"landscape": (0.27, 0.4, 0.5, 0.6), "portrait": (0.26, 0.36, 0.46, 0.56, 0.62)}


def layout(paper: Paper, subtitle: bool, share: float) -> Layout:
    """Landscape sheets put legend and notes beside the map, portrait ones below it."""
    W, H = paper.width_mm, paper.height_mm
    header = 17.0 if subtitle else 11.0
    body_top = H - MARGIN - header
    body_w, body_h = W - 2 * MARGIN, body_top - MARGIN
    if W >= H:
        panel_w = share * body_w
        map_box = Box(MARGIN, MARGIN, body_w - panel_w - GAP, body_h)
        panel = Box(W - MARGIN - panel_w, MARGIN, panel_w, body_h)
    else:
        panel_h = share * body_h
        map_box = Box(MARGIN, MARGIN + panel_h + GAP, body_w, body_h - panel_h - GAP)
        panel = Box(MARGIN, MARGIN, body_w, panel_h)
    columns = max(1, int((panel.w + GAP) // (MIN_COLUMN + GAP)))
    return Layout(map_box, panel, columns, H - MARGIN, body_top + 2.5)
