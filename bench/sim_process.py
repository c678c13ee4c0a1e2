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


def start(data_dir: Path, *extra: str, fixed: bool = False) -> tuple[SimProcess, float]:
    """Start run_all.py (on free ports unless ``fixed``); returns it and the seconds until
    every app it runs answered."""
    ports = [] if fixed else ["--miniprogram-port", "0", "--merchant-port", "0", "--wallet-port", "0",
                              "--console-port", "0"]
    args = [sys.executable, str(ROOT / "run_all.py"), "--data-dir", str(data_dir), "--log-level", "warning",
            *ports, *extra]
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
    from simulator.testing.sim import free_ports

    return free_ports(1)[0]


@dataclass
class SplitSim:
    """The wallet in one process, the merchant, mini program and console in another:
    the apps talk over HTTP anyway, so a second core can carry half the work."""

    parts: list[SimProcess]
    urls: dict[str, str]

    def cpu_seconds(self) -> float:
        return sum(p.cpu_seconds() for p in self.parts)

    def rss_mib(self) -> float:
        return sum(p.rss_mib() for p in self.parts)

    def stop(self) -> None:
        for p in self.parts:
            p.stop()


def start_split(data_dir: Path) -> tuple[SplitSim, float]:
    from simulator.testing.sim import free_ports

    ports = dict(zip(("miniprogram", "merchant", "wallet", "console"), free_ports(4)))
    port_args = [arg for name, port in ports.items() for arg in (f"--{name}-port", str(port))]
    started = time.perf_counter()
    wallet, _ = _start_fixed(data_dir, port_args + ["--apps", "wallet"])
    rest, _ = _start_fixed(data_dir, port_args + ["--apps", "miniprogram,merchant,console"])
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    return SplitSim([wallet, rest], urls), time.perf_counter() - started


def _start_fixed(data_dir: Path, args: list[str]) -> tuple[SimProcess, float]:
    return start(data_dir, *args, fixed=True)
