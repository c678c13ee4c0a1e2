"""The whole journey over HTTP, with real signatures, against apps on free ports."""

import asyncio

from simulator.core.steps import causal_order_problems
from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json, wait_for


async def merged_events(http, sim, order_id):
    events = []
    for name in ("miniprogram", "merchant", "wallet"):
        status, body = await get_json(http, f"{sim.urls[name]}/_sim/events", params={"orderId": order_id})
        assert status == 200
        events += body["events"]
    return sorted(events, key=lambda e: e["at"])


# Who performs each step (/work/shared/SPEC.md, "The 20 steps"): the mini program client
# and its user perform 1, 2, 9, 18 and 20, in a browser. Without one, ``api_journey``
# reports those five itself, as the page and the shim would; the servers record the rest
# on their own. (tests/browser/test_journey_browser.py has all twenty from a real page.)
CLIENT_STEPS = {1, 2, 9, 18, 20}
SERVER_STEPS = {3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 19}


async def test_success_journey_pays_once_and_the_servers_record_their_fifteen_steps(sim, http):
    _, accounts = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    before = int(next(a for a in accounts["accounts"] if a["loginId"] == "buyer@sandbox.test")["balances"]["USD"])

    result = await api_journey(http, sim.urls)
    assert result.result_code == "9000"

    async def paid():
        _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{result.order_id}")
        return order if order["status"] == "PAID" else None

    order = await wait_for(paid)
    assert order["paidVia"] == "notification" and order["fulfilled"] == 1
    assert order["amount"] == {"currency": "USD", "value": "900"}

    _, accounts = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    after = int(next(a for a in accounts["accounts"] if a["loginId"] == "buyer@sandbox.test")["balances"]["USD"])
    assert before - after == 900

    async def all_steps():
        events = await merged_events(http, sim, result.order_id)
        return events if {e["step"] for e in events if e["step"]} == set(range(1, 21)) else None

    events = await wait_for(all_steps)
    by_app = {app: {e["step"] for e in events if e["step"] and e["app"] == app} for app in ("merchant", "wallet")}
    assert by_app["merchant"] | by_app["wallet"] == SERVER_STEPS  # recorded by the servers themselves
    assert {e["step"] for e in events if e["step"] and e["app"] == "miniprogram"} == CLIENT_STEPS  # reported above
    assert causal_order_problems(events) == []
    _, by_step = await get_json(http, f"{sim.urls['console']}/api/journeys/{result.order_id}", params={"order": "step"})
    numbered = [e["step"] for e in by_step["events"] if e["step"] and e["kind"] == "step"]
    assert sorted(set(numbered)) == list(range(1, 21)) and numbered == sorted(numbered)
    for e in events:
        assert e["actor"] and e["at"] and e["orderId"] == result.order_id
        assert "PRIVATE KEY" not in str(e) and "111111" not in str(e)


async def test_wallet_events_are_filtered_by_order(sim, http):
    one = await api_journey(http, sim.urls, report=False)
    two = await api_journey(http, sim.urls, report=False)
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/events", params={"orderId": one.order_id})
    ids = {e["paymentId"] for e in body["events"]}
    assert ids == {one.payment_id} and two.payment_id not in ids


async def test_notification_is_signed_and_acknowledged(sim, http):
    result = await api_journey(http, sim.urls, report=False)

    async def delivered():
        _, p = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}")
        n = p["notifications"]
        return n if n and n[0]["status"] == "DELIVERED" else None

    notes = await wait_for(delivered)
    assert notes[0]["attempts"] == 1 and notes[0]["history"][0]["http_status"] == 200
    _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events", params={"paymentId": result.payment_id})
    step19 = [e for e in events["events"] if e["step"] == 19]
    assert step19 and step19[0]["http"]["requestHeaders"]["Signature"].startswith(
        "algorithm=RSA256,keyVersion=1,signature="
    )


async def test_concurrent_journeys_each_pay_once(sim, http):
    results = await asyncio.gather(*(api_journey(http, sim.urls, report=False) for _ in range(8)))
    assert len({r.payment_id for r in results}) == 8

    async def all_paid():
        _, body = await get_json(http, f"{sim.urls['merchant']}/api/orders")
        statuses = [o["status"] for o in body["orders"]]
        return statuses if statuses.count("PAID") == 8 else None

    await wait_for(all_paid)
