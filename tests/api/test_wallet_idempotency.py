"""Idempotency on paymentRequestId and refundRequestId as Alipay+ documents it: the same
request gets the same result, other key fields get REPEAT_REQ_INCONSISTENT, and
duplicates sent at the same moment make one payment or one refund."""

import asyncio
import copy
import hashlib
import json

import pytest
from wallet_helpers import balance, pay_body, refund_body, snapshot

from wallet_mock.api import WALLET

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")


async def test_the_same_pay_request_returns_the_same_payment(sim, api):
    body = pay_body("1500")
    first = await api.call("pay", body)
    # non-key fields may differ on a retry (Alipay+ compares the key fields only)
    retry = copy.deepcopy(body) | {"paymentNotifyUrl": "https://merchant.example/elsewhere"}
    second = await api.call("pay", retry)
    assert second.body == first.body | {"result": second.body["result"]}
    assert second.body["paymentId"] == first.body["paymentId"] and second.body["normalUrl"] == first.body["normalUrl"]
    assert (await snapshot(sim))["payments"] == 1


async def test_other_key_fields_under_the_same_request_id_are_inconsistent(sim, api):
    body = pay_body("1500")
    await api.call("pay", body)
    before = await snapshot(sim)
    changed = [
        body | {"paymentAmount": {"currency": "USD", "value": "1501"}},
        body
        | {
            "paymentAmount": {"currency": "EUR", "value": "1500"},
            "order": body["order"] | {"orderAmount": {"currency": "EUR", "value": "1500"}},
        },
        body | {"order": body["order"] | {"referenceOrderId": "ANOTHER-ORDER"}},
    ]
    for other in changed:
        reply = await api.call("pay", other)
        assert (reply.code, reply.status) == ("REPEAT_REQ_INCONSISTENT", "F"), other
    assert await snapshot(sim) == before


async def test_identical_pay_requests_at_once_make_one_payment(sim, api):
    body = pay_body("990")
    replies = await asyncio.gather(*(api.call("pay", body) for _ in range(10)))
    assert {r.body["paymentId"] for r in replies} == {replies[0].body["paymentId"]}
    assert {r.code for r in replies} == {"PAYMENT_IN_PROCESS"}
    assert (await snapshot(sim))["payments"] == 1


async def test_conflicting_pay_requests_at_once_one_wins(sim, api):
    body = pay_body("990")
    variants = [
        body
        | {
            "paymentAmount": {"currency": "USD", "value": str(990 + i)},
            "order": body["order"] | {"orderAmount": {"currency": "USD", "value": str(990 + i)}},
        }
        for i in range(6)
    ]
    replies = await asyncio.gather(*(api.call("pay", v) for v in variants))
    codes = sorted(r.code for r in replies)
    assert codes == ["PAYMENT_IN_PROCESS"] + ["REPEAT_REQ_INCONSISTENT"] * 5
    assert (await snapshot(sim))["payments"] == 1


async def test_the_same_refund_request_refunds_once(sim, api):
    paid = await api.paid_payment("1000")
    start = await balance(sim)
    body = refund_body(paid["paymentId"], "400")
    first = await api.call("refund", body)
    again = await api.call("refund", body | {"refundReason": "asked twice"})
    assert again.body == first.body and first.code == "SUCCESS"
    assert await balance(sim) - start == 400
    inconsistent = await api.call("refund", body | {"refundAmount": {"currency": "USD", "value": "401"}})
    assert (inconsistent.code, inconsistent.status) == ("REPEAT_REQ_INCONSISTENT", "F")
    other = await api.paid_payment("1000")
    moved = await api.call("refund", body | {"paymentId": other["paymentId"]})
    assert moved.code == "REPEAT_REQ_INCONSISTENT"
    assert await balance(sim) - start == 400 - 1000  # only the second payment's debit since


async def test_identical_refunds_at_once_make_one_refund(sim, api):
    paid = await api.paid_payment("1000")
    start = await balance(sim)
    body = refund_body(paid["paymentId"], "600")
    replies = await asyncio.gather(*(api.call("refund", body) for _ in range(10)))
    assert {r.code for r in replies} == {"SUCCESS"}
    assert len({r.body["refundId"] for r in replies}) == 1
    assert (await snapshot(sim))["refunds"] == 1 and await balance(sim) - start == 600


async def test_racing_refunds_never_exceed_what_was_captured(sim, api):
    paid = await api.paid_payment("1000")
    start = await balance(sim)
    bodies = [refund_body(paid["paymentId"], "300") for _ in range(8)]
    replies = await asyncio.gather(*(api.call("refund", b) for b in bodies))
    codes = sorted(r.code for r in replies)
    assert codes == ["REFUND_AMOUNT_EXCEED_LIMIT"] * 5 + ["SUCCESS"] * 3
    assert await balance(sim) - start == 900
    assert (await snapshot(sim))["refunded"] == 900


async def test_payments_and_refunds_stored_by_an_earlier_version_keep_their_answers(sim, api):
    # Before version 2 a fingerprint was the sha256 of json.dumps(key fields, sort_keys=True),
    # without a mark. Rows written then must still tell a replay from an inconsistent request.
    db = sim.app("wallet")[WALLET].db
    body = pay_body("1500")
    paid = await api.paid_payment(body=body)
    refund = refund_body(paid["paymentId"], "400")
    assert (await api.call("refund", refund)).code == "SUCCESS"

    def legacy(key: dict) -> str:
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()

    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE payments SET fingerprint = ? WHERE payment_id = ?",
            (
                legacy(
                    {
                        "paymentAmount": body["paymentAmount"],
                        "referenceOrderId": body["order"]["referenceOrderId"],
                        "orderAmount": body["order"].get("orderAmount"),
                        "productCode": "CASHIER_PAYMENT",
                    }
                ),
                paid["paymentId"],
            ),
        )
        await tx.execute(
            "UPDATE refunds SET fingerprint = ? WHERE refund_request_id = ?",
            (
                legacy({"paymentId": paid["paymentId"], "refundAmount": refund["refundAmount"]}),
                refund["refundRequestId"],
            ),
        )
    before = await snapshot(sim)
    again = await api.call("pay", body)
    assert again.body["paymentId"] == paid["paymentId"] and again.code == "SUCCESS"
    assert (
        await api.call("pay", body | {"paymentAmount": {"currency": "USD", "value": "1501"}})
    ).code == "REPEAT_REQ_INCONSISTENT"
    assert (await api.call("refund", refund)).code == "SUCCESS"
    assert (
        await api.call("refund", refund | {"refundAmount": {"currency": "USD", "value": "401"}})
    ).code == "REPEAT_REQ_INCONSISTENT"
    assert await snapshot(sim) == before
