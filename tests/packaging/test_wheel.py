"""The package as somebody else installs it: a wheel built from this checkout, installed
into a fresh virtual environment outside the repository, its ``tradepay-sim`` command
run from another folder. The wallet alone must answer the API and serve its cashier (its
templates and static files travel inside the wheel).

The fresh environment takes its dependencies from this run's (a path in a .pth file)
rather than resolving them again: that resolution is what ``make install`` already does
from the same pyproject.toml, and here it was half of the test's time."""

import asyncio
import json
import re
import signal
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from simulator.core.signed_http import SignedClient
from simulator.testing.sim import get_json

ROOT = Path(__file__).resolve().parents[2]


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


def build_wheel(out: Path) -> Path:
    run(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "--quiet", "--wheel-dir", out)
    (wheel,) = out.glob("tradepay_sim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "simulator/_assets/templates/wallet/cashier.html",
        "simulator/_assets/static/wallet/cashier.css",
        "simulator/_assets/static/my.js",
        "simulator/_assets/static/vendor/vue/vue.global.prod.js",
        "simulator/_assets/static/vendor/vue/LICENSE",
        "simulator/_assets/static/miniprogram/runtime/router.js",
        "simulator/_assets/templates/miniprogram/project.html",
        "miniprogram_mock/project/compiler.py",
        "miniprogram_mock/demo/app.json",
        "miniprogram_mock/demo/pages/index.axml",
        "simulator/_assets/run_all.py",
        "simulator/testing/pytest_plugin.py",
        "wallet_mock/schema.sql",
        "merchant_server/schema.sql",
    ):
        assert expected in names, expected
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "tradepay-sim = simulator.launch.cli:main" in entry_points
    assert "[pytest11]" in entry_points and "tradepay_sim = simulator.testing.pytest_plugin" in entry_points
    return wheel


async def pay_and_open_cashier(http, wallet: str) -> str:
    """A signed ``pay`` as the sandbox merchant; returns the cashier page's HTML."""
    _, creds = await get_json(http, f"{wallet}/_sim/credentials")
    client = SignedClient(
        http,
        client_id=creds["clientId"],
        private_pem=creds["merchantPrivateKey"],
        peer_public_pem=creds["walletPublicKey"],
    )
    paid = await client.post(
        f"{wallet}/aps/api/v1/payments/pay",
        {
            "paymentRequestId": "PR-WHEEL-1",
            "paymentAmount": {"currency": "USD", "value": "1099"},
            "order": {
                "referenceOrderId": "ORDER-WHEEL-1",
                "orderDescription": "Two lattes",
                "orderAmount": {"currency": "USD", "value": "1099"},
                "env": {"terminalType": "WEB"},
            },
        },
    )
    assert paid.status == 200 and paid.response_signature_valid
    assert paid.json()["result"]["resultCode"] == "PAYMENT_IN_PROCESS"
    async with http.get(paid.json()["normalUrl"]) as resp:
        assert resp.status == 200
        return await resp.text()


@pytest.mark.slow
async def test_the_wheel_installs_and_runs_the_wallet_alone(tmp_path, http):
    wheel = build_wheel(tmp_path / "dist")
    venv = tmp_path / "venv"
    # A bare venv filled by this pip (``--python``): the same install, without
    # bootstrapping a pip into it first. Its dependencies are this run's: their folder is
    # on its path, after its own site-packages (a plain path: the .pth files there, such as
    # this checkout's editable install, are not read).
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    (site,) = venv.glob("lib/python*/site-packages")
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "tradepay-sim-test-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        venv / "bin" / "python",
        "install",
        "--quiet",
        "--no-compile",
        "--no-deps",
        wheel,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = venv / "bin" / "tradepay-sim"

    found = run(
        venv / "bin" / "python",
        "-c",
        "import simulator.core.paths as p; print(p.__file__, p.TEMPLATES_DIR)",
        cwd=elsewhere,
    ).stdout
    assert str(ROOT) not in found and str(venv) in found  # the installed copy, not this checkout
    assert "COMMAND" in run(command, "--help", cwd=elsewhere).stdout
    assert "0.1.0" in run(command, "--version", cwd=elsewhere).stdout
    for sub in ("run", "credentials", "reset", "trace"):
        assert "[env TRADEPAY_SIM_" in run(command, sub, "--help", cwd=elsewhere).stdout, sub

    proc = await asyncio.create_subprocess_exec(
        str(command),
        "run",
        "--apps",
        "wallet",
        "--wallet-port",
        "0",
        "--data-dir",
        "data",
        "--log-format",
        "json",
        cwd=elsewhere,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        wallet = None
        while wallet is None:
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
            assert line, (await proc.stderr.read()).decode()
            if m := re.match(r"\s+wallet\s+(http://\S+)", line):
                wallet = m.group(1)
        status, health = await get_json(http, f"{wallet}/_sim/health")
        assert status == 200 and health["status"] == "ok"
        cashier = await pay_and_open_cashier(http, wallet)
        assert 'data-testid="cashier-amount"' in cashier and "USD" in cashier
        css = re.search(r'href="(/static/wallet/cashier\.css[^"]*)"', cashier).group(1)
        async with http.get(wallet + css) as resp:
            assert resp.status == 200 and "cashier" in (await resp.text())
        assert (elsewhere / "data" / "wallet.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    assert b"tradepay-sim stopped." in out
    lines = [json.loads(line) for line in err.decode().splitlines() if line.strip()]
    assert any(e.get("event") == "request" and e["path"] == "/aps/api/v1/payments/pay" for e in lines)
    assert any(e.get("event") == "step" and e["step"] == 5 for e in lines)
