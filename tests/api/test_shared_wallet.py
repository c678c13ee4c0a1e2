"""One wallet shared by parallel tests and several developers (issue 20, point 9):
outcomes and faults scoped to one merchant (clientId) or one payment (paymentRequestId)
act on that merchant's or payment's calls only; forcing an outcome says what was already
queued and can replace it; entries are removed one by one; queues an earlier run left
are marked and logged at start; a locked account is unlocked alone. All over HTTP, the
wallet's API signed as each merchant signs it."""

import logging

import pytest
from wallet_helpers import pay_body

from simulator.core import signing
from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json, running_sim

pytestmark = pytest.mark.apps("wallet")


async def post(http, url, body=None):
    async with http.post(url, json=body if body is not None else {}) as resp:
        return resp.status, await resp.json()


async def delete(http, url):
    async with http.delete(url) as resp:
        return resp.status, await resp.json()


async def other_merchant(http, sim, api, client_id="OTHER_SHOP"):
    keys = signing.generate_key_pair()
    status, _ = await post(
        http, f"{sim.urls['wallet']}/_sim/merchants", {"clientId": client_id, "publicKey": keys.public_pem}
    )
    assert status == 201
    return api.signed_client(client_id=client_id, private_pem=keys.private_pem)


async def confirm(http, api, body, client=None, account="buyer@sandbox.test", password="111111"):
    """pay as the merchant, then the buyer confirms: the cashier's resultCode."""
    created = await api.call("pay", body, client=client)
    cashier = await open_cashier(http, created.body["normalUrl"])
    status, reply = await cashier_action(http, cashier, "confirm", {"account": account, "password": password})
    return reply.get("resultCode") if status == 200 else reply


async def test_an_outcome_scoped_to_a_merchant_skips_the_other_merchants_payments(sim, http, api):
    other = await other_merchant(http, sim, api)
    status, entry = await post(
        http, f"{sim.urls['wallet']}/_sim/outcomes", {"outcome": "RISK_REJECT", "clientId": "OTHER_SHOP"}
    )
    assert status == 201 and entry["clientId"] == "OTHER_SHOP" and entry["paymentRequestId"] is None
    assert await confirm(http, api, pay_body()) == "9000", "the sandbox merchant's payment is not touched"
    assert await confirm(http, api, pay_body(), client=other) == "4000"
    assert await confirm(http, api, pay_body(), client=other) == "9000", "used up"


async def test_an_outcome_for_a_payment_wins_over_one_for_its_merchant_and_over_any(sim, http, api):
    wallet = sim.urls["wallet"]
    body = pay_body()
    await post(http, f"{wallet}/_sim/outcomes", {"outcome": "INSUFFICIENT_BALANCE"})
    await post(http, f"{wallet}/_sim/outcomes", {"outcome": "USER_CANCEL", "clientId": api.creds["clientId"]})
    await post(
        http, f"{wallet}/_sim/outcomes", {"outcome": "RISK_REJECT", "paymentRequestId": body["paymentRequestId"]}
    )
    assert await confirm(http, api, body) == "4000"
    _, left = await get_json(http, f"{wallet}/_sim/outcomes")
    assert [o["outcome"] for o in left["outcomes"]] == ["INSUFFICIENT_BALANCE", "USER_CANCEL"]
    assert await confirm(http, api, pay_body()) == "6001", "the merchant's before the unscoped one"


