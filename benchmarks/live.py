"""A live ``streamlit run`` and Debian's Chromium, for the benchmarks and the browser tests.

Nothing here downloads a browser: Playwright drives ``/usr/bin/chromium``, and
every request to a host other than localhost is aborted, so what is measured
and tested works with no internet.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from layers.paths import ROOT
from layers.web.urls import normalise_base

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
ARTIFACTS = ROOT / "artifacts"
MAP = ".zzp-map"  # the inline map's element (static/zzp/component.js), in the page itself
# The Leaflet map kept on that element, for tests to read its view.
LEAFLET_MAP = "() => document.querySelector('.zzp-map').__zzp.map"
# Counts Streamlit script runs from now on (a click's rerun can start and end between two polls).
RUN_COUNTER = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__runs = 0;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') { window.__runs += 1; }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    script: Path = ROOT / "app.py",
    env: dict[str, str] | None = None,
    base_path: str = "",
    cwd: Path = ROOT,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start ``streamlit run SCRIPT`` on a free port; yield the app's URL and process; stop it.

    ``base_path`` runs it behind ``--server.baseUrlPath`` (the yielded URL then ends in
    ``/base_path``); ``cwd`` is where Streamlit reads ``.streamlit/config.toml`` (a clean
    checkout's own, for example).
    """
    port = free_port()
    prefix = normalise_base(base_path)
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-{port}.log", "w")
    args = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
            "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    if prefix:
        args += ["--server.baseUrlPath", prefix.strip("/")]
    process = subprocess.Popen(
        args,
        cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}{prefix}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit code {process.poll()}); see {log.name}")
            time.sleep(0.3)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def is_local(url: str) -> bool:
    """A request that stays on this machine (loopback, or no network at all)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "file") or (
        parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in ("127.0.0.1", "localhost")
    )


def offline_context(browser, **kwargs):
    """A browser context in which only localhost can be reached.

    Every refused request's URL is kept in ``context.refused``, so a test can
    assert that nothing tried to leave the machine.
    """
    context = browser.new_context(**kwargs)
    context.refused = []

    def handle(route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            context.refused.append(url)
            route.abort()

    context.route("**/*", handle)
    return context


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Until Streamlit is connected and the script has finished running."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def map_view(page) -> tuple[float, float, float]:
    """The first inline map's centre (lat, lng) and zoom."""
    return tuple(page.evaluate(f"() => {{ const m = ({LEAFLET_MAP})(); const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }}"))
