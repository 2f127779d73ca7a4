"""Load test: N concurrent Streamlit sessions over the websocket protocol, one real browser alongside.

    python -m benchmarks.load --sessions 30 --json artifacts/load.json

Starts ``streamlit run app.py`` on a free loopback port
(:func:`benchmarks.live.streamlit_server`).  Every simulated visitor is a
:class:`benchmarks.stream_client.StreamSession` (no browser: Chromium pages
cost more CPU than the server they load, see docs/deployment.md).  Per round a
visitor opens a map page, waits for ``script_finished``, then clicks a feature
the way the inline map does (its ``clicked`` trigger carries the feature's
display properties ``{_layer, _row, …}``) and waits for that rerun, checking that
the page now shows the clicked feature's name.

Meanwhile ONE headless Chromium opens a map page again and again and measures
page-ready (navigation until the map's county outlines are drawn and the script
has finished), once before the load as the baseline.  The server's RSS is read
from ``/proc`` before, during (peak) and after the sessions close.

Reported: page-ready (sending the page's ``rerun_script`` until its
``script_finished``) and click round trips p50/p95, errors (exceptions, error
boxes and ``ForwardMsg`` exception deltas, disconnects, timeouts, a click whose
feature the page does not show), the browser's page-ready, memory.  Goals:
0 errors, p95 page-ready ≤ 5 s, memory back within 20 % of its start.  Exit
status 1 when a goal is missed.  All traffic stays on 127.0.0.1; every loop is
bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.live import CHROMIUM, streamlit_server
from benchmarks.stream_client import MAP_COMPONENT, Run, StreamSession, click_value
from layers.paths import GEODATA

GOALS = {"errors": 0, "p95_ready_s": 5.0, "memory_growth_ratio": 1.20}
PAGES = ("/", "/transport", "/parks_towns", "/structure")
# The view (``map-<view>`` map key) of each map page and the layer whose features a visitor clicks there.
VIEW_OF_PAGE = {"": "overview", "overview": "overview", "transport": "transport", "parks_towns": "parks_towns", "structure": "structure"}
CLICK_LAYER = {"overview": "rail_network", "transport": "rail_network", "parks_towns": "industrial_parks", "structure": "spatial_structure"}
BROWSER_READY = "path.zzp-admin_counties"  # the county outlines, drawn on every map page
REQUEST_TIMEOUT_S = 60.0
MAX_BROWSER_VISITS = 30


@dataclass
class Results:
    ready_s: list[float] = field(default_factory=list)
    click_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Per session: script runs the server started for it, and clicks whose feature the page then showed.
    script_runs: dict[int, int] = field(default_factory=dict)
    clicks_shown: dict[int, int] = field(default_factory=dict)
    # (seconds since the load started when the request was sent, round, "load"/"click", seconds to script_finished)
    timeline: list[tuple[float, int, str, float]] = field(default_factory=list)
    t0: float = field(default_factory=time.perf_counter)

    def record(self, round_: int, kind: str, seconds: float) -> None:
        (self.ready_s if kind == "load" else self.click_s).append(seconds)
        self.timeline.append((round(time.perf_counter() - self.t0 - seconds, 2), round_, kind, round(seconds, 3)))


def clickable_features(layer_id: str) -> list[dict[str, Any]]:
    """The layer's features as the map knows them: GeoJSON whose properties carry ``_layer``/``_row``."""
    data = json.loads((GEODATA / f"{layer_id}.geojson").read_text(encoding="utf-8"))
    return [
        {"type": "Feature", "geometry": f["geometry"],
         "properties": {"_layer": layer_id, "_row": row, "name": f["properties"].get("name", "")}}
        for row, f in enumerate(data["features"])
    ]


def page_name(path: str) -> str:
    """``/transport`` → ``transport``, ``/`` → ``""`` (what the frontend sends for a URL path)."""
    return path.strip("/")


def _problems(run: Run) -> list[str]:
    return [f"status {run.status}"] * (run.status != "ok") + [f"exception {e}" for e in run.exceptions] + [
        f"error box {e[:80]}" for e in run.error_alerts
    ]


