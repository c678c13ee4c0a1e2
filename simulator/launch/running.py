"""Where a running simulator answers, written in its data folder (``running.json``), so
that ``credentials``, ``reset`` and ``trace`` find it without the ports being repeated
(a run with ``--wallet-port 0`` picks a port no later command could guess).

Written once every app answers, removed when the run stops. A record left by a run that
was killed names a process that is gone: it is ignored (and said to be)."""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import settings as settings_mod

FILE = "running.json"


def path_of(data_dir: Path) -> Path:
    return Path(data_dir) / FILE


def record(data_dir: Path, urls: dict[str, str], apps: tuple[str, ...], pid: int | None = None) -> Path:
    """Write the record (atomically: a command reading it never sees half of it)."""
    pid = os.getpid() if pid is None else pid
    body = {
        "pid": pid,
        "startedAt": datetime.now(UTC).isoformat(timespec="seconds"),
        "apps": list(apps),
        "urls": {app: urls[app] for app in apps},
        "ports": {app: urlsplit(urls[app]).port for app in apps},
    }
    target = path_of(data_dir)
    tmp = target.with_name(f".{FILE}.{pid}.tmp")
    tmp.write_text(json.dumps(body, indent=2) + "\n")
    tmp.replace(target)
    return target


def forget(data_dir: Path, pid: int | None = None) -> None:
    """Remove the record if it is this process's (a later run may have replaced it)."""
    pid = os.getpid() if pid is None else pid
    found = read(data_dir)
    if found is not None and found.get("pid") == pid:
        path_of(data_dir).unlink(missing_ok=True)


def read(data_dir: Path) -> dict[str, Any] | None:
    """The record as written, or None when there is none or it cannot be read."""
    try:
        body = json.loads(path_of(data_dir).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("urls"), dict) or not isinstance(body.get("pid"), int):
        return None
    return body


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def find(data_dir: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The record of a simulator running on ``data_dir``, and a note for a person when a
    record was there but is stale."""
    found = read(data_dir)
    if found is None:
        return None, None
    if not alive(found["pid"]):
        return None, f"{path_of(data_dir)} names process {found['pid']}, which is not running: ignored"
    return found, None


def locate(args: argparse.Namespace, apps: tuple[str, ...]) -> tuple[settings_mod.Settings, dict[str, str], str | None]:
    """The settings of a command that talks to a running simulator, and the URL of each
    of ``apps``: an address given (``--host``, ``--wallet-port``, or their variables) wins;
    else the ``running.json`` of the simulator running on ``--data-dir``; else the
    defaults. The third value is a note for a person (a stale record), or None."""
    settings = settings_mod.from_namespace(args)
    found, note = find(settings.data_dir)
    host_given = getattr(args, "host", None) is not None
    urls = {}
    for app in apps:
        port_given = getattr(args, f"{app}_port", None) is not None
        recorded = found["urls"].get(app) if found else None
        if recorded and not host_given and not port_given:
            urls[app] = recorded
            continue
        port = settings.port(app) if port_given or not recorded else urlsplit(recorded).port
        urls[app] = settings.base_url(app, port)
    return settings, urls, note
