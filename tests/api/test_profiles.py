"""API profiles chosen per merchant: ``--wallet-api`` sets the sandbox merchant's, the
reference merchant speaks it too (``--merchant-api``), the demo journey runs end to end
on each, and a data folder written before merchants had a profile is brought up to date
on start (really restarted, with the older table shape)."""

from __future__ import annotations

import sqlite3

import pytest
from wallet_helpers import pay_body

from simulator.core import api_paths
from simulator.core.signed_http import SignedClient
from simulator.launch.settings import Settings, _convert
from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json, running_sim, wait_for


@pytest.mark.parametrize("profile", api_paths.PROFILES)
async def test_the_demo_journey_runs_end_to_end_on_each_profile(tmp_path, keys_template, http, profile):
    async with running_sim(tmp_path / "d", keys_from=keys_template, wallet_api=profile) as sim:
        _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
        assert creds["apiProfile"] == profile
        result = await api_journey(http, sim.urls, report=False)
        assert result.order["status"] == "PAID", result.order

        async def notified():
            _, p = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}")
            notes = p["notifications"]
            return notes[0] if notes and notes[0]["status"] == "DELIVERED" else None

        await wait_for(notified)
        _, events = await get_json(http, f"{sim.urls['merchant']}/_sim/events", params={"orderId": result.order_id})
        (pay_call,) = [e for e in events["events"] if e["step"] == 4]
        _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events", params={"paymentId": result.payment_id})
        sent = [e["http"]["requestBody"] for e in events["events"] if e["step"] == 19]
        assert sent and all(isinstance(b, dict) for b in sent), sent
        if profile == "miniprogram":
            assert pay_call["http"]["url"].endswith("/api/open/v2/payments/pay"), pay_call["http"]["url"]
            assert pay_call["http"]["requestBody"]["appId"]
            assert all("paymentResult" in b and "notifyType" not in b for b in sent), sent
        else:
            assert pay_call["http"]["url"].endswith("/aps/api/v1/payments/pay"), pay_call["http"]["url"]
            assert all(b["notifyType"] == "PAYMENT_RESULT" for b in sent), sent


async def test_the_merchant_can_speak_another_profile_than_the_sandbox_merchant(tmp_path, keys_template, http):
    """--merchant-api miniprogram against a sandbox merchant of alipayplus: the wallet
    answers the merchant's calls with INVALID_API and the shop says so, nothing is paid."""
    async with running_sim(
        tmp_path / "d", keys_from=keys_template, wallet_api="alipayplus", merchant_api="miniprogram"
    ) as sim:
        async with http.post(
            f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte", "quantity": 1}]}
        ) as r:
            order = await r.json()
        assert r.status == 422 and "INVALID_API" in order["error"]["message"], order


def test_wallet_api_and_merchant_api_settings():
    assert Settings().wallet_api == "alipayplus" and Settings().merchant_api_profile == "alipayplus"
    assert Settings(wallet_api="miniprogram").merchant_api_profile == "miniprogram"
    assert Settings(wallet_api="miniprogram", merchant_api="alipayplus").merchant_api_profile == "alipayplus"
    assert _convert("wallet_api", "miniprogram") == "miniprogram"
    with pytest.raises(ValueError, match="alipayplus or miniprogram"):
        _convert("wallet_api", "superapp")
    with pytest.raises(ValueError):
        _convert("merchant_api", "v1")


async def test_a_data_folder_from_before_profiles_is_migrated_on_start(tmp_path, keys_template, http):
    data = tmp_path / "d"
    async with running_sim(data, keys_from=keys_template, apps=("wallet",), signer="inline") as sim:
        _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    # Give the file the shape the previous version wrote: merchants without api_profile,
    # no access_tokens table.
    with sqlite3.connect(data / "wallet.sqlite3") as conn:
        conn.execute("ALTER TABLE merchants DROP COLUMN api_profile")
        conn.execute("DROP TABLE access_tokens")
        assert "api_profile" not in {r[1] for r in conn.execute("PRAGMA table_info(merchants)")}
    async with running_sim(data, keys_from=keys_template, apps=("wallet",), signer="inline") as sim:
        _, listed = await get_json(http, f"{sim.urls['wallet']}/_sim/merchants")
        assert [m["apiProfile"] for m in listed["merchants"]] == ["alipayplus"]
        client = SignedClient(
            http,
            client_id=creds["clientId"],
            private_pem=creds["merchantPrivateKey"],
            peer_public_pem=creds["walletPublicKey"],
        )
        exchange = await client.post(f"{sim.urls['wallet']}{api_paths.ALIPAYPLUS}/pay", pay_body())
        assert exchange.json()["result"]["resultCode"] == "PAYMENT_IN_PROCESS"
    # and the same folder started with --wallet-api miniprogram moves the sandbox merchant
    async with running_sim(
        data, keys_from=keys_template, apps=("wallet",), signer="inline", wallet_api="miniprogram"
    ) as sim:
        _, listed = await get_json(http, f"{sim.urls['wallet']}/_sim/merchants")
        assert [m["apiProfile"] for m in listed["merchants"]] == ["miniprogram"]
    with sqlite3.connect(data / "wallet.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM access_tokens").fetchone() == (0,)
