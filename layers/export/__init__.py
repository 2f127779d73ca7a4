"""Briefing maps: a print-ready PNG or PDF sheet, and a standalone interactive HTML map.

Staff take maps into briefings and slides, so a sheet carries what a QGIS print
layout gives planners: title, legend, metric scale bar, north arrow, and a
source-and-accuracy note written from the catalog's provenance (示意 layers say
so).  The sheet is drawn by matplotlib with no browser and no internet:

* the map is in a metric CRS (:data:`layers.region.METRIC_CRS`) with equal axes,
  so the scale bar is true; the north arrow allows for meridian convergence;
* symbols come from the catalog through :mod:`layers.web.style` at the same
  physical size as on screen, so the sheet matches the web map;
* all text is real text in the PDF (TrueType, ``pdf.fonttype`` 42) in Noto Sans
  CJK SC (:mod:`layers.export.fonts`), and user text is never parsed as mathtext;
* geometries are clipped to the view and simplified to half a device pixel, and
  drawn as one collection per symbol; loaded, projected layers are cached;
* the map names counties, key places, parks, featured towns, town seats and lines
  (one label per line name, turned along it), placed by priority so that no label
  overprints another (:mod:`.labels`); the HTML export carries the same names;
* a broken layer is left out and named in the note; it never stops an export.

A PNG is exactly ``round(paper_mm / 25.4 × dpi)`` pixels each way (no tight bbox).
The HTML export is the web map itself (:mod:`layers.web.mapbuild`) in one file, with
Leaflet inlined when a local copy exists, so it works offline and by mail.

The package is split by concern: :mod:`.sheet` (what a sheet shows, checked
user text), :mod:`.layout` (where things go), :mod:`.text` (measuring and
wrapping), :mod:`.drawing` (map frame and furniture), :mod:`.labels`,
:mod:`.legend` (legend-and-notes panel), :mod:`.raster` (PNG/PDF) and
:mod:`.html` (the standalone HTML map).  Callers use the names below.
"""

from layers.export.html import inline_assets, render_html
from layers.export.raster import FORMATS, Rendered, draw, render
from layers.export.sheet import (
    PAPERS,
    TEXT_LIMITS,
    ExportError,
    Sheet,
    compose,
    file_stem,
)

__all__ = [
    "FORMATS", "PAPERS", "TEXT_LIMITS", "ExportError", "Rendered", "Sheet",
    "compose", "draw", "file_stem", "inline_assets", "render", "render_html",
]
