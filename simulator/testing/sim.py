"""Start a whole simulator inside a test: free ports, its own data folder."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from ..core import credentials as sandbox
from ..launch.runner import RunningSim, start
from ..launch.settings import APPS, Settings


def seed_keys(data_dir: Path, template: Path | None) -> None:
    """Copy ready-made sandbox keys (RSA key generation is the slowest part of a start)."""
    if template is None:
        return
    target = Path(data_dir) / sandbox.KEYS_DIR
    if not target.exists():
        shutil.copytree(template / sandbox.KEYS_DIR, target)


@asynccontextmanager
async def running_sim(
    data_dir: Path, *, keys_from: Path | None = None, apps: tuple[str, ...] = APPS, **overrides
) -> AsyncIterator[RunningSim]:
    settings = Settings(
        data_dir=Path(data_dir),
        apps=apps,
        host="127.0.0.1",
        miniprogram_port=0,
        merchant_port=0,
        wallet_port=0,
        console_port=0,
    )
    settings = dataclasses.replace(settings, **overrides)
    seed_keys(data_dir, keys_from)
    sim = await start(settings)
    try:
        yield sim
    finally:
        await sim.stop()


async def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll an async predicate until it returns something truthy; return that."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout:g} s")
        await asyncio.sleep(interval)


async def get_json(session: aiohttp.ClientSession, url: str, **kwargs):
    async with session.get(url, **kwargs) as resp:
        return resp.status, await resp.json()


def free_ports(count: int) -> list[int]:
    """Ports free right now, for runs that restart on the same ports (stored notify URLs
    carry the merchant's port). Picked below Linux's ephemeral range (32768-60999), so that
    no outgoing connection takes one between the pick and its use."""
    import random
    import socket

    picked: list[int] = []
    rng = random.Random()
    while len(picked) < count:
        port = rng.randint(20000, 32000)
        if port in picked:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        picked.append(port)
    return picked


def fixed_ports() -> dict:
    ports = free_ports(4)
    return dict(zip(("miniprogram_port", "merchant_port", "wallet_port", "console_port"), ports, strict=False))
