"""``POST /_sim/cashier``: the buyer pays (or cancels) a paymentUrl with no browser, through
the cashier's own service path: the same outcomes, refusals, forced outcomes and journal
as a click, for any payment of the wallet, one a user's own merchant made included."""

import pytest
from wallet_helpers import NotifyReceiver, pay_body, schema_errors

from simulator.core import signing
from simulator.testing.sim import get_json, wait_for

pytestmark = pytest.mark.apps("wallet")


async def cashier(http, sim, **body):
    async with http.post(f"{sim.urls['wallet']}/_sim/cashier", json=body) as resp:
        return resp.status, await resp.json()


async def balance(http, sim, login="buyer@sandbox.test"):
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    return int(next(a for a in body["accounts"] if a["loginId"] == login)["balances"]["USD"])


async def test_confirm_pays_and_journals_steps_10_to_17(sim, http, api):
    created = await api.call("pay", pay_body("450"))
    before = await balance(http, sim)
    status, reply = await cashier(http, sim, paymentUrl=created.body["normalUrl"])
    assert status == 200
    assert reply["resultCode"] == "9000" and reply["paymentStatus"] == "SUCCESS"
    assert reply["paymentId"] == created.body["paymentId"]
    assert await balance(http, sim) == before - 450
    inquiry = await api.call("inquiryPayment", {"paymentId": created.body["paymentId"]})
    assert inquiry.body["paymentStatus"] == "SUCCESS"
    _, events = await get_json(
        http, f"{sim.urls['wallet']}/_sim/events", params={"paymentId": created.body["paymentId"]}
    )
    steps = [e["step"] for e in events["events"]]
    assert [s for s in steps if s and 10 <= s <= 17] == [10, 11, 12, 13, 14, 15, 16, 17]
    opened = next(e for e in events["events"] if e["step"] == 10)
    assert "POST /_sim/cashier" in opened["details"]["userAgent"]
    assert "111111" not in str(events)


async def test_by_payment_id_and_by_trade_no_url(sim, http, api):
    first = await api.call("pay", pay_body("100"))
    status, reply = await cashier(http, sim, paymentId=first.body["paymentId"], action="cancel")
    assert status == 200 and reply["resultCode"] == "6001" and reply["paymentStatus"] == "PROCESSING"
    # Cancelled in the cashier, the payment stays open: it can still be paid.
    trade_no_url = f"{sim.urls['wallet']}/cashier?tradeNO={first.body['paymentId']}"
    status, reply = await cashier(http, sim, paymentUrl=trade_no_url)
    assert status == 200 and reply["resultCode"] == "9000"
    # Paid already: the cashier's answer for a finished payment, as on a click.
    status, reply = await cashier(http, sim, paymentUrl=first.body["normalUrl"])
    assert status == 200 and reply["resultCode"] == "9000"


@pytest.mark.parametrize(
    ("outcome", "code", "status"),
    [("INSUFFICIENT_BALANCE", "4000", "FAIL"), ("PROCESSING_THEN_SUCCESS", "8000", "PENDING")],
)
async def test_a_forced_outcome_applies_as_on_a_click(sim, http, api, outcome, code, status):
    created = await api.call("pay", pay_body("100"))
    async with http.post(f"{sim.urls['wallet']}/_sim/outcomes", json={"outcome": outcome}) as resp:
        assert resp.status == 201
    _, reply = await cashier(http, sim, paymentUrl=created.body["normalUrl"])
    assert reply["resultCode"] == code and reply["paymentStatus"] == status


