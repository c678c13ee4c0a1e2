"""A QA suite for the mini program checkout, driven in a browser against tradepay-sim.

Each test gets a fresh sandbox (``tradepay_sim``), clicks through the demo shop and the
wallet's cashier, and checks what the user sees and what the merchant server was told."""

import pytest

from simulator.testing.pages import add_to_cart, open_shop, pay_in_cashier, press_pay, result_page, wait_for_status


async def checkout(page, tradepay_sim, *, account=None):
    """Buy the first item on the menu; returns what the result page shows."""
    await open_shop(page, tradepay_sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    cashier = await press_pay(page)
    await pay_in_cashier(cashier, account=account)
    return await result_page(page)


async def test_pay_and_the_merchant_is_notified(page, tradepay_sim):
    shown = await checkout(page, tradepay_sim)
    assert shown["resultCode"] == "9000"
    await wait_for_status(page, "PAID")
    order = tradepay_sim.order(shown["orderId"])
    notification = await tradepay_sim.aio.wait_for_notification(order["paymentId"])
    assert notification["history"][0]["outcome"] == "ACKNOWLEDGED"
    steps = {e["step"] for e in await tradepay_sim.aio.events(shown["orderId"]) if e["step"]}
    assert steps == set(range(1, 21)), tradepay_sim.trace(shown["orderId"])


@pytest.mark.parametrize(
    ("outcome", "code", "status"),
    [
        ("INSUFFICIENT_BALANCE", "4000", "FAILED"),
        ("NETWORK_LOST_AFTER_DEBIT", "6004", "PAID"),  # charged, though the mini program was not told
    ],
)
async def test_forced_outcome(page, tradepay_sim, outcome, code, status):
    tradepay_sim.force_outcome(outcome)
    shown = await checkout(page, tradepay_sim)
    assert shown["resultCode"] == code
    await wait_for_status(page, status)


async def test_wallet_drops_the_reply_and_the_shop_retries(page, tradepay_sim):
    # The wallet makes the payment, then the connection drops before the merchant hears.
    tradepay_sim.fault("pay", "drop", phase="after")
    await open_shop(page, tradepay_sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    await page.get_by_test_id("pay-button").click()
    await page.get_by_test_id("mp-dialog").filter(has_text="try again").wait_for()
    # Before the shop retries: the merchant has no paymentId, yet the wallet holds the payment.
    (order_id,) = await tradepay_sim.aio.order_ids()
    order = await tradepay_sim.aio.order(order_id)
    assert order["paymentId"] is None
    made = await tradepay_sim.aio.call("inquiryPayment", {"paymentRequestId": order["paymentRequestId"]})
    assert made["result"]["resultCode"] == "SUCCESS", made
    await page.get_by_test_id("mp-confirm-ok").click()  # "Try again": the same paymentRequestId
    cashier = page.frame_locator("[data-testid=cashier-frame]")
    await pay_in_cashier(cashier)
    shown = await result_page(page)
    assert shown["resultCode"] == "9000"
    await wait_for_status(page, "PAID")
    payments = [e for e in tradepay_sim.events(shown["orderId"]) if e["step"] == 5 and e["kind"] == "step"]
    assert len(payments) == 1  # one payment, whatever the retries
    assert tradepay_sim.order(shown["orderId"])["paymentId"] == made["paymentId"]  # the one the lost call made
