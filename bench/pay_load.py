"""The wallet as a load target for somebody else's merchant server: signed ``pay`` calls
only, at a given concurrency, against a wallet running alone.

Every request is signed before the clock starts: on a 2-core machine the generator's
RSA signatures would otherwise take CPU from the wallet it measures,
where a real merchant's servers sign on their own machines. For the same reason the
requests go through a minimal HTTP client (``rawhttp``). The generator still checks
every reply's status and signature."""

from __future__ import annotations

import asyncio
import time
import uuid

import aiohttp

from simulator.core.signed_http import SignedClient

from . import rawhttp
from .stats import summary


async def run(wallet_url: str, count: int, concurrency: int, sim=None) -> dict:
    async with aiohttp.ClientSession() as http, http.get(f"{wallet_url}/_sim/credentials") as resp:
        creds = await resp.json()
    signer = SignedClient(
        None,
        client_id=creds["clientId"],
        private_pem=creds["merchantPrivateKey"],
        peer_public_pem=creds["walletPublicKey"],
    )
    url = f"{creds['apiBaseUrl']}/pay"
    latencies: list[float] = []
    jobs = iter([signer.prepare(url, _pay_body()) for _ in range(count)])

    async def worker():
        client = rawhttp.Client()
        try:
            for exchange in jobs:
                started = time.perf_counter()
                reply = await client.request("POST", url, headers=exchange.request_headers, body=exchange.request_body)
                latencies.append((time.perf_counter() - started) * 1000)
                exchange.status, exchange.response_headers, exchange.response_body = (
                    reply.status,
                    reply.headers,
                    reply.body,
                )
                if reply.status != 200 or not signer.check_reply(exchange):
                    raise RuntimeError(f"pay failed: {reply.status} {reply.body[:200]!r}")
        finally:
            client.close()

    cpu = sim.cpu_seconds() if sim else 0.0
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu = sim.cpu_seconds() - cpu if sim else None
    return {
        "count": count,
        "concurrency": concurrency,
        "per_s": count / elapsed,
        "latency_ms": summary(latencies),
        "cpu_ms_per_pay": cpu * 1000 / count if cpu is not None else None,
    }


def _pay_body() -> dict:
    return {
        "paymentRequestId": uuid.uuid4().hex,
        "paymentAmount": {"currency": "USD", "value": "450"},
        "order": {
            "referenceOrderId": "ORD" + uuid.uuid4().hex[:16],
            "orderDescription": "bench",
            "orderAmount": {"currency": "USD", "value": "450"},
            "env": {"terminalType": "WEB"},
        },
        "paymentNotifyUrl": "http://127.0.0.1:9/notify",
    }
