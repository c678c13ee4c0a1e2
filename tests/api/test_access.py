"""Issue 23, points 1 and 8, over HTTP: every app answers only to the names it serves
(421 otherwise: the door to DNS rebinding), refuses state changes from another origin
(403) and declared non-JSON bodies (415), and answers hostile input (100k-deep JSON on
every JSON route, a lone surrogate in the cashier's password, huge event ids) with a
clear 400 in the route's own error shape, never a 500."""

from __future__ import annotations

import re

import pytest
from wallet_helpers import pay_body

from simulator.testing.journey import open_cashier
from simulator.testing.sim import get_json, running_sim

APPS = ("wallet", "merchant", "miniprogram", "console")


def _port(url: str) -> str:
    return url.rsplit(":", 1)[1]


@pytest.mark.parametrize("app", APPS)
async def test_a_request_naming_another_host_is_misdirected(sim, http, app):
    url = sim.urls[app]
    for host in ("attacker.example", f"attacker.example:{_port(url)}", "127.0.0.1.nip.io", "localhost.evil"):
        async with http.get(f"{url}/_sim/events", headers={"Host": host}) as resp:
            body = await resp.json()
        assert resp.status == 421, (app, host)
        assert body["error"]["code"] == "MISDIRECTED_REQUEST" and "--allowed-hosts" in body["error"]["message"]
    for host in (f"127.0.0.1:{_port(url)}", f"localhost:{_port(url)}", f"LOCALHOST:{_port(url)}", "[::1]"):
        async with http.get(f"{url}/_sim/health", headers={"Host": host}) as resp:
            assert resp.status == 200, (app, host)


async def test_rebinding_cannot_read_the_keys(sim, http):
    """A page of attacker.example whose name now resolves to 127.0.0.1 reads with its own
    name in Host: the keys stay unread, and the Alipay+ API answers in its own terms."""
    headers = {"Host": f"attacker.example:{_port(sim.urls['wallet'])}"}
    async with http.get(f"{sim.urls['wallet']}/_sim/credentials", headers=headers) as resp:
        text = await resp.text()
    assert resp.status == 421 and "PRIVATE KEY" not in text
    async with http.post(f"{sim.urls['wallet']}/aps/api/v1/payments/pay", json=pay_body(), headers=headers) as resp:
        body = await resp.json()
    assert resp.status == 421 and body["result"]["resultCode"] == "ACCESS_DENIED"
    async with http.get(f"{sim.urls['wallet']}/_sim/credentials") as resp:  # by its own name: the keys
        assert resp.status == 200 and "PRIVATE KEY" in await resp.text()


async def test_allowed_hosts_are_served(tmp_path, keys_template, http):
    async with running_sim(tmp_path / "data", keys_from=keys_template, allowed_hosts=("Shop.Test",)) as sim:
        for app in APPS:
            headers = {"Host": f"shop.test:{_port(sim.urls[app])}"}
            async with http.get(f"{sim.urls[app]}/_sim/health", headers=headers) as resp:
                assert resp.status == 200, app
            async with http.get(f"{sim.urls[app]}/_sim/health", headers={"Host": "other.test"}) as resp:
                assert resp.status == 421, app


# (app, method, path, body): state changes another site's page would like to make.
CHANGES = (
    ("wallet", "POST", "/_sim/reset", "{}"),
    ("wallet", "POST", "/_sim/outcomes", '{"outcome": "RISK_REJECT", "count": 9999}'),
    ("wallet", "POST", "/_sim/merchants", '{"clientId": "x"}'),
    ("wallet", "DELETE", "/_sim/faults", ""),
    ("merchant", "POST", "/_sim/reset", "{}"),
    ("merchant", "POST", "/api/orders", '{"items": [{"goodsId": "latte"}]}'),
    ("miniprogram", "POST", "/_sim/reset", "{}"),
    ("miniprogram", "PUT", "/_sim/request-domains", '{"serverDomains": ["http://evil.example"]}'),
    ("miniprogram", "POST", "/__container/request", '{"url": "http://127.0.0.1:1/"}'),
    ("console", "POST", "/api/reset", "{}"),
)


async def _outcomes(http, sim) -> list:
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/outcomes")
    return body["outcomes"]


async def test_state_changes_from_another_origin_are_refused(sim, http):
    before = await _outcomes(http, sim)
    for app, method, path, body in CHANGES:
        url = sim.urls[app] + path
        for origin in ("http://evil.example", "null", "http://127.0.0.1:1"):
            headers = {"Origin": origin, "Content-Type": "application/json"}
            async with http.request(method, url, data=body, headers=headers) as resp:
                reply = await resp.json()
            assert resp.status == 403, (app, path, origin)
            code = reply["error"] if app == "miniprogram" and "__container" in path else reply["error"]["code"]
            assert code in ("FOREIGN_ORIGIN", 4), reply
        headers = {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}
        async with http.request(method, url, data=body, headers=headers) as resp:
            assert resp.status == 403, (app, path)
    assert await _outcomes(http, sim) == before


