"""refund and inquiryRefund: partial and full, several per payment up to what was
captured, the buyer credited exactly, refusals in Alipay+ terms."""

import pytest
from wallet_helpers import balance, new_id, pay_body, refund_body, snapshot

from simulator.testing.sim import get_json

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")


async def test_partial_refunds_up_to_the_captured_amount(sim, api):
    paid = await api.paid_payment("1000")
    payment_id = paid["paymentId"]
    start = await balance(sim)

    first = await api.call("refund", refund_body(payment_id, "300"))
    assert (first.code, first.status) == ("SUCCESS", "S")
    assert first.body["paymentId"] == payment_id and first.body["refundAmount"] == {"currency": "USD", "value": "300"}
    assert first.body["refundId"] and first.body["refundTime"]
    second = await api.call("refund", refund_body(payment_id, "700"))
    assert second.code == "SUCCESS" and second.body["refundId"] != first.body["refundId"]
    assert await balance(sim) - start == 1000

    over = await api.call("refund", refund_body(payment_id, "1"))
    assert (over.code, over.status) == ("REFUND_AMOUNT_EXCEED_LIMIT", "F")
    assert await balance(sim) - start == 1000
    _, payment = await get_json(api.http, f"{sim.urls['wallet']}/_sim/payments/{payment_id}")
    assert payment["refunded"] == "1000"


async def test_a_full_refund_in_one_go_and_inquiry_by_either_id(sim, api):
    paid = await api.paid_payment("2500", "JPY")
    body = refund_body(paid["paymentId"], "2500", "JPY")
    refund = await api.call("refund", body)
    assert refund.code == "SUCCESS"
    by_request = await api.call("inquiryRefund", {"refundRequestId": body["refundRequestId"]})
    by_id = await api.call("inquiryRefund", {"refundId": refund.body["refundId"]})
    for reply in (by_request, by_id):
        assert reply.code == "SUCCESS" and reply.body["refundStatus"] == "SUCCESS"
        assert reply.body["refundId"] == refund.body["refundId"]
        assert reply.body["refundAmount"] == {"currency": "JPY", "value": "2500"}
        assert reply.body["refundTime"] == refund.body["refundTime"]
    # the payment itself stays SUCCESS: a refund is beside it, not a state of it
    inquiry = await api.call("inquiryPayment", {"paymentId": paid["paymentId"]})
    assert inquiry.body["paymentStatus"] == "SUCCESS"


async def test_a_refused_refund_is_final_and_inquirable_as_fail(sim, api):
    paid = await api.paid_payment("500")
    body = refund_body(paid["paymentId"], "501")
    refused = await api.call("refund", body)
    assert refused.body == {
        "result": {
            "resultCode": "REFUND_AMOUNT_EXCEED_LIMIT",
            "resultStatus": "F",
            "resultMessage": "The refund amount exceeds the refundable amount.",
        }
    }
    assert (await api.call("refund", body)).code == "REFUND_AMOUNT_EXCEED_LIMIT"  # same answer again
    status = await api.call("inquiryRefund", {"refundRequestId": body["refundRequestId"]})
    assert status.code == "SUCCESS" and status.body["refundStatus"] == "FAIL" and "refundTime" not in status.body
    assert (await snapshot(sim))["refunded"] == 0


async def test_refunds_of_unpaid_closed_or_unknown_payments_are_refused(sim, api):
    open_payment = await api.call("pay", pay_body())
    before = await snapshot(sim)
    not_yet = await api.call("refund", refund_body(open_payment.body["paymentId"], "100"))
    assert (not_yet.code, not_yet.status) == ("ORDER_STATUS_INVALID", "F")
    assert await snapshot(sim) == before  # not final: nothing kept, the same request may come back

    await api.call("cancelPayment", {"paymentId": open_payment.body["paymentId"]})
    cancelled = await api.call("refund", refund_body(open_payment.body["paymentId"], "100"))
    assert cancelled.code == "ORDER_IS_CANCELED"  # Antom's code for a cancelled payment

    expired = await api.call("pay", pay_body())
    async with api.http.post(f"{sim.urls['wallet']}/_sim/payments/{expired.body['paymentId']}/expire") as resp:
        assert resp.status == 200
    closed = await api.call("refund", refund_body(expired.body["paymentId"], "100"))
    assert closed.code == "ORDER_IS_CLOSED"

    unknown = await api.call("refund", refund_body("20261125114000000000000000000000", "100"))
    assert unknown.code == "ORDER_NOT_EXIST"
    missing = await api.call("inquiryRefund", {"refundRequestId": new_id("NOPE")})
    assert (missing.code, missing.status) == ("REFUND_NOT_EXIST", "F")


async def test_refund_currency_must_be_the_payments(sim, api):
    paid = await api.paid_payment("1000", "USD")
    before = await snapshot(sim)
    other = await api.call("refund", refund_body(paid["paymentId"], "1000", "EUR"))
    assert other.code == "CURRENCY_NOT_SUPPORT"
    unknown = await api.call("refund", refund_body(paid["paymentId"], "1000", "XYZ"), valid_request=False)
    assert unknown.code == "CURRENCY_NOT_SUPPORT"
    assert await snapshot(sim) == before


async def test_refund_by_payment_request_id_alipay_plus_style(sim, api):
    paid = await api.paid_payment("800")
    body = refund_body(paid["paymentId"], "800")
    del body["paymentId"]
    body["paymentRequestId"] = paid["paymentRequestId"]
    refund = await api.call("refund", body)
    assert refund.code == "SUCCESS" and refund.body["paymentId"] == paid["paymentId"]
