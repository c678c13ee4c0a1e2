"""The whole journey clicked in headless Chromium: shop, cashier over the mini program,
result page; then what the merchant and the journal say."""

import pytest

from simulator.core.steps import causal_order_problems
from simulator.testing.sim import get_json, wait_for

# The journey as a user without Reduce Motion clicks it: every animation plays.
pytestmark = pytest.mark.motion


async def test_click_through_the_whole_journey(sim, http, page, artifacts):
    await page.goto(sim.urls["miniprogram"])
    items = page.get_by_test_id("goods-item")
    await items.first.click()
    await items.nth(2).click()
    await page.get_by_test_id("cart-total").filter(has_text="USD 7.75").wait_for()
    await page.screenshot(path=str(artifacts / "shop.png"))
    await page.get_by_test_id("pay-button").click()

    cashier = page.frame_locator("[data-testid=cashier-frame]")
    await cashier.get_by_test_id("cashier-amount").filter(has_text="USD 7.75").wait_for()
    assert await cashier.get_by_test_id("cashier-payee").text_content() == "Sandbox Coffee Shop"
    assert await cashier.get_by_test_id("cashier-account").input_value() == "buyer@sandbox.test"
    await cashier.get_by_test_id("cashier-password").fill("111111")
    await page.screenshot(path=str(artifacts / "cashier.png"))
    await cashier.get_by_test_id("cashier-pay").click()

    await page.get_by_test_id("result-status").filter(has_text="PAID").wait_for(timeout=10_000)
    assert await page.get_by_test_id("result-code").text_content() == "9000"
    order_id = await page.get_by_test_id("order-id").text_content()
    await page.screenshot(path=str(artifacts / "result.png"))

    _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{order_id}")
    assert order["status"] == "PAID" and order["fulfilled"] == 1
    assert order["amount"] == {"currency": "USD", "value": "775"}

    async def delivered():
        _, p = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}")
        return p["notifications"] and p["notifications"][0]["status"] == "DELIVERED"

    await wait_for(delivered)

    async def twenty_steps():
        _, journey = await get_json(http, f"{sim.urls['console']}/api/journeys/{order_id}")
        steps = {e["step"] for e in journey["events"] if e["step"]}
        return journey if steps == set(range(1, 21)) else None

    journey = await wait_for(twenty_steps)
    assert causal_order_problems(journey["events"]) == []


async def test_cashier_stays_over_the_mini_program_without_unloading_it(sim, page):
    await page.goto(sim.urls["miniprogram"])
    await page.evaluate("window.__marker = 42")
    await page.get_by_test_id("goods-item").first.click()
    await page.get_by_test_id("pay-button").click()
    cashier = page.frame_locator("[data-testid=cashier-frame]")
    await cashier.get_by_test_id("cashier-pay").wait_for()
    assert await page.evaluate("window.__marker") == 42
    assert page.url.rstrip("/") == sim.urls["miniprogram"]
