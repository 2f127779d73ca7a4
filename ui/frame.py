"""The frame every page shares: the page list, deep links into it, and the link state.

The sidebar is :mod:`ui.sidebar`; maps are :mod:`ui.mapview`; pages stay thin and only compose.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from layers.io.catalog import load_catalog
from layers.paths import STATIC
from layers.web import permalink, urls
from layers.web.permalink import MapState

APP_TITLE = "株洲“十四五”规划空间布局"


ICON = STATIC / "icon.png"  # local file: a material-icon favicon would be fetched from Google


@dataclass(frozen=True)
class PageInfo:
    """A page of the app: its file, Chinese title, icon and URL path."""
    file: str
    title: str
    icon: str
    url_path: str
    default: bool = False


PAGES: tuple[PageInfo, ...] = (
    PageInfo("pages/overview.py", "总览", ":material/map:", "overview", default=True),
    PageInfo("pages/structure.py", "空间格局", ":material/hub:", "structure"),
    PageInfo("pages/transport.py", "交通网络", ":material/train:", "transport"),
    PageInfo("pages/parks_towns.py", "园区与小镇", ":material/factory:", "parks_towns"),
    PageInfo("pages/projects.py", "项目库", ":material/list_alt:", "projects"),
    PageInfo("pages/plan.py", "读纲要", ":material/menu_book:", "plan"),
    PageInfo("pages/briefing.py", "简报出图", ":material/print:", "briefing"),
    PageInfo("pages/indicators.py", "指标", ":material/monitoring:", "indicators"),
    PageInfo("pages/upload.py", "叠加我的数据", ":material/upload_file:", "upload"),
    PageInfo("pages/data.py", "数据与来源", ":material/dataset:", "data"),
)

DEFAULT_PAGE = next(page for page in PAGES if page.default)


def require_frame() -> None:
    """Make a page opened by deep link run inside ``app.py``'s frame.

    Until some session has run ``st.navigation``, Streamlit treats a ``pages/``
    folder as a legacy multipage app and runs ``/transport`` without app.py
    (no sidebar, no router).  Flipping that switch and rerunning sends the same
    request through app.py; page hashes come from the URL path in both modes,
    so the user lands on the page they asked for.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_info(url_path: str) -> PageInfo:
    """The page at ``url_path``; ``KeyError`` for an unknown one."""
    for page in PAGES:
        if page.url_path == url_path:
            return page
    raise KeyError(url_path)


def url_state() -> MapState:
    """The map state carried by the page's URL (a shared permalink), validated."""
    return permalink.parse(st.query_params.to_dict(), load_catalog().ids())


def base_path() -> str:
    """Prefix of every page URL (``server.baseUrlPath``), so links work behind a proxy."""
    return urls.normalise_base(st.get_option("server.baseUrlPath"))


def apply_link_state() -> None:
    """Settings a shared link carries that the page needs before the sidebar exists (the basemap)."""
    state = url_state()
    if state.basemap and "basemap" not in st.session_state:
        st.session_state["basemap"] = state.basemap


def bound_choice(key: str, options: Sequence[Any], default: Sequence[Any], label: Callable[[Any], str] = str) -> list[Any]:
    """A URL-bound (``bind="query-params"``) multi-choice widget's value before the widget is drawn.

    Map pages draw their filters after the map (the map reaches the browser first), so
    the map must read the value the widget will have: its state once it exists, else
    the URL's repeated parameter (``?net=铁路&net=高速公路``; Back and shared links
    restore it), else the default.  The URL carries the options' labels (``label``, the
    widget's ``format_func``); values not among them are dropped, as the widget does.
    """
    if key in st.session_state:  # a multiselect or pills holds a list; a selectbox one value
        value = st.session_state[key]
        return list(value) if isinstance(value, (list, tuple)) else ([] if value is None else [value])
    if key in st.query_params:
        by_text = {label(option): option for option in options}
        return [by_text[value] for value in dict.fromkeys(st.query_params.get_all(key)) if value in by_text]
    return list(default)


CURRENT_PAGE = "zzp_current_page"
MAX_FROM_CHARS = 600  # a back target longer than any real page state is ignored


def set_current_page(url_path: str) -> None:
    """Remember which page this run draws (app.py, from ``st.navigation``), for links' ``from``."""
    st.session_state[CURRENT_PAGE] = url_path


def here() -> str:
    """This page with its query (``transport?net=铁路``): a record link's ``from``, so its back link returns here."""
    params = {k: st.query_params.get_all(k) for k in st.query_params if k not in ("id", "from")}
    query = urlencode(params, doseq=True)
    page = st.session_state.get(CURRENT_PAGE, DEFAULT_PAGE.url_path)
    return page + (f"?{query}" if query else "")


def back_target(value: str | None) -> tuple[PageInfo, dict[str, list[str]]] | None:
    """The page and query a ``from`` value names, or ``None`` when it names no page of the app."""
    if not value or len(value) > MAX_FROM_CHARS:
        return None
    path, _, query = value.partition("?")
    try:
        page = page_info(path)
    except KeyError:
        return None
    return page, {k: v for k, v in parse_qs(query).items() if k not in ("id", "from")}
