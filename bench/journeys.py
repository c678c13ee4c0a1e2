"""Full journeys over HTTP, as the browser drives them: the order at the merchant (which
makes the signed pay call), the cashier page, the confirmation; then the notification is
acknowledged and the order is PAID. Per-step latencies come from the client for what it
calls and from the apps' journals for what happens between them (no polling load)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import aiohttp

from simulator.core import jsonio
from simulator.testing.journey import cashier_of, cashier_request

from . import rawhttp
from .stats import summary

ITEMS = [{"goodsId": "latte", "quantity": 1}]


async def one_journey(client: rawhttp.Client, urls: dict, timings: dict) -> str:
    t0 = time.perf_counter()
    reply = await client.request(
        "POST", f"{urls['merchant']}/api/orders", headers=_JSON, body=jsonio.dumps({"items": ITEMS})
    )
    order = jsonio.loads(reply.body)
    if reply.status != 201:
        raise RuntimeError(f"order failed: {reply.status} {order}")
    t1 = time.perf_counter()
    page = await client.request("GET", order["paymentUrl"])
    cashier = cashier_of(order["paymentUrl"], page.body.decode(), page.status)
    t2 = time.perf_counter()
    url, headers, body = cashier_request(cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"})
    reply = await client.request("POST", url, headers=headers, body=body)
    t3 = time.perf_counter()
    result = jsonio.loads(reply.body)
    if reply.status != 200 or result.get("resultCode") != "9000":
        raise RuntimeError(f"confirm failed: {reply.status} {result}")
    timings["order"].append((t1 - t0) * 1000)
    timings["cashier_page"].append((t2 - t1) * 1000)
    timings["confirm"].append((t3 - t2) * 1000)
    return order["orderId"]


_JSON = {"Content-Type": "application/json"}


async def wait_all_paid(http: aiohttp.ClientSession, urls: dict, order_ids: set[str], timeout: float = 120) -> float:
    """The moment every order is PAID (one listing query per 50 ms, once driving is done)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    pending = set(order_ids)
    while pending:
        async with http.get(f"{urls['merchant']}/api/orders", params={"limit": str(len(order_ids) + 100)}) as resp:
            orders = (await resp.json())["orders"]
        pending -= {o["orderId"] for o in orders if o["status"] == "PAID"}
        if not pending:
            break
        if loop.time() > deadline:
            raise RuntimeError(f"{len(pending)} orders not PAID after {timeout} s")
        await asyncio.sleep(0.05)
    return loop.time()


async def run(urls: dict, count: int, concurrency: int, sim=None, *, with_latencies: bool = True) -> dict:
    timings: dict[str, list[float]] = {"order": [], "cashier_page": [], "confirm": []}
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    # The waits and the journal reads go through aiohttp (no cookie jar: the flow uses none).
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http:
        loop = asyncio.get_running_loop()
        cpu0 = sim.cpu_seconds() if sim else None
        started = loop.time()
        jobs = iter(range(count))
        order_ids: set[str] = set()

        async def worker():
            client = rawhttp.Client()  # the browser's part, through the lightest client
            try:
                for _ in jobs:
                    order_ids.add(await one_journey(client, urls, timings))
            finally:
                client.close()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        driven = loop.time()
        finished = await wait_all_paid(http, urls, order_ids)
        cpu = sim.cpu_seconds() - cpu0 if sim else None
        steps = await journal_latencies(http, urls, order_ids) if with_latencies else {}
    elapsed = finished - started
    out = {
        "count": count,
        "concurrency": concurrency,
        "seconds": elapsed,
        "journeys_per_s": count / elapsed,
        "drive_seconds": driven - started,
        "steps": {name: summary(samples) for name, samples in {**timings, **steps}.items()},
    }
    if cpu is not None:
        out["sim_cpu_ms_per_journey"] = cpu / count * 1000
    return out


async def journal_latencies(http: aiohttp.ClientSession, urls: dict, order_ids: set[str]) -> dict:
    """From the journals: the wallet's pay as the merchant saw it (step 4's round trip),
    and debit to PAID (the notification's way to fulfilment)."""
    events = {}
    for app in ("wallet", "merchant"):
        async with http.get(f"{urls[app]}/_sim/events", params={"limit": "1000000"}) as resp:
            events[app] = (await resp.json())["events"]
    pay = [
        e["http"]["elapsedMs"]
        for e in events["merchant"]
        if e["step"] == 4 and e["orderId"] in order_ids and e.get("http", {}).get("elapsedMs")
    ]
    debited = {e["orderId"]: e["at"] for e in events["wallet"] if e["step"] == 17 and e["orderId"] in order_ids}
    paid = {
        e["orderId"]: e["at"]
        for e in events["merchant"]
        if e["step"] == 19 and e["kind"] == "note" and e["orderId"] in order_ids
    }
    to_paid = [
        (datetime.fromisoformat(paid[o]) - datetime.fromisoformat(debited[o])).total_seconds() * 1000
        for o in paid
        if o in debited
    ]
    return {"wallet_pay": pay, "debit_to_paid": to_paid}
