"""Run the wallet in a process of its own beside the other apps (``--processes 2``, the
default). The apps only talk over HTTP, so nothing changes for them; the second core
carries the wallet's half of the work (docs/decisions/process-split.md).

The parent binds every port first (port 0 resolves once, for everybody) and hands the
wallet's listening socket to the child, which dies with its parent: a SIGKILL of the
simulator leaves nothing running."""

from __future__ import annotations

import asyncio
import os
import socket
import sys

from ..core.children import child_env, die_with_parent
from .settings import APPS, Settings

WALLET_FD_ENV = "TRADEPAY_SIM_INTERNAL_WALLET_FD"
CHILD_ENV = "TRADEPAY_SIM_INTERNAL_CHILD"


def split(settings: Settings) -> bool:
    return settings.processes > 1 and "wallet" in settings.apps and len(settings.apps) > 1


def is_child() -> bool:
    return os.environ.get(CHILD_ENV) == "1"


def inherited_sockets() -> dict[str, socket.socket]:
    """The wallet's listening socket, when this process is the wallet child."""
    fd = os.environ.pop(WALLET_FD_ENV, None)
    if fd is None:
        return {}
    sock = socket.socket(fileno=int(fd))
    sock.setblocking(False)
    return {"wallet": sock}


async def start_wallet(settings: Settings, sock: socket.socket, ports: dict[str, int]) -> asyncio.subprocess.Process:
    """The wallet as a child process on ``sock``, configured like this one."""
    # Alone, it does not split again. Where it signs is decided here, for the whole run:
    # ``auto`` in a child that runs the wallet alone would take the core the others use.
    signer = "process" if settings.signer_process() else "inline"
    args = [
        sys.executable,
        "-m",
        "simulator.launch.cli",
        "run",
        "--apps",
        "wallet",
        "--processes",
        str(settings.processes),
        "--signer",
        signer,
        "--host",
        settings.host,
        "--public-host",
        settings.public_host,
        "--data-dir",
        str(settings.data_dir),
        "--time-scale",
        str(settings.time_scale),
        "--log-format",
        settings.log_format,
        "--log-level",
        settings.log_level,
    ]
    for name in APPS:
        args += [f"--{name}-port", str(ports[name])]
    for host in settings.allowed_hosts:
        args += ["--allowed-hosts", host]
    env = child_env(**{WALLET_FD_ENV: str(sock.fileno()), CHILD_ENV: "1"})
    # A session of its own: Ctrl-C (SIGINT to the terminal's process group) and a
    # supervisor's signal reach the parent only, which stops the child itself, once.
    return await asyncio.create_subprocess_exec(
        *args, pass_fds=(sock.fileno(),), env=env, preexec_fn=die_with_parent, start_new_session=True
    )
