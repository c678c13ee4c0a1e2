"""Who may drive the simulator, as data: the host names a request may name, the origins
whose pages may change state, the token a caller from another machine shows, and where
that token is kept. No aiohttp here: start-up reads it before any app is imported
(docs/decisions/startup-order.md); the middleware that applies it is ``guard.py``."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
TOKEN_FILE = "sim-token"
TOKEN_COOKIE = "sim_token"
TOKEN_QUERY = "sim_token"


@dataclass(frozen=True)
class Access:
    """What an app accepts. ``host_names``: the names a request's ``Host`` may carry
    (lower case, IPv6 without brackets); ``origins``: the simulator's own origins (every
    app's URL), whose pages may change state here; ``token``: what a non-loopback caller
    shows for a private path (None: private paths are loopback only)."""

    host_names: frozenset[str] = frozenset(LOOPBACK_NAMES)
    origins: frozenset[str] = frozenset()
    token: str | None = field(default=None, repr=False)

    @classmethod
    def of(cls, host_names: Iterable[str], origins: Iterable[str] = (), token: str | None = None) -> Access:
        return cls(
            frozenset({*LOOPBACK_NAMES, *(bare(n) for n in host_names if n)}),
            frozenset(origin_of(o) for o in origins if o),
            token,
        )


def bare(name: str) -> str:
    """A host name as compared: lower case, no brackets, no final dot."""
    return name.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip().lower())
    return f"{parts.scheme}://{parts.netloc}"


def host_name(header: str) -> str | None:
    """The name in a ``Host`` header, without its port: ``[::1]:8100`` -> ``::1``; None
    when it is not a host at all."""
    try:
        parts = urlsplit(f"//{header.strip()}")
        name = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return None
    return name.rstrip(".") if name else None


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def load_or_create_token(data_dir: Path) -> str:
    """The simulator's token, kept beside the keys in the data folder, made on first start."""
    return load_or_create_secret(Path(data_dir) / TOKEN_FILE)


def load_or_create_secret(path: Path) -> str:
    """A secret kept in a file of the data folder (readable by its owner only): read, or
    made and written on first use, so that it outlives a restart."""
    try:
        secret = path.read_text(encoding="ascii").strip()
        if len(secret) >= 32:
            return secret
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    secret = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secret + "\n")
    return secret
