"""docs/standalone-wallet.md, run as written: every shell block, every file it saves, the
notification receiver it starts, against ``tradepay-sim run --apps wallet`` on a free
port. The page's ``<!-- test: ... -->`` comments say what a block is; the one step a
person does in a browser (paying in the cashier) is done over the cashier's own HTTP
calls. The printed outputs the page shows must be the ones that come out."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import free_ports, get_json, wait_for

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "standalone-wallet.md"
BIN = Path(sys.executable).parent
TOKEN = re.compile(r"<!-- test: (?P<marker>.*?) -->|```(?P<lang>\w+)\n(?P<code>.*?)```", re.S)


def walkthrough() -> list[tuple[str, str | None, str]]:
    """(marker, language, code) in page order: a marker right above a block belongs to
    it; a marker alone is an action (paying in the cashier)."""
    items: list[tuple[str, str | None, str]] = []
    pending, pending_end = None, 0
    text = DOC.read_text()
    for m in TOKEN.finditer(text):
        if m.group("marker") is not None:
            if pending is not None:
                items.append((pending, None, ""))
            pending, pending_end = m.group("marker"), m.end()
            continue
        attached = pending is not None and not text[pending_end : m.start()].strip()
        if pending is not None and not attached:
            items.append((pending, None, ""))
        items.append((pending if attached else "", m.group("lang"), m.group("code")))
        pending = None
    if pending is not None:
        items.append((pending, None, ""))
    return items


def matches(expected: str, actual: str) -> bool:
    """The page's output, ``...`` standing for anything."""
    pattern = ".*".join(re.escape(part) for part in expected.strip().split("..."))
    return re.fullmatch(pattern, actual.strip(), re.S) is not None


async def start_wallet(workdir: Path, env: dict) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        str(BIN / "tradepay-sim"),
        "run",
        "--apps",
        "wallet",
        "--wallet-port",
        "0",
        "--data-dir",
        "data",
        "--log-level",
        "warning",
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert line, (await proc.stderr.read()).decode()
        if m := re.match(r"\s+wallet\s+(http://\S+)", line):
            return proc, m.group(1)


async def pay_in_cashier(http, workdir: Path) -> None:
    """What the page asks a person to do: open normalUrl, pay with 111111."""
    cashier = await open_cashier(http, json.loads((workdir / "pay.json").read_text())["normalUrl"])
    status, reply = await cashier_action(
        http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 200, reply


async def test_the_standalone_wallet_walkthrough(tmp_path, http):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "TRADEPAY_SIM_HOST": "127.0.0.1"}
    wallet_proc, wallet = await start_wallet(tmp_path, env)
    env["TRADEPAY_SIM_WALLET_PORT"] = wallet.rsplit(":", 1)[1]  # for `tradepay-sim credentials` / `reset`
    (notify_port,) = free_ports(1)
    # The page's blocks take the wallet's URL and the receiver's port from variables (its
    # "environment" block); here they name this run's free ports. Nothing else is moved.
    ours = {"WALLET": wallet, "NOTIFY_PORT": str(notify_port)}
    defined: dict[str, str] = {}

    receiver_log = tmp_path / "notify_server.out"
    receivers: list[subprocess.Popen] = []
    last_output, receiver_seen = "", 0
    done = []
    try:
        for marker, lang, code in walkthrough():
            if marker.startswith("skip"):
                continue
            if marker == "environment":
                defined.update(re.findall(r"^export (\w+)=(\S+)", code, re.M))
                assert set(defined) == set(ours), f"the page's variables: {defined}"
                env.update(ours)
                done.append(marker)
                continue
            if marker.startswith("file "):
                (tmp_path / marker.split()[1]).write_text(code)
            elif marker == "background":
                receivers.append(
                    subprocess.Popen(
                        ["bash", "-c", f"exec {code.strip()}"],
                        cwd=tmp_path,
                        env=env,
                        stdout=receiver_log.open("w"),
                        stderr=subprocess.STDOUT,
                    )
                )
                await wait_for(lambda: _listening(notify_port))
            elif marker == "output":
                assert matches(code, last_output), f"the page shows\n{code}\nbut it printed\n{last_output}"
            elif marker == "output of notify_server.py":

                async def printed(seen=receiver_seen, expected=code):
                    fresh = receiver_log.read_text()[seen:]
                    return fresh if matches(expected, fresh) else None

                try:
                    fresh = await wait_for(printed, timeout=10)
                except TimeoutError:
                    raise AssertionError(
                        f"notify_server.py should print\n{code}\nbut printed\n"
                        f"{receiver_log.read_text()[receiver_seen:]}"
                    ) from None
                receiver_seen += len(fresh)
            elif marker.startswith("pay in the cashier"):
                await pay_in_cashier(http, tmp_path)
            elif lang == "sh" and not marker:
                ran = await asyncio.to_thread(
                    subprocess.run,
                    ["bash", "-eo", "pipefail", "-c", code],
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                assert ran.returncode == 0, f"{code}\n{ran.stdout}\n{ran.stderr}"
                last_output = ran.stdout
            elif lang != "text" or marker:
                raise AssertionError(f"the page has a block the test does not know: {marker!r} {lang}")
            done.append(marker or lang)
        # The page's own values are the defaults a reader gets.
        assert defined == {"WALLET": "http://127.0.0.1:8300", "NOTIFY_PORT": "9000"}
        page = DOC.read_text()
        assert "/_sim/notifications/1/" not in page and page.count("127.0.0.1:8300") <= 3
        # Every notification came to a notify URL with a query, was verified and acknowledged.
        _, notes = await get_json(http, f"{wallet}/_sim/merchants")
        (mine,) = [m for m in notes["merchants"] if m["clientId"] == "MY_SHOP"]
        assert mine["notifyUrl"].endswith("/notify?shop=my_shop")
        assert "verified" in receiver_log.read_text() and " 401" not in receiver_log.read_text()
        assert done.count("sh") >= 5 and "background" in done

        # Where the page left things: MY_SHOP registered, the sandbox reset.
        _, merchants = await get_json(http, f"{wallet}/_sim/merchants")
        assert "MY_SHOP" in [m["clientId"] for m in merchants["merchants"]]
        _, payments = await get_json(http, f"{wallet}/_sim/payments")
        assert payments["payments"] == []
    finally:
        for receiver in receivers:
            receiver.terminate()
            receiver.wait(10)
        wallet_proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(wallet_proc.communicate(), 30)
    assert wallet_proc.returncode == 0


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True
