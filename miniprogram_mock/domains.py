"""The platform's server-domain allow-list ("服务器域名白名单") for ``my.request``: the
only origins a mini program may call. The merchant server is always on it; more are
added by the developer (``tradepay-sim.json`` in their mini program folder, or
``PUT /_sim/request-domains``), as they would add them in the platform's console."""

from __future__ import annotations

from collections.abc import Iterable

from yarl import URL

MAX_DOMAINS = 50


class DomainError(ValueError):
    """An entry that is not an http(s) origin."""


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL (default ports dropped), else None."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        return None
    if not parsed.absolute or parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    return str(parsed.origin())


def parse_origin(entry: object) -> str:
    """One allow-list entry: an origin such as ``https://api.example.com`` or
    ``http://127.0.0.1:9000``, with no path, query or fragment."""
    if not isinstance(entry, str) or not entry.strip():
        raise DomainError("each server domain must be a non-empty string")
    text = entry.strip().rstrip("/")
    origin = origin_of(text)
    if origin is None:
        raise DomainError(f"{entry[:80]!r} is not an http(s) origin such as https://api.example.com")
    parsed = URL(text)
    if parsed.raw_path not in ("", "/") or parsed.raw_query_string or parsed.raw_fragment or parsed.user:
        raise DomainError(f"{entry[:80]!r} must be an origin only: scheme, host and port")
    return origin


class ServerDomains:
    """The allow-list: ``always`` (the merchant server) plus the developer's entries."""

    def __init__(self, always: str, extra: Iterable[str] = ()) -> None:
        self.always = parse_origin(always)
        self.extra: tuple[str, ...] = ()
        self.replace(extra)
        self.configured = self.extra  # what the start-up configuration said: reset returns here

    def replace(self, entries: Iterable[object]) -> None:
        """Set the developer's entries; all or nothing (a bad entry changes nothing)."""
        entries = list(entries)
        if len(entries) > MAX_DOMAINS:
            raise DomainError(f"at most {MAX_DOMAINS} server domains")
        parsed = [parse_origin(e) for e in entries]
        self.extra = tuple(o for o in dict.fromkeys(parsed) if o != self.always)

    def allows(self, url: str) -> bool:
        origin = origin_of(url)
        return origin is not None and origin in self.origins()

    def origins(self) -> tuple[str, ...]:
        return (self.always, *self.extra)

    def to_json(self) -> dict:
        return {"serverDomains": list(self.origins()), "always": self.always}
