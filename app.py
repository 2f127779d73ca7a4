"""Router and frame of the viewer: page config, navigation, the shared sidebar.

Run with ``streamlit run app.py``.  Pages live in ``pages/`` and stay thin.
"""

import streamlit as st

from layers.web import assets
from ui import chrome, frame, server, sidebar

server.forbid_framing()
st.set_page_config(page_title=frame.APP_TITLE, page_icon=str(frame.ICON), layout="wide")
try:  # Leaflet comes with pip (checked against its pinned sha256) and is served from static/vendor/
    assets.serve_once()
except assets.AssetError as exc:
    st.error(str(exc))
    st.stop()
navigation = st.navigation(
    [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path, default=p.default) for p in frame.PAGES]
)
st.set_page_config(page_title=f"{navigation.title} · {frame.APP_TITLE}")  # each page names itself in the tab and to screen readers
frame.apply_link_state()
frame.set_current_page(navigation.url_path or frame.DEFAULT_PAGE.url_path)  # the default page's own path is ''
chrome.install()  # before the page: a page that stops early still gets Chinese controls
# The page runs before the sidebar is drawn: its map reaches the browser first, so the map
# component starts loading while the sidebar's widgets are still being set up.
navigation.run()
sidebar.sidebar()
