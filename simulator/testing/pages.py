"""Playwright helpers for the demo mini program and the cashier, written against the
documented data-testids. Each works with Playwright's sync API (pytest-playwright's
``page`` fixture) and its async API alike::

    open_shop(page, url)           # a sync Page: runs now
    await open_shop(page, url)     # an async Page: returns an awaitable

Each move is written once, as a generator that yields Playwright calls: with a sync
page, a call has already happened and its value is sent back; with an async one, it is
awaited first."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Generator
from typing import Any

CASHIER_FRAME = "[data-testid=cashier-frame]"
RESULT_PAGE = "**/pages/result**"

Moves = Generator[Any, Any, Any]


def is_async(target: Any) -> bool:
    """Whether ``target`` (a Page, Frame, FrameLocator or Locator) is Playwright's async API's."""
    return type(target).__module__.startswith("playwright.async_api")


def _move(fn: Callable[..., Moves]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def helper(target: Any, *args: Any, **kwargs: Any) -> Any:
        moves = fn(target, *args, **kwargs)
        return _run_async(moves) if is_async(target) else _run_sync(moves)

    return helper


def _run_sync(moves: Moves) -> Any:
    value = None
    while True:
        try:
            value = moves.send(value)
        except StopIteration as done:
            return done.value


async def _run_async(moves: Moves) -> Any:
    value = None
    while True:
        try:
            step = moves.send(value)
        except StopIteration as done:
            return done.value
        value = await step if inspect.isawaitable(step) else step


@_move
def open_shop(page, miniprogram_url: str) -> Moves:
    yield page.goto(miniprogram_url)
    yield page.get_by_test_id("goods-item").first.wait_for()


@_move
def add_to_cart(page, *positions: int) -> Moves:
    """Tap goods by their position on the menu (0 is the first)."""
    items = page.get_by_test_id("goods-item")
    for position in positions or (0,):
        yield items.nth(position).click()


@_move
def press_pay(page) -> Moves:
    """Press Pay; returns the cashier frame once it shows the amount."""
    yield page.get_by_test_id("pay-button").click()
    cashier = page.frame_locator(CASHIER_FRAME)
    yield cashier.get_by_test_id("cashier-amount").wait_for()
    return cashier


@_move
def pay_in_cashier(cashier, *, account: str | None = None, password: str = "111111") -> Moves:
    if account:
        yield cashier.get_by_test_id("cashier-account").select_option(account)
    yield cashier.get_by_test_id("cashier-password").fill(password)
    yield cashier.get_by_test_id("cashier-pay").click()


@_move
def cancel_in_cashier(cashier) -> Moves:
    yield cashier.get_by_test_id("cashier-cancel").click()


@_move
def result_page(page, timeout: float = 15_000) -> Moves:
    """Wait for the result page; returns what it shows."""
    yield page.wait_for_url(RESULT_PAGE, timeout=timeout)
    return {
        "resultCode": (yield page.get_by_test_id("result-code").text_content()),
        "status": (yield page.get_by_test_id("result-status").text_content()),
        "orderId": (yield page.get_by_test_id("order-id").text_content()),
    }


@_move
def wait_for_status(page, status: str, timeout: float = 15_000) -> Moves:
    """Wait until the result page shows the merchant's ``status`` for the order.

    The result page's URL is waited for first: a locator wait begun on the shop page
    looks at the result page only after a back-off once the page has navigated, long
    after the status was drawn (bench/browser.py)."""
    deadline = time.monotonic() + timeout / 1000
    yield page.wait_for_url(RESULT_PAGE, timeout=timeout)
    left = max((deadline - time.monotonic()) * 1000, 1)
    yield page.get_by_test_id("result-status").filter(has_text=status).wait_for(timeout=left)
