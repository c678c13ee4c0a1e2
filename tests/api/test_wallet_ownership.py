"""Issue 23, point 2, as reproduced: anyone who could reach ``POST /_sim/merchants``
replaced a registered merchant's key and notify URL, then refunded its payment. A
replacement now needs proof: the registration's secret, or a request signed with the
current key."""

import pytest
from test_wallet_merchants import register
from wallet_helpers import pay_body, refund_body

from simulator.core import signing
from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json

pytestmark = pytest.mark.apps("wallet")


async def _paid_by(api, http, client) -> str:
    created = await api.call("pay", pay_body("900"), client=client)
    cashier = await open_cashier(http, created.body["normalUrl"])
    status, reply = await cashier_action(
        http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 200 and reply["resultCode"] == "9000", reply
    return created.body["paymentId"]


async def test_an_attacker_cannot_take_over_a_merchant_and_refund_its_payment(sim, http, api):
    victim, attacker = signing.generate_key_pair(), signing.generate_key_pair()
    status, first = await register(
        http, sim, clientId="VICTIM_SHOP", publicKey=victim.public_pem, notifyUrl="http://127.0.0.1:9/victim"
    )
    assert status == 201 and len(first["registrationSecret"]) >= 32
    victim_client = api.signed_client(client_id="VICTIM_SHOP", private_pem=victim.private_pem)
    payment_id = await _paid_by(api, http, victim_client)

    takeovers = (
        ({}, 401, "PROOF_REQUIRED"),
        ({"secret": "guessed-" + "x" * 40}, 403, "NOT_YOURS"),
        ({"signed_with": attacker.private_pem}, 403, "NOT_YOURS"),  # signed, but not with the current key
    )
    for proof, code_status, code in takeovers:
        for change in ({"publicKey": attacker.public_pem}, {"notifyUrl": "http://127.0.0.1:9/attacker"}):
            body = {"clientId": "VICTIM_SHOP", "publicKey": victim.public_pem, "notifyUrl": "http://127.0.0.1:9/victim"}
            status, reply = await register(http, sim, **proof, **{**body, **change})
            assert (status, reply["error"]["code"]) == (code_status, code), (proof, change, reply)
    _, listed = await get_json(http, f"{sim.urls['wallet']}/_sim/merchants")
    mine = next(m for m in listed["merchants"] if m["clientId"] == "VICTIM_SHOP")
    assert mine["notifyUrl"] == "http://127.0.0.1:9/victim" and "registrationSecret" not in str(listed)

    # the attacker's key cannot refund; the payment keeps its whole amount
    stolen = await api.call(
        "refund",
        refund_body(payment_id, "900"),
        client=api.signed_client(client_id="VICTIM_SHOP", private_pem=attacker.private_pem),
        valid_request=False,
    )
    assert stolen.code == "INVALID_SIGNATURE"
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{payment_id}")
    assert payment["status"] == "SUCCESS" and payment.get("refunds", []) == []


async def test_the_owner_replaces_with_the_secret_or_a_signature(sim, http, api):
    first, second, third = (signing.generate_key_pair() for _ in range(3))
    status, made = await register(http, sim, clientId="OWNED_SHOP", publicKey=first.public_pem)
    assert status == 201
    # the same registration again changes nothing and needs no proof
    assert (await register(http, sim, clientId="OWNED_SHOP", publicKey=first.public_pem))[0] == 200
    status, _ = await register(
        http, sim, secret=made["registrationSecret"], clientId="OWNED_SHOP", publicKey=second.public_pem
    )
    assert status == 200
    status, _ = await register(
        http, sim, signed_with=second.private_pem, clientId="OWNED_SHOP", publicKey=third.public_pem
    )
    assert status == 200
    paid = await api.call(
        "pay", pay_body(), client=api.signed_client(client_id="OWNED_SHOP", private_pem=third.private_pem)
    )
    assert paid.code == "PAYMENT_IN_PROCESS"
    # a signature with the replaced key no longer proves anything
    status, reply = await register(
        http, sim, signed_with=second.private_pem, clientId="OWNED_SHOP", publicKey=second.public_pem
    )
    assert (status, reply["error"]["code"]) == (403, "NOT_YOURS")
