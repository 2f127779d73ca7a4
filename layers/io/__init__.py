"""Reading, checking and writing vector data: the catalog, bundled layers, users' uploads.

``catalog`` declares every layer; ``reader`` reads GeoJSON strictly and any
supported file through ``uploads``' guarded GDAL path; ``validation`` states
the rules and words the problems; ``store`` isolates one layer's failure from
the others; ``writer`` writes reviewable GeoJSON.  Nothing here imports
Streamlit.
"""
