"""Growth: 10,000 journeys in a row at one concurrency; throughput of the first and last
thousand, and the simulator's memory after 1,000 and after 10,000."""

from __future__ import annotations

import time

from . import journeys


async def run(sim, total: int = 10_000, block: int = 1_000, concurrency: int = 32) -> dict:
    blocks = []
    rss = {}
    for done in range(0, total, block):
        result = await journeys.run(sim.urls, block, concurrency, sim, with_latencies=False)
        blocks.append(result["journeys_per_s"])
        if done + block in (block, total):
            time.sleep(0.5)
            rss[done + block] = sim.rss_mib()
    return {
        "blocks_per_s": blocks,
        "first_per_s": blocks[0],
        "last_per_s": blocks[-1],
        "last_vs_first": blocks[-1] / blocks[0],
        "rss_mib": rss,
        "rss_growth": rss[total] / rss[block],
    }
