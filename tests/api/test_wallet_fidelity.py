"""Where the platform's docs and Alipay's SDKs say how the API behaves, over HTTP with
real signatures (docs/fidelity.md has a row per behaviour, with its source): each API
family's pay and its required fields, forward-compatible unknown fields, the pending
path (PAYMENT_PENDING, then PAYMENT_RESULT), asynchronous refunds and their
notifications, the refund window, transactions[], and the continuation URLs of the pay
reply by terminal type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wallet_helpers import NotifyReceiver, advance, antom_pay_body, balance, new_id, pay_body, refund_body, snapshot

from simulator.core import api_paths
from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json, wait_for
from wallet_mock.api import WALLET

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


async def control(http, sim, path: str, body: dict | None = None, status: int = 201) -> dict:
    async with http.post(f"{sim.urls['wallet']}{path}", json=body) as resp:
        reply = await resp.json()
    assert resp.status == status, reply
    return reply


async def test_each_sdks_own_example_request_is_accepted_by_its_family(sim, api):
    antom = await api.call("pay", fixture("antom_sdk_pay_example.json"), prefix=api_paths.ANTOM_SANDBOX)
    assert antom.code == "PAYMENT_IN_PROCESS" and antom.body["paymentAmount"] == {"currency": "CNY", "value": "10000"}
    alipayplus = await api.call("pay", fixture("alipayplus_sdk_pay_example.json"))
    assert alipayplus.code == "PAYMENT_IN_PROCESS"
    # WAP: the app link and the app's package name too (the Alipay+ SDK asks for WAP/IOS)
    assert alipayplus.body["applinkUrl"] == alipayplus.body["normalUrl"] and alipayplus.body["appIdentifier"]
    # their notify URLs are off this machine: closed before anything is notified
    for reply in (antom, alipayplus):
        assert (await api.call("cancelPayment", {"paymentId": reply.body["paymentId"]})).code == "SUCCESS"
    # each family's shape is its own: the Antom example at /aps lacks order.env
    crossed = await api.call("pay", fixture("antom_sdk_pay_example.json"), valid_request=False)
    assert (crossed.code, crossed.body["result"]["resultMessage"]) == ("PARAM_ILLEGAL", "order.env is required")


ANTOM_MISSING = {
    "productCode": "productCode is required",
    "env": "env is required",
    "paymentMethod": "paymentMethod is required",
    "paymentRedirectUrl": "paymentRedirectUrl is required",
    "order": "order is required",
    "paymentAmount": "paymentAmount is required",
    "paymentRequestId": "paymentRequestId is required",
}
ALIPAYPLUS_MISSING = {
    "order": "order is required",
    "paymentAmount": "paymentAmount is required",
    "paymentRequestId": "paymentRequestId is required",
}


async def test_a_missing_required_field_is_param_illegal_naming_it_and_nothing_is_written(sim, api):
    before = await snapshot(sim)
    cases = [(api_paths.ANTOM, antom_pay_body, ANTOM_MISSING), (api_paths.ALIPAYPLUS, pay_body, ALIPAYPLUS_MISSING)]
    for prefix, make, missing in cases:
        for field, message in missing.items():
            body = {k: v for k, v in make().items() if k != field}
            reply = await api.call("pay", body, prefix=prefix, valid_request=False)
            assert (reply.code, reply.status) == ("PARAM_ILLEGAL", "F"), (prefix, field)
            assert reply.body["result"]["resultMessage"] == message, (prefix, field)
    rules = [
        (api_paths.ALIPAYPLUS, pay_body(order={"referenceOrderId": "O", "orderDescription": "d"}), "order.env"),
        (
            api_paths.ALIPAYPLUS,
            pay_body(order=pay_body()["order"] | {"env": {"terminalType": "APP"}}),
            "order.env.osType is required when order.env.terminalType is APP",
        ),
        (api_paths.ANTOM, antom_pay_body(productCode="AGREEMENT_PAYMENT"), "this pay is Cashier Payment"),
        (api_paths.ANTOM, antom_pay_body(productCode="CASH"), "productCode must be one of"),
        (api_paths.ANTOM, antom_pay_body(env={"terminalType": "MINI_APP"}), "appId is required"),
        (api_paths.ANTOM, antom_pay_body(paymentMethod={}), "paymentMethod.paymentMethodType is required"),
        (
            api_paths.ANTOM,
            antom_pay_body(paymentMethod={"paymentMethodType": "CONNECT_WALLET"}),
            "settlementStrategy is required",
        ),
        (api_paths.ANTOM, antom_pay_body(env={"terminalType": "TV"}), "env.terminalType must be one of"),
    ]
    for prefix, body, says in rules:
        reply = await api.call("pay", body, prefix=prefix, valid_request=False)
        assert reply.code == "PARAM_ILLEGAL" and says in reply.body["result"]["resultMessage"], (says, reply.body)
    assert await snapshot(sim) == before
    # and what the rules ask for is enough
    ok = antom_pay_body(env={"terminalType": "MINI_APP"}, appId="2021000000000001")
    assert (await api.call("pay", ok, prefix=api_paths.ANTOM)).code == "PAYMENT_IN_PROCESS"


async def test_unknown_fields_are_accepted_kept_and_ignored_in_both_families(sim, api):
    wallet = sim.app("wallet")[WALLET]
    for prefix, body in ((api_paths.ALIPAYPLUS, pay_body()), (api_paths.ANTOM, antom_pay_body())):
        body |= {"taxCalculationId": "TAX-1", "somethingNew": {"nested": [1, 2]}}
        body["order"]["orderFlavour"] = "oat"
        reply = await api.call("pay", body, prefix=prefix)
        assert reply.code == "PAYMENT_IN_PROCESS", (prefix, reply.body)
        stored = await wallet.payment(reply.body["paymentId"])
        assert stored.request == body  # kept as received
    refund = await api.call("refund", refund_body("20261125114000000000000000000000", "1", futureField=True))
    assert refund.code == "ORDER_NOT_EXIST"  # read past the unknown field to the real answer


async def _pay_processing(api, http, sim, notify_url: str, settle_to: str) -> dict:
    await control(http, sim, "/_sim/outcomes", {"outcome": f"PROCESSING_THEN_{settle_to}"})
    created = await api.call("pay", pay_body(paymentNotifyUrl=notify_url))
    cashier = await open_cashier(api.http, created.body["normalUrl"])
    status, confirmed = await cashier_action(
        api.http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert (status, confirmed["resultCode"]) == (200, "8000")
    return created.body


@pytest.mark.parametrize("settle_to", ["SUCCESS", "FAIL"])
async def test_a_processing_payment_is_notified_pending_then_with_its_result(sim, api, http, settle_to):
    receiver = NotifyReceiver(api.creds["walletPublicKey"], api.creds["merchantPrivateKey"])
    async with receiver as notify_url:
        created = await _pay_processing(api, http, sim, notify_url, settle_to)
        ref = {"paymentId": created["paymentId"]}

        async def notified(n: int):
            return len(receiver.received) >= n

        await wait_for(lambda: notified(1))
        pending = receiver.received[0]["body"]
        assert pending["notifyType"] == "PAYMENT_PENDING" and pending["result"]["resultStatus"] == "U"
        assert pending["result"]["resultCode"] == "PAYMENT_IN_PROCESS" and "paymentTime" not in pending
        inquiry = await api.call("inquiryPayment", ref)
        assert (inquiry.body["paymentStatus"], inquiry.body["paymentResultCode"]) == ("PENDING", "PAYMENT_IN_PROCESS")
        await control(http, sim, f"/_sim/payments/{created['paymentId']}/settle", status=200)
        await wait_for(lambda: notified(2))
    final = receiver.received[1]["body"]
    assert final["notifyType"] == "PAYMENT_RESULT" and receiver.received[1]["valid"]
    assert final["result"]["resultStatus"] == ("S" if settle_to == "SUCCESS" else "F")
    assert (await api.call("inquiryPayment", ref)).body["paymentStatus"] == settle_to


async def test_the_reference_merchant_keeps_the_order_paying_on_a_pending_notification(sim, http):
    await control(http, sim, "/_sim/outcomes", {"outcome": "PROCESSING_THEN_SUCCESS"})
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as resp:
        order = await resp.json()
    cashier = await open_cashier(http, order["paymentUrl"])
    status, _ = await cashier_action(http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"})
    assert status == 200
    wallet_url = sim.urls["wallet"]

    async def delivered(notify_type: str):
        _, payment = await get_json(http, f"{wallet_url}/_sim/payments/{order['paymentId']}")
        return [n for n in payment["notifications"] if n["notifyType"] == notify_type and n["status"] == "DELIVERED"]

    await wait_for(lambda: delivered("PAYMENT_PENDING"))  # acknowledged by the merchant, not refused
    _, mine = await get_json(http, f"{sim.urls['merchant']}/api/orders/{order['orderId']}")
    assert mine["status"] == "PAYING" and mine["fulfilled"] == 0
    await control(http, sim, f"/_sim/payments/{order['paymentId']}/settle", status=200)
    await wait_for(lambda: delivered("PAYMENT_RESULT"))
    _, mine = await get_json(http, f"{sim.urls['merchant']}/api/orders/{order['orderId']}")
    assert mine["status"] == "PAID" and mine["fulfilled"] == 1


async def test_an_asynchronous_refund_settles_later_and_inquiries_follow_it(sim, api, http):
    receiver = NotifyReceiver(api.creds["walletPublicKey"], api.creds["merchantPrivateKey"])
    async with receiver as notify_url:
        paid = await api.paid_payment("1000")
        await control(
            http, sim, "/_sim/refunds/outcomes", {"outcome": "PROCESSING_THEN_FAIL", "paymentId": paid["paymentId"]}
        )
        before = await balance(sim)
        body = refund_body(paid["paymentId"], "600", refundNotifyUrl=notify_url)
        processing = await api.call("refund", body)
        assert (processing.code, processing.status) == ("REFUND_IN_PROCESS", "U")
        assert processing.body["refundId"] and "refundTime" not in processing.body
        assert await balance(sim) == before  # nothing credited yet
        status = await api.call("inquiryRefund", {"refundId": processing.body["refundId"]})
        assert status.body["refundStatus"] == "PROCESSING"
        # what is processing is set aside: no second refund may take it
        over = await api.call("refund", refund_body(paid["paymentId"], "500"))
        assert over.code == "REFUND_AMOUNT_EXCEED_LIMIT"
        # nor can the payment be cancelled any more
        assert (await api.call("cancelPayment", {"paymentId": paid["paymentId"]})).code == "PROCESS_FAIL"
        inquiry = await api.call("inquiryPayment", {"paymentId": paid["paymentId"]})
        assert [(t["transactionType"], t["transactionStatus"]) for t in inquiry.body["transactions"]] == [
            ("REFUND", "PROCESSING"),
            ("REFUND", "FAIL"),
        ]
        # it settles on its own once its time has come (the wallet's clock)
        await advance(http, sim, 60)

        async def notified():
            return receiver.received

        await wait_for(notified)
    failed = await api.call("inquiryRefund", {"refundRequestId": body["refundRequestId"]})
    assert failed.body["refundStatus"] == "FAIL" and "refundTime" not in failed.body
    note = receiver.received[0]
    assert note["valid"] and note["body"]["notifyType"] == "REFUND_RESULT"
    assert note["body"]["refundStatus"] == "FAIL" and note["body"]["result"]["resultStatus"] == "F"
    assert await balance(sim) == before
    # the amount set aside is refundable again, and a replay gets the final answer
    assert (await api.call("refund", refund_body(paid["paymentId"], "1000"))).code == "SUCCESS"
    assert (await api.call("refund", body)).code == "PROCESS_FAIL"


async def test_a_refund_made_to_fail_or_past_the_refund_window_is_refused_and_not_notified(sim, api, http):
    paid = await api.paid_payment("1000")
    await control(http, sim, "/_sim/refunds/outcomes", {"outcome": "FAIL"})
    before = await snapshot(sim)
    refused = await api.call("refund", refund_body(paid["paymentId"], "100", refundNotifyUrl="http://127.0.0.1:9/r"))
    assert (refused.code, refused.status) == ("PROCESS_FAIL", "F")
    after = await snapshot(sim)
    assert after["refunded"] == before["refunded"] and after["notifications"] == before["notifications"]
    assert after["balances"] == before["balances"]
    assert (await api.call("refund", refund_body(paid["paymentId"], "100"))).code == "SUCCESS"  # only the next one
    # Alipay+: refunds within one calendar year of the payment
    await advance(http, sim, 366 * 24 * 3600)
    late = await api.call("refund", refund_body(paid["paymentId"], "100"))
    assert (late.code, late.status) == ("REFUND_WINDOW_EXCEED", "F")


async def test_refund_controls_refuse_what_they_cannot_do(sim, api, http):
    wallet = sim.urls["wallet"]
    for body in ({"outcome": "MAYBE"}, {"outcome": "FAIL", "count": 0}, {"outcome": "FAIL", "paymentId": 7}):
        async with http.post(f"{wallet}/_sim/refunds/outcomes", json=body) as resp:
            assert resp.status == 400 and (await resp.json())["error"]["code"] == "PARAM_ILLEGAL"
    async with http.post(f"{wallet}/_sim/refunds/{new_id('RF')}/settle") as resp:
        assert resp.status == 404
    paid = await api.paid_payment("1000")
    done = await api.call("refund", refund_body(paid["paymentId"], "100"))
    async with http.post(f"{wallet}/_sim/refunds/{done.body['refundId']}/settle", json={"to": "FAIL"}) as resp:
        assert resp.status == 409  # a synchronous refund is final
    await control(http, sim, "/_sim/refunds/outcomes", {"outcome": "PROCESSING_THEN_SUCCESS", "count": 2})
    _, queued = await get_json(http, f"{wallet}/_sim/refunds/outcomes")
    assert [(q["outcome"], q["remaining"]) for q in queued["outcomes"]] == [("PROCESSING_THEN_SUCCESS", 2)]
    async with http.delete(f"{wallet}/_sim/refunds/outcomes") as resp:
        assert (await resp.json())["cleared"] == 1


@pytest.mark.parametrize(
    ("terminal", "urls"),
    [
        ({"terminalType": "WEB"}, set()),
        ({"terminalType": "MINI_APP"}, set()),
        ({"terminalType": "WAP", "osType": "IOS"}, {"applinkUrl", "appIdentifier"}),
        ({"terminalType": "APP", "osType": "ANDROID"}, {"applinkUrl", "appIdentifier", "schemeUrl"}),
    ],
)
async def test_the_pay_reply_carries_the_urls_of_its_terminal_type(sim, api, terminal, urls):
    body = pay_body()
    body["order"]["env"] = terminal
    reply = await api.call("pay", body)
    assert reply.body["normalUrl"]
    assert {k for k in ("applinkUrl", "schemeUrl", "appIdentifier") if k in reply.body} == urls
    replay = await api.call("pay", body)  # an idempotent replay says the same
    assert {k: replay.body.get(k) for k in urls} == {k: reply.body[k] for k in urls}
