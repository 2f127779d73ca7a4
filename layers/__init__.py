"""The viewer's library and command line, free of Streamlit (the app's Streamlit code is :mod:`ui`).

Sub-packages by responsibility:

* :mod:`layers.io` — the layer catalog, strict reading and validation, users' uploads, writing;
* :mod:`layers.region` — facts about 株洲 (counties, boxes, measuring CRS) and named extents;
* :mod:`layers.crs` — GCJ-02 ⇄ WGS-84, the only place datum maths happens;
* :mod:`layers.web` — what a browser receives: display GeoJSON, styles, Folium maps, basemaps, assets, links;
* :mod:`layers.export` — briefing maps (PNG, PDF, standalone HTML);
* :mod:`layers.plan` — the plan's content: project records, search, indicators;
* :mod:`layers.build` — rebuilding every layer from the reviewable tables in ``geodata/sources/``;
* :mod:`layers.cli` — ``python -m layers …`` for data staff.
"""

