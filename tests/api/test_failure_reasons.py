"""Why a payment failed, over HTTP: the cashier's confirmation reply and the merchant's
order carry a reason per Alipay+ resultCode (issue 20, point 6), so that insufficient
balance, risk control and expiry never read alike."""

import pytest
from wallet_helpers import pay_body

from simulator.testing.journey import api_journey, cashier_action, open_cashier
from simulator.testing.sim import get_json, wait_for


@pytest.mark.parametrize(
    ("account", "code", "wallet_title", "shop_title"),
    [
        ("lowbalance@sandbox.test", "USER_BALANCE_NOT_ENOUGH", "Insufficient balance", "Not enough balance"),
        ("risk@sandbox.test", "RISK_REJECT", "Declined by risk control", "Declined by your wallet"),
    ],
)
async def test_a_decline_carries_its_reason_to_the_cashier_and_the_order(
    sim, http, account, code, wallet_title, shop_title
):
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as resp:
        order = await resp.json()
    cashier = await open_cashier(http, order["paymentUrl"])
    status, reply = await cashier_action(http, cashier, "confirm", {"account": account, "password": "111111"})
    assert (status, reply["resultCode"]) == (200, "4000")
    assert reply["reason"]["code"] == code and reply["reason"]["title"] == wallet_title

    async def failed():
        _, body = await get_json(http, f"{sim.urls['merchant']}/api/orders/{order['orderId']}")
        return body if body["status"] == "FAILED" else None

    settled = await wait_for(failed)
    assert settled["reason"]["code"] == code and settled["reason"]["title"] == shop_title
    # the paymentUrl opened again says the same, and a second confirmation is refused with it
    again = await open_cashier(http, order["paymentUrl"])
    assert wallet_title in again.html
    status, refused = await cashier_action(
        http, again, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 409 and refused["error"]["code"] == "PAYMENT_CLOSED" and refused["reason"]["code"] == code


async def test_a_paid_order_has_no_reason_and_an_open_one_neither(sim, http):
    paid = await api_journey(http, sim.urls)
    assert paid.order["status"] == "PAID" and paid.order["reason"] is None
    cancelled = await api_journey(http, sim.urls, action="cancel")
    assert cancelled.order["status"] == "PAYING" and cancelled.order["reason"] is None


async def test_a_payment_the_merchant_cancelled_says_so_in_the_cashier(sim, http, api):
    created = await api.call("pay", pay_body())
    assert (await api.call("cancelPayment", {"paymentId": created.body["paymentId"]})).code == "SUCCESS"
    cashier = await open_cashier(http, created.body["normalUrl"])
    assert "Cancelled by the merchant" in cashier.html and 'data-code="ORDER_IS_CANCELED"' in cashier.html
    status, refused = await cashier_action(
        http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 409 and refused["reason"] == {
        "code": "ORDER_IS_CANCELED",
        "title": "Cancelled by the merchant",
        "message": "The merchant cancelled this payment. No money was taken.",
    }
