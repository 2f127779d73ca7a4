"""The one place that builds the app's URLs, so all of them honour ``server.baseUrlPath``.

Behind a reverse proxy the app runs under a base path (``--server.baseUrlPath zzp``
serves every page at ``/zzp/…`` and the static files at ``/zzp/app/static/…``).
Pages, record links, permalinks, the briefing link and the map's own browser
files are all built here from that base path.
"""

from __future__ import annotations


def normalise_base(raw: str | None) -> str:
    """``server.baseUrlPath`` as a URL prefix: ``""`` at the root, else ``"/zzp"`` (one leading slash, none trailing)."""
    path = (raw or "").strip().strip("/")
    return f"/{path}" if path else ""


def app_url(base: str, path: str = "") -> str:
    """``path`` (a page, ``projects?id=`` …) under ``base``: a prefix from :func:`normalise_base` or an absolute app URL."""
    return f"{base.rstrip('/')}/{path.lstrip('/')}"


def static_url(base: str, rel: str) -> str:
    """A file in the repository's ``static/`` folder, which Streamlit serves at ``<base>/app/static/``."""
    return app_url(base, f"app/static/{rel.lstrip('/')}")
