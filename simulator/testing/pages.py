"""Playwright helpers for the demo mini program and the cashier, written against the
documented data-testids (async API)."""

from __future__ import annotations

import time

CASHIER_FRAME = "[data-testid=cashier-frame]"
RESULT_PAGE = "**/pages/result**"


async def open_shop(page, miniprogram_url: str) -> None:
    await page.goto(miniprogram_url)
    await page.get_by_test_id("goods-item").first.wait_for()


async def add_to_cart(page, *positions: int) -> None:
    """Tap goods by their position on the menu (0 is the first)."""
    items = page.get_by_test_id("goods-item")
    for position in positions or (0,):
        await items.nth(position).click()


async def press_pay(page):
    """Press Pay; returns the cashier frame once it shows the amount."""
    await page.get_by_test_id("pay-button").click()
    cashier = page.frame_locator(CASHIER_FRAME)
    await cashier.get_by_test_id("cashier-amount").wait_for()
    return cashier


async def pay_in_cashier(cashier, *, account: str | None = None, password: str = "111111") -> None:
    if account:
        await cashier.get_by_test_id("cashier-account").select_option(account)
    await cashier.get_by_test_id("cashier-password").fill(password)
    await cashier.get_by_test_id("cashier-pay").click()


async def cancel_in_cashier(cashier) -> None:
    await cashier.get_by_test_id("cashier-cancel").click()


async def result_page(page, timeout: float = 15_000) -> dict:
    """Wait for the result page; returns what it shows."""
    await page.wait_for_url(RESULT_PAGE, timeout=timeout)
    return {
        "resultCode": await page.get_by_test_id("result-code").text_content(),
        "status": await page.get_by_test_id("result-status").text_content(),
        "orderId": await page.get_by_test_id("order-id").text_content(),
    }


async def wait_for_status(page, status: str, timeout: float = 15_000) -> None:
    """Wait until the result page shows the merchant's ``status`` for the order.

    The result page's URL is waited for first: a locator wait begun on the shop page
    looks at the result page only after a back-off once the page has navigated, long
    after the status was drawn (bench/browser.py)."""
    deadline = time.monotonic() + timeout / 1000
    await page.wait_for_url(RESULT_PAGE, timeout=timeout)
    left = max((deadline - time.monotonic()) * 1000, 1)
    await page.get_by_test_id("result-status").filter(has_text=status).wait_for(timeout=left)
