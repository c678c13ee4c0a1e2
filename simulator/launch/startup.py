"""What a start needs before any app is built: the ports bound, the data folder and its
sandbox keys. Light on purpose (no aiohttp, no apps): ``run_all.py`` does this, starts the
wallet's process, and only then imports the apps it runs itself, so that both processes
import at once, one on each core (docs/decisions/startup-order.md)."""

from __future__ import annotations

import socket
from pathlib import Path

from ..core import credentials as sandbox
from ..core.apps import StartupError
from .settings import APPS, Settings

__all__ = ["StartupError", "bind", "credentials", "urls_of"]


def _bind(host: str, port: int, app: str) -> socket.socket:
    try:
        sock = socket.create_server((host, port), reuse_port=False)
    except OSError as exc:
        hint = f"; pass --{app}-port 0 for a free port, or another port" if port else ""
        raise StartupError(f"cannot listen on {host}:{port} for the {app}: {exc.strerror or exc}{hint}") from None
    sock.setblocking(False)
    return sock


def bind(settings: Settings, given: dict[str, socket.socket] | None = None) -> dict[str, socket.socket]:
    """A listening socket per app of ``settings.apps``: the ``given`` ones (inherited
    from a parent process), the others bound now (port 0 picks a free port)."""
    sockets: dict[str, socket.socket] = dict(given or {})
    try:
        for name in settings.apps:
            if name not in sockets:
                sockets[name] = _bind(settings.host, settings.port(name), name)
    except StartupError:
        for sock in sockets.values():
            sock.close()
        raise
    return sockets


def urls_of(settings: Settings, sockets: dict[str, socket.socket]) -> dict[str, str]:
    """Every app's URL as handed out: from its socket if it has one here, else from its
    port setting; on the public host if one is set."""
    urls = {}
    for name in APPS:
        port = sockets[name].getsockname()[1] if name in sockets else settings.port(name)
        urls[name] = settings.base_url(name, port)
    return urls


def credentials(settings: Settings) -> sandbox.SandboxCredentials:
    try:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        return sandbox.load_or_create(Path(settings.data_dir))
    except OSError as exc:
        raise StartupError(f"cannot use the data folder {settings.data_dir}: {exc.strerror or exc}") from None