async def test_wrong_passwords_are_refused_then_lock_the_account(sim, http, api):
    created = await api.call("pay", pay_body("100"))
    url = created.body["normalUrl"]
    status, reply = await cashier(http, sim, paymentUrl=url, password="000000")
    assert status == 400 and reply["error"]["code"] == "WRONG_PASSWORD" and reply["error"]["triesLeft"] == 4
    for _ in range(3):
        await cashier(http, sim, paymentUrl=url, password="000000")
    status, reply = await cashier(http, sim, paymentUrl=url, password="000000")
    assert status == 403 and reply["error"]["code"] == "ACCOUNT_LOCKED"
    status, reply = await cashier(http, sim, paymentUrl=url)  # the right one, too late
    assert status == 403 and reply["error"]["code"] == "ACCOUNT_LOCKED"
    # Another account is another buyer: this one is the risk-rejected test account.
    status, reply = await cashier(http, sim, paymentUrl=url, account="risk@sandbox.test")
    assert status == 200 and reply["resultCode"] == "4000", reply


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "PARAM_ILLEGAL"),
        ({"paymentId": "P1", "paymentUrl": "http://x/cashier/t"}, 400, "PARAM_ILLEGAL"),
        ({"paymentUrl": "http://evil.example/cashier/abc"}, 400, "PARAM_ILLEGAL"),
        ({"paymentUrl": "not a url"}, 400, "PARAM_ILLEGAL"),
        ({"paymentUrl": 5}, 400, "PARAM_ILLEGAL"),
        ({"paymentId": "NO_SUCH_PAYMENT"}, 404, "NOT_FOUND"),
        ({"paymentId": "P1", "action": "refund"}, 400, "PARAM_ILLEGAL"),
        ({"paymentId": "P1", "password": 111111}, 400, "PARAM_ILLEGAL"),
        ({"paymentId": "P1", "amount": "1"}, 400, "PARAM_ILLEGAL"),
    ],
)
async def test_bad_calls_are_clear_errors(sim, http, body, status, code):
    got_status, reply = await cashier(http, sim, **body)
    assert (got_status, reply["error"]["code"]) == (status, code), reply
    assert reply["error"]["message"]


async def test_an_unknown_token_on_this_wallet_is_not_found(sim, http):
    status, reply = await cashier(http, sim, paymentUrl=f"{sim.urls['wallet']}/cashier/no-such-token")
    assert status == 404 and reply["error"]["code"] == "NOT_FOUND"
    async with http.post(f"{sim.urls['wallet']}/_sim/cashier", data=b"{not json") as resp:
        assert resp.status == 400 and (await resp.json())["error"]["code"] == "BAD_JSON"


async def test_a_payment_made_by_your_own_merchant_is_paid_headless(sim, http, api):
    keys = signing.generate_key_pair()
    receiver = NotifyReceiver(api.creds["walletPublicKey"], keys.private_pem)
    async with receiver as notify_url:
        async with http.post(
            f"{sim.urls['wallet']}/_sim/merchants",
            json={"clientId": "MY_SHOP_9", "name": "My Shop", "publicKey": keys.public_pem, "notifyUrl": notify_url},
        ) as resp:
            registered = await resp.json()
            assert resp.status == 201
        shop = api.signed_client(
            client_id="MY_SHOP_9", private_pem=keys.private_pem, peer_public_pem=registered["walletPublicKey"]
        )
        body = pay_body("4200")
        del body["paymentNotifyUrl"]
        created = await api.call("pay", body, client=shop)
        status, reply = await cashier(http, sim, paymentUrl=created.body["normalUrl"])
        assert status == 200 and reply["resultCode"] == "9000"
        inquiry = await api.call("inquiryPayment", {"paymentId": created.body["paymentId"]}, client=shop)
        assert inquiry.body["paymentStatus"] == "SUCCESS"

        async def notified():
            return receiver.received

        await wait_for(notified)
    note = receiver.received[0]
    assert note["valid"] and note["clientId"] == "MY_SHOP_9"
    assert note["body"]["paymentId"] == created.body["paymentId"]


async def test_the_call_is_in_the_control_openapi_and_real_calls_match(sim, http, api):
    op = api.document["paths"]["/_sim/cashier"]["post"]
    assert op["tags"] == ["control"]
    created = await api.call("pay", pay_body("100"))
    body = {"paymentUrl": created.body["normalUrl"], "password": "000000"}
    request_schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema_errors(api.document, request_schema, body) == []
    schema_errors(api.document, request_schema, {"password": "1"}, expect_valid=False)
    status, refused = await cashier(http, sim, **body)
    assert status == 400
    assert schema_errors(api.document, op["responses"]["400"]["content"]["application/json"]["schema"], refused) == []
    status, paid = await cashier(http, sim, paymentUrl=created.body["normalUrl"])
    assert status == 200
    assert schema_errors(api.document, op["responses"]["200"]["content"]["application/json"]["schema"], paid) == []
