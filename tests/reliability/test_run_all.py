"""``run_all.py`` as a user runs it: a real process that prints its URLs once they answer
and stops cleanly on SIGTERM and Ctrl-C (SIGINT)."""

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from simulator.testing.sim import get_json, wait_for

ROOT = Path(__file__).resolve().parents[2]


async def start(tmp_path, *extra, own_group: bool = False):
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "run_all.py"),
        "--miniprogram-port",
        "0",
        "--merchant-port",
        "0",
        "--wallet-port",
        "0",
        "--console-port",
        "0",
        "--data-dir",
        str(tmp_path / "data"),
        "--log-level",
        "warning",
        *extra,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=str(tmp_path),
        start_new_session=own_group,
    )
    urls = {}
    while len(urls) < 4:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert line, (await proc.stderr.read()).decode()
        m = re.match(r"\s+(mini program|merchant server|wallet|console)\s+(http://\S+)", line)
        if m:
            urls[m.group(1)] = m.group(2)
    return proc, urls


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_starts_answers_and_stops_cleanly(tmp_path, http, sig):
    proc, urls = await start(tmp_path)
    try:
        for url in urls.values():
            status, body = await get_json(http, f"{url}/_sim/health")
            assert status == 200 and body["status"] == "ok"
        status, creds = await get_json(http, f"{urls['wallet']}/_sim/credentials")
        assert creds["baseUrl"] == urls["wallet"]
    finally:
        proc.send_signal(sig)
        out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err.decode()
    assert b"stopped" in out and b"Traceback" not in err


async def test_port_in_use_is_a_clear_error(tmp_path):
    blocker = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = blocker.sockets[0].getsockname()[1]
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "run_all.py"),
            "--wallet-port",
            str(port),
            "--miniprogram-port",
            "0",
            "--merchant-port",
            "0",
            "--console-port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _out, err = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        blocker.close()
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port} for the wallet" in err.decode()
    assert b"Traceback" not in err


@pytest.mark.parametrize("signer", ["inline", "process", "auto"])
async def test_the_wallet_runs_in_its_own_process_and_dies_with_the_simulator(tmp_path, http, signer):
    proc, urls = await start(tmp_path, "--signer", signer)
    try:
        children = [int(p) for p in (await _children(proc.pid))]
        assert len(children) == 1  # the wallet, by default (--processes 2)
        grandchildren = [int(p) for p in (await _children(children[0]))]
        # The wallet's signer. ``auto`` is decided for the whole run: a wallet child, alone
        # in its process, must not take the second core the other apps use on 2 cores.
        signs_apart = signer == "process" or (signer == "auto" and (os.cpu_count() or 1) >= 4)
        assert len(grandchildren) == (1 if signs_apart else 0)
        status, _ = await get_json(http, f"{urls['wallet']}/_sim/health")
        assert status == 200
    finally:
        proc.kill()  # SIGKILL: no chance to stop the child itself
        await proc.wait()
    for pid in children + grandchildren:

        async def gone(pid=pid):
            return not Path(f"/proc/{pid}").exists()

        await wait_for(gone)


async def test_one_process_when_asked(tmp_path, http):
    proc, urls = await start(tmp_path, "--processes", "1")
    try:
        assert await _children(proc.pid) == []
        status, _ = await get_json(http, f"{urls['wallet']}/_sim/health")
        assert status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        await proc.communicate()


async def test_the_wallet_alone_signs_in_a_process_of_its_own_on_two_cores(tmp_path, http):
    """Run as a load target (``--apps wallet``), it leaves the second core to its signer."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "run_all.py"),
        "--apps",
        "wallet",
        "--wallet-port",
        "0",
        "--data-dir",
        str(tmp_path / "data"),
        "--log-level",
        "warning",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=str(tmp_path),
    )
    try:
        while not re.match(r"\s+wallet\s+http://", (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()):
            pass
        assert len(await _children(proc.pid)) == (1 if (os.cpu_count() or 1) >= 2 else 0)
    finally:
        proc.send_signal(signal.SIGTERM)
        await proc.communicate()
    assert proc.returncode == 0


async def _children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


@pytest.mark.parametrize("signer", ["inline", "process"])
async def test_ctrl_c_to_the_whole_process_group_stops_cleanly(tmp_path, signer):
    """A terminal's Ctrl-C signals every process of the group: the wallet child (and its
    signer) must not get it twice (once from the terminal, once from their parent)."""
    import os

    proc, _urls = await start(tmp_path, "--signer", signer, own_group=True)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0 and b"stopped" in out
    assert err.decode().strip() == "", err.decode()
