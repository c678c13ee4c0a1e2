"""What a start needs before any app is built: the ports bound, the data folder and its
sandbox keys. Light on purpose (no aiohttp, no apps): ``run_all.py`` does this, starts the
wallet's process, and only then imports the apps it runs itself, so that both processes
import at once, one on each core (docs/decisions/startup-order.md)."""

from __future__ import annotations

import socket
from pathlib import Path

from yarl import URL

from ..core import credentials as sandbox
from ..core import origins
from ..core.access import TOKEN_FILE, Access, is_loopback, load_or_create_token
from ..core.apps import StartupError
from ..core.origins import WILDCARDS
from .settings import APPS, Settings, allowed_host_names

__all__ = ["StartupError", "access_of", "bind", "credentials", "exposure", "urls_of"]


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
    """The sandbox keys and the simulator's token, made in the data folder on first start
    (once, here, before a second process reads them)."""
    try:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        load_or_create_token(Path(settings.data_dir))
        return sandbox.load_or_create(Path(settings.data_dir))
    except OSError as exc:
        raise StartupError(f"cannot use the data folder {settings.data_dir}: {exc.strerror or exc}") from None


def access_of(settings: Settings, urls: dict[str, str]) -> Access:
    """What every app accepts: the host names of ``allowed_host_names``, the apps' own
    origins (each of those names at each app's port), and the token in the data folder
    (docs/security.md)."""
    names = allowed_host_names(settings)
    ours = [o for url in urls.values() for o in origins.origins(map(origins.url_host, names), URL(url).port or 80)]
    return Access.of(names, ours, load_or_create_token(Path(settings.data_dir)))


def exposure(settings: Settings, urls: dict[str, str]) -> list[str]:
    """What start-up says, loudly, when other machines can reach the simulator: what is
    open to them, what needs the token, and the token (docs/security.md). Nothing on
    loopback, where only this machine's users reach it."""
    if is_loopback(settings.host) or settings.host == "localhost":
        return []
    token = load_or_create_token(Path(settings.data_dir))
    where = "every network interface" if settings.host in WILDCARDS else settings.host
    shop = urls.get("miniprogram", "")
    return [
        "",
        f"!! WARNING: listening on {where}: other machines on the network can reach the simulator.",
        "!!   Open to them: the shop and its pages, the cashier and result pages, the Alipay+ API (signed",
        "!!   requests only), the merchant's order API.",
        "!!   Token needed from another machine: the control plane (/_sim/*: private keys, reset, outcomes,",
        "!!   faults, journals with every body), the container's my.request proxy (/__container/*), the console.",
        f"!!   Token: {token}   (kept in {Path(settings.data_dir) / TOKEN_FILE})",
        "!!   Send it as Authorization: Bearer <token>, or open a page once with ?sim_token=<token>, e.g. on a",
        f"!!   phone: {shop}/?sim_token={token}",
        f"!!   Requests must name a host this simulator serves: {', '.join(allowed_host_names(settings))}",
        "!!   or the address they reach (more with --allowed-hosts).",
        "",
    ]
