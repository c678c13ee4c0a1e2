"""The miniprogram profile (the mini program platform's reference wallet API, "mpdev" v2)
over HTTP with real signatures, as a merchant registered with ``apiProfile: miniprogram``
meets it: every operation's success path, its idempotency, its documented errors, the
payment notification delivered and retried, requests copied from the reference pages
accepted, and the other profile's paths answering INVALID_API. Every request and reply
is checked against ``/openapi.json?profile=miniprogram``."""

from __future__ import annotations

import json
import time

import pytest
from wallet_helpers import (
    MINIPROGRAM,
    NotifyReceiver,
    advance,
    balance,
    mp_pay_body,
    new_id,
    pay_body,
    profile_api,
    reference_example,
    snapshot,
)

from simulator.core import api_paths, auth_codes
from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json, wait_for

pytestmark = pytest.mark.apps("wallet")

PAY, INQUIRY, CANCEL = "payments/pay", "payments/inquiryPayment", "payments/cancel"
REFUND, INQUIRY_REFUND, APPLY_TOKEN = "payments/refund", "payments/inquiryRefund", "authorizations/applyToken"


def received(receiver, n=1):
    async def check():
        return len(receiver.received) >= n or None

    return check


async def mp(sim, http, **kw):
    return await profile_api(sim, http, "miniprogram", **kw)


async def call(api, endpoint, body, **kw):
    return await api.call(endpoint, body, prefix=MINIPROGRAM, **kw)


