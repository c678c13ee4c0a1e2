"""200 journeys at once over HTTP: every one completes, nothing errs. (How fast and how
much memory is measured by the benchmark, not asserted here.)"""

import asyncio

from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json, wait_for


async def test_two_hundred_concurrent_journeys(sim, http):
    results = await asyncio.gather(*(api_journey(http, sim.urls, settle_timeout=0) for _ in range(200)))
    assert [r.result_code for r in results] == ["9000"] * 200
    assert len({r.payment_id for r in results}) == 200

    async def all_paid():
        _, body = await get_json(http, f"{sim.urls['merchant']}/api/orders", params={"limit": "1000"})
        return [o for o in body["orders"] if o["status"] != "PAID"] == [] and len(body["orders"]) == 200

    await wait_for(all_paid, timeout=30)

    async def all_delivered():
        _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/notifications")
        notes = body["notifications"]
        return notes if len(notes) == 200 and {n["status"] for n in notes} == {"DELIVERED"} else None

    notes = await wait_for(all_delivered, timeout=30)
    assert {n["attempts"] for n in notes} == {1}  # each acknowledged the first time
