"""Our origins, named once: the host names a running simulator answers by and the
origins (scheme, name, port) its pages are reached at.

A page may be reached by any of them: ``http://127.0.0.1:8100``, ``http://localhost:8100``,
or the public host (``--public-host``) a phone on the Wi-Fi or a remote browser uses. The
cashier's ``frame-ancestors``, the origin the cashier reports its result to, the wallet's
check of a form's ``Origin`` and the container's check of a paymentUrl all read these lists,
so that a journey works from whichever of them the user opened.

The URLs handed out (paymentUrl, notify URLs, the container's ``walletUrl``, the console's
links) all use one name: the public host when one is set, else the interface the simulator
listens on (``127.0.0.1`` for a wildcard ``0.0.0.0``).
"""

from __future__ import annotations

from collections.abc import Iterable

WILDCARDS = ("", "0.0.0.0", "::")
LOOPBACK = ("127.0.0.1", "localhost")
LOCAL_DEFAULT = "127.0.0.1"


def url_host(name: str) -> str:
    """A host as it is written in a URL: an IPv6 address in brackets."""
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def public_name(bind_host: str, public_host: str = "") -> str:
    """The one name put into every URL handed out."""
    if public_host:
        return url_host(public_host)
    return LOCAL_DEFAULT if bind_host in WILDCARDS else url_host(bind_host)


def host_names(bind_host: str, public_host: str = "") -> tuple[str, ...]:
    """Every name the simulator answers by, the public one first: the public host, the
    interface it listens on, and the loopback names when it listens there (a wildcard
    listens on loopback too)."""
    names = [public_name(bind_host, public_host)]
    if bind_host not in WILDCARDS:
        names.append(url_host(bind_host))
    if bind_host in WILDCARDS or bind_host in LOOPBACK:
        names.extend(LOOPBACK)
    return tuple(dict.fromkeys(n.lower() for n in names))


def origins(names: Iterable[str], port: int, scheme: str = "http") -> tuple[str, ...]:
    """The origins of one app: each name at its port, as a browser writes them."""
    default = {"http": 80, "https": 443}.get(scheme)
    suffix = "" if port == default else f":{port}"
    return tuple(f"{scheme}://{name}{suffix}" for name in names)


def base_url(bind_host: str, public_host: str, port: int) -> str:
    """An app's URL as handed out."""
    return origins((public_name(bind_host, public_host),), port)[0]
