"""Wallet API profiles in Chromium: the demo journey clicked through with the sandbox
merchant of each profile (``--wallet-api``), the console's badge naming the profile, and
a ``my.getAuthCode`` code from the shim redeemed by the miniprogram profile's
applyToken. Screenshots in test-artifacts/ (profile-*.png)."""

from __future__ import annotations

import pytest
from my_harness import PAGES, call, open_harness

from simulator.core import api_paths
from simulator.core.signed_http import SignedClient
from simulator.testing.sim import get_json, running_sim, wait_for

LABELS = {"alipayplus": "Alipay+", "miniprogram": "Mini Program v2"}


@pytest.mark.parametrize("profile", api_paths.PROFILES)
async def test_click_through_the_journey_with_the_profiles_merchant(
    tmp_path, keys_template, http, page, artifacts, profile
):
    async with running_sim(tmp_path / "d", keys_from=keys_template, wallet_api=profile) as sim:
        await page.goto(sim.urls["miniprogram"])
        await page.get_by_test_id("goods-item").first.click()
        await page.get_by_test_id("pay-button").click()
        cashier = page.frame_locator("[data-testid=cashier-frame]")
        await cashier.get_by_test_id("cashier-password").fill("111111")
        await cashier.get_by_test_id("cashier-pay").click()
        await page.get_by_test_id("result-status").filter(has_text="PAID").wait_for(timeout=10_000)
        assert await page.get_by_test_id("result-code").text_content() == "9000"
        order_id = await page.get_by_test_id("order-id").text_content()
        _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{order_id}")
        assert order["status"] == "PAID" and order["fulfilled"] == 1

        async def delivered():
            _, p = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}")
            return p["notifications"] and p["notifications"][0]["status"] == "DELIVERED"

        await wait_for(delivered)
        # the merchant spoke the profile's API: its pay went to the profile's path
        _, events = await get_json(http, f"{sim.urls['merchant']}/_sim/events", params={"orderId": order_id})
        (pay_call,) = [e for e in events["events"] if e["step"] == 4]
        assert pay_call["http"]["url"].endswith(
            f"{api_paths.BASE_PATH[profile]}/{'payments/' * (profile == 'miniprogram')}pay"
        )

        await page.goto(f"{sim.urls['console']}/journeys/{order_id}")
        item = page.locator(f"[data-testid=journey-item][data-order-id='{order_id}']")
        badge = item.get_by_test_id("journey-item-profile")
        await badge.wait_for()
        assert await badge.get_attribute("data-profile") == profile
        assert await badge.text_content() == LABELS[profile]
        head = page.get_by_test_id("journey-profile-badge")
        await head.wait_for()
        assert await head.text_content() == LABELS[profile]
        await page.screenshot(path=str(artifacts / f"profile-console-{profile}.png"))


async def test_a_get_auth_code_code_from_the_shim_is_redeemed_by_apply_token(tmp_path, keys_template, http, browser):
    async with running_sim(
        tmp_path / "d", keys_from=keys_template, miniprogram_dir=PAGES, wallet_api="miniprogram"
    ) as sim:
        context = await browser.new_context(viewport={"width": 390, "height": 844})
        phone = await context.new_page()
        try:
            await open_harness(phone, sim)
            log = await call(phone, "auth", "getAuthCode", {"scopes": "auth_base"})
        finally:
            await context.close()
        assert log[0][0] == "success", log
        code = log[0][1]["authCode"]
        _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
        assert creds["apiProfile"] == "miniprogram"
        client = SignedClient(
            http,
            client_id=creds["clientId"],
            private_pem=creds["merchantPrivateKey"],
            peer_public_pem=creds["walletPublicKey"],
        )
        body = {
            "appId": "3333010071465913",
            "authClientId": creds["clientId"],
            "grantType": "AUTHORIZATION_CODE",
            "authCode": code,
        }
        url = f"{creds['apiBaseUrl']}/authorizations/applyToken"
        granted = await client.post(url, body)
        assert granted.response_signature_valid is True
        reply = granted.json()
        assert reply["result"]["resultCode"] == "SUCCESS", reply
        assert reply["customerId"] == "acct_buyer" and reply["accessToken"]
        again = (await client.post(url, body)).json()
        assert again["result"]["resultCode"] == "EXPIRED_CODE"  # spent
