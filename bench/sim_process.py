"""The simulator under test, as its own process (``run_all.py``), as users run it: the
load generator must not share its CPU."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class SimProcess:
    proc: subprocess.Popen
    urls: dict[str, str]

    def cpu_seconds(self) -> float:
        """User + system CPU time the simulator process has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start(data_dir: Path, *extra: str) -> tuple[SimProcess, float]:
    """Start run_all.py on free ports; returns it and the seconds until every app answered."""
    args = [sys.executable, os.environ.get("BENCH_RUN_ALL", str(ROOT / "run_all.py")), "--data-dir", str(data_dir), "--log-level", "warning",
            "--miniprogram-port", "0", "--merchant-port", "0", "--wallet-port", "0", "--console-port", "0", *extra]
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    urls = {}
    names = {"mini program": "miniprogram", "merchant server": "merchant", "wallet": "wallet", "console": "console"}
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the simulator did not start: " + proc.stderr.read())
        m = re.match(r"\s+(mini program|merchant server|wallet|console)\s+(http://\S+)", line)
        if m:
            urls[names[m.group(1)]] = m.group(2)
        if "Press Ctrl-C" in line:
            return SimProcess(proc, urls), time.perf_counter() - started


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
