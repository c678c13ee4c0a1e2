"""A hostile notification receiver (issue 23, point 5): it answers ``notifyPayment`` with
120 MB. The wallet runs as its own process (as users run it) and its resident memory is
sampled all along: before, at its peak while the reply arrives, and after. The receiver
counts how much of its reply it managed to send before the wallet hung up.

``python -m bench.hostile`` prints the figures (docs/benchmarks.md shows them)."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from aiohttp import web

from simulator.core.signed_http import SignedClient
from simulator.testing.journey import cashier_action, open_cashier

from . import sim_process

REPLY_MB = 120
CHUNK = 1024 * 1024


class HostileReceiver:
    """Answers every POST with ``REPLY_MB`` MB of JSON-looking bytes, as fast as the
    other side reads them."""

    def __init__(self) -> None:
        self.sent = 0
        self.received = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        self.received += 1
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        resp.content_length = REPLY_MB * CHUNK
        await resp.prepare(request)
        chunk = b'{"result": "' + b"x" * (CHUNK - 12)
        try:
            for _ in range(REPLY_MB):
                await resp.write(chunk)
                self.sent += len(chunk)
        except (ConnectionError, RuntimeError):  # the wallet hung up: what we want
            pass
        return resp

    async def __aenter__(self) -> str:
        app = web.Application()
        app.router.add_post("/notify", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{self.runner.addresses[0][1]}/notify"

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()


async def pay_notified_at(http: aiohttp.ClientSession, wallet_url: str, notify_url: str) -> str:
    """A paid payment of the sandbox merchant whose notification goes to ``notify_url``."""
    async with http.get(f"{wallet_url}/_sim/credentials") as resp:
        creds = await resp.json()
    client = SignedClient(http, client_id=creds["clientId"], private_pem=creds["merchantPrivateKey"])
    order = "ORD" + uuid.uuid4().hex[:16]
    body = {
        "paymentRequestId": uuid.uuid4().hex,
        "paymentAmount": {"currency": "USD", "value": "450"},
        "order": {
            "referenceOrderId": order,
            "orderDescription": "hostile receiver",
            "orderAmount": {"currency": "USD", "value": "450"},
            "env": {"terminalType": "MINI_APP"},
        },
        "paymentNotifyUrl": notify_url,
    }
    reply = (await client.post(f"{creds['apiBaseUrl']}/pay", body)).json()
    cashier = await open_cashier(http, reply["normalUrl"])
    status, done = await cashier_action(
        http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    if status != 200:
        raise RuntimeError(f"the payment was not confirmed: {done}")
    return reply["paymentId"]


async def measure(data_dir: Path) -> dict:
    """Start a wallet, warm it up, then have it notify the hostile receiver."""
    sim, _ = sim_process.start(data_dir, "--apps", "wallet", "--processes", "1", "--signer", "inline")
    wallet = sim.urls["wallet"]
    peak = 0.0
    sampling = True

    async def sample() -> None:
        nonlocal peak
        while sampling:
            peak = max(peak, sim.rss_mib())
            await asyncio.sleep(0.01)

    receiver = HostileReceiver()
    try:
        async with aiohttp.ClientSession() as http, receiver as receiver_url:
            for _ in range(3):  # warm up: every code path of a paid, notified payment has run once
                await pay_notified_at(http, wallet, "http://127.0.0.1:9/notify")
            await asyncio.sleep(0.5)
            before = sim.rss_mib()
            sampler = asyncio.ensure_future(sample())
            started = time.perf_counter()
            payment_id = await pay_notified_at(http, wallet, receiver_url)
            attempt = None
            while attempt is None and time.perf_counter() - started < 30:
                async with http.get(f"{wallet}/_sim/payments/{payment_id}") as resp:
                    notes = (await resp.json())["notifications"]
                if notes and notes[0]["attempts"] >= 1:
                    attempt = notes[0]
                await asyncio.sleep(0.05)
            async with http.get(f"{wallet}/_sim/events", params={"paymentId": payment_id}) as resp:
                events_bytes = len(await resp.read())
            await asyncio.sleep(0.5)
            sampling = False
            await sampler
            after = sim.rss_mib()
    finally:
        sampling = False
        sim.stop()
    return {
        "reply_mb": REPLY_MB,
        "rss_before_mib": round(before, 1),
        "rss_peak_mib": round(peak, 1),
        "rss_after_mib": round(after, 1),
        "reply_bytes_sent": receiver.sent,
        "attempt": attempt,
        "events_bytes": events_bytes,
    }


async def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return await measure(Path(tmp))


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main()), indent=2))
