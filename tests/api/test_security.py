"""Security of the pages and the wire: unguessable one-payment tokens, CSRF on the
cashier's posts, size limits, security headers, no secrets in logs."""

import logging
import re

import pytest

from simulator.testing.journey import api_journey, open_cashier
from simulator.testing.sim import get_json


async def new_order(http, sim):
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as resp:
        return await resp.json()


async def test_payment_urls_are_long_random_and_distinct(sim, http):
    tokens = set()
    for _ in range(20):
        order = await new_order(http, sim)
        token = order["paymentUrl"].rsplit("/", 1)[-1]
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", token)
        tokens.add(token)
    assert len(tokens) == 20
    async with http.get(f"{sim.urls['wallet']}/cashier/{'A' * 32}") as resp:
        assert resp.status == 404 and "not valid" in await resp.text()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-CSRF-Token": "0" * 64},
        {"X-CSRF-Token": "OTHER"},
        {"X-CSRF-Token": "GOOD", "Origin": "http://evil.example"},
    ],
)
async def test_cashier_posts_need_the_pages_csrf_token_and_origin(sim, http, headers):
    order = await new_order(http, sim)
    other = await open_cashier(http, (await new_order(http, sim))["paymentUrl"])
    cashier = await open_cashier(http, order["paymentUrl"])
    tokens = {"GOOD": cashier.csrf, "OTHER": other.csrf}
    sent = {k: tokens.get(v, v) for k, v in headers.items()}
    async with http.post(
        f"{cashier.origin}/cashier/{cashier.token}/confirm",
        headers=sent,
        json={"account": "buyer@sandbox.test", "password": "111111"},
    ) as resp:
        body = await resp.json()
    # another site's Origin is refused before the form is read (simulator.core.access)
    assert resp.status == 403 and body["error"]["code"] == ("FOREIGN_ORIGIN" if "Origin" in headers else "CSRF")
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}")
    assert payment["status"] == "INIT"


async def test_request_size_limits(sim, http):
    huge = b'{"items": [' + b'{"goodsId": "latte"},' * 20000 + b'{"goodsId": "latte"}]}'
    async with http.post(
        f"{sim.urls['merchant']}/api/orders", data=huge, headers={"Content-Type": "application/json"}
    ) as resp:
        assert resp.status == 413 and (await resp.json())["error"]["code"]
    async with http.post(
        f"{sim.urls['wallet']}/aps/api/v1/payments/pay", data=huge, headers={"Content-Type": "application/json"}
    ) as resp:
        body = await resp.json()
        assert resp.status == 413 and body["result"]["resultCode"] == "PARAM_ILLEGAL"
    order = await new_order(http, sim)
    cashier = await open_cashier(http, order["paymentUrl"])
    async with http.post(
        f"{cashier.origin}/cashier/{cashier.token}/confirm",
        data=huge,
        headers={"X-CSRF-Token": cashier.csrf, "Content-Type": "application/json"},
    ) as resp:
        assert resp.status == 413 and (await resp.json())["error"]["code"] == "TOO_LARGE"


async def test_pages_carry_security_headers(sim, http):
    order = await new_order(http, sim)
    async with http.get(order["paymentUrl"]) as resp:
        h = resp.headers
        assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"] == "no-referrer"
        # The mini program at each name the simulator answers by, and nothing else.
        mp = sim.urls["miniprogram"]
        assert h["Content-Security-Policy"] == f"frame-ancestors 'self' {mp} {mp.replace('127.0.0.1', 'localhost')}"
        assert h["Cache-Control"] == "no-store"
    for url in (sim.urls["miniprogram"], sim.urls["console"], sim.urls["merchant"]):
        async with http.get(url) as resp:
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert "frame-ancestors" in resp.headers["Content-Security-Policy"]


# The payment password as a value of its own: ids made at 21:11:11 hold "111111" too.
PASSWORD = re.compile(r"(?<![0-9A-Za-z])111111(?![0-9A-Za-z])")


async def test_no_secret_in_logs_or_events(sim, http, caplog):
    caplog.set_level(logging.DEBUG)
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    await api_journey(http, sim.urls)
    key_body = creds["merchantPrivateKey"].strip().splitlines()[1]
    for app in ("wallet", "merchant", "miniprogram"):
        _, events = await get_json(http, f"{sim.urls[app]}/_sim/events")
        text = str(events)
        assert "PRIVATE KEY" not in text and key_body not in text and '"password": "111111"' not in text
        assert not PASSWORD.search(text)
    logged = caplog.text
    assert logged and "PRIVATE KEY" not in logged and key_body not in logged and not PASSWORD.search(logged)
