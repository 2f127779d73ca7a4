"""Everything a browser receives for a map: display GeoJSON, symbols, Folium maps, basemaps, assets, links.

``views`` declares each page's map; ``compose`` builds it from the catalog
without Streamlit (so the benchmark measures what a page sends); ``mapbuild``
is the Folium builder, whose browser code lives in ``static/zzp/`` as real
``.js``/``.css`` files; ``permalink`` reads and writes the view in the URL;
``escape`` makes text safe for the places it lands.
"""
