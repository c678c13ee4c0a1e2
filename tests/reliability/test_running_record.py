"""A running simulator writes where it answers (``running.json`` in its data folder), and
``credentials``, ``reset`` and ``trace`` find it there: a run on ``--*-port 0`` needs no
ports repeated. The data folder, which holds private keys, ignores itself in git. Tested
by really starting ``tradepay-sim run`` and running the commands as processes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

from test_run_all import start

from simulator.testing.sim import free_ports, get_json, wait_for

CLI = (sys.executable, "-m", "simulator.launch.cli")


async def command(cwd, *args, env: dict | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *CLI,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=str(cwd),
        env={**{k: v for k, v in os.environ.items() if not k.startswith("TRADEPAY_SIM_")}, **(env or {})},
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_commands_find_a_run_on_port_0_through_its_record(tmp_path, http):
    data = tmp_path / "data"
    proc, urls = await start(tmp_path)
    try:
        record = json.loads((data / "running.json").read_text())
        assert record["pid"] == proc.pid
        assert record["urls"] == {
            "miniprogram": urls["mini program"],
            "merchant": urls["merchant server"],
            "wallet": urls["wallet"],
            "console": urls["console"],
        }
        assert record["ports"]["wallet"] == int(urls["wallet"].rsplit(":", 1)[1])
        assert (data / ".gitignore").read_text().splitlines()[-1] == "*"

        # credentials: only the data folder given, no port.
        code, out, err = await command(tmp_path, "credentials", "--data-dir", str(data))
        assert code == 0, err
        creds = json.loads(out)
        assert creds["baseUrl"] == urls["wallet"]

        # A journey, then trace finds it (through the console the record names).
        async with http.post(f"{urls['merchant server']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
            order = await r.json()
        code, out, err = await command(tmp_path, "trace", order["orderId"], "--json", "--data-dir", str(data))
        assert code == 0, err
        assert json.loads(out)["orderId"] == order["orderId"]

        # reset: by the variable naming the data folder, from another directory.
        code, out, err = await command(tmp_path.parent, "reset", env={"TRADEPAY_SIM_DATA_DIR": str(data)})
        assert code == 0, err
        assert out.count(" reset") == 3 and urls["wallet"] in out
        status, _ = await get_json(http, f"{urls['merchant server']}/api/orders/{order['orderId']}")
        assert status == 404

        # A port given still wins over the record.
        code, out, err = await command(tmp_path, "credentials", "--data-dir", str(data), "--wallet-port", "1")
        assert code == 1 and "127.0.0.1:1/" in err
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err_bytes = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err_bytes.decode()
    assert not (data / "running.json").exists()


async def test_a_record_left_by_a_killed_run_is_ignored_and_said(tmp_path):
    data = tmp_path / "data"
    proc, _urls = await start(tmp_path, "--processes", "1")
    proc.kill()
    await proc.wait()
    assert (data / "running.json").exists()  # a SIGKILL leaves it behind
    nobody = free_ports(1)[0]
    code, _out, err = await command(
        tmp_path, "credentials", "--data-dir", str(data), env={"TRADEPAY_SIM_WALLET_PORT": str(nobody)}
    )
    assert code == 1
    assert f"names process {proc.pid}, which is not running: ignored" in err
    assert f"127.0.0.1:{nobody}/" in err

    # The next run replaces it.
    proc, urls = await start(tmp_path, "--processes", "1")
    try:
        await wait_for(lambda: _recorded(data, proc.pid))
        code, out, err = await command(tmp_path, "credentials", "--data-dir", str(data))
        assert code == 0 and json.loads(out)["baseUrl"] == urls["wallet"], err
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.communicate(), 20)


async def _recorded(data, pid):
    try:
        return json.loads((data / "running.json").read_text())["pid"] == pid
    except (OSError, ValueError):
        return False


async def test_a_second_run_on_the_same_data_folder_is_warned_of(tmp_path):
    first, first_urls = await start(tmp_path, "--processes", "1")
    try:
        second, _ = await start(tmp_path, "--processes", "1")
        second.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(second.communicate(), 20)
        assert f"another simulator (process {first.pid}," in err.decode()
        assert first_urls["wallet"] in err.decode() and "pass another --data-dir" in err.decode()
    finally:
        first.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(first.communicate(), 20)
    assert "another simulator" not in err.decode()
