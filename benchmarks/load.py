"""Load test: N concurrent browser sessions against a local ``streamlit run`` (a script, not a unit test).

    python -m benchmarks.load [--sessions 20] [--seconds 60] [--json FILE]

It starts the app on a free port (:func:`benchmarks.live.streamlit_server`),
opens one headless Chromium with one context per session (contexts are far
lighter than browsers), and has every session alternate between the overview
and transport pages for ``--seconds``, clicking a map feature on each visit.  Every
request to a host other than localhost is aborted.

Reported: page-ready time (navigation until the inline map's Leaflet
container has its county SVG paths) p50/p95, feature-click round trips (click
until the rerun it triggers is over), errors, and the RSS of the streamlit
process and its children (from ``/proc``) before, during (peak) and after the
sessions close.  Goals: 0 errors, p95 ready ≤ 5 s, memory back within 20 % of
its start.  Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RUN_COUNTER,
    streamlit_server,
)

PAGES = ("", "transport")  # the overview is the default page, served at the root
READY = "path.zzp-admin_counties"
GOALS = {"errors": 0, "p95_ready_s": 5.0, "memory_after_ratio": 1.20}
PAGE_SIZE = 4096
VIEWPORT = {"width": 1280, "height": 1000}
# Points of the map container (relative) where a clickable feature is on top; every visit is a
# fresh session, so its first click always changes the selection and reruns the script.
CLICKABLE = """() => {
  const box = document.querySelector('.leaflet-container').getBoundingClientRect();
  const found = [];
  for (let fy = 0.2; fy < 0.8; fy += 0.05) {
    for (let fx = 0.15; fx < 0.7; fx += 0.05) {
      const hit = document.elementFromPoint(box.left + fx * box.width, box.top + fy * box.height);
      // Neighbouring cities are context only: clicking them selects nothing.
      if (hit && hit.tagName === 'path' && hit.classList.contains('leaflet-interactive') &&
          !hit.classList.contains('zzp-neighbour_cities')) {
        found.push({x: fx * box.width, y: fy * box.height});
      }
    }
  }
  return found;
}"""


def tree(pid: int) -> set[int]:
    """A process and all its descendants, from /proc."""
    stack, seen = [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        seen.add(current)
    return seen


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total = 0
    for member in tree(pid):
        try:
            with open(f"/proc/{member}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE_SIZE
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time of these processes (utime, stime in /proc/PID/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / ticks


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


@dataclass
class Results:
    ready_s: list[float] = field(default_factory=list)
    click_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    memory_mb: list[float] = field(default_factory=list)
    # CPU seconds used while the sessions ran, by the server and by this process's browser (the load generator).
    cpu_s: dict[str, float] = field(default_factory=dict)


async def _offline(route) -> None:
    if route.request.url.startswith(("http://127.0.0.1", "http://localhost")):
        await route.continue_()
    else:
        await route.abort()


async def _idle(page, timeout_ms: float) -> None:
    await page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout_ms)
    await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)


async def session(browser, base: str, deadline: float, number: int, results: Results) -> None:
    """One user: overview ⇄ transport until the deadline, clicking a feature on each page."""
    context = await browser.new_context(viewport=VIEWPORT)
    await context.route("**/*", _offline)
    page = await context.new_page()
    page.on("pageerror", lambda exc: results.errors.append(f"session {number}: page error: {exc}"))
    visit = 0
    try:
        while time.monotonic() < deadline:
            path = PAGES[visit % len(PAGES)]
            visit += 1
            start = time.perf_counter()
            try:
                await page.goto(f"{base}/{path}", wait_until="commit")
                await page.locator(READY).first.wait_for(state="attached", timeout=30_000)
                results.ready_s.append(time.perf_counter() - start)
                await _idle(page, 30_000)
                await page.evaluate(RUN_COUNTER)
                container = page.locator(".leaflet-container")
                points = await container.evaluate(f"(_) => ({CLICKABLE})()")
                if not points:
                    raise RuntimeError("no clickable feature on the map")
                start = time.perf_counter()
                await container.click(position=points[(number + visit) % len(points)], force=True, timeout=10_000)
                await page.wait_for_function("() => window.__runs > 0", timeout=10_000)
                await _idle(page, 30_000)
                results.click_s.append(time.perf_counter() - start)
                exceptions = await page.locator("[data-testid='stException']").count()
                if exceptions:
                    results.errors.append(f"session {number}: /{path}: {exceptions} exception(s) on the page")
            except Exception as exc:  # a timeout or a crash is what the test counts, not a reason to stop
                results.errors.append(f"session {number}: /{path}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()


async def sample_memory(pid: int, results: Results, stop: asyncio.Event) -> None:
    """RSS every second, and the CPU time of the server and of the browser (processes come and go)."""
    server_cpu: dict[int, float] = {}
    client_cpu: dict[int, float] = {}
    while not stop.is_set():
        results.memory_mb.append(rss_bytes(pid) / 1e6)
        server = tree(pid)
        for member in server:
            server_cpu[member] = cpu_seconds({member})
        for member in tree(os.getpid()) - server - {os.getpid()}:
            client_cpu[member] = cpu_seconds({member})
        results.cpu_s = {"server": sum(server_cpu.values()), "browser": sum(client_cpu.values())}
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except asyncio.TimeoutError:
            pass


async def run(base: str, pid: int, sessions: int, seconds: float) -> Results:
    from playwright.async_api import async_playwright

    results = Results()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(pid, results, stop))
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(session(browser, base, deadline, n, results) for n in range(sessions)))
        stop.set()
        await sampler
        await browser.close()
    return results


async def warm_up(base: str) -> None:
    """One visit to each page first, so the figures measure load rather than first-import costs."""
    results = Results()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await session(browser, base, time.monotonic() + 1, -1, results)
        await browser.close()
    if results.errors:
        raise RuntimeError("warm-up failed: " + "; ".join(results.errors))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def settle(pid: int, seconds: float = 20.0) -> float:
    """RSS once the closed sessions have been cleaned up (Streamlit drops them after a short grace period)."""
    time.sleep(seconds)
    return rss_bytes(pid) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--settle", type=float, default=30, help="seconds to wait after the sessions close before 'after'")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"需要 {CHROMIUM}（apt-get install -y chromium）", file=sys.stderr)
        return 2
    with streamlit_server() as (base, process):
        asyncio.run(warm_up(base))
        before = rss_bytes(process.pid) / 1e6
        server_cpu_before = cpu_seconds(tree(process.pid))
        started = time.perf_counter()
        results = asyncio.run(run(base, process.pid, args.sessions, args.seconds))
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(tree(process.pid)) - server_cpu_before
        gc.collect()
        after = settle(process.pid, args.settle)
    figures = {
        "machine": machine(),
        "sessions": args.sessions,
        "seconds": args.seconds,
        "elapsed_s": round(elapsed, 1),
        "page_loads": len(results.ready_s),
        "ready_p50_s": round(percentile(results.ready_s, 0.50), 2),
        "ready_p95_s": round(percentile(results.ready_s, 0.95), 2),
        "ready_max_s": round(max(results.ready_s, default=float("nan")), 2),
        "clicks": len(results.click_s),
        "click_p50_s": round(percentile(results.click_s, 0.50), 2),
        "click_p95_s": round(percentile(results.click_s, 0.95), 2),
        "errors": len(results.errors),
        "cpu_server_s": round(server_cpu, 1),
        "cpu_browser_s": round(results.cpu_s.get("browser", 0.0), 1),
        "cpu_available_s": round(elapsed * (os.cpu_count() or 1), 1),
        "server_cpu_per_page_s": round(server_cpu / max(len(results.ready_s) + len(results.click_s), 1), 2),
        "memory_before_mb": round(before),
        "memory_peak_mb": round(max(results.memory_mb, default=before)),
        "memory_mean_during_mb": round(statistics.fmean(results.memory_mb)) if results.memory_mb else None,
        "memory_after_mb": round(after),
        "memory_after_ratio": round(after / before, 2),
    }
    for line in results.errors[:20]:
        print("错误:", line, file=sys.stderr)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps({**figures, "error_lines": results.errors}, ensure_ascii=False, indent=2), encoding="utf-8")
    met = (
        figures["errors"] <= GOALS["errors"]
        and figures["ready_p95_s"] <= GOALS["p95_ready_s"]
        and figures["memory_after_ratio"] <= GOALS["memory_after_ratio"]
    )
    print("目标" + ("达成" if met else "未达成") + f"：{GOALS}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
