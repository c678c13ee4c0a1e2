"""The way a user meets it: ``tradepay-sim run`` started for real, then ``tradepay-sim
check-merchant`` as a process, finding the wallet and the console through the run's
record (``--data-dir``), against the run's merchant server."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from xml.etree import ElementTree as ET

from check_helpers import TIME_SCALE, reference_config

CLI = (sys.executable, "-m", "simulator.launch.cli")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPAY_SIM_")}


async def test_check_merchant_finds_a_run_through_its_record_and_passes_its_merchant(tmp_path):
    data = tmp_path / "data"
    ports = [arg for app in ("miniprogram", "merchant", "wallet", "console") for arg in (f"--{app}-port", "0")]
    run = await asyncio.create_subprocess_exec(
        *CLI, "run", *ports, "--data-dir", str(data), "--time-scale", str(TIME_SCALE), "--log-level", "warning",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=str(tmp_path), env=ENV,
    )  # fmt: skip
    try:
        urls: dict[str, str] = {}
        while len(urls) < 4:
            line = (await asyncio.wait_for(run.stdout.readline(), 30)).decode()
            assert line, (await run.stderr.read()).decode()
            if m := re.match(r"\s+(mini program|merchant server|wallet|console)\s+(http://\S+)", line):
                urls[m.group(1)] = m.group(2)
        config = tmp_path / "merchant-check.json"
        # A few scenarios: the others are the in-process tests' to cover.
        scenarios = ["success", "notification-lost", "forged-notification", "every-delivery"]
        config.write_text(json.dumps(reference_config(urls["merchant server"], scenarios=scenarios)))
        check = await asyncio.create_subprocess_exec(
            *CLI, "check-merchant", "--config", str(config), "--data-dir", str(data),
            "--junit", str(tmp_path / "check.xml"), "--json", str(tmp_path / "check.json"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=str(tmp_path), env=ENV,
        )  # fmt: skip
        out, err = await asyncio.wait_for(check.communicate(), 120)
        assert check.returncode == 0, out.decode() + err.decode()
        assert "7 passed, 0 failed, 0 not seen, 0 errors" in out.decode()
        report = json.loads((tmp_path / "check.json").read_text())
        assert report["walletUrl"] == urls["wallet"] and report["consoleUrl"] == urls["console"]
        assert report["timeScale"] == TIME_SCALE  # the wallet's own, read from its clock
        assert all(f["journey"].startswith(urls["console"] + "/journeys/") for f in report["findings"] if f["journey"])
        assert ET.parse(tmp_path / "check.xml").getroot().get("failures") == "0"
    finally:
        run.send_signal(signal.SIGTERM)
        await asyncio.wait_for(run.wait(), 30)
