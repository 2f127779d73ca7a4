"""A fresh checkout with only ``pip install -r requirements.txt`` draws its maps on a closed network.

The app is started from a copy of the repository's files as a clone would have
them (no ``static/vendor/``, nothing fetched beforehand), at ``/`` and behind
``--server.baseUrlPath``; the browser may reach nothing but this machine, and
every request it tries elsewhere is counted.  The HTML export is opened from
disk the same way.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from benchmarks.live import (
    offline_context,
    streamlit_server,
    wait_for_app,
)
from layers import export
from layers.io.catalog import load_catalog
from layers.paths import GEODATA, ROOT
from layers.web import assets, urls
from tests.browser_support import artifacts_dir, isolated_point, skip_without_browser

pytestmark = pytest.mark.browser
COUNTIES = 9  # 株洲's county-level divisions
MAP_PAGES = ("", "structure", "transport", "parks_towns", "upload")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """The repository's tracked (and new, not ignored) files, copied as a clone would have them."""
    skip_without_browser()
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    dest = tmp_path_factory.mktemp("checkout")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    assert not (dest / "static" / "vendor").exists()
    return dest


def probe(url: str) -> bool:
    """Streamlit's frontend looks for its server under the page's own path first (``/structure/_stcore/health``)."""
    return "/_stcore/" in url


@pytest.fixture
def offline(browser):
    """A page that can reach only this machine; ``page.failed`` collects local answers ≥ 400."""
    context = offline_context(browser, viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.failed = []
    page.loaded = []
    page.on("response", lambda r: page.failed.append(f"{r.status} {r.url}") if r.status >= 400 and not probe(r.url) else None)
    page.on("request", lambda r: page.loaded.append(r.url))
    yield page
    context.close()


def counties_drawn(page) -> int:
    # attached, not visible: at a record's zoom most counties lie outside the view
    page.locator("path.zzp-admin_counties").first.wait_for(state="attached", timeout=60_000)
    return page.locator("path.zzp-admin_counties").count()


def assert_attribution_names_leaflet_without_a_flag(page) -> None:
    attribution = page.locator(".leaflet-control-attribution")
    assert "Leaflet" in attribution.inner_text()
    markup = attribution.inner_html()
    assert "<svg" not in markup and "\U0001f1fa\U0001f1e6" not in markup


def first_record_id() -> str:
    spec = load_catalog().get("projects")
    features = json.loads((GEODATA / spec.file).read_text(encoding="utf-8"))["features"]
    return features[0]["properties"][spec.record_field]


@pytest.mark.parametrize("base_path", ["", "zzp"], ids=["root", "base-path"])
def test_fresh_checkout_draws_every_map_with_no_request_leaving_the_machine(checkout, offline, base_path):
    page = offline
    with streamlit_server(checkout / "app.py", base_path=base_path, cwd=checkout) as (app, _process):
        prefix = urls.normalise_base(base_path)
        assert app.endswith(prefix)
        for path in (*MAP_PAGES, f"projects?id={first_record_id()}"):
            page.goto(urls.app_url(app, path))
            wait_for_app(page)
            assert counties_drawn(page) == COUNTIES, path
            assert page.locator("iframe").count() == 0, path  # the map is part of the page
            assert_attribution_names_leaflet_without_a_flag(page)
            button = page.get_by_role("button", name="全屏", exact=True)
            assert button.count() == 1 and button.locator("svg").count() == 1
        # A record link and the view written back into the address bar (the permalink) stay under the base path.
        page.goto(urls.app_url(app, "parks_towns?layers=admin_counties,industrial_parks"))
        wait_for_app(page)
        page.locator("path.zzp-industrial_parks").first.wait_for(state="attached", timeout=30_000)
        isolated_point(page, "industrial_parks").click(force=True)  # reruns: details beside the map
        page.wait_for_timeout(1500)
        wait_for_app(page)
        link = page.locator("a.zzp-detail")
        link.wait_for(timeout=10_000)
        assert link.get_attribute("href").startswith(urls.app_url(prefix, "projects?id="))
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_function("() => new URLSearchParams(location.search).has('z')", timeout=10_000)
        assert page.url.startswith(urls.app_url(app, "parks_towns?"))
        page.screenshot(path=str(artifacts_dir() / f"offline-{base_path or 'root'}.png"))
    origin = app.removesuffix(prefix)
    for rel in assets.MAP_FILES:  # from the app itself, under the base path
        assert f"{origin}{urls.static_url(prefix, rel)}" in page.loaded, rel
    assert (checkout / "static" / assets.LEAFLET_JS).is_file()  # copied there at start-up
    assert page.context.refused == []
    assert page.failed == [], page.failed


def test_html_export_draws_offline_with_no_request(tmp_path, offline):
    page = offline
    target = tmp_path / "map.html"
    target.write_text(export.render_html(["admin_counties"], "city", "株洲县市区"), encoding="utf-8")
    page.goto(target.as_uri())
    page.locator("path.zzp-admin_counties").first.wait_for(state="attached", timeout=30_000)
    assert page.locator("path.zzp-admin_counties").count() == COUNTIES
    assert_attribution_names_leaflet_without_a_flag(page)
    button = page.get_by_role("button", name="全屏")
    button.click()
    page.wait_for_function("document.fullscreenElement !== null", timeout=5_000)
    assert page.get_by_role("button", name="退出全屏").count() == 1
    page.get_by_role("button", name="退出全屏").click()
    page.wait_for_function("document.fullscreenElement === null", timeout=5_000)
    assert page.get_by_role("button", name="全屏").count() == 1
    assert page.context.refused == []
    assert page.failed == [], page.failed
