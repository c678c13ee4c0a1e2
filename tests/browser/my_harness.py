"""Helpers for the `my` shim's browser tests: a simulator serving the conformance pages
(tests/browser/pages) as the developer's own mini program, and calls that record every
callback of a my.* API in order (see pages/harness.js)."""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"
SETTLE_MS = 250  # harness.js waits this long after complete for a stray second call
# page.wait_for_function polls on every animation frame unless told otherwise: the browser
# then draws frames for nothing, ~0.15 CPU-s a second of waiting (a harness call waits
# 250 ms at least). Every 50 ms is soon enough for a test: the my-shim tests spent 7-11 %
# less CPU (docs/performance.md).
POLL_MS = 50


async def open_harness(page, sim, path: str = "/") -> None:
    await page.goto(sim.urls["miniprogram"] + path)
    await page.wait_for_function(
        "typeof window.start === 'function' && !!document.querySelector('[data-mp-device]')", polling=POLL_MS
    )


async def start(page, run_id: str, api: str, options: dict | None = None, **extra) -> None:
    await page.evaluate("([id, api, o, x]) => start(id, api, o, x)", [run_id, api, options or {}, extra])


async def wait_done(page, run_id: str, timeout: float = 15_000) -> list:
    await page.wait_for_function("id => isDone(id)", arg=run_id, timeout=timeout, polling=POLL_MS)
    return await log_of(page, run_id)


async def log_of(page, run_id: str) -> list:
    run = await page.evaluate("id => runOf(id)", run_id)
    return [tuple(entry) for entry in run["log"]] if run else []


async def call(page, run_id: str, api: str, options: dict | None = None, **extra) -> list:
    """my[api](options); the callbacks it got, in order, once complete has settled."""
    await start(page, run_id, api, options, **extra)
    return await wait_done(page, run_id)


async def call_all(page, runs: dict[str, tuple[str, dict]]) -> dict[str, list]:
    """Several calls at once (they run side by side); each one's callbacks, in order."""
    for run_id, (api, options) in runs.items():
        await start(page, run_id, api, options)
    return {run_id: await wait_done(page, run_id) for run_id in runs}


async def shot(page, artifacts, name: str) -> None:
    """A screenshot of the phone only, test-artifacts/<name>.png."""
    await page.locator("[data-mp-device]").screenshot(path=str(artifacts / f"{name}.png"), animations="disabled")


def succeeded(payload) -> list:
    return [("success", payload), ("complete", payload), ("resolve", payload)]


def failed(code: int, message: str) -> list:
    err = {"error": code, "errorMessage": message}
    return [("fail", err), ("complete", err), ("reject", err)]