async def test_forcing_says_what_was_queued_and_replace_takes_its_place(sim, http):
    url = f"{sim.urls['wallet']}/_sim/outcomes"
    _, first = await post(http, url, {"outcome": "RISK_REJECT", "paymentRequestId": "PR-1"})
    assert first["alreadyQueued"] == [] and first["replaced"] == []
    _, other_scope = await post(http, url, {"outcome": "USER_CANCEL"})
    assert other_scope["alreadyQueued"] == [], "an unscoped entry is another target"
    _, second = await post(http, url, {"outcome": "SUCCESS", "paymentRequestId": "PR-1"})
    assert [(q["id"], q["outcome"]) for q in second["alreadyQueued"]] == [(first["id"], "RISK_REJECT")]
    status, third = await post(
        http, url, {"outcome": "PROCESSING_THEN_FAIL", "paymentRequestId": "PR-1", "replace": True}
    )
    assert status == 201 and {q["id"] for q in third["replaced"]} == {first["id"], second["id"]}
    _, left = await get_json(http, url)
    assert [(o["outcome"], o["paymentRequestId"]) for o in left["outcomes"]] == [
        ("USER_CANCEL", None),
        ("PROCESSING_THEN_FAIL", "PR-1"),
    ]
    _, scoped = await get_json(http, url, params={"paymentRequestId": "PR-1"})
    assert [o["id"] for o in scoped["outcomes"]] == [third["id"]]
    status, cleared = await delete(http, f"{url}?paymentRequestId=PR-1")
    assert (status, cleared["cleared"]) == (200, 1)
    _, left = await get_json(http, url)
    assert [o["outcome"] for o in left["outcomes"]] == ["USER_CANCEL"], "another scope's entry stays"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("outcomes", {"outcome": "RISK_REJECT"}),
        ("faults", {"endpoint": "pay", "kind": "http_500"}),
        ("notifications/faults", {"kind": "drop"}),
    ],
)
async def test_one_queued_entry_is_removed_by_its_id(sim, http, path, body):
    url = f"{sim.urls['wallet']}/_sim/{path}"
    _, kept = await post(http, url, body)
    _, gone = await post(http, url, body)
    status, reply = await delete(http, f"{url}/{gone['id']}")
    assert (status, reply) == (200, {"removed": gone["id"]})
    _, listed = await get_json(http, url)
    assert [e["id"] for e in listed[next(k for k in ("outcomes", "faults") if k in listed)]] == [kept["id"]]
    status, again = await delete(http, f"{url}/{gone['id']}")
    assert status == 404 and again["error"]["code"] == "NOT_FOUND"


async def test_scoped_api_faults_fail_only_the_named_merchants_or_payments_calls(sim, http, api):
    other = await other_merchant(http, sim, api)
    wallet = sim.urls["wallet"]
    status, _ = await post(
        http, f"{wallet}/_sim/faults", {"endpoint": "pay", "kind": "unknown_exception", "clientId": "OTHER_SHOP"}
    )
    assert status == 201
    assert (await api.call("pay", pay_body())).code == "PAYMENT_IN_PROCESS"
    assert (await api.call("pay", pay_body(), client=other)).code == "UNKNOWN_EXCEPTION"
    # scoped to a payment named by paymentId only: the wallet finds its paymentRequestId
    created = await api.call("pay", pay_body())
    prid, pid = created.body["paymentRequestId"], created.body["paymentId"]
    await post(
        http,
        f"{wallet}/_sim/faults",
        {"endpoint": "inquiryPayment", "kind": "unknown_exception", "paymentRequestId": prid},
    )
    unrelated = await api.call("pay", pay_body())
    assert (await api.call("inquiryPayment", {"paymentId": unrelated.body["paymentId"]})).code == "SUCCESS"
    assert (await api.call("inquiryPayment", {"paymentId": pid})).code == "UNKNOWN_EXCEPTION"
    _, left = await get_json(http, f"{wallet}/_sim/faults")
    assert left["faults"] == []


async def test_bad_scopes_are_refused_in_the_control_apis_terms(sim, http):
    wallet = sim.urls["wallet"]
    for path, body, word in (
        ("outcomes", {"outcome": "SUCCESS", "clientId": "NOBODY"}, "no merchant"),
        ("outcomes", {"outcome": "SUCCESS", "paymentRequestId": 5}, "paymentRequestId"),
        ("faults", {"kind": "drop", "clientId": "x" * 65}, "clientId"),
        ("notifications/faults", {"kind": "drop", "replace": "yes"}, "replace"),
    ):
        status, reply = await post(http, f"{wallet}/_sim/{path}", body)
        assert status == 400 and reply["error"]["code"] == "PARAM_ILLEGAL" and word in reply["error"]["message"]
    _, listed = await get_json(http, f"{wallet}/_sim/outcomes")
    assert listed["outcomes"] == [], "nothing queued by a refused call"


