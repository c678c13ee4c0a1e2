"""The control plane: forced outcomes, faults on the wallet API and on notifications,
settle, expire, resend, reset — all through HTTP, as a test suite would use them."""

from datetime import datetime

import pytest
from wallet_helpers import wallet_api

from simulator.testing.journey import api_journey, cashier_action, open_cashier
from simulator.testing.sim import get_json, running_sim, wait_for


async def post(http, url, body=None):
    async with http.post(url, json=body if body is not None else {}) as resp:
        return resp.status, await resp.json()


async def balance(http, sim, login="buyer@sandbox.test", currency="USD"):
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    return int(next(a for a in body["accounts"] if a["loginId"] == login)["balances"][currency])


async def order_status(http, sim, order_id, **params):
    _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{order_id}", params=params)
    return order


async def payment(http, sim, payment_id):
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{payment_id}")
    return body


@pytest.mark.parametrize(
    ("outcome", "code", "status", "charged"),
    [
        ("SUCCESS", "9000", "SUCCESS", True),
        ("INSUFFICIENT_BALANCE", "4000", "FAIL", False),
        ("RISK_REJECT", "4000", "FAIL", False),
        ("USER_CANCEL", "6001", "INIT", False),
        ("PROCESSING_THEN_SUCCESS", "8000", "PROCESSING", False),
        ("NETWORK_LOST_BEFORE_DEBIT", "6002", "INIT", False),
        ("NETWORK_LOST_AFTER_DEBIT", "6004", "SUCCESS", True),
    ],
)
async def test_forced_outcome_applies_to_the_next_confirmation(sim, http, outcome, code, status, charged):
    start = await balance(http, sim)
    status_code, entry = await post(http, f"{sim.urls['wallet']}/_sim/outcomes", {"outcome": outcome})
    assert status_code == 201 and entry["outcome"] == outcome and entry["remaining"] == 1
    result = await api_journey(http, sim.urls, report=False)
    assert result.result_code == code
    assert (await payment(http, sim, result.payment_id))["status"] == status
    assert start - await balance(http, sim) == (900 if charged else 0)
    _, queued = await get_json(http, f"{sim.urls['wallet']}/_sim/outcomes")
    assert queued["outcomes"] == []  # used up
    again = await api_journey(http, sim.urls, report=False)
    assert again.result_code == "9000"  # only the next one


async def test_outcome_for_one_payment_request_leaves_others_alone(sim, http):
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
        target = await r.json()
    await post(
        http,
        f"{sim.urls['wallet']}/_sim/outcomes",
        {"outcome": "RISK_REJECT", "paymentRequestId": target["paymentRequestId"]},
    )
    other = await api_journey(http, sim.urls, report=False)
    assert other.result_code == "9000"
    cashier = await open_cashier(http, target["paymentUrl"])
    async with http.post(
        f"{cashier.origin}/cashier/{cashier.token}/confirm",
        json={"account": "buyer@sandbox.test", "password": "111111"},
        headers={"X-CSRF-Token": cashier.csrf},
    ) as r:
        assert (await r.json())["resultCode"] == "4000"


async def test_processing_payment_settles_on_demand(sim, http):
    await post(http, f"{sim.urls['wallet']}/_sim/outcomes", {"outcome": "PROCESSING_THEN_FAIL"})
    result = await api_journey(http, sim.urls, report=False)
    assert result.result_code == "8000"
    status, body = await post(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}/settle", {"to": "SUCCESS"})
    assert status == 200 and body["status"] == "SUCCESS"
    order = await wait_for(lambda: _final(http, sim, result.order_id))
    assert order["status"] == "PAID"
    status, body = await post(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}/settle")
    assert status == 409 and body["error"]["code"] == "ORDER_STATUS_INVALID"


async def _final(http, sim, order_id):
    order = await order_status(http, sim, order_id)
    return order if order["status"] not in ("CREATED", "PAYING") else None


async def test_expire_closes_an_open_payment(sim, http):
    await post(http, f"{sim.urls['wallet']}/_sim/outcomes", {"outcome": "USER_CANCEL"})
    result = await api_journey(http, sim.urls, report=False)
    status, body = await post(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}/expire")
    assert status == 200 and body["status"] == "FAIL" and body["resultCode"] == "ORDER_IS_CLOSED"
    order = await wait_for(lambda: _final(http, sim, result.order_id))
    assert order["status"] == "FAILED"
    cashier = await open_cashier(http, result.payment_url)
    assert "can no longer be paid" in cashier.html


