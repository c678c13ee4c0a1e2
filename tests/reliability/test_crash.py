"""Crash safety: journeys run at full speed while the whole simulator is killed with
SIGKILL at random moments, several times, and restarted on the same data folder. After
the retries finish: money is conserved, every successful debit ends with the merchant's
order PAID, no order is paid twice, and no notification is lost."""

import asyncio
import random
import sys
from pathlib import Path

import aiohttp
import pytest

from simulator.testing.journey import api_journey
from simulator.testing.sim import fixed_ports, get_json, seed_keys, wait_for

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = ["buyer@sandbox.test"] * 6 + [
    "lowbalance@sandbox.test",
    "risk@sandbox.test",
    "offline-after@sandbox.test",
    "offline-before@sandbox.test",
    "slow-success@sandbox.test",
]
ROUNDS = 5
WORKERS = 16


async def start(data: Path, ports: dict) -> asyncio.subprocess.Process:
    args = [
        sys.executable,
        str(ROOT / "run_all.py"),
        "--data-dir",
        str(data),
        "--time-scale",
        "600",
        "--log-level",
        "error",
    ]
    for name, port in ports.items():
        args += ["--" + name.replace("_", "-"), str(port)]
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    while True:
        line = await asyncio.wait_for(proc.stdout.readline(), 20)
        assert line, (await proc.stderr.read()).decode()
        if b"Press Ctrl-C" in line:
            return proc


async def journeys_forever(http, urls, counts):
    rng = random.Random()
    while True:
        try:
            result = await api_journey(
                http,
                urls,
                account=rng.choice(ACCOUNTS),
                report=False,
                settle_timeout=0,
                items=({"goodsId": rng.choice(["latte", "cake", "bagel"]), "quantity": 1},),
            )
            counts[result.result_code] = counts.get(result.result_code, 0) + 1
        except (TimeoutError, aiohttp.ClientError, AssertionError, KeyError, ValueError):
            counts["interrupted"] = counts.get("interrupted", 0) + 1
            await asyncio.sleep(0.05)


async def everything(http, urls):
    _, accounts = await get_json(http, f"{urls['wallet']}/_sim/accounts")
    _, payments = await get_json(http, f"{urls['wallet']}/_sim/payments", params={"limit": "100000"})
    _, notes = await get_json(http, f"{urls['wallet']}/_sim/notifications", params={"limit": "100000"})
    _, orders = await get_json(http, f"{urls['merchant']}/api/orders", params={"limit": "100000"})
    return accounts["accounts"], payments["payments"], notes["notifications"], orders["orders"]


def total_usd(accounts):
    return sum(int(a["balances"]["USD"]) for a in accounts)


@pytest.mark.slow
async def test_sigkill_at_random_moments_loses_nothing(tmp_path, keys_template, http):
    data, ports = tmp_path / "data", fixed_ports()
    seed_keys(data, keys_template)
    urls = {
        "wallet": f"http://127.0.0.1:{ports['wallet_port']}",
        "merchant": f"http://127.0.0.1:{ports['merchant_port']}",
        "miniprogram": f"http://127.0.0.1:{ports['miniprogram_port']}",
    }
    counts: dict = {}
    rng = random.Random(2026)
    initial = None
    for _ in range(ROUNDS):
        proc = await start(data, ports)
        if initial is None:
            initial = total_usd((await everything(http, urls))[0])
        workers = [asyncio.create_task(journeys_forever(http, urls, counts)) for _ in range(WORKERS)]
        # Killed once this round has paid a few journeys, then a moment later: the kill
        # lands mid-flight whatever the machine's speed (a wall-clock delay paid nothing
        # on a loaded machine, and the test then tested nothing).
        target = counts.get("9000", 0) + rng.randint(5, 10)

        async def paid_enough(target=target):
            return counts.get("9000", 0) >= target

        await wait_for(paid_enough, timeout=120)
        await asyncio.sleep(rng.uniform(0, 0.3))
        proc.kill()  # SIGKILL: no cleanup, no flush, mid-transaction
        await proc.wait()
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    proc = await start(data, ports)
    try:

        async def all_finished():  # expiry, settlement, retries and reconciliation
            accounts, payments, notes, orders = await everything(http, urls)
            settled = all(p["status"] in ("SUCCESS", "FAIL", "CANCELLED") for p in payments)
            delivered = all(n["status"] == "DELIVERED" for n in notes)
            by_id = {o["orderId"]: o for o in orders}
            caught_up = all(
                by_id.get(p["orderId"], {}).get("status") == "PAID" for p in payments if p["status"] == "SUCCESS"
            )
            return (accounts, payments, notes, orders) if settled and delivered and caught_up else None

        accounts, payments, notes, orders = await wait_for(all_finished, timeout=60, interval=0.5)
    finally:
        proc.terminate()
        await proc.wait()

    successes = [p for p in payments if p["status"] == "SUCCESS"]
    print(f"\ncrash test: {counts}, {len(payments)} payments, {len(successes)} captured, {len(notes)} notifications")
    assert counts.get("9000", 0) > 20 and counts.get("interrupted", 0) > 0, counts  # the test did test something
    # money conserved: what left the accounts is exactly what was captured (minus refunds)
    captured = sum(int(p["amount"]["value"]) - int(p["refunded"]) for p in successes)
    assert total_usd(accounts) + captured == initial
    # every successful debit ends with the merchant's order PAID, fulfilled exactly once
    by_id = {o["orderId"]: o for o in orders}
    for p in successes:
        order = by_id[p["orderId"]]
        assert order["status"] == "PAID" and order["fulfilled"] == 1 and order["paymentId"] == p["paymentId"]
    # no order paid twice, and no order PAID without a captured payment
    assert all(o["fulfilled"] <= 1 for o in orders)
    paid_ids = {p["paymentId"] for p in successes}
    assert all(o["paymentId"] in paid_ids for o in orders if o["status"] == "PAID")
    # no notification lost: every final payment has one, and each was delivered
    noted = {n["paymentId"] for n in notes}
    assert all(p["paymentId"] in noted for p in payments if p["status"] in ("SUCCESS", "FAIL"))
    assert all(n["status"] == "DELIVERED" for n in notes)
