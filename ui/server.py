"""Response headers Streamlit has no setting for (framing by other sites).
"""

from __future__ import annotations

import os


def forbid_framing() -> None:
    """Ask browsers not to show the app inside other sites' frames (clickjacking).

    Streamlit has no setting for response headers, so its first middleware is
    wrapped to add ``Content-Security-Policy: frame-ancestors`` (and the older
    ``X-Frame-Options``) to every HTTP response.  It takes effect from the
    first script run on; deployments behind nginx set the same headers there
    (docs/deployment.md).  ``ZZP_FRAME_ANCESTORS`` lists the origins allowed to
    embed the app (default ``'self'``).
    """
    from streamlit.web.server.starlette.starlette_path_security_middleware import (
        PathSecurityMiddleware,
    )

    if getattr(PathSecurityMiddleware, "_zzp_framing", False):
        return
    ancestors = os.environ.get("ZZP_FRAME_ANCESTORS", "'self'").strip() or "'self'"
    extra = [(b"content-security-policy", f"frame-ancestors {ancestors}".encode("latin-1"))]
    if ancestors == "'self'":
        extra.append((b"x-frame-options", b"SAMEORIGIN"))
    original = PathSecurityMiddleware.__call__

    async def call(self, scope, receive, send):  # noqa: ANN001 — the ASGI signature
        if scope.get("type") != "http":
            return await original(self, scope, receive, send)

        async def send_with_headers(message):  # noqa: ANN001
            if message.get("type") == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return await original(self, scope, receive, send_with_headers)

    PathSecurityMiddleware.__call__ = call
    PathSecurityMiddleware._zzp_framing = True
