"""Two versions of the simulator on the same machine, in the same minutes: this checkout
against a git revision, turn by turn.

    python -m bench.compare REV [--rounds 3]

This machine's speed moves by 2x and more from one day to the next (the bare aiohttp
request: 0.054 ms on one day, 0.137 on another), so a figure in docs/benchmarks.md says
little about a change measured on another day. Alternating the two versions within one
run does: each round starts each version's run_all.py (in a git worktree of REV, in a
temporary folder) and drives the same load at it with this checkout's load generators:
the start-up time (keys already made; the median of three), 600 journeys at concurrency 32 (the default
process split), 3,000 signed pays at concurrency 32 against the wallet alone, and 10,000
journeys (the growth run: the last thousand against the first). The figures are printed
as each version's median and range over the rounds; the order of the two alternates\nfrom round to round.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
from pathlib import Path

from . import growth, journeys, pay_load, sim_process

ROOT = sim_process.ROOT
STARTS = 3  # start-ups a round, its median reported


def worktree(rev: str, folder: Path) -> Path:
    path = folder / "other"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), rev], check=True, capture_output=True
    )
    return path


async def one_round(root: Path, data: Path, with_growth: bool) -> dict:
    out: dict[str, float] = {}
    sim, _ = sim_process.start(data / "keys", root=root)  # makes the keys
    sim.stop()
    starts = []
    for _ in range(STARTS):
        sim, seconds = sim_process.start(data / "keys", root=root)
        starts.append(seconds)
        sim.stop()
    out["startup_s"] = statistics.median(starts)
    sim, _ = sim_process.start(data / "keys", root=root)
    try:
        await journeys.run(sim.urls, 50, 32, sim, with_latencies=False)  # warm up
        run = await journeys.run(sim.urls, 600, 32, sim)
        out["journeys_per_s"] = run["journeys_per_s"]
        out["cpu_ms_per_journey"] = run["sim_cpu_ms_per_journey"]
    finally:
        sim.stop()
    sim, _ = sim_process.start(data / "wallet", "--apps", "wallet", root=root)
    try:
        await pay_load.run(sim.urls["wallet"], 300, 32)  # warm up
        pays = await pay_load.run(sim.urls["wallet"], 3000, 32, sim)
        out["pays_per_s"] = pays["per_s"]
        out["pay_p99_ms"] = pays["latency_ms"]["p99"]
    finally:
        sim.stop()
    if with_growth:
        sim, _ = sim_process.start(data / "growth", root=root)
        try:
            g = await growth.run(sim)
            out["growth_last_vs_first"] = g["last_vs_first"]
            out["growth_rss_x"] = g["rss_growth"]
        finally:
            sim.stop()
    return out


def spread(values: list[float]) -> str:
    def fmt(v: float) -> str:
        return f"{v:.0f}" if v >= 100 else f"{v:.3g}"

    return f"{fmt(statistics.median(values))} ({fmt(min(values))}-{fmt(max(values))})"


async def alternate(versions: dict[str, Path], rounds: int, growth_rounds: int) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {name: [] for name in versions}
    for n in range(rounds):
        # A, B then B, A: whichever runs second in a round may meet a warmer or a more
        # tired machine; alternating the order cancels that out over an even count.
        order = list(versions.items()) if n % 2 == 0 else list(reversed(versions.items()))
        for name, root in order:
            with tempfile.TemporaryDirectory() as data:
                result = await one_round(root, Path(data), with_growth=n < growth_rounds)
            out[name].append(result)
            print(f"round {n + 1}, {name}: " + ", ".join(f"{k} {v:.3g}" for k, v in result.items()), flush=True)
    return out


def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        other = worktree(args.rev, Path(folder))
        try:
            versions = {args.rev: other, "this checkout": ROOT}
            rounds = asyncio.run(alternate(versions, args.rounds, args.growth_rounds))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], capture_output=True)
    print(f"\n| figure | {' | '.join(rounds)} |\n|---|---|---|")
    for key in rounds[args.rev][0]:
        cells = [spread([r[key] for r in rs if key in r]) for rs in rounds.values()]
        print(f"| {key} | {' | '.join(cells)} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the git revision to compare this checkout with")
    parser.add_argument("--rounds", type=int, default=4, help="an even count: the order alternates")
    parser.add_argument("--growth-rounds", type=int, default=1, help="rounds that also run 10,000 journeys")
    main(parser.parse_args())
