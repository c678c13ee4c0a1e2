"""Issue 23, point 3: the simulator on a network address, called from another machine (a
network namespace the test makes, joined by a veth pair). The control plane, the keys,
the container's proxy and the console need the token printed at start; the buyer's
pages (shop, cashier, result) and the signed API stay open, so a phone can pay. Callers
on this machine need no token. Start-up says what is exposed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
import pytest_asyncio
from netns_helpers import neighbour

from simulator.core.access import TOKEN_FILE
from simulator.testing.journey import cashier_of, cashier_request
from simulator.testing.sim import get_json, running_sim

pytestmark = pytest.mark.netns  # a run of its own (netns_helpers: why)


@pytest.fixture
def network():
    with neighbour() as net:
        yield net


@pytest_asyncio.fixture
async def exposed(tmp_path, keys_template, network):
    """The simulator listening on this side of the pair, as ``--host <address>``."""
    async with running_sim(tmp_path / "data", keys_from=keys_template, host=network.host_address) as sim:
        yield sim, (tmp_path / "data" / TOKEN_FILE).read_text().strip()


async def from_neighbour(network, *calls):
    return await asyncio.to_thread(network.requests, [list(c) for c in calls])


async def test_the_control_plane_needs_the_token_from_another_machine(exposed, network, http):
    sim, token = exposed
    wallet, mp = sim.urls["wallet"], sim.urls["miniprogram"]
    assert network.host_address in wallet
    _, before = await get_json(http, f"{wallet}/_sim/outcomes")
    refused = [
        ("GET", f"{wallet}/_sim/credentials", {}, None),
        ("POST", f"{wallet}/_sim/reset", {"Content-Type": "application/json"}, "{}"),
        ("POST", f"{wallet}/_sim/outcomes", {"Content-Type": "application/json"}, '{"outcome": "RISK_REJECT"}'),
        ("GET", f"{wallet}/_sim/events", {}, None),
        ("POST", f"{sim.urls['merchant']}/_sim/reset", {"Content-Type": "application/json"}, "{}"),
        ("PUT", f"{mp}/_sim/request-domains", {"Content-Type": "application/json"}, '{"serverDomains": []}'),
        ("POST", f"{mp}/__container/request", {"Content-Type": "application/json"}, json.dumps({"url": wallet})),
        ("GET", f"{sim.urls['console']}/", {}, None),
        ("GET", f"{sim.urls['console']}/api/journeys", {}, None),
        ("GET", f"{wallet}/_sim/credentials", {"Authorization": "Bearer " + "x" * 43}, None),  # a wrong token
        ("GET", f"{wallet}/_sim/credentials", {"X-Sim-Token": token[:-1]}, None),
    ]
    for call, (status, _headers, body) in zip(refused, await from_neighbour(network, *refused), strict=True):
        assert status == 401, (call, status, body[:300])
        assert "PRIVATE KEY" not in body and "token" in body, body[:300]
    _, after = await get_json(http, f"{wallet}/_sim/outcomes")
    assert after == before

    shown = await from_neighbour(
        network,
        ("GET", f"{wallet}/_sim/credentials", {"Authorization": f"Bearer {token}"}, None),
        ("GET", f"{wallet}/_sim/credentials", {"X-Sim-Token": token}, None),
        (
            "POST",
            f"{wallet}/_sim/outcomes",
            {"Content-Type": "application/json", "X-Sim-Token": token},
            '{"outcome": "SUCCESS"}',
        ),
    )
    assert [s for s, _, _ in shown] == [200, 200, 201], shown
    assert "PRIVATE KEY" in shown[0][2]
    # on this machine (the test, calling the same address) no token is asked
    async with http.get(f"{wallet}/_sim/credentials") as resp:
        assert resp.status == 200


async def test_a_browser_shown_the_token_once_keeps_it_in_a_cookie(exposed, network):
    sim, token = exposed
    console = sim.urls["console"]
    ((status, headers, _body),) = await from_neighbour(network, ("GET", f"{console}/?sim_token={token}", {}, None))
    assert status == 200
    cookie = headers.get("Set-Cookie", "")
    assert cookie.startswith(f"sim_token={token}") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    answers = await from_neighbour(
        network,
        ("GET", f"{console}/api/journeys", {"Cookie": f"sim_token={token}"}, None),
        # cookies ignore ports: the same cookie opens the mini program's container
        ("GET", f"{sim.urls['miniprogram']}/_sim/request-domains", {"Cookie": f"sim_token={token}"}, None),
        ("GET", f"{console}/?sim_token=wrong", {}, None),
    )
    assert [a[0] for a in answers] == [200, 200, 401]
    assert "Set-Cookie" not in answers[2][1]


async def test_a_phone_on_the_network_can_still_pay(exposed, network, http):
    """The buyer's side needs no token: the shop's page, the order, the cashier, its
    confirmation and the result."""
    sim, _token = exposed
    (page, _, shop), (made, _, order_text) = await from_neighbour(
        network,
        ("GET", f"{sim.urls['miniprogram']}/", {}, None),
        (
            "POST",
            f"{sim.urls['merchant']}/api/orders",
            {"Content-Type": "application/json"},
            '{"items": [{"goodsId": "latte"}]}',
        ),
    )
    assert page == 200 and "<html" in shop.lower()
    assert made in (200, 201), order_text
    order = json.loads(order_text)
    ((status, _, html),) = await from_neighbour(network, ("GET", order["paymentUrl"], {}, None))
    assert status == 200
    cashier = cashier_of(order["paymentUrl"], html, status)
    url, headers, body = cashier_request(cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"})
    ((paid, _, reply),) = await from_neighbour(network, ("POST", url, headers, body.decode()))
    assert paid == 200 and json.loads(reply)["resultCode"] == "9000", reply
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}")
    assert payment["status"] == "SUCCESS"


def test_start_up_says_loudly_what_is_exposed(tmp_path, network):
    """A real start on the network address: the banner warns, names what needs the
    token, and prints it; on 127.0.0.1 it says nothing of the kind."""
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator.launch.cli",
            "run",
            "--host",
            network.host_address,
            "--data-dir",
            str(data),
            "--processes",
            "1",
            *[a for app in ("miniprogram", "merchant", "wallet", "console") for a in (f"--{app}-port", "0")],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    text = "".join(lines)
    token = (data / TOKEN_FILE).read_text().strip()
    assert "WARNING" in text and network.host_address in text, text
    assert token in text and "/_sim/" in text and "/__container/" in text and "console" in text
    assert f"?sim_token={token}" in text
    assert oct((data / TOKEN_FILE).stat().st_mode & 0o777) == "0o600"
