"""Templates escape what merchants send: a goods name or order description holding
markup shows as text in the cashier, and no script of it runs."""

import uuid

from simulator.core.signed_http import SignedClient
from simulator.testing.sim import get_json

EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>bold</b>'


async def test_markup_in_order_fields_shows_as_text(sim, http, page, artifacts):
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    client = SignedClient(
        http,
        client_id=creds["clientId"],
        private_pem=creds["merchantPrivateKey"],
        peer_public_pem=creds["walletPublicKey"],
    )
    reply = await client.post(
        f"{creds['apiBaseUrl']}/pay",
        {
            "paymentRequestId": f"PR-{uuid.uuid4().hex}",
            "paymentAmount": {"currency": "USD", "value": "100"},
            "order": {
                "referenceOrderId": "ORD-XSS",
                "orderDescription": EVIL,
                "merchant": {"merchantName": "<i>Evil</i> Shop"},
                "goods": [{"goodsName": EVIL, "goodsQuantity": "1"}],
                "orderAmount": {"currency": "USD", "value": "100"},
                "env": {"terminalType": "WEB"},
            },
        },
    )
    await page.goto(reply.json()["normalUrl"])
    assert await page.get_by_test_id("cashier-order").text_content() == EVIL
    assert await page.get_by_test_id("cashier-payee").text_content() == "<i>Evil</i> Shop"
    # the window's load event comes after every script of the page has run and every
    # image has loaded or failed: an injected script or onerror would have run by then
    await page.wait_for_load_state("load")
    assert await page.evaluate("window.__pwned") is None
    assert await page.locator("b", has_text="bold").count() == 0
    await page.screenshot(path=str(artifacts / "cashier-escaped.png"))
