"""A live journal stream ends with its app: stopping an app never waits for stream
clients, and a client that leaves is let go."""

import asyncio
import time

import aiohttp

from simulator.testing.sim import running_sim


async def test_stopping_an_app_with_an_open_stream_is_quick(tmp_path, keys_template):
    async with aiohttp.ClientSession() as http:
        sim_cm = running_sim(tmp_path / "d", keys_from=keys_template)
        sim = await sim_cm.__aenter__()
        resp = await http.get(f"{sim.urls['wallet']}/_sim/events/stream")
        assert resp.status == 200
        started = time.monotonic()
        await sim_cm.__aexit__(None, None, None)
        assert time.monotonic() - started < 5  # not aiohttp's 60 s grace
        resp.close()


async def test_a_departed_client_is_unsubscribed(sim, http):
    app = sim.app("wallet")
    from wallet_mock.app import JOURNAL

    journal = app[JOURNAL]
    resp = await http.get(f"{sim.urls['wallet']}/_sim/events/stream")
    await asyncio.sleep(0.1)
    assert len(journal._subscribers) == 1
    resp.close()

    async def gone():
        return not journal._subscribers

    for _ in range(50):
        if await gone():
            break
        await asyncio.sleep(0.05)
    assert not journal._subscribers
