"""Everything a browser receives for a map: display GeoJSON, symbols, map specs, Folium maps, basemaps, assets, links.

``views`` declares each page's map; ``compose`` builds it from the catalog
without Streamlit (so the benchmark measures what a page sends) as a
``mapspec`` — the JSON the page's inline map applies in place; ``mapbuild``
is the Folium builder for the exported maps; the browser code of both lives
in ``static/zzp/`` as real ``.js``/``.css`` files; ``permalink`` reads and writes the view in the URL;
``escape`` makes text safe for the places it lands.
"""