async def visitor(
    base: str, number: int, pages: list[str], rounds: int, think_s: float, deadline: float,
    features: dict[str, list[dict[str, Any]]], results: Results,
) -> None:
    """One visitor: a session that, per round, opens a map page and clicks one of its features."""
    results.script_runs[number] = 0
    results.clicks_shown[number] = 0
    where = "connect"
    session = None
    try:
        session = await asyncio.wait_for(StreamSession.open(base), REQUEST_TIMEOUT_S)
        for round_ in range(rounds):
            if time.monotonic() > deadline:
                break
            path = pages[(number + round_) % len(pages)]
            name = page_name(path)
            where = f"{path} load"
            run = await session.rerun(page=name, timeout=REQUEST_TIMEOUT_S)
            results.script_runs[number] += run.runs_started
            if _problems(run):
                results.errors.extend(f"session {number}: {where}: {p}" for p in _problems(run))
                continue
            results.record(round_, "load", run.seconds)
            widget = run.components.get(MAP_COMPONENT)
            if widget is None:
                results.errors.append(f"session {number}: {where}: no map on the page")
                continue
            await asyncio.sleep(think_s)
            candidates = features[CLICK_LAYER[VIEW_OF_PAGE[name]]]
            feature = candidates[(number * 7 + round_) % len(candidates)]
            where = f"{path} click {feature['properties']['_layer']}#{feature['properties']['_row']}"
            run = await session.rerun(widgets={widget: click_value(feature)}, timeout=REQUEST_TIMEOUT_S)
            results.script_runs[number] += run.runs_started
            if _problems(run):
                results.errors.extend(f"session {number}: {where}: {p}" for p in _problems(run))
                continue
            results.record(round_, "click", run.seconds)
            if feature["properties"]["name"] in run.texts:
                results.clicks_shown[number] += 1
            else:
                results.errors.append(f"session {number}: {where}: the page does not show {feature['properties']['name']}")
            await asyncio.sleep(think_s)
    except Exception as exc:  # a timeout, a refused connection or a disconnect is what the test counts
        results.errors.append(f"session {number}: {where}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        if session is not None:
            await session.close()


async def run_load(
    base: str, sessions: int, rounds: int = 1, pages: list[str] | None = None, think_s: float = 0.0,
    ramp_s: float = 0.0, duration_s: float = 600.0,
) -> Results:
    """``sessions`` concurrent visitors, started evenly over ``ramp_s``; no new round after ``duration_s``."""
    pages = list(pages or PAGES)
    features = {layer: clickable_features(layer) for layer in {CLICK_LAYER[VIEW_OF_PAGE[page_name(p)]] for p in pages}}
    results = Results()
    deadline = time.monotonic() + duration_s

    async def delayed(number: int) -> None:
        await asyncio.sleep(ramp_s * number / max(sessions, 1))
        await visitor(base, number, pages, rounds, think_s, deadline, features, results)

    # Bounded: every request has its own timeout and no round starts after the deadline.
    await asyncio.gather(*(delayed(n) for n in range(sessions)))
    return results


def rss_mb(pid: int) -> float:
    """Resident memory of the server process (VmRSS from /proc)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return float("nan")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (utime, stime in /proc/PID/stat); 0 once gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> set[int]:
    """All processes below ``pid`` (from /proc/PID/task/*/children)."""
    found: set[int] = set()
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    children = {int(c) for c in fh.read().split()} - found
                found |= children
                stack.extend(children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all cores, /proc/stat), for the other engineers' share."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:8]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """Every half second: the server's RSS, and CPU time by server, load client, its browser, whole machine.

    Chromium's renderers come and go, so their CPU time is kept per process id as last seen.
    """

    def __init__(self, server_pid: int) -> None:
        super().__init__(name="sampler", daemon=True)
        self.server_pid = server_pid
        self.rss_mb: list[float] = []
        self._browser: dict[int, float] = {}
        self._stop_event = threading.Event()
        self._start_cpu = self._cpu()

    def _cpu(self) -> dict[str, float]:
        me = os.getpid()
        for child in descendants(me) - {self.server_pid} - descendants(self.server_pid):
            self._browser[child] = max(self._browser.get(child, 0.0), cpu_s(child))
        return {"server": cpu_s(self.server_pid), "load_client": cpu_s(me),
                "browser": sum(self._browser.values()), "machine": machine_busy_s()}

    def run(self) -> None:
        while not self._stop_event.wait(0.5):
            self.rss_mb.append(rss_mb(self.server_pid))
            self._cpu()

    def stop(self) -> dict[str, float]:
        """CPU seconds used since the sampler was created, by whom ("other": everything else on the machine)."""
        self._stop_event.set()
        self.join(timeout=5)
        now = self._cpu()
        used = {k: round(now[k] - self._start_cpu[k], 1) for k in now}
        used["other"] = round(used["machine"] - used["server"] - used["load_client"] - used["browser"], 1)
        return used


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as fh:
        mem_kb = int(fh.readline().split()[1])
    return f"{os.cpu_count()} CPU ({cpu}), {mem_kb / 1024 / 1024:.0f} GB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class BrowserProbe:
    """One real Chromium (benchmarks.live) that measures a map page's page-ready, visit after visit."""

    def __init__(self, base: str, path: str) -> None:
        from playwright.sync_api import sync_playwright

        from benchmarks.live import launch

        self.url = f"{base}{path}"
        self._playwright = sync_playwright().start()
        self._browser = launch(self._playwright)

    def visit(self) -> float:
        """Seconds from navigation until the map's county outlines are drawn and the script has finished."""
        from benchmarks.live import offline_context, wait_for_app

        context = offline_context(self._browser, viewport={"width": 1280, "height": 1000})
        try:
            page = context.new_page()
            start = time.perf_counter()
            page.goto(self.url, wait_until="commit", timeout=REQUEST_TIMEOUT_S * 1000)
            page.locator(BROWSER_READY).first.wait_for(state="attached", timeout=REQUEST_TIMEOUT_S * 1000)
            wait_for_app(page, timeout=REQUEST_TIMEOUT_S * 1000)
            return time.perf_counter() - start
        finally:
            context.close()

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.5), 2) if values else None,
        "p95": round(percentile(values, 0.95), 2) if values else None,
        "max": round(max(values), 2) if values else None,
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Start the server, warm it up, run the load with the browser probe beside it, and collect the figures."""
    with streamlit_server() as (base, process):
        pid = process.pid
        cold_mb = rss_mb(pid)
        # Warm-up: every page and a click once, so the figures measure load rather than first imports.
        warm = asyncio.run(run_load(base, len(args.pages), rounds=1, pages=args.pages))
        if warm.errors:
            raise RuntimeError("warm-up failed: " + "; ".join(warm.errors))
        probe = BrowserProbe(base, args.browser_page) if args.browser else None
        browser_errors: list[str] = []
        baseline: list[float] = []
        under_load: list[float] = []
        try:
            if probe:
                probe.visit()  # the browser's own first visit (its cache, the component's files) is not counted
                baseline = [probe.visit() for _ in range(3)]
            before_mb = rss_mb(pid)
            sampler = Sampler(pid)
            box: dict[str, Any] = {}

            def load() -> None:
                try:
                    box["results"] = asyncio.run(run_load(
                        base, args.sessions, args.rounds, args.pages, args.think, args.ramp, args.duration))
                except BaseException as exc:  # reported below, never swallowed
                    box["crash"] = exc

            started = time.perf_counter()
            sampler.start()
            worker = threading.Thread(target=load, name="load", daemon=True)
            worker.start()
            # The visitors' own bound: the last round starts before max(ramp, duration), then at most
            # a connect, a page and a click (each with its timeout) and two think pauses.
            limit = time.monotonic() + max(args.ramp, args.duration) + 3 * REQUEST_TIMEOUT_S + 2 * args.think + 30
            visits = 0
            while worker.is_alive() and time.monotonic() < limit:
                if probe and visits < MAX_BROWSER_VISITS and time.perf_counter() - started > args.ramp:
                    visits += 1
                    try:
                        under_load.append(probe.visit())
                    except Exception as exc:
                        browser_errors.append(f"browser: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                worker.join(timeout=0.5)
            worker.join(timeout=5)
            elapsed = time.perf_counter() - started
            cpu = sampler.stop()
            if worker.is_alive():
                raise RuntimeError("the load did not finish in its time bound")
            if "crash" in box:
                raise box["crash"]
        finally:
            if probe:
                probe.close()
        results: Results = box["results"]
        # After: the sessions are closed; RSS every 5 s for --settle seconds, the last value is "after".
        settle: list[tuple[float, float]] = []
        end = time.monotonic() + args.settle
        while time.monotonic() < end:
            time.sleep(min(5.0, max(0.0, end - time.monotonic())))
            settle.append((round(args.settle - (end - time.monotonic())), round(rss_mb(pid), 1)))
        after_mb = rss_mb(pid)
    errors = results.errors + browser_errors
    requests = len(results.ready_s) + len(results.click_s)
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m benchmarks.load " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "load_average_at_end": os.getloadavg(),
        "sessions": args.sessions,
        "rounds": args.rounds,
        "pages": args.pages,
        "think_s": args.think,
        "ramp_s": args.ramp,
        "elapsed_s": round(elapsed, 1),
        "page_loads": len(results.ready_s),
        "clicks": len(results.click_s),
        "clicks_shown": sum(results.clicks_shown.values()),
        "errors": len(errors),
        "p50_ready_s": round(percentile(results.ready_s, 0.50), 2),
        "p95_ready_s": round(percentile(results.ready_s, 0.95), 2),
        "max_ready_s": round(max(results.ready_s, default=float("nan")), 2),
        "p50_click_s": round(percentile(results.click_s, 0.50), 2),
        "p95_click_s": round(percentile(results.click_s, 0.95), 2),
        "browser_page": args.browser_page,
        "browser_ready_s": {
            "baseline": round(statistics.median(baseline), 2) if baseline else None,
            "under_load": _summary(under_load),
        },
        "by_round": by_round(results),
        "cpu_s": cpu,
        "server_cpu_per_request_s": round(cpu["server"] / max(requests, 1), 3),
        "cpu_available_s": round(elapsed * (os.cpu_count() or 1), 1),
        "memory_cold_mb": round(cold_mb, 1),
        "memory_before_mb": round(before_mb, 1),
        "memory_peak_mb": round(max([before_mb, *sampler.rss_mb]), 1),
        "memory_after_mb": round(after_mb, 1),
        "memory_settle_mb": settle,
        "memory_growth_ratio": round(after_mb / before_mb, 3),
        "error_lines": errors,
        "timeline": results.timeline,
    }


def by_round(results: Results) -> dict[str, dict[str, Any]]:
    """p50/p95 of page loads and clicks per round: shows whether the first (arrival) wave dominates."""
    rounds = sorted({r for _, r, _, _ in results.timeline})
    return {
        str(r): {kind: _summary([s for _, rr, k, s in results.timeline if rr == r and k == kind]) for kind in ("load", "click")}
        for r in rounds
    }


def table(figures: dict[str, Any]) -> str:
    browser, cpu = figures["browser_ready_s"], figures["cpu_s"]
    rows = [
        ("sessions × rounds", f"{figures['sessions']} × {figures['rounds']} ({figures['elapsed_s']} s)"),
        ("page loads / clicks (shown)", f"{figures['page_loads']} / {figures['clicks']} ({figures['clicks_shown']})"),
        ("errors", str(figures["errors"])),
        ("page-ready p50 / p95 / max", f"{figures['p50_ready_s']} / {figures['p95_ready_s']} / {figures['max_ready_s']} s"),
        ("click p50 / p95", f"{figures['p50_click_s']} / {figures['p95_click_s']} s"),
        ("browser ready: baseline", f"{browser['baseline']} s"),
        ("browser ready: under load p50 / max (n)",
         f"{browser['under_load']['p50']} / {browser['under_load']['max']} s ({browser['under_load']['n']})"),
        ("CPU-s server / client / browser / other",
         f"{cpu['server']} / {cpu['load_client']} / {cpu['browser']} / {cpu['other']} of {figures['cpu_available_s']}"),
        ("server CPU per request", f"{figures['server_cpu_per_request_s']} s"),
        ("RSS before → peak → after", (f"{figures['memory_before_mb']:.0f} → {figures['memory_peak_mb']:.0f} → "
                                       f"{figures['memory_after_mb']:.0f} MB (×{figures['memory_growth_ratio']})")),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def goals_met(figures: dict[str, Any]) -> bool:
    return (
        figures["errors"] <= GOALS["errors"]
        and figures["p95_ready_s"] <= GOALS["p95_ready_s"]
        and figures["memory_growth_ratio"] <= GOALS["memory_growth_ratio"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent visitors (websocket sessions)")
    parser.add_argument("--rounds", type=int, default=3, help="page load + click per visitor (default 3)")
    parser.add_argument("--pages", type=lambda s: [p.strip() for p in s.split(",") if p.strip()], default=list(PAGES),
                        help="map pages, comma-separated, visited in turn (default: %(default)s)")
    parser.add_argument("--think", type=float, default=2.0, help="seconds a visitor waits after each page or click")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which the visitors arrive")
    parser.add_argument("--duration", type=float, default=300.0, help="no new round starts after this many seconds")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to watch RSS after the sessions close")
    parser.add_argument("--browser-page", default="/transport", help="the page the real browser measures")
    parser.add_argument("--no-browser", dest="browser", action="store_false", help="no Chromium probe")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    unknown = [p for p in args.pages if page_name(p) not in VIEW_OF_PAGE]
    if unknown:
        parser.error(f"not a map page: {', '.join(unknown)} (choose from {', '.join(PAGES)})")
    if args.browser and not Path(CHROMIUM).exists():
        print(f"浏览器测量需要 {CHROMIUM}（apt-get install -y chromium）；或加 --no-browser", file=sys.stderr)
        return 2
    figures = measure(args)
    for line in figures["error_lines"][:20]:
        print("错误:", line, file=sys.stderr)
    print(table(figures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    met = goals_met(figures)
    print("目标" + ("达成" if met else "未达成") + f"：{GOALS}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