async def paid(api, http, value="1000", body=None):
    reply = await call(api, PAY, body or mp_pay_body(value))
    assert reply.code == "PAYMENT_IN_PROCESS", reply.body
    cashier = await open_cashier(http, reply.body["redirectActionForm"]["redirectUrl"])
    status, confirmed = await cashier_action(
        http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 200 and confirmed["resultCode"] == "9000", confirmed
    return reply.body


async def test_pay_inquire_cancel_refund_and_inquire_the_refund(sim, http):
    api = await mp(sim, http)
    before = await balance(sim)
    body = mp_pay_body("1250")
    reply = await call(api, PAY, body)
    assert (reply.status, reply.code) == ("U", "PAYMENT_IN_PROCESS")
    assert reply.body["redirectActionForm"]["method"] == "GET"
    assert reply.body["redirectActionForm"]["redirectUrl"].startswith(f"{sim.urls['wallet']}/cashier/")
    assert "normalUrl" not in reply.body  # the Alipay+ name is not this profile's
    inquired = await call(api, INQUIRY, {"paymentRequestId": body["paymentRequestId"]})
    assert inquired.body["paymentStatus"] == "PROCESSING"
    paid_body = await paid(api, http, body=mp_pay_body("700"))
    assert await balance(sim) == before - 700
    inquired = await call(api, INQUIRY, {"paymentId": paid_body["paymentId"]})
    assert (inquired.code, inquired.body["paymentStatus"]) == ("SUCCESS", "SUCCESS")
    assert inquired.body["paymentAmount"] == {"currency": "USD", "value": "700"} and inquired.body["paymentTime"]
    # cancel the unpaid one: /v2/payments/cancel
    cancelled = await call(api, CANCEL, {"paymentId": reply.body["paymentId"]})
    assert cancelled.code == "SUCCESS" and cancelled.body["cancelTime"]
    inquired = await call(api, INQUIRY, {"paymentId": reply.body["paymentId"]})
    assert inquired.body["paymentStatus"] == "CANCELLED"
    # refund part of the paid one, then inquire the refund
    refund = {
        "refundRequestId": new_id("RF"),
        "paymentId": paid_body["paymentId"],
        "refundAmount": {"currency": "USD", "value": "200"},
        "refundReason": "one latte was cold",
        "extendInfo": "memo",
    }
    refunded = await call(api, REFUND, refund)
    assert refunded.code == "SUCCESS" and refunded.body["refundAmount"] == {"currency": "USD", "value": "200"}
    assert await balance(sim) == before - 500
    found = await call(api, INQUIRY_REFUND, {"refundId": refunded.body["refundId"]})
    assert (found.body["refundStatus"], found.body["refundReason"]) == ("SUCCESS", "one latte was cold")
    found = await call(api, INQUIRY_REFUND, {"refundRequestId": refund["refundRequestId"]})
    assert found.body["refundId"] == refunded.body["refundId"]


async def test_an_asynchronous_refund_replayed_after_it_settled_gets_its_final_answer(sim, http):
    """The refund reply is Alipay+'s less paymentId: REFUND_IN_PROCESS while the refund is,
    SUCCESS with its refundTime once it has settled, to a replay of the request too."""
    api = await mp(sim, http)
    paid_body = await paid(api, http)
    async with http.post(
        f"{sim.urls['wallet']}/_sim/refunds/outcomes",
        json={"outcome": "PROCESSING_THEN_SUCCESS", "paymentId": paid_body["paymentId"]},
    ) as resp:
        assert resp.status == 201, await resp.text()
    refund = {
        "refundRequestId": new_id("RF"),
        "paymentId": paid_body["paymentId"],
        "refundAmount": {"currency": "USD", "value": "300"},
    }
    processing = await call(api, REFUND, refund)
    assert (processing.code, processing.status) == ("REFUND_IN_PROCESS", "U")
    assert "refundTime" not in processing.body and "paymentId" not in processing.body
    await advance(http, sim, 60)

    async def settled():
        found = await call(api, INQUIRY_REFUND, {"refundId": processing.body["refundId"]})
        return found.body["refundStatus"] == "SUCCESS" or None

    await wait_for(settled)
    replayed = await call(api, REFUND, refund)
    assert (replayed.code, replayed.status) == ("SUCCESS", "S")
    assert replayed.body["refundId"] == processing.body["refundId"] and replayed.body["refundTime"]
    assert "paymentId" not in replayed.body


async def test_every_operation_is_idempotent(sim, http):
    api = await mp(sim, http)
    body = mp_pay_body("900")
    first = await call(api, PAY, body)
    again = await call(api, PAY, body)
    assert again.body["paymentId"] == first.body["paymentId"] and again.code == "PAYMENT_IN_PROCESS"
    changed = await call(api, PAY, {**body, "paymentAmount": {"currency": "USD", "value": "901"}})
    assert (changed.status, changed.code) == ("F", "REPEAT_REQ_INCONSISTENT")
    # cancelling twice is one cancel
    for _ in range(2):
        cancelled = await call(api, CANCEL, {"paymentRequestId": body["paymentRequestId"]})
        assert cancelled.code == "SUCCESS", cancelled.body
    # a paid payment replayed says SUCCESS and names no cashier
    paid_request = mp_pay_body("600")
    paid_body = await paid(api, http, body=paid_request)
    same = await call(api, PAY, paid_request)
    assert same.code == "SUCCESS" and "redirectActionForm" not in same.body
    assert same.body["paymentId"] == paid_body["paymentId"] and same.body["paymentTime"]
    # one refund per refundRequestId, however often it comes
    refund = {
        "refundRequestId": new_id("RF"),
        "paymentId": paid_body["paymentId"],
        "refundAmount": {"currency": "USD", "value": "100"},
    }
    replies = [await call(api, REFUND, refund) for _ in range(3)]
    assert {r.body["refundId"] for r in replies} == {replies[0].body["refundId"]}
    assert (await snapshot(sim))["refunded"] == 100
    other = await call(api, REFUND, {**refund, "refundAmount": {"currency": "USD", "value": "101"}})
    assert other.code == "REPEAT_REQ_INCONSISTENT"


async def _stored_request(sim, payment_id):
    from wallet_mock.api import WALLET

    p = await sim.app("wallet")[WALLET].payment(payment_id)
    return p.request


async def test_documented_errors_in_the_profiles_own_terms(sim, http):
    api = await mp(sim, http)
    before = await snapshot(sim)
    for body, code in (
        ({k: v for k, v in mp_pay_body().items() if k != "appId"}, "PARAM_ILLEGAL"),
        (mp_pay_body(appId="A" * 33), "PARAM_ILLEGAL"),
        (mp_pay_body(appId="app@shop"), "PARAM_ILLEGAL"),
        (mp_pay_body(productCode="IN_STORE_PAYMENT"), "PARAM_ILLEGAL"),
        (mp_pay_body(productCode="BARTER"), "PARAM_ILLEGAL"),
        (mp_pay_body(paymentAmount={"currency": "USD", "value": "1.5"}), "PARAM_ILLEGAL"),
        (mp_pay_body(paymentAmount={"currency": "XTS", "value": "100"}), "CURRENCY_NOT_SUPPORT"),
        (mp_pay_body(order={"goods": [{"goodsName": "latte", "goodsQuantity": "-5"}]}), "PARAM_ILLEGAL"),
        (mp_pay_body(extendInfo="x" * 4097), "PARAM_ILLEGAL"),
    ):
        reply = await call(api, PAY, body, valid_request=False)
        assert (reply.status, reply.code) == ("F", code), (body, reply.body)
    assert (await call(api, INQUIRY, {"paymentId": "nope"})).code == "ORDER_NOT_EXIST"
    assert (await call(api, INQUIRY, {}, valid_request=False)).code == "PARAM_ILLEGAL"
    assert (await call(api, CANCEL, {"paymentRequestId": "nope"})).code == "ORDER_NOT_EXIST"
    assert (await call(api, INQUIRY_REFUND, {"refundId": "nope"})).code == "REFUND_NOT_EXIST"
    paid_body = await paid(api, http, body=mp_pay_body("300"))
    over = {"refundRequestId": new_id("RF"), "paymentId": paid_body["paymentId"]}
    too_much = await call(api, REFUND, {**over, "refundAmount": {"currency": "USD", "value": "301"}})
    assert too_much.code == "REFUND_AMOUNT_EXCEED_LIMIT"
    # signatures: another key is INVALID_SIGNATURE, in the signed reply
    stranger = api.signed_client(private_pem=(await _other_key()))
    exchange = await stranger.post(api.url(PAY, MINIPROGRAM), mp_pay_body())
    assert exchange.response_signature_valid is True
    assert exchange.json()["result"]["resultCode"] == "INVALID_SIGNATURE"
    unknown = await api.client.post(f"{sim.urls['wallet']}{MINIPROGRAM}/payments/payMe", {})
    assert (unknown.status, unknown.json()["result"]["resultCode"]) == (404, "NO_INTERFACE_DEF")
    after = await snapshot(sim)
    assert after["payments"] == before["payments"] + 1  # only the paid one


async def _other_key() -> str:
    from simulator.core import signing

    return signing.generate_key_pair().private_pem


async def test_a_call_on_the_other_profile_gets_its_not_allowed_code(sim, http, api):
    mini = await mp(sim, http)
    # the miniprogram merchant on the Alipay+ paths: Alipay+'s INVALID_API
    for prefix in (api_paths.ALIPAYPLUS, api_paths.ANTOM):
        exchange = await mini.client.post(f"{sim.urls['wallet']}{prefix}/pay", pay_body())
        assert exchange.response_signature_valid is True
        assert exchange.json()["result"]["resultCode"] == "INVALID_API", exchange.json()
        assert exchange.json()["result"]["resultStatus"] == "F"
    # the sandbox merchant (alipayplus) on the mini program platform's paths
    for endpoint in (PAY, INQUIRY, CANCEL, REFUND, INQUIRY_REFUND, APPLY_TOKEN):
        exchange = await api.client.post(f"{sim.urls['wallet']}{MINIPROGRAM}/{endpoint}", mp_pay_body())
        assert exchange.json()["result"]["resultCode"] == "INVALID_API", (endpoint, exchange.json())
    assert (await snapshot(sim))["payments"] == 0
    # and each keeps its own: the sandbox merchant's Alipay+ pay still works
    assert (await api.call("pay", pay_body())).code == "PAYMENT_IN_PROCESS"


async def test_the_payment_notification_is_the_profiles_and_is_retried_until_acknowledged(sim, http):
    wallet = sim.urls["wallet"]
    receiver = NotifyReceiver("", "")
    async with receiver as notify_url:
        api = await mp(sim, http, notify_url=notify_url)
        receiver.wallet_public_pem = api.creds["walletPublicKey"]
        receiver.merchant_private_pem = api.creds["merchantPrivateKey"]
        # the first attempt is not acknowledged (its acknowledgement is lost)
        async with http.post(f"{wallet}/_sim/notifications/faults", json={"kind": "fail", "count": 1}) as resp:
            assert resp.status == 201, await resp.text()
        body = mp_pay_body("450")
        del body["paymentNotifyUrl"]  # the registered notify URL
        paid_body = await paid(api, http, body=body)
        await wait_for(received(receiver, 1))
        await advance(http, sim, 2 * 60)  # the schedule's second attempt
        await wait_for(received(receiver, 2))

        async def delivered():
            _, p = await get_json(http, f"{wallet}/_sim/payments/{paid_body['paymentId']}")
            return p["notifications"][0] if p["notifications"][0]["status"] == "DELIVERED" else None

        note = await wait_for(delivered)
    assert note["attempts"] == 2
    assert [h["outcome"] for h in note["history"]] == ["NOT_ACKNOWLEDGED", "ACKNOWLEDGED"]
    first, second = receiver.received
    assert first == second and first["valid"] is True and first["clientId"] == api.creds["clientId"]
    sent = first["body"]
    assert sent["paymentResult"] == {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "Success"}
    assert sent["paymentId"] == paid_body["paymentId"] and sent["paymentAmount"] == {"currency": "USD", "value": "450"}
    # the v2 notifyPayment's fields, no Alipay+ ones (notifyType, result)
    assert set(sent) <= set(reference_example("v2_notifypayment"))
    assert {"paymentId", "paymentRequestId", "paymentResult", "paymentAmount", "paymentTime"} <= set(sent)


async def test_an_expired_payment_is_notified_as_a_failure(sim, http):
    receiver = NotifyReceiver("", "")
    async with receiver as notify_url:
        api = await mp(sim, http, notify_url=notify_url)
        receiver.wallet_public_pem = api.creds["walletPublicKey"]
        receiver.merchant_private_pem = api.creds["merchantPrivateKey"]
        body = mp_pay_body("450")
        del body["paymentNotifyUrl"]
        reply = await call(api, PAY, body)
        async with http.post(f"{sim.urls['wallet']}/_sim/payments/{reply.body['paymentId']}/expire") as resp:
            assert resp.status == 200, await resp.text()
        await wait_for(received(receiver, 1))
    sent = receiver.received[0]["body"]
    assert sent["paymentResult"]["resultStatus"] == "F" and sent["paymentResult"]["resultCode"] == "ORDER_IS_CLOSED"
    inquired = await call(api, INQUIRY, {"paymentId": reply.body["paymentId"]})
    assert (inquired.body["paymentStatus"], inquired.body["paymentFailReason"]) == ("FAIL", "ORDER_IS_CLOSED")


async def test_reference_examples_copied_field_for_field_are_accepted(sim, http):
    api = await mp(sim, http)
    # pay, exactly as the page's example column writes it
    reply = await call(api, PAY, reference_example("v2_pay"))
    assert reply.code == "PAYMENT_IN_PROCESS", reply.body
    stored = await _stored_request(sim, reply.body["paymentId"])
    assert stored == reference_example("v2_pay")  # kept as received, unknown fields and all
    # inquiryPayment as written names a payment of the page's: ORDER_NOT_EXIST, an answer
    # in the API's terms; with this payment's paymentId (the one value the wallet issued)
    example = reference_example("v2_inquirypayment")
    assert (await call(api, INQUIRY, example)).code == "ORDER_NOT_EXIST"
    found = await call(api, INQUIRY, {**example, "paymentId": reply.body["paymentId"]})
    assert found.code == "SUCCESS" and found.body["paymentRequestId"] == "2019112719074101000700000077771xxxx"
    # cancel, extendInfo an object as in the page's example
    example = reference_example("v2_cancel")
    assert (await call(api, CANCEL, example)).code == "ORDER_NOT_EXIST"
    assert (await call(api, CANCEL, {**example, "paymentId": reply.body["paymentId"]})).code == "SUCCESS"
    assert (await call(api, INQUIRY_REFUND, reference_example("v2_inquiryrefund"))).code == "REFUND_NOT_EXIST"
    # applyToken: its authCode is the page's, not one this wallet issued
    example = reference_example("v2_applytoken")
    refused = await call(api, APPLY_TOKEN, example)
    assert refused.code == "PARAM_ILLEGAL" and "my.getAuthCode" in refused.body["result"]["resultMessage"]
    code = auth_codes.issue(("auth_base",), "buyer@sandbox.test")
    granted = await call(api, APPLY_TOKEN, {**example, "authClientId": api.creds["clientId"], "authCode": code})
    assert granted.code == "SUCCESS", granted.body


async def test_apply_token_redeems_a_get_auth_code_code_once(sim, http):
    api = await mp(sim, http)
    code = auth_codes.issue(("auth_base", "USER_ID"), "buyer@sandbox.test")
    body = {
        "appId": "3333010071465913",
        "authClientId": api.creds["clientId"],
        "grantType": "AUTHORIZATION_CODE",
        "authCode": code,
    }
    granted = await call(api, APPLY_TOKEN, body)
    assert granted.code == "SUCCESS"
    assert granted.body["customerId"] == "acct_buyer" and granted.body["accessToken"]
    assert granted.body["refreshToken"] != granted.body["accessToken"]
    again = await call(api, APPLY_TOKEN, body)
    assert (again.status, again.code) == ("F", "EXPIRED_CODE")  # single-use
    old = auth_codes.issue(("auth_base",), "buyer@sandbox.test", now=time.time() - 3600)
    assert (await call(api, APPLY_TOKEN, {**body, "authCode": old})).code == "EXPIRED_CODE"
    fresh = auth_codes.issue(("auth_base",), "buyer@sandbox.test")
    other_client = await call(api, APPLY_TOKEN, {**body, "authCode": fresh, "authClientId": "SOMEONE_ELSE"})
    assert other_client.code == "INVALID_AUTH_CLIENT"
    nobody = auth_codes.issue(("auth_base",), "nobody@sandbox.test")
    assert (await call(api, APPLY_TOKEN, {**body, "authCode": nobody})).code == "USER_NOT_EXIST"
    assert (await call(api, APPLY_TOKEN, {**body, "authCode": "SIMAC1.!!"})).code == "PARAM_ILLEGAL"
    missing = await call(api, APPLY_TOKEN, {k: v for k, v in body.items() if k != "authCode"}, valid_request=False)
    assert missing.code == "PARAM_ILLEGAL"
    # the refresh token replaces the access token once
    refresh = {**body, "grantType": "REFRESH_TOKEN", "refreshToken": granted.body["refreshToken"]}
    del refresh["authCode"]
    renewed = await call(api, APPLY_TOKEN, refresh)
    assert renewed.code == "SUCCESS" and renewed.body["customerId"] == "acct_buyer"
    assert renewed.body["accessToken"] != granted.body["accessToken"]
    assert (await call(api, APPLY_TOKEN, refresh)).code == "USED_REFRESH_TOKEN"
    # the journal keeps the calls, not the credentials in them
    _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events")
    journaled = json.dumps(events)
    assert "applyToken" in journaled
    for secret in (code, granted.body["accessToken"], granted.body["refreshToken"], renewed.body["accessToken"]):
        assert secret not in journaled
    # a spent code is remembered in the database, not in a cache
    from wallet_mock.api import WALLET

    wallet = sim.app("wallet")[WALLET]
    rows = await wallet.db.fetchall("SELECT customer_id, code_nonce FROM access_tokens")
    assert len(rows) == 2 and sum(r["code_nonce"] is not None for r in rows) == 1


async def test_each_profile_has_its_openapi_document(sim, http):
    wallet = sim.urls["wallet"]
    _, mini = await get_json(http, f"{wallet}/openapi.json?profile=miniprogram")
    signed = {p for p in mini["paths"] if not p.startswith("/_sim")}
    assert signed == {f"{MINIPROGRAM}/{e}" for e in (PAY, INQUIRY, CANCEL, REFUND, INQUIRY_REFUND, APPLY_TOKEN)}
    assert mini["paths"][f"{MINIPROGRAM}/{PAY}"]["post"]["x-profile"] == "miniprogram"
    assert "INVALID_API" in mini["paths"][f"{MINIPROGRAM}/{PAY}"]["post"]["x-result-codes"]
    assert mini["info"]["x-profiles"]["miniprogram"]["notAllowed"] == "INVALID_API"
    _, plus = await get_json(http, f"{wallet}/openapi.json?profile=alipayplus")
    assert not any(p.startswith(MINIPROGRAM) for p in plus["paths"])
    assert f"{api_paths.ALIPAYPLUS}/pay" in plus["paths"]
    _, every = await get_json(http, f"{wallet}/openapi.json")
    assert set(mini["paths"]) | set(plus["paths"]) <= set(every["paths"])
    status, refused = await get_json(http, f"{wallet}/openapi.json?profile=superapp")
    assert status == 400 and refused["error"]["code"] == "PARAM_ILLEGAL"


async def test_a_processing_payment_is_notified_once_final_and_an_asynchronous_refund_is_inquired(sim, http):
    """The platform has no PAYMENT_PENDING and no notifyRefund: a payment paid but still
    settling (8000) is PROCESSING to inquiryPayment and notified when final; an
    asynchronous refund answers REFUND_IN_PROCESS and is found by inquiryRefund."""
    wallet = sim.urls["wallet"]
    receiver = NotifyReceiver("", "")
    async with receiver as notify_url:
        api = await mp(sim, http, notify_url=notify_url)
        receiver.wallet_public_pem = api.creds["walletPublicKey"]
        receiver.merchant_private_pem = api.creds["merchantPrivateKey"]
        body = mp_pay_body("800")
        del body["paymentNotifyUrl"]
        async with http.post(
            f"{wallet}/_sim/outcomes",
            json={"outcome": "PROCESSING_THEN_SUCCESS", "paymentRequestId": body["paymentRequestId"]},
        ) as resp:
            assert resp.status == 201, await resp.text()
        reply = await call(api, PAY, body)
        cashier = await open_cashier(http, reply.body["redirectActionForm"]["redirectUrl"])
        status, confirmed = await cashier_action(
            http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
        )
        assert status == 200 and confirmed["resultCode"] == "8000", confirmed
        inquired = await call(api, INQUIRY, {"paymentId": reply.body["paymentId"]})
        assert inquired.body["paymentStatus"] == "PROCESSING"  # not Antom's PENDING
        _, p = await get_json(http, f"{wallet}/_sim/payments/{reply.body['paymentId']}")
        assert p["notifications"] == []  # nothing while it settles
        async with http.post(f"{wallet}/_sim/payments/{reply.body['paymentId']}/settle", json={}) as resp:
            assert resp.status == 200, await resp.text()
        await wait_for(received(receiver, 1))
        assert receiver.received[0]["body"]["paymentResult"]["resultCode"] == "SUCCESS"
        # an asynchronous refund: REFUND_IN_PROCESS, then settled; no notifyRefund is sent
        async with http.post(f"{wallet}/_sim/refunds/outcomes", json={"outcome": "PROCESSING_THEN_SUCCESS"}) as resp:
            assert resp.status == 201, await resp.text()
        refund = {
            "refundRequestId": new_id("RF"),
            "paymentId": reply.body["paymentId"],
            "refundAmount": {"currency": "USD", "value": "300"},
        }
        pending = await call(api, REFUND, {**refund, "refundNotifyUrl": notify_url}, valid_request=False)
        assert (pending.status, pending.code) == ("U", "REFUND_IN_PROCESS") and "refundTime" not in pending.body
        found = await call(api, INQUIRY_REFUND, {"refundId": pending.body["refundId"]})
        assert found.body["refundStatus"] == "PROCESSING"
        async with http.post(f"{wallet}/_sim/refunds/{pending.body['refundId']}/settle", json={}) as resp:
            assert resp.status == 200, await resp.text()
        found = await call(api, INQUIRY_REFUND, {"refundRequestId": refund["refundRequestId"]})
        assert found.body["refundStatus"] == "SUCCESS" and found.body["refundTime"]
        _, outbox = await get_json(http, f"{wallet}/_sim/notifications")
        assert [n["notifyType"] for n in outbox["notifications"]] == ["PAYMENT_RESULT"]
    assert len(receiver.received) == 1
