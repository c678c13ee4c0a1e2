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

    def pids(self) -> list[int]:
        """The simulator's processes: run_all and every process under it (by default the
        wallet, and the wallet's signer)."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop(0)
            found.append(pid)
            children = Path(f"/proc/{pid}/task/{pid}/children")
            try:
                todo += [int(p) for p in children.read_text().split()]
            except OSError:  # it ended meanwhile
                pass
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time the simulator's processes have used so far."""
        total = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / CLK_TCK

    def rss_mib(self) -> float:
        total = 0.0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        return total

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start(data_dir: Path, *extra: str, root: Path = ROOT) -> tuple[SimProcess, float]:
    """Start run_all.py on free ports; returns it and the seconds until every app it runs
    answered. ``root``: the checkout whose run_all.py runs (bench/compare.py runs another
    version's)."""
    ports = ["--miniprogram-port", "0", "--merchant-port", "0", "--wallet-port", "0", "--console-port", "0"]
    args = [
        sys.executable,
        str(root / "run_all.py"),
        "--data-dir",
        str(data_dir),
        "--log-level",
        "warning",
        *ports,
        *extra,
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(root))
    assert proc.stdout is not None and proc.stderr is not None  # PIPE above
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
