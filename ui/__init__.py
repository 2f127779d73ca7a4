"""Streamlit rendering of the viewer's library pieces (the library itself stays in ``layers/``).

Modules here turn Streamlit-free data (e.g. :mod:`layers.plan.text`) into page
elements; pages in ``pages/`` only compose them.
"""
