"""``tradepay_sim.pay(payment_url, ...)``: the buyer pays a paymentUrl with no browser,
one the reference merchant made or one made by a signed call of your own; and
``journey(password=...)`` returns the cashier's refusal instead of raising."""

import pytest

from simulator.testing.client import SimCallError


def test_pay_a_payment_url_the_merchant_made(tradepay_sim):
    journey = tradepay_sim.journey(action="cancel")
    assert journey.result_code == "6001"
    paid = tradepay_sim.pay(journey.payment_url)
    assert paid.result_code == "9000" and paid.payment_status == "SUCCESS" and paid.refusal is None
    assert paid.order_id == journey.order_id and paid.payment_id == journey.payment_id
    notification = tradepay_sim.wait_for_notification(journey.payment_id)
    assert notification["status"] == "DELIVERED"
    assert tradepay_sim.order(journey.order_id)["status"] == "PAID"


def test_pay_a_payment_of_a_signed_call_of_your_own(tradepay_sim):
    created = tradepay_sim.call(
        "pay",
        {
            "paymentRequestId": "PR-plugin-pay-1",
            "paymentAmount": {"currency": "USD", "value": "300"},
            "order": {
                "referenceOrderId": "ORD-plugin-pay-1",
                "orderDescription": "One tea",
                "orderAmount": {"currency": "USD", "value": "300"},
                "env": {"terminalType": "MINI_APP"},
            },
            "paymentMethod": {"paymentMethodType": "CONNECT_WALLET"},
            "paymentFactor": {"isCashierPayment": True},
        },
    )
    before = tradepay_sim.balance("lowbalance@sandbox.test")
    refused = tradepay_sim.pay(created["normalUrl"], account="lowbalance@sandbox.test")
    assert refused.result_code == "4000" and refused.payment_status == "FAIL"
    assert tradepay_sim.balance("lowbalance@sandbox.test") == before


def test_pay_by_payment_id_and_cancel(tradepay_sim):
    journey = tradepay_sim.journey(action="cancel")
    cancelled = tradepay_sim.pay(payment_id=journey.payment_id, action="cancel")
    assert cancelled.result_code == "6001"


def test_a_wrong_password_is_a_refusal_not_an_assertion_error(tradepay_sim):
    journey = tradepay_sim.journey(password="000000")
    assert journey.result_code is None
    assert journey.refusal["code"] == "WRONG_PASSWORD" and journey.refusal["triesLeft"] == 4
    assert journey.order["status"] in ("CREATED", "PAYING")
    again = tradepay_sim.pay(journey.payment_url, password="000000")
    assert again.result_code is None and again.refusal["triesLeft"] == 3
    assert tradepay_sim.pay(journey.payment_url).result_code == "9000"


def test_pay_says_what_is_wrong_with_its_call(tradepay_sim):
    with pytest.raises(SimCallError, match="not a cashier of this wallet") as raised:
        tradepay_sim.pay("http://example.invalid/cashier/abc")
    assert raised.value.status == 400
    with pytest.raises(TypeError):
        tradepay_sim.pay()


async def test_pay_awaited(tradepay_sim):
    journey = await tradepay_sim.aio.journey(action="cancel")
    assert (await tradepay_sim.aio.pay(journey.payment_url)).result_code == "9000"