async def wallet_knows(api, payment_request_id):
    """What the wallet holds for a paymentRequestId, asked on the wire as a merchant asks
    (signed inquiryPayment): the payment, or None for ORDER_NOT_EXIST."""
    reply = await api.call("inquiryPayment", {"paymentRequestId": payment_request_id})
    if reply.code == "ORDER_NOT_EXIST":
        return None
    assert reply.code == "SUCCESS", reply.body
    return reply.body


@pytest.mark.parametrize("kind", ["http_500", "http_503", "unknown_exception"])
async def test_fault_before_pay_gives_a_retryable_error_and_no_payment(sim, http, api, kind):
    await post(http, f"{sim.urls['wallet']}/_sim/faults", {"endpoint": "pay", "kind": kind})
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
        body = await r.json()
    assert r.status == 502 and body["error"]["retryable"] is True and body["orderId"]
    order = await order_status(http, sim, body["orderId"])
    assert order["status"] == "CREATED" and order["paymentId"] is None
    # "Before" means the wallet did nothing: it has no payment for this request at all
    # (an "after" fault would have made one the merchant never heard of).
    assert await wallet_knows(api, order["paymentRequestId"]) is None
    async with http.post(f"{sim.urls['merchant']}/api/orders/{body['orderId']}/pay") as r:
        retried = await r.json()
    assert r.status == 200 and retried["status"] == "PAYING" and retried["paymentUrl"]


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "drop"},
        {"kind": "malformed_json"},
        {"kind": "http_503", "phase": "after"},
    ],
)
async def test_reply_lost_after_pay_then_retry_makes_no_second_payment(sim, http, api, fault):
    await post(http, f"{sim.urls['wallet']}/_sim/faults", {"endpoint": "pay", **fault})
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
        body = await r.json()
    assert r.status == 502 and body["error"]["code"] == "WALLET_UNAVAILABLE"
    order = await order_status(http, sim, body["orderId"])
    assert order["paymentId"] is None  # the merchant never heard the reply
    # "After" means the wallet did the work before the reply was lost: the payment exists
    # before any retry (a fault acting before the call would leave nothing here).
    made = await wallet_knows(api, order["paymentRequestId"])
    assert made is not None and made["paymentStatus"] == "PROCESSING", made
    async with http.post(f"{sim.urls['merchant']}/api/orders/{body['orderId']}/pay") as r:
        retried = await r.json()
    assert r.status == 200 and retried["paymentId"] == made["paymentId"]
    # The first call created the payment; the retry found it by its paymentRequestId.
    _, events = await get_json(
        http, f"{sim.urls['wallet']}/_sim/events", params={"paymentRequestId": retried["paymentRequestId"]}
    )
    created = [e for e in events["events"] if e["step"] == 5]
    assert len(created) == 1 and created[0]["paymentId"] == retried["paymentId"]


async def test_merchant_timeout_on_a_slow_wallet_then_retry(tmp_path, keys_template, http):
    async with running_sim(tmp_path / "d", keys_from=keys_template, merchant_wallet_timeout=0.5) as sim:
        await post(http, f"{sim.urls['wallet']}/_sim/faults", {"endpoint": "pay", "kind": "delay", "delayMs": 1500})
        async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
            body = await r.json()
        assert r.status == 502 and "try again" in body["error"]["message"].lower()
        # The delay acts after the wallet's work: the payment exists, its reply is still on
        # its way. The retry comes now, while it is, and must find that payment.
        order = await order_status(http, sim, body["orderId"])
        made = await wallet_knows(await wallet_api(sim, http), order["paymentRequestId"])
        assert made is not None
        async with http.post(f"{sim.urls['merchant']}/api/orders/{body['orderId']}/pay") as r:
            retried = await r.json()
        assert r.status == 200 and retried["paymentUrl"] and retried["paymentId"] == made["paymentId"]
        _, events = await get_json(
            http, f"{sim.urls['wallet']}/_sim/events", params={"paymentRequestId": retried["paymentRequestId"]}
        )
        assert len([e for e in events["events"] if e["step"] == 5]) == 1


async def test_faults_are_used_up_and_listed(sim, http):
    status, entry = await post(
        http, f"{sim.urls['wallet']}/_sim/faults", {"endpoint": "*", "kind": "http_500", "count": 2}
    )
    assert status == 201 and entry["remaining"] == 2
    for _ in range(2):
        async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
            assert r.status == 502
    assert (await api_journey(http, sim.urls, report=False)).result_code == "9000"
    _, listed = await get_json(http, f"{sim.urls['wallet']}/_sim/faults")
    assert listed["faults"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "nope"},
        {"kind": "delay", "delayMs": -1},
        {"kind": "http_500", "endpoint": "x"},
        {"kind": "http_500", "count": 0},
        {"kind": "http_500", "phase": "during"},
    ],
)
async def test_bad_fault_requests_are_refused_clearly(sim, http, body):
    status, reply = await post(http, f"{sim.urls['wallet']}/_sim/faults", body)
    assert status == 400 and reply["error"]["code"] == "PARAM_ILLEGAL"
    _, listed = await get_json(http, f"{sim.urls['wallet']}/_sim/faults")
    assert listed["faults"] == []


