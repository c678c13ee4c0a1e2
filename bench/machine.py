"""The machine's unavoidable costs, measured in the same run as the journeys: a bare
aiohttp request (server CPU per request, and client CPU per request), an RSA-2048
signature, an SQLite commit (WAL, synchronous=NORMAL, through aiosqlite)."""

from __future__ import annotations

import asyncio
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from simulator.core import signing
from simulator.core.db import PRAGMAS
from simulator.core.web import client_session

_BARE_SERVER = """
import sys
from aiohttp import web
async def ok(request):
    return web.Response(text="ok")
app = web.Application()
app.router.add_get("/", ok)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=lambda *a: print("ready", flush=True),
            access_log=None)
"""


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def bare_request_costs(n: int = 20_000, concurrency: int = 32) -> dict:
    """Server and client CPU per request of a hello-world aiohttp app."""
    from .sim_process import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", _BARE_SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None  # PIPE above
        proc.stdout.readline()
        url = f"http://127.0.0.1:{port}/"
        # the simulator's own kind of client: no cookie jar
        async with client_session(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
            for _ in range(200):  # warm up
                async with session.get(url) as resp:
                    await resp.read()
            server0, client0, wall0 = _cpu_of(proc.pid), _self_cpu(), time.perf_counter()
            queue = iter(range(n))

            async def worker():
                for _ in queue:
                    async with session.get(url) as resp:
                        await resp.read()

            await asyncio.gather(*(worker() for _ in range(concurrency)))
            wall = time.perf_counter() - wall0
            server, client = _cpu_of(proc.pid) - server0, _self_cpu() - client0
    finally:
        proc.terminate()
        proc.wait()
    return {"server_ms": server / n * 1000, "client_ms": client / n * 1000, "throughput": n / wall}


_KEYS: signing.KeyPair | None = None


def rsa_costs(n: int = 2000) -> dict:
    """An RSA-2048 signature and verification, each timed over ``n``. Also taken right after
    each pay-only run: this machine's speed moves by a third from minute to minute, and the
    report shows what it was when the p99 was measured."""
    global _KEYS
    keys = _KEYS = _KEYS or signing.generate_key_pair()
    body = b'{"paymentRequestId": "PR-1", "paymentAmount": {"currency": "USD", "value": "1000"}}'
    args = ("POST", "/aps/api/v1/payments/pay", "SANDBOX_X", "2026-11-25T10:00:00Z")
    signing.sign(keys.private_pem, *args, body)
    t0 = time.perf_counter()
    for _ in range(n):
        sig = signing.sign(keys.private_pem, *args, body)
    sign_ms = (time.perf_counter() - t0) / n * 1000
    t0 = time.perf_counter()
    for _ in range(n):
        signing.verify(keys.public_pem, *args, body, sig)
    verify_ms = (time.perf_counter() - t0) / n * 1000
    return {"sign_ms": sign_ms, "verify_ms": verify_ms}


def _sync_commit_ms(folder: Path, n: int) -> float:
    import sqlite3

    conn = sqlite3.connect(folder / "sync.sqlite3", isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    t0 = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
        conn.execute("COMMIT")
    elapsed = (time.perf_counter() - t0) / n * 1000
    conn.close()
    return elapsed


async def commit_cost(n: int = 2000) -> dict:
    """One small write transaction (BEGIN IMMEDIATE, INSERT, COMMIT): as the simulator
    runs it (sqlite3 on the calling thread), and through aiosqlite's thread for reference."""
    import aiosqlite

    with tempfile.TemporaryDirectory() as folder:
        sync_ms = _sync_commit_ms(Path(folder), n)
        conn = await aiosqlite.connect(Path(folder) / "bench.sqlite3", isolation_level=None)
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        t0 = time.perf_counter()
        for i in range(n):
            await conn.execute("BEGIN IMMEDIATE")
            await conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
            await conn.execute("COMMIT")
        aiosqlite_ms = (time.perf_counter() - t0) / n * 1000
        await conn.close()
    return {"commit_ms": sync_ms, "commit_aiosqlite_ms": aiosqlite_ms}


def describe() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem,
        "python": platform.python_version(),
        "python_build": python_build(),
        "platform": platform.platform(),
        "aiohttp": aiohttp.__version__,
    }


def python_build() -> str:
    """Which build of Python runs the bench: its interpreter's path, and whether this
    process runs the interpreter from a shared libpython (the pyenv build on this
    machine's PATH does; Debian's is linked statically: docs/decisions/interpreter.md)."""
    try:
        linked = "shared libpython" if "libpython" in Path("/proc/self/maps").read_text() else "static interpreter"
    except OSError:
        linked = "linking unknown"
    return f"{os.path.realpath(getattr(sys, '_base_executable', sys.executable))}, {linked}"


async def measure() -> dict:
    out = describe()
    out.update(await bare_request_costs())
    out.update(rsa_costs())
    out.update(await commit_cost())
    return out
