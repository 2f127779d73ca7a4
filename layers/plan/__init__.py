"""The plan's own words as data: paragraphs of the spatial chapters and 专栏, and their links to map features.

Kept free of Streamlit so the CLI, the tests and any future UI share one reading of the text.
"""
