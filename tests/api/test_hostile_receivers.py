"""Issue 23, points 5 and 7, the way they were reproduced: a notification receiver that
answers 120 MB (the wallet's memory rose by 488 MB, and the reply was served back by the
journal on every read), and one that hangs (another merchant's notification waited 7.5 to
12 s behind it, in 64 shared slots)."""

from __future__ import annotations

import asyncio
import time

import pytest_asyncio
from aiohttp import web
from wallet_helpers import NotifyReceiver, pay_body, wallet_api

from bench.hostile import measure
from simulator.core.journal import MAX_BODY_BYTES
from simulator.testing.sim import get_json, running_sim, wait_for
from wallet_mock import store
from wallet_mock.api import WALLET
from wallet_mock.control import WORKER
from wallet_mock.worker import MAX_PARALLEL_DELIVERIES, MAX_REPLY_BYTES


async def test_a_120_mb_reply_leaves_the_wallets_memory_flat(tmp_path):
    """The wallet in its own process, its memory sampled every 10 ms throughout."""
    figures = await measure(tmp_path)
    assert figures["rss_peak_mib"] - figures["rss_before_mib"] < 25, figures
    assert figures["reply_bytes_sent"] < 16 * 1024 * 1024, figures  # it hung up early
    (attempt,) = figures["attempt"]["history"]
    assert attempt["outcome"] == "NOT_ACKNOWLEDGED" and f"longer than {MAX_REPLY_BYTES}" in attempt["detail"]
    assert figures["events_bytes"] < 3 * MAX_BODY_BYTES, figures


async def test_every_journaled_body_is_clipped_with_a_marker(sim, http):
    """Requests too, JSON ones included: what the journal keeps is bounded."""
    api = await wallet_api(sim, http)
    body = pay_body()
    body["order"]["extendInfo"] = "x" * 100_000  # valid JSON, 100 kB
    await api.call("pay", body, valid_request=False)
    _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events")
    (event,) = [e for e in events["events"] if "x" * 1000 in str((e.get("http") or {}).get("requestBody"))]
    kept = event["http"]["requestBody"]
    assert isinstance(kept, str) and len(kept) < MAX_BODY_BYTES + 200
    assert kept.endswith(f"the first {MAX_BODY_BYTES} shown]") and "clipped" in kept


@pytest_asyncio.fixture
async def hanging():
    """A receiver that never answers (the wallet gives up after its timeout)."""
    arrived = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal arrived
        arrived += 1
        await asyncio.sleep(3600)
        return web.Response()

    app = web.Application()
    app.router.add_post("/notify", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/notify", lambda: arrived
    await runner.cleanup()


async def test_a_hanging_receiver_delays_only_itself(tmp_path, keys_template, http, hanging):
    hanging_url, arrived = hanging
    async with running_sim(tmp_path / "data", keys_from=keys_template, apps=("wallet",)) as sim:
        api = await wallet_api(sim, http)
        wallet = sim.app("wallet")[WALLET]
        # More notifications to the hanging receiver than the wallet has slots for one receiver
        paid = await api.paid_payment("100")
        async with wallet.db.transaction() as tx:
            for _ in range(MAX_PARALLEL_DELIVERIES + 16):
                await store.enqueue_notification(
                    tx,
                    paid["paymentId"],
                    api.creds["clientId"],
                    "PAYMENT_RESULT",
                    hanging_url,
                    {"x": 1},
                    wallet.clock.now(),
                )
        sim.app("wallet")[WORKER].wake()
        await wait_for(lambda: asyncio.sleep(0, arrived() >= MAX_PARALLEL_DELIVERIES), timeout=10)

        receiver = NotifyReceiver(api.creds["walletPublicKey"], api.creds["merchantPrivateKey"])
        async with receiver as prompt_url:
            started = time.perf_counter()
            await api.paid_payment("200", body=pay_body("200", paymentNotifyUrl=prompt_url))
            await wait_for(lambda: asyncio.sleep(0, receiver.received), timeout=15)
            waited = time.perf_counter() - started
        # without slots of its own it waited for the hanging ones' 10 s timeout
        assert waited < 3, f"another merchant's notification waited {waited:.1f} s"
        assert receiver.received[0]["valid"]
        assert arrived() == MAX_PARALLEL_DELIVERIES  # the hanging receiver never got more than its slots
