"""pay, inquiryPayment and cancelPayment over HTTP with real signatures: statuses and
result codes as Alipay+ writes them, every path prefix, every currency shape."""

import re
from datetime import UTC, datetime

import pytest
from wallet_helpers import antom_pay_body, balance, new_id, pay_body, refund_body, snapshot

from simulator.core import api_paths
from simulator.testing.journey import cashier_action, open_cashier
from wallet_mock.api import WALLET
from wallet_mock.models import cancel_window_end

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")


async def test_pay_then_inquire_while_open_and_after_paying(sim, api):
    body = pay_body("1234")
    created = await api.call("pay", body)
    assert created.body["result"] == {
        "resultCode": "PAYMENT_IN_PROCESS",
        "resultStatus": "U",
        "resultMessage": "The payment is being processed.",
    }
    assert created.body["normalUrl"].startswith(sim.urls["wallet"] + "/cashier/")
    assert created.body["paymentAmount"] == {"currency": "USD", "value": "1234"}
    payment_id = created.body["paymentId"]

    open_ = await api.call("inquiryPayment", {"paymentId": payment_id})
    assert open_.code == "SUCCESS" and open_.body["paymentStatus"] == "PROCESSING"
    assert open_.body["paymentResultCode"] == "PAYMENT_IN_PROCESS"

    cashier = await open_cashier(api.http, created.body["normalUrl"])
    status, confirmed = await cashier_action(
        api.http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 200 and confirmed["resultCode"] == "9000"

    paid = await api.call("inquiryPayment", {"paymentRequestId": body["paymentRequestId"]})
    assert paid.body["paymentStatus"] == "SUCCESS" and paid.body["paymentResultCode"] == "SUCCESS"
    assert paid.body["paymentId"] == payment_id and "paymentTime" in paid.body
    # pay again with the same request: the same payment, now with its final result
    again = await api.call("pay", body)
    assert (again.code, again.status) == ("SUCCESS", "S")
    assert again.body["paymentId"] == payment_id and "normalUrl" not in again.body


async def test_every_prefix_and_antom_cancel_path_answer(api):
    for prefix, body in (
        (api_paths.ALIPAYPLUS, pay_body()),
        (api_paths.ANTOM, antom_pay_body()),
        (api_paths.ANTOM_SANDBOX, antom_pay_body()),
    ):
        created = await api.call("pay", body, prefix=prefix)
        assert created.code == "PAYMENT_IN_PROCESS"
        found = await api.call("inquiryPayment", {"paymentId": created.body["paymentId"]}, prefix=prefix)
        assert found.body["paymentStatus"] == "PROCESSING"
        cancelled = await api.call("cancel", {"paymentId": created.body["paymentId"]}, prefix=prefix)
        assert cancelled.code == "SUCCESS" and cancelled.body["paymentId"] == created.body["paymentId"]
    missing = await api.client.post(api.url("capture"), {"paymentId": "1"})
    assert missing.status == 404 and missing.json()["result"]["resultCode"] == "NO_INTERFACE_DEF"
    assert missing.response_signature_valid is True


async def test_cancel_closes_an_open_payment_once_and_for_all(sim, api):
    created = await api.call("pay", pay_body())
    ref = {"paymentRequestId": created.body["paymentRequestId"]}
    first = await api.call("cancelPayment", ref)
    assert first.code == "SUCCESS" and re.match(r"\d{4}-\d\d-\d\dT", first.body["cancelTime"])
    assert (await api.call("cancelPayment", ref)).code == "SUCCESS"  # idempotent
    inquiry = await api.call("inquiryPayment", ref)
    assert inquiry.body["paymentStatus"] == "CANCELLED" and inquiry.body["paymentResultCode"] == "ORDER_IS_CANCELED"
    cashier = await open_cashier(api.http, created.body["normalUrl"])
    status, reply = await cashier_action(
        api.http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 409 and reply["error"]["code"] == "PAYMENT_CLOSED"


async def test_a_paid_payment_cancelled_in_its_window_goes_back_to_the_buyer_in_full(sim, api):
    # Antom: a paid transaction cancelled until 00:15 (UTC+8) the day after is refunded in full.
    before = await balance(sim)
    paid = await api.paid_payment("1000")
    assert await balance(sim) == before - 1000
    # a minute before the window ends, on the wallet's clock
    end = cancel_window_end(datetime.fromisoformat(paid["paymentCreateTime"]))
    await advance(api.http, sim, (end - datetime.now(UTC)).total_seconds() - 60)
    ref = {"paymentRequestId": paid["paymentRequestId"]}
    cancelled = await api.call("cancelPayment", ref)
    assert cancelled.code == "SUCCESS" and cancelled.body["paymentId"] == paid["paymentId"]
    assert await balance(sim) == before
    assert (await api.call("cancelPayment", ref)).code == "SUCCESS"  # idempotent: not credited twice
    assert await balance(sim) == before
    inquiry = await api.call("inquiryPayment", ref)
    assert inquiry.body["paymentStatus"] == "CANCELLED" and inquiry.body["paymentResultCode"] == "ORDER_IS_CANCELED"
    # the give-back shows as a CANCEL transaction (the SDK's Transaction)
    [cancel] = inquiry.body["transactions"]
    assert cancel["transactionType"] == "CANCEL" and cancel["transactionStatus"] == "SUCCESS"
    assert cancel["transactionAmount"] == {"currency": "USD", "value": "1000"}
    # Antom's release notes: the refund API answers ORDER_IS_CANCELED for a cancelled payment
    refund = await api.call("refund", refund_body(paid["paymentId"], "100"))
    assert (refund.code, refund.status) == ("ORDER_IS_CANCELED", "F")
    assert await balance(sim) == before


async def test_a_paid_payment_past_its_window_or_refunded_in_part_stays_paid(sim, api):
    in_part = await api.paid_payment("1000")
    assert (await api.call("refund", refund_body(in_part["paymentId"], "300"))).code == "SUCCESS"
    late = await api.paid_payment("500")
    before = await snapshot(sim)
    # Antom's cancellation page: a transaction with any refund cannot be cancelled: PROCESS_FAIL
    refused = await api.call("cancelPayment", {"paymentId": in_part["paymentId"]})
    assert (refused.code, refused.status) == ("PROCESS_FAIL", "F")
    end = cancel_window_end(datetime.fromisoformat(late["paymentCreateTime"]))
    await advance(api.http, sim, (end - datetime.now(UTC)).total_seconds() + 1)
    refused = await api.call("cancelPayment", {"paymentId": late["paymentId"]})
    assert (refused.code, refused.status) == ("CANCEL_WINDOW_EXCEED", "F")
    assert "refund it instead" in refused.body["result"]["resultMessage"]
    assert await snapshot(sim) == before
    for ref in ({"paymentId": in_part["paymentId"]}, {"paymentId": late["paymentId"]}):
        assert (await api.call("inquiryPayment", ref)).body["paymentStatus"] == "SUCCESS"
    assert (await api.call("refund", refund_body(late["paymentId"], "500"))).code == "SUCCESS"  # the way left


async def advance(http, sim, seconds: float) -> None:
    async with http.post(f"{sim.urls['wallet']}/_sim/clock/advance", json={"seconds": seconds}) as resp:
        assert resp.status == 200, await resp.text()


async def test_unknown_payments_are_order_not_exist(sim, api):
    before = await snapshot(sim)
    for endpoint in ("inquiryPayment", "cancelPayment"):
        for ref in ({"paymentId": "20261125114000000000000000000000"}, {"paymentRequestId": new_id("NOPE")}):
            reply = await api.call(endpoint, ref)
            assert (reply.code, reply.status) == ("ORDER_NOT_EXIST", "F")
    assert await snapshot(sim) == before


async def test_low_balance_fails_with_user_balance_not_enough(api):
    # lowbalance@sandbox.test holds USD 1.00; the payment is USD 10.00
    body = pay_body("1000")
    created = await api.paid_payment(account="lowbalance@sandbox.test", body=body)
    inquiry = await api.call("inquiryPayment", {"paymentId": created["paymentId"]})
    assert inquiry.body["paymentStatus"] == "FAIL"
    assert inquiry.body["paymentResultCode"] == "USER_BALANCE_NOT_ENOUGH"
    replay = await api.call("pay", body)  # the final result, every time
    assert (replay.code, replay.status) == ("USER_BALANCE_NOT_ENOUGH", "F")
    assert replay.body["paymentId"] == created["paymentId"]


async def test_unsupported_currency_is_refused_and_nothing_is_written(sim, api):
    before = await snapshot(sim)
    for currency in ("XYZ", "CHF"):
        reply = await api.call("pay", pay_body("1000", currency), valid_request=False)
        assert (reply.code, reply.status) == ("CURRENCY_NOT_SUPPORT", "F"), reply.body
    mixed = pay_body("1000")
    mixed["order"]["orderAmount"] = {"currency": "EUR", "value": "1000"}
    assert (await api.call("pay", mixed)).code == "CURRENCY_NOT_SUPPORT"
    assert await snapshot(sim) == before


async def test_zero_two_and_three_decimal_currencies_move_exact_minor_units(sim, api):
    for currency, value in (("JPY", "1200"), ("USD", "1099"), ("BHD", "1250"), ("KRW", "15000")):
        before = await balance(sim, currency)
        paid = await api.paid_payment(value, currency)
        assert paid["paymentAmount"] == {"currency": currency, "value": value}
        assert before - await balance(sim, currency) == int(value)
    for currency, value in (("JPY", "12.00"), ("BHD", "1.250"), ("USD", "10.99"), ("USD", "-5"), ("USD", "1e3")):
        reply = await api.call("pay", pay_body(value, currency), valid_request=False)
        assert reply.code == "PARAM_ILLEGAL", (currency, value)


async def test_an_internal_failure_is_a_signed_unknown_exception(sim, api, monkeypatch):
    wallet = sim.app("wallet")[WALLET]

    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(wallet, "find_payment", broken)
    reply = await api.call("inquiryPayment", {"paymentId": "20261125114000000000000000000000"})
    assert reply.exchange.status == 200
    assert reply.body == {
        "result": {
            "resultCode": "UNKNOWN_EXCEPTION",
            "resultStatus": "U",
            "resultMessage": "An API call has failed, which is caused by unknown reasons.",
        }
    }
    assert b"secret detail" not in reply.exchange.response_body and b"Traceback" not in reply.exchange.response_body


@pytest.mark.apps("wallet", "merchant")  # the order, with its items, comes from the merchant
async def test_the_cashier_shows_the_items_and_every_account_with_its_balance_a_locked_one_disabled(sim, http):
    async with http.post(
        f"{sim.urls['merchant']}/api/orders",
        json={"items": [{"goodsId": "latte", "quantity": 2}, {"goodsId": "bagel", "quantity": 1}]},
    ) as resp:
        order = await resp.json()
    cashier = await open_cashier(http, order["paymentUrl"])
    for _ in range(5):  # wrong passwords lock the account
        await cashier_action(http, cashier, "confirm", {"account": "risk@sandbox.test", "password": "000000"})
    page = (await open_cashier(http, order["paymentUrl"])).html
    amount = re.search(r'data-testid="cashier-amount">([^<]+)<', page).group(1)
    assert re.fullmatch(r"USD \d+\.\d\d", amount)
    assert page.count(amount) == 3  # the header, the pay button, the result view
    assert "<li>Caffè Latte &times; 2</li><li>Sesame Bagel &times; 1</li>" in page
    options = dict(re.findall(r'<option value="([^"]+)" ([^>]*)>', page))
    assert options["buyer@sandbox.test"].strip() == "selected"
    assert options["risk@sandbox.test"].strip() == "disabled"
    assert re.search(r"Sandbox Buyer · USD [\d,]+\.\d\d\s*</option>", page)
    assert re.search(r"· USD [\d,]+\.\d\d · locked\s*</option>", page)
