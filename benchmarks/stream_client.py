"""One Streamlit session without a browser: the frontend's own protocol over ``/_stcore/stream``.

Why: a headless browser per simulated visitor costs more CPU than the server it
loads (docs/deployment.md), so the load test talks to the server the way
Streamlit's frontend does, with the protobuf messages shipped in the
``streamlit`` wheel, and leaves drawing the map to one real browser.

What the frontend does, and this client repeats (Streamlit 1.67):

* ``GET /_stcore/health`` (sets the ``_streamlit_xsrf`` cookie) and
  ``GET /_stcore/host-config``;
* a websocket to ``/_stcore/stream`` with the subprotocols
  ``["streamlit", <xsrf cookie value>]`` and the page's ``Origin``;
* a ``BackMsg.rerun_script`` (``ClientState``) with the URL's query string and
  the page name taken from the path (``""`` for the default page), then the
  server's ``ForwardMsg`` stream: ``new_session``, ``navigation``, deltas, ...,
  ``script_finished``;
* a Custom Components v2 trigger (the inline map's ``clicked``) goes back as
  the ``json_trigger_value`` of the widget ``$$STREAMLIT_INTERNAL_KEY_<id>__events``
  in the ``widget_states`` of the next ``rerun_script``, with the current page's
  ``page_script_hash``.

Only 127.0.0.1/localhost URLs are accepted: the tool never talks to another host.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

MAP_COMPONENT = "zzp_map"  # ui/map_component.py
XSRF_COOKIE = "_streamlit_xsrf"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
MAX_MESSAGE = 64 * 1024 * 1024  # a map page's largest message is ≈ 0.4 MB today; websockets' default cap is 1 MiB
# A run ends with one of these; FINISHED_EARLY_FOR_RERUN is followed by another run (st.rerun, or a newer request).
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY: "ok", ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error"}
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ProtocolError(RuntimeError):
    """The server closed the session, or a run did not end as the frontend expects."""


@dataclass
class Run:
    """What one ``rerun_script`` produced, as far as the load test needs it."""

    seconds: float
    status: str
    runs_started: int  # script runs the server started for this request (st.rerun adds one)
    exceptions: list[str] = field(default_factory=list)  # st.exception / uncaught errors (generic text in production)
    error_alerts: list[str] = field(default_factory=list)  # st.error boxes
    texts: list[str] = field(default_factory=list)  # headings and markdown, to check what the page shows
    components: dict[str, str] = field(default_factory=dict)  # component name → widget id

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.exceptions and not self.error_alerts


def _local(base: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(base)
    if parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"only a local server can be loaded, not {parts.hostname}")
    return parts


def _get(url: str, timeout: float) -> tuple[bytes, str | None]:
    """Body and the XSRF cookie value (if the response sets one)."""
    with _NO_PROXY.open(url, timeout=timeout) as response:
        body = response.read()
        cookie = None
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == XSRF_COOKIE:
                cookie = rest.split(";", 1)[0]
        return body, cookie


def _collect(msg: ForwardMsg, run: Run) -> None:
    element = msg.delta.new_element if msg.HasField("delta") and msg.delta.HasField("new_element") else None
    if element is None:
        return
    kind = element.WhichOneof("type")
    if kind == "exception":
        run.exceptions.append(f"{element.exception.type}: {element.exception.message}".strip(": "))
    elif kind == "alert" and element.alert.format == element.alert.ERROR:
        run.error_alerts.append(element.alert.body)
    elif kind == "heading":
        run.texts.append(element.heading.body)
    elif kind == "markdown":
        run.texts.append(element.markdown.body)
    elif kind == "bidi_component":
        run.components[element.bidi_component.component_name] = element.bidi_component.id


class StreamSession:
    """A connected session; ``rerun`` is one page load or one widget change, awaited to its end."""

    def __init__(self, base: str, socket: ClientConnection) -> None:
        self.base = base.rstrip("/")
        self.socket = socket
        self.page_script_hash = ""

    @classmethod
    async def open(cls, base: str, timeout: float = 30.0) -> StreamSession:
        parts = _local(base)
        _, cookie = await asyncio.to_thread(_get, f"{base}/_stcore/health", timeout)
        await asyncio.to_thread(_get, f"{base}/_stcore/host-config", timeout)
        scheme = "wss" if parts.scheme == "https" else "ws"
        socket = await connect(
            f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream",
            subprotocols=["streamlit", cookie or "PLACEHOLDER_AUTH_TOKEN"],
            origin=f"{parts.scheme}://{parts.netloc}",
            additional_headers={"Cookie": f"{XSRF_COOKIE}={cookie}"} if cookie else None,
            proxy=None,
            max_size=MAX_MESSAGE,
            open_timeout=timeout,
        )
        return cls(base, socket)

    async def rerun(
        self,
        page: str | None = None,
        query: str = "",
        widgets: dict[str, Any] | None = None,
        timeout: float = 60.0,
    ) -> Run:
        """Send one ``rerun_script`` and read the server's messages until that run has finished.

        ``page`` is the URL path of a page to open (the default page is ``""``);
        ``None`` reruns the current page, as a widget change does.  ``widgets``
        maps a component's id to the value of its ``clicked`` trigger.
        """
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        if page is None:
            state.page_script_hash = self.page_script_hash
        else:
            state.page_name = page
        for component_id, value in (widgets or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{component_id}{EVENT_DELIM}events"
            widget.json_trigger_value = json.dumps([{"event": "clicked", "value": value}], ensure_ascii=False)
        state.context_info.timezone = "Asia/Shanghai"
        state.context_info.timezone_offset = -480
        state.context_info.locale = "zh-CN"
        state.context_info.url = f"{self.base}/{page or ''}"
        start = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        run = Run(seconds=0.0, status="", runs_started=0)
        deadline = start + timeout
        try:
            while True:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise TimeoutError(f"no script_finished within {timeout:.0f} s")
                data = await asyncio.wait_for(self.socket.recv(), remaining)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    run.runs_started += 1
                    self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
                elif kind == "navigation":
                    self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
                elif kind == "page_not_found":
                    raise ProtocolError(f"page not found: {page!r}")
                elif kind == "script_finished" and msg.script_finished in DONE:
                    run.seconds = time.perf_counter() - start
                    run.status = DONE[msg.script_finished]
                    return run
                else:
                    _collect(msg, run)
        except ConnectionClosed as exc:
            raise ProtocolError(f"disconnected: {exc}") from exc

    async def close(self) -> None:
        await self.socket.close()


def click_value(feature: dict[str, Any]) -> dict[str, Any]:
    """What the inline map sends for a feature click: the feature's display properties (``_layer``, ``_row`` …)."""
    return feature["properties"]