async def test_bad_outcome_requests_are_refused(sim, http):
    for body in (
        {"outcome": "WIN"},
        {"outcome": "SUCCESS", "count": "2"},
        {"outcome": "SUCCESS", "paymentRequestId": 5},
    ):
        status, _reply = await post(http, f"{sim.urls['wallet']}/_sim/outcomes", body)
        assert status == 400, body
    async with http.post(f"{sim.urls['wallet']}/_sim/outcomes", data=b"{not json") as r:
        assert r.status == 400 and (await r.json())["error"]["code"] == "BAD_JSON"


async def notifications_of(http, sim, payment_id):
    return (await payment(http, sim, payment_id))["notifications"]


async def test_acknowledgement_lost_means_retries_but_one_fulfilment(sim, http):
    await post(http, f"{sim.urls['wallet']}/_sim/notifications/faults", {"kind": "fail"})
    result = await api_journey(http, sim.urls, report=False, settle_timeout=0)

    async def retried_later():
        n = await notifications_of(http, sim, result.payment_id)
        return n[0] if n and n[0]["attempts"] == 1 and n[0]["status"] == "PENDING" else None

    note = await wait_for(retried_later)
    assert note["history"][0]["outcome"] == "NOT_ACKNOWLEDGED"
    assert (await order_status(http, sim, result.order_id))["status"] == "PAID"  # it did arrive
    await post(http, f"{sim.urls['wallet']}/_sim/clock/advance", {"seconds": 121})

    async def delivered():
        n = await notifications_of(http, sim, result.payment_id)
        return n[0] if n[0]["status"] == "DELIVERED" else None

    note = await wait_for(delivered)
    assert note["attempts"] == 2
    order = await order_status(http, sim, result.order_id)
    assert order["status"] == "PAID" and order["fulfilled"] == 1


async def test_dropped_notification_is_caught_up_by_inquiry(sim, http):
    await post(http, f"{sim.urls['wallet']}/_sim/notifications/faults", {"kind": "drop"})
    result = await api_journey(http, sim.urls, report=False, settle_timeout=0)

    async def dropped():
        n = await notifications_of(http, sim, result.payment_id)
        return n and n[0]["status"] == "DELIVERED"

    await wait_for(dropped)
    order = await order_status(http, sim, result.order_id)
    assert order["status"] == "PAYING", (
        order["paidVia"],
        order["createdAt"],
        [h["outcome"] for n in await notifications_of(http, sim, result.payment_id) for h in n["history"]],
    )  # never got it
    order = await order_status(http, sim, result.order_id, clientResultCode="9000")
    assert order["status"] == "PAID" and order["paidVia"] == "inquiryPayment"


async def test_the_merchants_reconciler_catches_up_a_dropped_notification_by_itself(tmp_path, keys_template, http):
    """The reference merchant's background job asks the wallet about orders whose
    notification is overdue (``Shop.reconcile``): with the notification lost on the way and
    nobody asking for the order, it still ends PAID, by inquiryPayment."""
    # --time-scale 100: an order is overdue 0.1 s after it was paid for instead of 10 s
    async with running_sim(tmp_path / "d", keys_from=keys_template, time_scale=100) as sim:
        await post(http, f"{sim.urls['wallet']}/_sim/notifications/faults", {"kind": "drop"})
        # the journey by hand: api_journey reads GET /api/orders/{id}, which inquires itself
        async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
            created = await r.json()
        cashier = await open_cashier(http, created["paymentUrl"])
        status, reply = await cashier_action(
            http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
        )
        assert status == 200 and reply["resultCode"] == "9000"

        async def paid():  # the list of orders, which asks the wallet nothing
            _, listed = await get_json(http, f"{sim.urls['merchant']}/api/orders")
            order = next(o for o in listed["orders"] if o["orderId"] == created["orderId"])
            return order if order["status"] == "PAID" else None

        order = await wait_for(paid)
        assert order["paidVia"] == "inquiryPayment" and order["fulfilled"] == 1
        notes = await notifications_of(http, sim, created["paymentId"])
        assert [h["outcome"] for h in notes[0]["history"]] == ["DROPPED"]  # the wallet believes it delivered
        _, events = await get_json(http, f"{sim.urls['merchant']}/_sim/events", params={"orderId": created["orderId"]})
        inquiries = [e for e in events["events"] if e["summary"].startswith("inquiryPayment")]
        assert inquiries and all(e["step"] is None for e in inquiries)  # the job's, not the result page's (20)
        assert 19 not in {e["step"] for e in events["events"]}  # the notification never arrived


