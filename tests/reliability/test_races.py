"""Races: many confirmations of one paymentUrl, confirm against cancel, many identical
pay requests. Each transition is one conditional write: exactly one wins."""

import asyncio
import uuid

from simulator.core.signed_http import SignedClient
from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json, wait_for


async def balance(http, sim, login="buyer@sandbox.test"):
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    return int(next(a for a in body["accounts"] if a["loginId"] == login)["balances"]["USD"])


async def new_order(http, sim):
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "cake"}]}) as resp:
        assert resp.status == 201
        return await resp.json()


async def test_fifty_concurrent_confirms_debit_once(sim, http):
    before = await balance(http, sim)
    order = await new_order(http, sim)
    cashier = await open_cashier(http, order["paymentUrl"])
    replies = await asyncio.gather(
        *(
            cashier_action(http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"})
            for _ in range(50)
        )
    )
    assert all(status == 200 and r["resultCode"] == "9000" for status, r in replies)
    assert before - await balance(http, sim) == 610
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}")
    assert len(payment["notifications"]) == 1
    _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events", params={"paymentId": order["paymentId"]})
    assert len([e for e in events["events"] if e["step"] == 17 and e["details"].get("debited")]) == 1


def merchant_client(http, creds):
    return SignedClient(
        http,
        client_id=creds["clientId"],
        private_pem=creds["merchantPrivateKey"],
        peer_public_pem=creds["walletPublicKey"],
    )


async def confirm_and_cancel(http, sim, client, creds, first=None):
    """One order, its cashier's confirm and the merchant's cancelPayment: at once
    (``first=None``), or one after the other. Returns what each got, the payment after
    both, and what the buyer was charged."""
    before = await balance(http, sim)
    order = await new_order(http, sim)
    cashier = await open_cashier(http, order["paymentUrl"])

    def confirm():
        return cashier_action(http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"})

    def cancel():
        return client.post(f"{creds['apiBaseUrl']}/cancelPayment", {"paymentId": order["paymentId"]})

    if first is None:
        confirmed, cancelled = await asyncio.gather(confirm(), cancel())
    elif first == "confirm":
        confirmed = await confirm()
        cancelled = await cancel()
    else:
        cancelled = await cancel()
        confirmed = await confirm()
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}")
    return confirmed, cancelled.json()["result"]["resultCode"], payment, before - await balance(http, sim)


async def test_a_paid_payment_cancelled_is_given_back(sim, http):
    """The confirm wins: the buyer is debited, then the cancel gives it all back (Antom,
    within the cancellable period)."""
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    confirmed, cancel_code, payment, charged = await confirm_and_cancel(
        http, sim, merchant_client(http, creds), creds, first="confirm"
    )
    assert confirmed[0] == 200 and confirmed[1]["resultCode"] == "9000"
    assert cancel_code == "SUCCESS" and payment["status"] == "CANCELLED" and payment["accountId"] == "acct_buyer"
    assert charged == 0  # debited, then credited back in full


async def test_a_payment_cancelled_before_the_debit_cannot_be_paid(sim, http):
    """The cancel wins: the payment is closed and the cashier refuses to take the money."""
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    confirmed, cancel_code, payment, charged = await confirm_and_cancel(
        http, sim, merchant_client(http, creds), creds, first="cancel"
    )
    assert confirmed[0] == 409  # the cashier says the payment is closed
    assert cancel_code == "SUCCESS" and payment["status"] == "CANCELLED" and payment["accountId"] is None
    assert charged == 0


async def test_confirm_racing_cancel_ends_consistent(sim, http):
    """Sent at once, whichever wins, the cancel does: the payment ends CANCELLED and the
    buyer is not charged, by one of the two ways pinned above. Which one is the scheduler's
    to decide, so each round checks the invariant, not the winner."""
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    client = merchant_client(http, creds)
    for _ in range(20):
        confirmed, cancel_code, payment, charged = await confirm_and_cancel(http, sim, client, creds)
        assert payment["status"] == "CANCELLED" and charged == 0 and cancel_code == "SUCCESS", (payment, charged)
        if confirmed[0] == 200:  # paid, then given back
            assert confirmed[1]["resultCode"] == "9000" and payment["accountId"] == "acct_buyer"
        else:  # closed before the debit
            assert confirmed[0] == 409 and payment["accountId"] is None, (confirmed, payment)


async def test_identical_pay_requests_at_once_make_one_payment(sim, http):
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    client = merchant_client(http, creds)
    body = {
        "paymentRequestId": f"PR-{uuid.uuid4().hex}",
        "paymentAmount": {"currency": "USD", "value": "500"},
        "order": {
            "referenceOrderId": "ORD-RACE",
            "orderDescription": "race",
            "orderAmount": {"currency": "USD", "value": "500"},
            "env": {"terminalType": "WEB"},
        },
    }
    replies = await asyncio.gather(*(client.post(f"{creds['apiBaseUrl']}/pay", body) for _ in range(30)))
    ids = {r.json()["paymentId"] for r in replies}
    assert len(ids) == 1 and all(r.json()["result"]["resultCode"] == "PAYMENT_IN_PROCESS" for r in replies)


async def test_concurrent_notifications_fulfil_once(sim, http):
    """The same signed notification delivered 20 times at once: one fulfilment."""
    order = await new_order(http, sim)
    cashier = await open_cashier(http, order["paymentUrl"])
    await cashier_action(http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"})

    async def paid():
        _, latest = await get_json(http, f"{sim.urls['merchant']}/api/orders/{order['orderId']}")
        return latest["status"] == "PAID"

    await wait_for(paid)
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}")
    nid = payment["notifications"][0]["notificationId"]
    replies = await asyncio.gather(
        *(http.post(f"{sim.urls['wallet']}/_sim/notifications/{nid}/resend") for _ in range(20))
    )
    for r in replies:
        assert r.status == 200 and (await r.json())["outcome"] == "ACKNOWLEDGED"
    _, latest = await get_json(http, f"{sim.urls['merchant']}/api/orders/{order['orderId']}")
    assert latest["fulfilled"] == 1
