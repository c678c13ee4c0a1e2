"""Failures say why (issue 20, point 6), where the buyer looks: the cashier and the
shop's result page tell insufficient balance from risk control and from an expired or
closed payment; after a processing (8000) payment settles the result page reads paid
and nothing else; after a cancel (6001) it says the order is open and pays it again.
The capsule's buttons do what a container's do."""

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout

from simulator.testing.pages import add_to_cart, cancel_in_cashier, open_shop, pay_in_cashier, press_pay, result_page
from simulator.testing.sim import get_json

# account that reaches it by clicking, the cashier's title, the result page's headline, a word of its note
DECLINES = [
    ("lowbalance@sandbox.test", "Insufficient balance", "Not enough balance", "Top up"),
    ("risk@sandbox.test", "Declined by risk control", "Declined by your wallet", "another way"),
]


@pytest.mark.parametrize(("account", "cashier_title", "headline", "advice"), DECLINES, ids=["balance", "risk"])
async def test_a_decline_says_why_in_the_cashier_and_on_the_result_page(
    sim, page, account, cashier_title, headline, advice, artifacts
):
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    cashier = await press_pay(page)
    await pay_in_cashier(cashier, account=account)
    title = cashier.get_by_test_id("cashier-result-title")
    await title.filter(has_text=cashier_title).wait_for()
    assert "No money was taken" in await cashier.get_by_test_id("cashier-result-note").text_content()
    await page.screenshot(path=str(artifacts / f"cashier-reason-{account.split('@')[0]}.png"))
    shown = await result_page(page)
    assert shown["resultCode"] == "4000"
    await page.get_by_test_id("result-headline").filter(has_text=headline).wait_for()
    note = await page.get_by_test_id("result-note").text_content()
    assert advice in note and "not charged" in note
    assert await page.get_by_test_id("pay-again").count() == 0, "a failed payment is not paid again"
    await page.screenshot(path=str(artifacts / f"result-reason-{account.split('@')[0]}.png"))


async def test_an_expired_payment_says_so_in_the_cashier_and_on_the_result_page(sim, http, page):
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    cashier = await press_pay(page)
    _, payments = await get_json(http, f"{sim.urls['wallet']}/_sim/payments")
    payment = payments["payments"][0]
    async with http.post(f"{sim.urls['wallet']}/_sim/payments/{payment['paymentId']}/expire") as resp:
        assert resp.status == 200
    await pay_in_cashier(cashier)  # the buyer presses Pay on a payment that closed meanwhile
    await cashier.get_by_test_id("cashier-result-title").filter(has_text="Payment expired").wait_for()
    assert "Start a new payment" in await cashier.get_by_test_id("cashier-result-note").text_content()
    await result_page(page)
    await page.get_by_test_id("result-headline").filter(has_text="Payment expired").wait_for()
    assert "order again" in await page.get_by_test_id("result-note").text_content()
    # the paymentUrl opened again: the cashier says why it cannot be paid
    _, record = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{payment['paymentId']}")
    reopened = await page.context.new_page()
    await reopened.goto(record["paymentUrl"])
    reason = reopened.get_by_test_id("cashier-reason")
    assert await reason.get_attribute("data-code") == "ORDER_IS_CLOSED"
    assert await reopened.get_by_test_id("cashier-reason-title").text_content() == "Payment expired"


async def test_a_processing_payment_that_went_through_reads_as_paid_only(sim, http, page):
    async with http.post(f"{sim.urls['wallet']}/_sim/outcomes", json={"outcome": "PROCESSING_THEN_SUCCESS"}) as resp:
        assert resp.status == 201
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    await pay_in_cashier(await press_pay(page))
    shown = await result_page(page)
    assert shown["resultCode"] == "8000"
    await page.get_by_test_id("result-headline").filter(has_text="Payment processing").wait_for()
    _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{shown['orderId']}")
    async with http.post(f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}/settle") as resp:
        assert resp.status == 200
    await page.get_by_test_id("result-status").filter(has_text="PAID").wait_for(timeout=15_000)
    headline = await page.get_by_test_id("result-headline").text_content()
    note = await page.get_by_test_id("result-note").text_content()
    assert headline == "Payment successful"
    assert "still processing" not in note and "has gone through" in note


async def test_after_a_cancel_the_open_order_is_explained_and_paid_again(sim, http, page, artifacts):
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    await cancel_in_cashier(await press_pay(page))
    shown = await result_page(page)
    assert shown["resultCode"] == "6001"
    await page.get_by_test_id("result-headline").filter(has_text="Payment cancelled").wait_for()
    assert "still open" in await page.get_by_test_id("result-note").text_content()
    await page.screenshot(path=str(artifacts / "result-cancelled.png"))
    await page.get_by_test_id("pay-again").click()
    cashier = page.frame_locator("[data-testid=cashier-frame]")
    await pay_in_cashier(cashier)
    await page.get_by_test_id("result-code").filter(has_text="9000").wait_for()
    await page.get_by_test_id("result-status").filter(has_text="PAID").wait_for(timeout=15_000)
    assert await page.get_by_test_id("order-id").text_content() == shown["orderId"], "the same order, paid"
    _, payments = await get_json(http, f"{sim.urls['wallet']}/_sim/payments")
    assert len(payments["payments"]) == 1, "the same payment, not a second one"


async def test_the_capsule_opens_the_containers_menu_and_closes_the_mini_program(sim, page, artifacts):
    await open_shop(page, sim.urls["miniprogram"])
    await page.get_by_test_id("mp-capsule-more").click()
    menu = page.get_by_test_id("mp-capsule-menu")
    await menu.wait_for()
    await page.screenshot(path=str(artifacts / "capsule-menu.png"))
    await page.get_by_test_id("mp-menu-about").click()
    about = page.get_by_test_id("mp-about")
    assert "tradepay-sim" in await about.text_content()
    await page.get_by_test_id("mp-about-ok").click()
    await about.wait_for(state="detached")
    await add_to_cart(page, 0)
    assert await page.get_by_test_id("cart-count").text_content() == "1 item"
    await page.get_by_test_id("mp-capsule-more").click()
    await page.get_by_test_id("mp-menu-reload").click()
    await page.get_by_test_id("goods-item").first.wait_for()
    await page.get_by_test_id("cart-count").filter(has_text="Your cart is empty").wait_for()

    await page.get_by_test_id("mp-capsule-close").click()
    closed = page.get_by_test_id("mp-closed")
    await closed.wait_for()
    assert "was closed" in await closed.text_content()
    with pytest.raises(PlaywrightTimeout):  # the page is behind the closed screen: no tap reaches it
        await page.get_by_test_id("goods-item").first.click(timeout=500)
    await page.screenshot(path=str(artifacts / "capsule-closed.png"))
    await page.get_by_test_id("mp-reopen").click()
    await page.get_by_test_id("goods-item").first.wait_for()
    assert await closed.count() == 0
