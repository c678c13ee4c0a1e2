"""Issue 23's wallet points, reproduced the way they were found: racing confirms of one
payment (a double tap, a second tab), notify URLs no one can send to, and goods whose
quantity is not a quantity or whose text hides direction and zero-width controls."""

from __future__ import annotations

import asyncio

from wallet_helpers import balance, pay_body, refund_body, snapshot

from simulator.core import signing
from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json, wait_for
from wallet_mock import store
from wallet_mock.api import WALLET
from wallet_mock.control import WORKER
from wallet_mock.worker import RETRY_SCHEDULE_SECONDS

CONFIRMS = 24


async def test_every_racing_confirm_of_a_paid_payment_gets_its_result_9000(sim, api):
    """A duplicate submission is answered with the payment's final result: no confirm of
    a payment that ended SUCCESS is told 409 PAYMENT_CLOSED (which the cashier turns into
    4000 for a charged payment), and the buyer is charged once."""
    for _ in range(3):  # a few payments: the race must be lost at every place it can be
        before = await balance(sim)
        created = await api.call("pay", pay_body("700"))
        cashier = await open_cashier(api.http, created.body["normalUrl"])
        form = {"account": "buyer@sandbox.test", "password": "111111"}
        replies = await asyncio.gather(*(cashier_action(api.http, cashier, "confirm", form) for _ in range(CONFIRMS)))
        assert [(status, body.get("resultCode")) for status, body in replies] == [(200, "9000")] * CONFIRMS, replies
        assert before - await balance(sim) == 700
        inquiry = await api.call("inquiryPayment", {"paymentId": created.body["paymentId"]})
        assert inquiry.body["paymentStatus"] == "SUCCESS"


UNSENDABLE = {
    "a port past 65535": "http://127.0.0.1:99999/",
    "port 0": "http://127.0.0.1:0/notify",
    "an unclosed IPv6 literal": "http://[::1",
    "no host": "http:///notify",
    "CR LF inside": "http://127.0.0.1:9/no\r\ntify",
    "a trailing newline": "http://127.0.0.1:9/notify\n",
    "a space": "http://127.0.0.1:9/my notify",
    "not http": "ftp://127.0.0.1/notify",
    "relative": "/notify",
}


async def test_notify_urls_that_cannot_be_sent_to_are_refused_at_pay_and_refund(sim, api):
    paid = await api.paid_payment("1000")
    before = await snapshot(sim)
    for name, url in UNSENDABLE.items():
        for endpoint, body, field in (
            ("pay", pay_body(paymentNotifyUrl=url), "paymentNotifyUrl"),
            ("pay", pay_body(paymentRedirectUrl=url), "paymentRedirectUrl"),
            ("refund", refund_body(paid["paymentId"], "100", refundNotifyUrl=url), "refundNotifyUrl"),
        ):
            reply = await api.call(endpoint, body, valid_request=False)
            assert reply.code == "PARAM_ILLEGAL", (name, endpoint, reply.body)
            assert reply.body["result"]["resultMessage"].startswith(field), (name, reply.body)
    assert await snapshot(sim) == before
    # what can be sent to still can, IPv6 loopback and an explicit port included
    for url in ("http://[::1]:8080/notify", "https://shop.example/notify?x=1", "http://127.0.0.1:65535/n"):
        assert (await api.call("pay", pay_body(paymentNotifyUrl=url))).code == "PAYMENT_IN_PROCESS", url


BAD_QUANTITIES = [{"a": [1, 2]}, -5, "-5", 0, "0", 1.5, "1.5", "two", "", True, "1e3", " 3", "3\n"]


async def test_goods_quantities_must_be_positive_integers(sim, api):
    before = await snapshot(sim)
    for quantity in BAD_QUANTITIES:
        body = pay_body()
        body["order"]["goods"] = [
            {"goodsName": "Latte", "goodsQuantity": "1"},
            {"goodsName": "Tea", "goodsQuantity": quantity},
        ]
        reply = await api.call("pay", body, valid_request=False)
        assert reply.code == "PARAM_ILLEGAL", (quantity, reply.body)
        assert reply.body["result"]["resultMessage"].startswith("order.goods[1].goodsQuantity"), reply.body
    assert await snapshot(sim) == before
    for quantity in ("2", 2, "12"):  # a string, as the SDKs' type is, or a number
        body = pay_body()
        body["order"]["goods"] = [{"goodsName": "Latte", "goodsQuantity": quantity}]
        assert (await api.call("pay", body)).code == "PAYMENT_IN_PROCESS", quantity


RLO, PDF, LRI, PDI, ZWSP, ZWNJ, ZWJ, WJ, BOM = (
    "\u202e",
    "\u202c",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
)
CONTROLS = (
    RLO,
    PDF,
    LRI,
    PDI,
    ZWSP,
    WJ,
    BOM,
    "\u200e",
    "\u200f",
    "\u061c",
    "\u202a",
    "\u202b",
    "\u202d",
    "\u2067",
    "\u2068",
)


