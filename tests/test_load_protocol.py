"""The load test's protocol client against a real ``streamlit run`` (no browser, < 1 min).

If Streamlit's frontend protocol changes (subprotocols, ``rerun_script``, how a
component's value travels), the load test would silently measure nothing; these
tests fail instead.
"""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("streamlit.proto.BackMsg_pb2", reason="streamlit's protobuf modules are not installed")
pytest.importorskip("websockets.asyncio.client", reason="the websockets package (installed with uvicorn) is missing")

from benchmarks.live import streamlit_server
from benchmarks.load import clickable_features, run_load
from benchmarks.stream_client import MAP_COMPONENT, StreamSession, click_value

# Shaped like Streamlit's generated widget ids ("$$ID-<hash>-<key>"); any other id is read as a user key
# that session_state then lacks, and the sidebar's next widget raises KeyError (Streamlit 1.67).
STRAY_WIDGET = "$$ID-" + "0" * 32 + "-stray"


@pytest.fixture(scope="module")
def base() -> str:
    with streamlit_server() as (url, _process):
        yield url


async def _load_then_click(base: str, row: int):
    session = await StreamSession.open(base)
    try:
        page = await session.rerun(page="transport", timeout=50)
        feature = clickable_features("rail_network")[row]
        # A value for a widget id the page does not have reruns the script but selects nothing.
        stray = await session.rerun(widgets={STRAY_WIDGET: click_value(feature)}, timeout=50)
        click = await session.rerun(widgets={page.components[MAP_COMPONENT]: click_value(feature)}, timeout=50)
        return page, stray, click, feature["properties"]["name"]
    finally:
        await session.close()


def test_click_reruns_the_page_and_shows_the_feature(base: str) -> None:
    page, stray, click, name = asyncio.run(_load_then_click(base, row=1))
    assert page.ok and stray.ok and click.ok, (page, stray, click)
    assert MAP_COMPONENT in page.components
    assert name not in page.texts  # before the click the detail panel shows only its hint
    assert name not in stray.texts
    assert click.runs_started == 1  # the component value reached the server and reran the script once
    assert name in click.texts


def test_two_sessions_one_round_without_errors(base: str) -> None:
    results = asyncio.run(run_load(base, sessions=2, rounds=1, pages=["/transport", "/parks_towns"], duration_s=50))
    assert results.errors == []
    assert len(results.ready_s) == 2 and len(results.click_s) == 2
    assert results.clicks_shown == {0: 1, 1: 1}
    # Each session: at least one run for the page and one for the click.
    assert all(runs >= 2 for runs in results.script_runs.values()), results.script_runs
