"""The platform's server-domain allow-list ("服务器域名白名单") for ``my.request``: the
only origins a mini program may call. The merchant server is always on it; more are
added by the developer (``tradepay-sim.json`` in their mini program folder, or
``PUT /_sim/request-domains``), as they would add them in the platform's console.

A domain mapping (``--miniprogram-domain https://api.shop.example=http://127.0.0.1:9000``)
puts the production domain a project hard-codes on the list and routes its requests to
a local server: the page, its cookies and its allow-list see the domain, the local
server gets the request."""

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


def parse_mapping(entry: object) -> tuple[str, str]:
    """``https://api.shop.example=http://127.0.0.1:9000``: (domain, local origin)."""
    if not isinstance(entry, str) or entry.count("=") != 1:
        raise DomainError(
            f"{str(entry)[:120]!r} must be DOMAIN=LOCAL, e.g. https://api.shop.example=http://127.0.0.1:9000"
        )
    domain, target = entry.split("=")
    return parse_origin(domain), parse_origin(target)


def parse_mappings(entries: Iterable[object] | str) -> dict[str, str]:
    """Several mappings (a list, or one string of comma-separated ones); a domain mapped
    twice is an error (which one would win?)."""
    if isinstance(entries, str):
        entries = [e.strip() for e in entries.split(",") if e.strip()]
    mappings: dict[str, str] = {}
    for entry in entries:
        domain, target = parse_mapping(entry)
        if domain in mappings and mappings[domain] != target:
            raise DomainError(f"{domain} is mapped twice ({mappings[domain]} and {target})")
        mappings[domain] = target
    return mappings


def _with_origin(url: URL, origin: str) -> URL:
    """``url`` with another scheme, host and port; path and query as they were."""
    o = URL(origin)
    return URL.build(
        scheme=o.scheme,
        host=o.raw_host or "",
        port=o.explicit_port,
        path=url.raw_path,
        query_string=url.raw_query_string,
        encoded=True,
    )


class ServerDomains:
    """The allow-list: ``always`` (the merchant server), the mapped domains, and the
    developer's entries."""

    def __init__(self, always: str, extra: Iterable[str] = (), mappings: dict[str, str] | None = None) -> None:
        self.always = parse_origin(always)
        self.mappings: dict[str, str] = dict(mappings or {})
        self._unmapped = {target: domain for domain, target in self.mappings.items()}
        self.extra: tuple[str, ...] = ()
        self.replace(extra)
        self.configured = self.extra  # what the start-up configuration said: reset returns here

    def replace(self, entries: Iterable[object]) -> None:
        """Set the developer's entries; all or nothing (a bad entry changes nothing)."""
        entries = list(entries)
        if len(entries) > MAX_DOMAINS:
            raise DomainError(f"at most {MAX_DOMAINS} server domains")
        parsed = [parse_origin(e) for e in entries]
        fixed = {self.always, *self.mappings}
        self.extra = tuple(o for o in dict.fromkeys(parsed) if o not in fixed)

    def allows(self, url: str) -> bool:
        origin = origin_of(url)
        return origin is not None and origin in self.origins()

    def route(self, url: str) -> URL:
        """Where a request to ``url`` goes: the local server of a mapped domain, else ``url``."""
        parsed = URL(url)
        target = self.mappings.get(str(parsed.origin()))
        return _with_origin(parsed, target) if target else parsed

    def unroute(self, url: str) -> str:
        """A URL a mapped local server sent back (a redirect) as the page sees it: on its domain."""
        parsed = URL(url)
        domain = self._unmapped.get(str(parsed.origin())) if parsed.absolute else None
        return str(_with_origin(parsed, domain)) if domain else url

    def origins(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.always, *self.mappings, *self.extra)))

    def to_json(self) -> dict:
        return {"serverDomains": list(self.origins()), "always": self.always, "domainMappings": dict(self.mappings)}
