"""A browser journey as a user clicks it, timed from the press of Pay in the shop to the
result page showing PAID (the cashier's password typed and its Pay pressed at once)."""

from __future__ import annotations

import time

from playwright.async_api import async_playwright

from simulator.testing.browser import launch_options
from simulator.testing.pages import add_to_cart, open_shop, pay_in_cashier

from .stats import summary


async def run(miniprogram_url: str, count: int = 10) -> dict:
    timings = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options())
        page = await browser.new_page(viewport={"width": 1100, "height": 920})
        for _ in range(count + 1):
            await open_shop(page, miniprogram_url)
            await add_to_cart(page, 0)
            started = time.perf_counter()
            await page.get_by_test_id("pay-button").click()
            cashier = page.frame_locator("[data-testid=cashier-frame]")
            await pay_in_cashier(cashier)
            await page.get_by_test_id("result-status").filter(has_text="PAID").wait_for(timeout=15_000)
            timings.append((time.perf_counter() - started) * 1000)
        await browser.close()
    return summary(timings[1:])  # the first one warms the browser's caches