async def test_non_json_state_changes_are_refused(sim, http):
    before = await _outcomes(http, sim)
    for app, method, path, body in CHANGES:
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
            headers = {"Content-Type": ctype}
            async with http.request(method, sim.urls[app] + path, data=body or "x", headers=headers) as resp:
                assert resp.status == 415, (app, path, ctype)
                reply = await resp.json()
            assert "JSON" in str(reply), reply
    assert await _outcomes(http, sim) == before


async def test_own_pages_and_callers_without_a_page_still_change_state(sim, http):
    """The console's own page, the shop's own API calls and servers (no Origin) work."""
    for app in ("wallet", "merchant", "console"):
        path = "/api/reset" if app == "console" else "/_sim/reset"
        headers = {"Origin": sim.urls[app], "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"}
        async with http.post(sim.urls[app] + path, data="{}", headers=headers) as resp:
            assert resp.status == 200, app
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as resp:
        assert resp.status in (200, 201) and (await resp.json())["paymentUrl"]


# --- point 8: hostile input -------------------------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000


def _json_routes(sim) -> list[tuple[str, str, str]]:
    """Every route of every app that takes a body, its placeholders filled."""
    out = []
    for app in APPS:
        for route in sim.app(app).router.routes():
            if route.method not in ("POST", "PUT", "PATCH"):
                continue
            info = route.resource.get_info() if route.resource else {}
            path = info.get("path") or info.get("formatter") or ""
            path = re.sub(r"\{[^}]+\}", "x1", path)
            if path:
                out.append((app, route.method, path))
    return out


async def test_deep_json_gets_a_clear_400_on_every_json_route(sim, http):
    routes = _json_routes(sim)
    assert len(routes) >= 20, routes
    for app, method, path in routes:
        for body in (DEEP, DEEP_OBJECT):
            headers = {"Content-Type": "application/json"}
            async with http.request(method, sim.urls[app] + path, data=body, headers=headers) as resp:
                text = await resp.text()
            assert resp.status < 500 and "Traceback" not in text, (app, path, resp.status, text[:300])
            if resp.status == 400:  # a route that reads the body says why it refuses it
                assert resp.content_type == "application/json", (app, path, text[:200])


async def test_deep_json_on_control_routes_says_how_deep(sim, http):
    for app, path in (
        ("wallet", "/_sim/outcomes"),
        ("wallet", "/_sim/merchants"),
        ("merchant", "/api/orders"),
        ("miniprogram", "/_sim/events"),
        ("miniprogram", "/_sim/request-domains"),
        ("console", "/api/control/wallet/outcomes"),
    ):
        method = "PUT" if "request-domains" in path else "POST"
        async with http.request(
            method, sim.urls[app] + path, data=DEEP, headers={"Content-Type": "application/json"}
        ) as r:
            body = await r.json()
        assert r.status == 400 and "nested deeper" in body["error"]["message"], (app, path, body)


async def test_a_lone_surrogate_password_gets_the_cashiers_400(sim, http, api):
    created = await api.call("pay", pay_body("700"))
    cashier = await open_cashier(http, created.body["normalUrl"])
    for form in (b'{"account": "buyer@sandbox.test", "password": "\\ud800"}', b'{"account": "\\udfff"}'):
        async with http.post(
            f"{cashier.origin}/cashier/{cashier.token}/confirm",
            data=form,
            headers={"X-CSRF-Token": cashier.csrf, "Content-Type": "application/json"},
        ) as resp:
            body = await resp.json()
        assert resp.status == 400 and body["error"]["code"] == "BAD_REQUEST", body
        assert "surrogate" in body["error"]["message"]
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{created.body['paymentId']}")
    assert payment["status"] == "INIT"


@pytest.mark.parametrize("after", ["1e20", "100000000000000000000", "-1", "9223372036854775808", "x"])
async def test_event_ids_out_of_range_get_a_400(sim, http, after):
    for app in ("wallet", "merchant", "miniprogram"):
        for path in ("/_sim/events", "/_sim/events/stream"):
            async with http.get(f"{sim.urls[app]}{path}", params={"after": after}) as resp:
                assert resp.status == 400, (app, path, after)
                assert "after" in (await resp.json())["error"]
    async with http.get(f"{sim.urls['wallet']}/_sim/events", params={"after": str(2**63 - 1)}) as resp:
        assert resp.status == 200 and (await resp.json())["events"] == []
