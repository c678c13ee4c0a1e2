"""The console when every app runs in its own process: it gathers the journal from each
app over HTTP (there is no shared memory to read), follows them live, and says which app
stops answering. ``tradepay-sim trace`` prints the same journey, from the console or,
without it, from the apps."""

import asyncio
import json
import signal
import sys
from pathlib import Path

import aiohttp
import pytest_asyncio

from simulator.console.live import read_sse
from simulator.testing.journey import api_journey
from simulator.testing.sim import free_ports, get_json, seed_keys, wait_for

ROOT = Path(__file__).resolve().parents[2]
APPS = ("wallet", "merchant", "miniprogram", "console")
COMMANDS = {
    "wallet": ["-m", "wallet_mock"],
    "merchant": ["-m", "merchant_server"],
    "miniprogram": ["-m", "miniprogram_mock"],
    "console": [str(ROOT / "run_all.py"), "--apps", "console"],
}


@pytest_asyncio.fixture
async def processes(tmp_path, keys_template, http):
    """Four processes, one app each, on ports chosen now; yields their URLs."""
    ports = dict(zip(APPS, free_ports(len(APPS)), strict=False))
    data = tmp_path / "data"
    data.mkdir()
    seed_keys(data, keys_template)  # keys exist before four processes look for them
    options = [arg for app in APPS for arg in (f"--{app}-port", str(ports[app]))]
    options += ["--data-dir", str(data), "--log-level", "warning", "--time-scale", "60"]
    procs = {
        app: await asyncio.create_subprocess_exec(
            sys.executable,
            *COMMANDS[app],
            *options,
            cwd=str(tmp_path),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        for app in APPS
    }
    urls = {app: f"http://127.0.0.1:{port}" for app, port in ports.items()}

    async def answering():
        for url in urls.values():
            try:
                status, _ = await get_json(http, f"{url}/_sim/health")
            except aiohttp.ClientError:
                return False
            if status != 200:
                return False
        return True

    try:
        await wait_for(answering, timeout=30, interval=0.2)
        yield urls, procs, ports
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for app, proc in procs.items():
            _, err = await asyncio.wait_for(proc.communicate(), 30)
            assert b"Traceback" not in err, f"{app}: {err.decode()}"


async def trace(ports, order_id, *extra):
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator.launch.cli",
        "trace",
        order_id,
        *extra,
        *(arg for app in APPS for arg in (f"--{app}-port", str(ports[app]))),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    return proc.returncode, out.decode(), err.decode()


def numbered_steps(text):
    """The step numbers the trace shows as recorded (a missing step says "not recorded")."""
    rows = text.splitlines()[3:]
    return [
        int(line[:3].strip(" .")) for line in rows if line[:3].strip(" .").isdigit() and "(not recorded)" not in line
    ]


async def test_console_gathers_and_follows_apps_in_other_processes(processes, http):
    urls, _procs, ports = processes
    first = await api_journey(http, urls)

    async def gathered():
        _, body = await get_json(http, f"{urls['console']}/api/journeys/{first.order_id}")
        return body if body.get("summary", {}).get("complete") else None

    journey = await wait_for(gathered)
    assert {e["app"] for e in journey["events"]} == {"miniprogram", "merchant", "wallet"}
    assert journey["summary"]["status"] == "PAID" and journey["unreachable"] == {}

    async with http.get(f"{urls['console']}/api/stream", timeout=aiohttp.ClientTimeout(total=30)) as resp:
        events = read_sse(resp.content)
        kind, data = await anext(events)
        assert kind == "snapshot" and [j["orderId"] for j in json.loads(data)["journeys"]] == [first.order_id]
        second = asyncio.create_task(api_journey(http, urls))
        seen = set()
        async for kind, data in events:
            payload = json.loads(data)
            if kind == "step" and payload.get("step"):
                seen.add((payload["app"], payload["step"]))
            if {step for _, step in seen} >= set(range(1, 19)) | {20}:
                break
        second = await second
    assert {app for app, _ in seen} == {"miniprogram", "merchant", "wallet"}

    code, out, err = await trace(ports, first.order_id)
    assert code == 0, err
    assert out.splitlines()[0] == f"Journey {first.order_id}"
    assert numbered_steps(out) == list(range(1, 21)) and "(not recorded)" not in out


async def test_an_app_that_stops_is_named_and_trace_works_without_the_console(processes, http):
    urls, procs, ports = processes
    result = await api_journey(http, urls)

    async def complete():
        _, body = await get_json(http, f"{urls['console']}/api/journeys/{result.order_id}")
        return body.get("summary", {}).get("complete")

    await wait_for(complete)
    async with http.get(f"{urls['console']}/api/stream", timeout=aiohttp.ClientTimeout(total=30)) as resp:
        events = read_sse(resp.content)
        assert (await anext(events))[0] == "snapshot"
        procs["merchant"].send_signal(signal.SIGTERM)
        async for kind, data in events:
            if kind == "app" and json.loads(data) == {"app": "merchant", "connected": False}:
                break
    _, body = await get_json(http, f"{urls['console']}/api/journeys")
    assert list(body["unreachable"]) == ["merchant"]
    assert [j["orderId"] for j in body["journeys"]] == [result.order_id], "the other apps' steps still show"

    procs["console"].send_signal(signal.SIGTERM)
    await asyncio.wait_for(procs["console"].wait(), 20)
    code, out, err = await trace(ports, result.order_id, "--bodies")
    assert code == 0, err
    assert "request:" in out and "Not answering: merchant" in out
    assert 3 not in numbered_steps(out) and 1 in numbered_steps(out), "the merchant's own steps went with it"
    assert " 3.          —  Merchant server" in out
    code, out, err = await trace(ports, "NO-SUCH-ORDER")
    assert code == 1 and "no journey NO-SUCH-ORDER" in err
