"""One headless Chromium for all browser tests (Playwright's async API: the sync API
would mark the loop as running and break every aiohttp test after it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_asyncio
from my_harness import PAGES
from playwright.async_api import async_playwright

from simulator.testing.browser import launch_options
from simulator.testing.sim import running_sim

ARTIFACTS = Path(os.environ.get("TRADEPAY_SIM_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


@pytest_asyncio.fixture(scope="session")
async def browser():
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options())
        yield browser
        await browser.close()


@pytest_asyncio.fixture
async def page(browser, request):
    # Reduce Motion, as a user can ask of their system, unless the test is marked `motion`:
    # the pages' entrance animations (the cashier's rising sheet, the dialogs' fades) then
    # don't play, and Playwright's clicks don't wait for them to come to rest. Measured on
    # tests/browser: 10-12 % less CPU. The journey and the screens keep them (docs/performance.md).
    motion = request.node.get_closest_marker("motion") is not None
    context = await browser.new_context(
        viewport={"width": 1100, "height": 920}, reduced_motion="no-preference" if motion else "reduce"
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # What the page loaded, for a failing test's artifacts: every request's outcome.
    network: list[str] = []
    page.on("requestfailed", lambda r: network.append(f"FAILED {r.method} {r.url}: {r.failure}"))
    page.on("response", lambda r: network.append(f"{r.status} {r.request.method} {r.url}"))
    page.on("console", lambda m: network.append(f"console.{m.type}: {m.text}"))
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
        (ARTIFACTS / f"{request.node.name}.network.txt").write_text("\n".join(network) + "\n")
    await context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest_asyncio.fixture
async def harness_sim(tmp_path, keys_template):
    """A simulator serving the my-shim harness pages (tests/browser/pages)."""
    async with running_sim(tmp_path / "data", keys_from=keys_template, miniprogram_dir=PAGES) as sim:
        yield sim