async def test_the_cashier_shows_no_direction_or_zero_width_controls(sim, api):
    """Text the payer confirms cannot be reordered or padded by invisible controls: a
    payee or item that reads "001" must not show as "100". Stored requests keep what the
    merchant sent."""
    body = pay_body()
    body["order"]["orderDescription"] = f"Refund fee {RLO}001 USD{PDF} and {LRI}tip{PDI}"
    body["order"]["merchant"] = {"merchantName": f"Coffee{ZWSP}{WJ}{BOM} Shop"}
    body["order"]["goods"] = [{"goodsName": f"La{ZWSP}tte {RLO}x2{PDF}", "goodsQuantity": "1"}]
    created = await api.call("pay", body)
    assert created.code == "PAYMENT_IN_PROCESS"
    cashier = await open_cashier(api.http, created.body["normalUrl"])
    for control in CONTROLS:
        assert control not in cashier.html, hex(ord(control))
    assert "Refund fee 001 USD and tip" in cashier.html
    assert "Coffee Shop" in cashier.html and "Latte x2" in cashier.html
    stored = await sim.app("wallet")[WALLET].payment(created.body["paymentId"])
    assert stored.request["order"]["orderDescription"] == body["order"]["orderDescription"]  # kept as sent
    # joiners stay where they join (an emoji sequence, a Persian word), not elsewhere
    body = pay_body()
    body["order"]["orderDescription"] = (
        f"Family \U0001f468{ZWJ}\U0001f469{ZWJ}\U0001f467 and \u0645\u06cc{ZWNJ}\u062e\u0648\u0627\u0647\u0645 a{ZWJ}b"
    )
    cashier = await open_cashier(api.http, (await api.call("pay", body)).body["normalUrl"])
    assert f"\U0001f468{ZWJ}\U0001f469{ZWJ}\U0001f467" in cashier.html
    assert f"\u0645\u06cc{ZWNJ}\u062e\u0648\u0627\u0647\u0645" in cashier.html
    assert "ab" in cashier.html and f"a{ZWJ}b" not in cashier.html


async def test_a_merchant_cannot_register_a_notify_url_that_cannot_be_sent_to(sim, http):
    public_pem = signing.generate_key_pair().public_pem
    for name, url in UNSENDABLE.items():
        body = {"clientId": "SHOP_UNSENDABLE", "publicKey": public_pem, "notifyUrl": url}
        async with http.post(f"{sim.urls['wallet']}/_sim/merchants", json=body) as resp:
            reply = await resp.json()
        assert resp.status == 400 and reply["error"]["code"] == "PARAM_ILLEGAL", (name, reply)
        assert reply["error"]["message"].startswith("notifyUrl"), (name, reply)
    _, listed = await get_json(http, f"{sim.urls['wallet']}/_sim/merchants")
    assert "SHOP_UNSENDABLE" not in {m["clientId"] for m in listed["merchants"]}


async def test_a_stored_unsendable_notification_fails_attempt_by_attempt_until_failed(sim, http, api):
    """A row whose URL no one can send to (stored before pay refused such URLs): each
    attempt is recorded with its error, and the schedule reaches FAILED."""
    paid = await api.paid_payment("1000")
    wallet = sim.app("wallet")[WALLET]
    async with wallet.db.transaction() as tx:
        nid = await store.enqueue_notification(
            tx, paid["paymentId"], api.creds["clientId"], "PAYMENT_RESULT", "http://[::1", {"x": 1}, wallet.clock.now()
        )
    sim.app("wallet")[WORKER].wake()

    async def row() -> dict:
        _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/notifications")
        return next(n for n in body["notifications"] if n["notificationId"] == nid)

    for attempt in range(1, len(RETRY_SCHEDULE_SECONDS) + 1):
        await wait_for(lambda attempt=attempt: _at_least(row, attempt), timeout=10)
        async with http.post(f"{sim.urls['wallet']}/_sim/clock/advance", json={"seconds": 60_000}) as resp:
            assert resp.status == 200
    final = await wait_for(lambda: _at_least(row, len(RETRY_SCHEDULE_SECONDS), status="FAILED"), timeout=10)
    assert final["attempts"] == len(RETRY_SCHEDULE_SECONDS) and "could not be sent" in final["lastError"]
    _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events", params={"paymentId": paid["paymentId"]})
    failed = [e for e in events["events"] if "could not be sent" in e["summary"]]
    assert len(failed) == len(RETRY_SCHEDULE_SECONDS) and "FAILED" in failed[-1]["summary"]


async def _at_least(row, attempts: int, status: str | None = None):
    current = await row()
    return current if current["attempts"] >= attempts and (status is None or current["status"] == status) else None


async def test_one_cashier_link_cannot_lock_the_shared_account_for_everyone(sim, http, api):
    """Five wrong passwords on someone's cashier lock the account for that payment only:
    another buyer's payment with the same (shared, default) test account still pays."""
    mine = await open_cashier(http, (await api.call("pay", pay_body("300"))).body["normalUrl"])
    theirs = await open_cashier(http, (await api.call("pay", pay_body("400"))).body["normalUrl"])
    wrong = {"account": "buyer@sandbox.test", "password": "000000"}
    replies = [await cashier_action(http, mine, "confirm", wrong) for _ in range(6)]
    assert [r[1]["error"]["code"] for r in replies] == ["WRONG_PASSWORD"] * 4 + ["ACCOUNT_LOCKED"] * 2
    status, reply = await cashier_action(
        http, theirs, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 200 and reply["resultCode"] == "9000", reply
    # the locked payment's cashier shows the account locked; a fresh one does not
    assert "· locked" in (await open_cashier(http, mine.url)).html
    fresh = await open_cashier(http, (await api.call("pay", pay_body("500"))).body["normalUrl"])
    assert "· locked" not in fresh.html
