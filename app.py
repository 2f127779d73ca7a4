"""Router and frame of the viewer: page config, navigation, the shared sidebar.

Run with ``streamlit run app.py``.  Pages live in ``pages/`` and stay thin.
"""

import streamlit as st

from layers import ui

st.set_page_config(page_title=ui.APP_TITLE, page_icon=str(ui.ICON), layout="wide")
navigation = st.navigation(
    [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path, default=p.default) for p in ui.PAGES]
)
ui.sidebar()
navigation.run()
