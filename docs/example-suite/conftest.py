"""One headless Chromium for the session and a fresh page per test, with Playwright's
async API. The simulator itself (``tradepay_sim``) comes from tradepay-sim's pytest
plugin: nothing to write here."""

import pytest_asyncio
from playwright.async_api import async_playwright

from simulator.testing.browser import launch_options


@pytest_asyncio.fixture(scope="session")
async def browser():
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options())  # a system Chromium, or Playwright's
        yield browser
        await browser.close()


@pytest_asyncio.fixture
async def page(browser):
    # Reduce Motion: the cashier's sheet is there at once, and clicks don't wait for it to
    # stop rising (docs/plugin.md). Leave it out to test the animations.
    context = await browser.new_context(viewport={"width": 1000, "height": 900}, reduced_motion="reduce")
    page = await context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    await context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
