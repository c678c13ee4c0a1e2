"""Child processes of the simulator (the wallet's process, the signer): the environment
they start with, and dying with their parent."""

from __future__ import annotations

import ctypes
import os
import signal
from pathlib import Path

PR_SET_PDEATHSIG = 1


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a ``python -m simulator...`` child: this one's, with the folder
    this package was imported from first on the path (``run_all.py`` run from another
    folder, with no install, must still find it)."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else ""), **extra}


def die_with_parent() -> None:
    """For ``preexec_fn``: runs in the child between fork and exec."""
    # SIGKILL: a parent that died abruptly (killed, crashed) takes the wallet with it at
    # once, as one process would have died; its port is free for the restart. On a normal
    # stop the parent terminates the child itself, gracefully, first.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent is already gone
        os._exit(1)
