"""Everything Streamlit: the frame (pages, sidebar, link state), map views, panels and page helpers.

Pages in ``pages/`` compose these; this package composes :mod:`layers`,
which never imports Streamlit or this package (``tests/test_architecture.py``).
"""
