"""A live journal stream ends with its app: stopping an app never waits for stream
clients, and a client that leaves is let go."""

import asyncio

import aiohttp

from simulator.testing.sim import running_sim, wait_for

# aiohttp waits this long for open requests when it stops, unless the app ends them.
AIOHTTP_SHUTDOWN_GRACE = 60


async def test_stopping_an_app_with_an_open_stream_is_quick(tmp_path, keys_template):
    async with aiohttp.ClientSession() as http:
        sim_cm = running_sim(tmp_path / "d", keys_from=keys_template)
        sim = await sim_cm.__aenter__()
        resp = await http.get(f"{sim.urls['wallet']}/_sim/events/stream")
        assert resp.status == 200
        # The app ends the stream itself: the stop returns while the client still holds it
        # open (bounded by half of aiohttp's grace, so that waiting it out fails)...
        await asyncio.wait_for(sim_cm.__aexit__(None, None, None), AIOHTTP_SHUTDOWN_GRACE / 2)
        # ...and the client then reads the stream to its end, which the server made.
        await asyncio.wait_for(resp.content.read(), AIOHTTP_SHUTDOWN_GRACE / 2)
        assert resp.content.at_eof()
        resp.close()


async def test_a_departed_client_is_unsubscribed(sim, http):
    app = sim.app("wallet")
    from wallet_mock.app import JOURNAL

    journal = app[JOURNAL]
    resp = await http.get(f"{sim.urls['wallet']}/_sim/events/stream")

    async def subscribed():
        return len(journal._subscribers) == 1

    await wait_for(subscribed)
    resp.close()

    async def gone():
        return not journal._subscribers

    await wait_for(gone)
