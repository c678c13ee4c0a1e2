"""Your own merchant: register a client id, an RSA public key and a notify URL, get the
wallet's public key, pay with your key and receive signed notifications at your URL."""

import json

import pytest
from wallet_helpers import NotifyReceiver, pay_body, refund_body

from simulator.core import signing
from simulator.core.signed_http import SignedClient
from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json, wait_for

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")


async def register(http, sim, *, signed_with: str | None = None, secret: str | None = None, **body):
    """POST /_sim/merchants; a replacement proves ownership by a signature with the
    current key (``signed_with``) or the registration's ``secret``."""
    url = f"{sim.urls['wallet']}/_sim/merchants"
    headers = {"Content-Type": "application/json"}
    data = json.dumps(body).encode()
    if signed_with is not None:
        exchange = SignedClient(None, client_id=body["clientId"], private_pem=signed_with).prepare(url, data)
        headers, data = exchange.request_headers, exchange.request_body
    if secret is not None:
        headers["X-Registration-Secret"] = secret
    async with http.post(url, data=data, headers=headers) as resp:
        return resp.status, await resp.json()


async def test_your_own_merchant_pays_and_is_notified_at_its_url(sim, http, api):
    keys = signing.generate_key_pair()
    receiver = NotifyReceiver(api.creds["walletPublicKey"], keys.private_pem)
    async with receiver as notify_url:
        status, registered = await register(
            http, sim, clientId="MY_SHOP_1", name="My Shop", publicKey=keys.public_pem, notifyUrl=notify_url
        )
        assert status == 201 and registered["walletPublicKey"] == api.creds["walletPublicKey"]
        assert registered["apiBaseUrl"] == f"{sim.urls['wallet']}/aps/api/v1/payments"
        _, listed = await get_json(http, f"{sim.urls['wallet']}/_sim/merchants")
        mine = [m for m in listed["merchants"] if m["clientId"] == "MY_SHOP_1"]
        assert mine == [
            {
                "clientId": "MY_SHOP_1",
                "name": "My Shop",
                "notifyUrl": notify_url,
                "sandbox": False,
                "apiProfile": "alipayplus",
                "createdAt": mine[0]["createdAt"],
            }
        ]

        shop = api.signed_client(
            client_id="MY_SHOP_1", private_pem=keys.private_pem, peer_public_pem=registered["walletPublicKey"]
        )
        body = pay_body("4200")
        del body["paymentNotifyUrl"]  # the registered notify URL is used
        created = await api.call("pay", body, client=shop)
        assert created.exchange.response_headers["client-id"] == "MY_SHOP_1"
        cashier = await open_cashier(http, created.body["normalUrl"])
        assert "My Shop" in cashier.html
        await cashier_action(http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"})

        async def notified():
            return receiver.received

        await wait_for(notified)
    note = receiver.received[0]
    assert note["valid"] and note["clientId"] == "MY_SHOP_1"
    assert note["body"]["paymentId"] == created.body["paymentId"] and note["body"]["result"]["resultCode"] == "SUCCESS"


async def test_merchants_see_only_their_own_payments(sim, http, api):
    keys = signing.generate_key_pair()
    await register(http, sim, clientId="MY_SHOP_2", publicKey=keys.public_pem)
    shop = api.signed_client(client_id="MY_SHOP_2", private_pem=keys.private_pem)
    sandbox_paid = await api.paid_payment("1000")
    for endpoint, body in (
        ("inquiryPayment", {"paymentId": sandbox_paid["paymentId"]}),
        ("inquiryPayment", {"paymentRequestId": sandbox_paid["paymentRequestId"]}),
        ("cancelPayment", {"paymentId": sandbox_paid["paymentId"]}),
        ("refund", refund_body(sandbox_paid["paymentId"], "1000")),
    ):
        reply = await api.call(endpoint, body, client=shop)
        assert reply.code == "ORDER_NOT_EXIST", (endpoint, reply.body)
    # the same paymentRequestId is a different payment for a different merchant
    mine = await api.call("pay", pay_body(paymentRequestId=sandbox_paid["paymentRequestId"]), client=shop)
    assert mine.code == "PAYMENT_IN_PROCESS" and mine.body["paymentId"] != sandbox_paid["paymentId"]


async def test_a_new_key_replaces_the_old_one_at_once(sim, http, api):
    old, new = signing.generate_key_pair(), signing.generate_key_pair()
    assert (await register(http, sim, clientId="MY_SHOP_3", publicKey=old.public_pem))[0] == 201
    assert (
        await api.call("pay", pay_body(), client=api.signed_client(client_id="MY_SHOP_3", private_pem=old.private_pem))
    ).code == "PAYMENT_IN_PROCESS"
    status, _ = await register(http, sim, clientId="MY_SHOP_3", publicKey=new.public_pem)
    assert status == 401  # no proof it is ours (tests/api/test_wallet_ownership.py)
    status, _ = await register(http, sim, clientId="MY_SHOP_3", publicKey=new.public_pem, signed_with=old.private_pem)
    assert status == 200
    stale = await api.call(
        "pay", pay_body(), client=api.signed_client(client_id="MY_SHOP_3", private_pem=old.private_pem)
    )
    assert stale.code == "INVALID_SIGNATURE"
    fresh = await api.call(
        "pay", pay_body(), client=api.signed_client(client_id="MY_SHOP_3", private_pem=new.private_pem)
    )
    assert fresh.code == "PAYMENT_IN_PROCESS"


async def test_bad_registrations_are_refused_and_register_nothing(sim, http):
    keys = signing.generate_key_pair()
    weak = signing.generate_key_pair(1024)
    _, before = await get_json(http, f"{sim.urls['wallet']}/_sim/merchants")
    cases = [
        {"clientId": "NO_KEY"},
        {"clientId": "WEAK", "publicKey": weak.public_pem},
        {"clientId": "PRIVATE", "publicKey": keys.private_pem},
        {"clientId": "GARBAGE", "publicKey": "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"},
        {"clientId": "has space", "publicKey": keys.public_pem},
        {"clientId": "caf\u00e9", "publicKey": keys.public_pem},
        {"clientId": "", "publicKey": keys.public_pem},
        {"clientId": "X" * 65, "publicKey": keys.public_pem},
        {"clientId": "FTP", "publicKey": keys.public_pem, "notifyUrl": "ftp://example.com/"},
        {"clientId": "EXTRA", "publicKey": keys.public_pem, "privateKey": "oops"},
        {"clientId": 7, "publicKey": keys.public_pem},
    ]
    for body in cases:
        status, reply = await register(http, sim, **body)
        assert status == 400 and reply["error"]["code"] == "PARAM_ILLEGAL", (body, reply)
        assert "PRIVATE KEY" not in str(reply)
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    status, reply = await register(http, sim, clientId=creds["clientId"], publicKey=keys.public_pem)
    assert status == 409 and reply["error"]["code"] == "CLIENT_ID_TAKEN"
    async with http.post(f"{sim.urls['wallet']}/_sim/merchants", data=b"{not json") as resp:
        assert resp.status == 400
    _, after = await get_json(http, f"{sim.urls['wallet']}/_sim/merchants")
    assert after == before


async def test_an_asynchronous_refund_is_notified_at_its_refund_notify_url_signed_once(sim, http, api):
    """Antom sends notifyRefund for asynchronous refunds once final, not for synchronous
    ones (the refund reply is the answer): docs.antom.com/ac/cashier_payment_cn/refund."""
    receiver = NotifyReceiver(api.creds["walletPublicKey"], api.creds["merchantPrivateKey"])
    async with receiver as notify_url:
        paid = await api.paid_payment("1000")
        synchronous = await api.call("refund", refund_body(paid["paymentId"], "100", refundNotifyUrl=notify_url))
        assert synchronous.code == "SUCCESS"
        async with http.post(
            f"{sim.urls['wallet']}/_sim/refunds/outcomes", json={"outcome": "PROCESSING_THEN_SUCCESS"}
        ) as resp:
            assert resp.status == 201
        body = refund_body(paid["paymentId"], "400", refundNotifyUrl=notify_url)
        refunded = await api.call("refund", body)
        assert (refunded.code, refunded.status) == ("REFUND_IN_PROCESS", "U")
        async with http.post(f"{sim.urls['wallet']}/_sim/refunds/{refunded.body['refundId']}/settle") as resp:
            settled = await resp.json()
        assert resp.status == 200 and settled["refundStatus"] == "SUCCESS"

        async def notified():
            return receiver.received

        await wait_for(notified)
        # a replay, a refund without a notify URL and a refused one: none is notified
        assert (await api.call("refund", body)).code == "SUCCESS"
        assert (await api.call("refund", refund_body(paid["paymentId"], "100"))).code == "SUCCESS"
        over = await api.call("refund", refund_body(paid["paymentId"], "600", refundNotifyUrl=notify_url))
        assert over.code == "REFUND_AMOUNT_EXCEED_LIMIT"
        _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{paid['paymentId']}")
        refund_notes = [n for n in payment["notifications"] if n["notifyType"] == "REFUND_RESULT"]
        assert len(refund_notes) == 1 and refund_notes[0]["url"] == notify_url
        assert refund_notes[0]["status"] == "DELIVERED" and refund_notes[0]["attempts"] == 1
    assert len(receiver.received) == 1
    note = receiver.received[0]
    assert note["valid"] and note["clientId"] == api.creds["clientId"]
    assert note["body"] == {
        "notifyType": "REFUND_RESULT",
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "Success"},
        "refundStatus": "SUCCESS",
        "refundRequestId": body["refundRequestId"],
        "refundId": refunded.body["refundId"],
        "refundAmount": {"currency": "USD", "value": "400"},
        "refundTime": settled["refundTime"],
    }
    _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events", params={"paymentId": paid["paymentId"]})
    [logged] = [e for e in events["events"] if e["summary"].startswith("notifyRefund")]
    assert (
        logged["step"] is None
        and logged["kind"] == "note"
        and logged["details"]["refundId"] == refunded.body["refundId"]
    )