async def test_a_locked_account_is_unlocked_alone(sim, http, api):
    """Five wrong passwords lock the account for that payment (issue 23: one cashier link
    must not lock a shared account for everyone); the control API unlocks it."""
    wallet = sim.urls["wallet"]
    paid = await confirm(http, api, pay_body())
    assert paid == "9000"
    created = await api.call("pay", pay_body())
    cashier = await open_cashier(http, created.body["normalUrl"])
    wrong = {"account": "buyer@sandbox.test", "password": "000000"}
    for _ in range(5):
        await cashier_action(http, cashier, "confirm", wrong)
    _, accounts = await get_json(http, f"{wallet}/_sim/accounts")
    locked = next(a for a in accounts["accounts"] if a["loginId"] == "buyer@sandbox.test")
    assert locked["locked"] is True and locked["failedPasswordTries"] == 5
    right = {"account": "buyer@sandbox.test", "password": "111111"}
    status, refused = await cashier_action(http, cashier, "confirm", right)
    assert status == 403 and refused["error"]["code"] == "ACCOUNT_LOCKED"
    assert await confirm(http, api, pay_body(), account="buyer@sandbox.test") == "9000", "other payments pay"
    status, account = await post(http, f"{wallet}/_sim/accounts/buyer@sandbox.test/unlock")
    assert status == 200 and account["locked"] is False and account["failedPasswordTries"] == 0
    status, reply = await cashier_action(http, cashier, "confirm", right)
    assert status == 200 and reply["resultCode"] == "9000", reply
    _, payments = await get_json(http, f"{wallet}/_sim/payments")
    assert len(payments["payments"]) == 3, "nothing else was reset"
    status, missing = await post(http, f"{wallet}/_sim/accounts/nobody@sandbox.test/unlock")
    assert status == 404 and missing["error"]["code"] == "ACCOUNT_NOT_FOUND"


async def test_entries_an_earlier_run_left_are_marked_and_logged_at_start(tmp_path, keys_template, http, caplog):
    data = tmp_path / "data"
    async with running_sim(data, keys_from=keys_template, apps=("wallet",)) as first:
        await post(http, f"{first.urls['wallet']}/_sim/outcomes", {"outcome": "RISK_REJECT", "count": 3})
        await post(http, f"{first.urls['wallet']}/_sim/notifications/faults", {"kind": "drop"})
        _, fresh = await get_json(http, f"{first.urls['wallet']}/_sim/outcomes")
        assert fresh["leftOver"] == 0 and fresh["outcomes"][0]["leftOver"] is False
    caplog.set_level(logging.WARNING, logger="tradepay_sim.wallet")
    async with running_sim(data, keys_from=keys_template, apps=("wallet",)) as second:
        _, left = await get_json(http, f"{second.urls['wallet']}/_sim/outcomes")
        assert left["leftOver"] == 1 and left["outcomes"][0]["leftOver"] is True
        await post(http, f"{second.urls['wallet']}/_sim/outcomes", {"outcome": "SUCCESS"})
        _, both = await get_json(http, f"{second.urls['wallet']}/_sim/outcomes")
        assert [o["leftOver"] for o in both["outcomes"]] == [True, False]
    logged = [r.getMessage() for r in caplog.records if "left queued by an earlier run" in r.getMessage()]
    assert any(m.startswith("1 forced outcome left") and "/_sim/outcomes" in m for m in logged), logged
    assert any(m.startswith("1 notification fault left") for m in logged), logged


async def test_a_data_folder_from_before_scopes_gets_them_and_keeps_its_entries(tmp_path, keys_template, http):
    import sqlite3

    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "wallet.sqlite3") as old:  # the queue as the first release made it
        old.execute(
            "CREATE TABLE forced_outcomes (id INTEGER PRIMARY KEY AUTOINCREMENT, outcome TEXT NOT NULL,"
            " payment_request_id TEXT, remaining INTEGER NOT NULL CHECK (remaining > 0), created_at TEXT NOT NULL)"
        )
        old.execute(
            "INSERT INTO forced_outcomes (outcome, remaining, created_at) VALUES ('RISK_REJECT', 1, '2026-01-01')"
        )
    async with running_sim(data, keys_from=keys_template, apps=("wallet",)) as sim:
        _, listed = await get_json(http, f"{sim.urls['wallet']}/_sim/outcomes")
        assert [(o["outcome"], o["clientId"], o["leftOver"]) for o in listed["outcomes"]] == [
            ("RISK_REJECT", None, True)
        ]
        status, _ = await post(
            http, f"{sim.urls['wallet']}/_sim/outcomes", {"outcome": "SUCCESS", "paymentRequestId": "P"}
        )
        assert status == 201