async def test_duplicate_notifications_fulfil_once(sim, http):
    await post(http, f"{sim.urls['wallet']}/_sim/notifications/faults", {"kind": "duplicate", "count": 3})
    results = [await api_journey(http, sim.urls, report=False) for _ in range(3)]
    for r in results:
        order = await wait_for(lambda r=r: _final(http, sim, r.order_id))
        assert order["status"] == "PAID" and order["fulfilled"] == 1


async def test_delayed_notification_arrives_later(sim, http):
    await post(http, f"{sim.urls['wallet']}/_sim/notifications/faults", {"kind": "delay", "delayMs": 600})
    result = await api_journey(http, sim.urls, report=False, settle_timeout=0)
    order = await wait_for(lambda: _final(http, sim, result.order_id))
    assert order["paidVia"] == "notification"
    # In the order of events, not against a stopwatch: the merchant marked the order paid
    # no sooner than the delay after the wallet's debit (both clocks are this process's).
    _, wallet_events = await get_json(http, f"{sim.urls['wallet']}/_sim/events", params={"orderId": result.order_id})
    _, merchant_events = await get_json(
        http, f"{sim.urls['merchant']}/_sim/events", params={"orderId": result.order_id}
    )
    debited = next(e for e in wallet_events["events"] if e["step"] == 17 and e["details"].get("debited"))
    paid = next(e for e in merchant_events["events"] if e["step"] == 19)
    waited = datetime.fromisoformat(paid["at"]) - datetime.fromisoformat(debited["at"])
    assert waited.total_seconds() >= 0.6, (debited["at"], paid["at"])


async def test_resend_sends_again_now(sim, http):
    result = await api_journey(http, sim.urls, report=False)

    async def delivered():
        n = await notifications_of(http, sim, result.payment_id)
        return n[0] if n and n[0]["status"] == "DELIVERED" else None

    note = await wait_for(delivered)
    status, body = await post(http, f"{sim.urls['wallet']}/_sim/notifications/{note['notificationId']}/resend")
    assert status == 200 and body["attempt"] == 2 and body["outcome"] == "ACKNOWLEDGED"
    assert (await order_status(http, sim, result.order_id))["fulfilled"] == 1
    status, body = await post(http, f"{sim.urls['wallet']}/_sim/notifications/999999/resend")
    assert status == 404


async def test_reset_restores_a_fresh_sandbox(sim, http):
    start = await balance(http, sim)
    result = await api_journey(http, sim.urls, report=False)
    await post(http, f"{sim.urls['wallet']}/_sim/outcomes", {"outcome": "RISK_REJECT"})
    await post(http, f"{sim.urls['wallet']}/_sim/faults", {"kind": "http_500"})
    for app in ("wallet", "merchant", "miniprogram"):
        status, body = await post(http, f"{sim.urls[app]}/_sim/reset")
        assert status == 200 and body == {"reset": True}
    assert await balance(http, sim) == start
    assert (await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}"))[0] == 404
    assert (await get_json(http, f"{sim.urls['merchant']}/api/orders/{result.order_id}"))[0] == 404
    for path in ("outcomes", "faults"):
        _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/{path}")
        assert body[path] == []
    _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events")
    assert events["events"] == []
    assert (await api_journey(http, sim.urls, report=False)).result_code == "9000"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_sim/outcomes", {"outcome": "USER_CANCEL"}),
        ("/_sim/faults", {"endpoint": "pay", "kind": "http_500"}),
        ("/_sim/notifications/faults", {"kind": "drop"}),
    ],
)
async def test_one_queued_entry_can_be_taken_back_leaving_the_others(sim, http, path, body):
    wallet = sim.urls["wallet"]
    _, mine = await post(http, f"{wallet}{path}", body)
    _, theirs = await post(http, f"{wallet}{path}", body)
    async with http.delete(f"{wallet}{path}/{mine['id']}") as resp:
        assert resp.status == 200 and await resp.json() == {"removed": mine["id"]}
    _, queued = await get_json(http, f"{wallet}{path}")
    listed = queued["outcomes"] if "outcomes" in queued else queued["faults"]
    assert [e["id"] for e in listed] == [theirs["id"]]
    async with http.delete(f"{wallet}{path}/{mine['id']}") as resp:
        assert resp.status == 404 and (await resp.json())["error"]["code"] == "NOT_FOUND"


async def test_a_payment_record_names_where_its_notifications_go(sim, http):
    result = await api_journey(http, sim.urls, report=False)
    record = await payment(http, sim, result.payment_id)
    assert record["notifyUrl"] == f"{sim.urls['merchant']}/api/notify/payment"
