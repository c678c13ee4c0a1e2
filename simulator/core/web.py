"""aiohttp pieces every app shares: security headers, JSON helpers, the health check, the
access log."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from . import jsonio
from .logs import HOUSEKEEPING
from .redact import redact

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Bodies above this are refused before they are read (aiohttp's client_max_size).
MAX_REQUEST_BYTES = 256 * 1024


def client_session(**kwargs: Any) -> aiohttp.ClientSession:
    """The HTTP client of an app's server side (the merchant's API calls, the wallet's
    notifications, the container's my.request): no cookie jar. Nothing between servers
    should carry cookies, a shared jar would hand one user's cookies to the next, and a
    jar's bookkeeping is paid on every request."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), **kwargs)


def json_response(payload: Any, status: int = 200, headers: dict | None = None) -> web.Response:
    return web.Response(
        body=jsonio.dumps(payload),
        status=status,
        headers=headers,
        content_type="application/json",
        charset="utf-8",
    )


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request's body as a JSON object (``jsonio.read_object``: valid UTF-8, no lone
    surrogates, nested at most ``jsonio.MAX_DEPTH`` levels), the one reader of every
    JSON route. Raises ``jsonio.BodyError`` (a ValueError) saying what is wrong, for the
    route to answer in its own error shape; a body over the size limit is one too."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise jsonio.BodyError(f"the body is larger than {MAX_REQUEST_BYTES // 1024} KiB", status=413) from None
    return jsonio.read_object(raw)


def query_limit(request: web.Request, default: int, maximum: int = 100_000) -> int:
    """``?limit=`` of a listing, clamped to 1..maximum; ValueError when not an integer."""
    return min(max(int(request.query.get("limit", str(default))), 1), maximum)


def json_error(status: int, code: str, message: str) -> web.Response:
    return json_response({"error": {"code": code, "message": message}}, status=status)


class JsonError(web.HTTPException):
    """``json_error`` raised from inside a handler's helpers; aiohttp answers it as is."""

    def __init__(self, status: int, code: str, message: str):
        self.status_code = status
        super().__init__(
            text=jsonio.dumps({"error": {"code": code, "message": message}}).decode(), content_type="application/json"
        )


def security_headers(frame_ancestors: Callable[[web.Request], str] | None = None):
    """Middleware adding the headers every page should carry. ``frame_ancestors`` lets
    an app allow framing (the cashier is framed by the mini program)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        resp = await handler(request)
        if resp.prepared:  # streams (SSE) have already sent their headers
            return resp
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        ancestors = frame_ancestors(request) if frame_ancestors else "'self'"
        resp.headers.setdefault("Content-Security-Policy", f"frame-ancestors {ancestors}")
        if ancestors == "'none'":
            resp.headers.setdefault("X-Frame-Options", "DENY")
        return resp

    return middleware


async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "app": request.app.get(APP_NAME, "")})


APP_NAME = web.AppKey("app_name", str)


# A process's compiled templates, shared by the Jinja environments of all its apps. Compiling
# the cashier, the shop and the console costs ~35 ms; without this, every app compiled its
# templates again, and so did every simulator started in one process (the pytest plugin's
# ``tradepay_sim`` fixture starts one a test). Keyed by template file, checked against its
# source's checksum (an edited template compiles again); the environments are all made
# below with the same settings, which is what makes their compiled code interchangeable.
_COMPILED: dict[str, tuple[str, Any]] = {}


@functools.cache
def _shared_bytecode_cache() -> Any:
    import jinja2

    class SharedBytecodeCache(jinja2.BytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            kept = _COMPILED.get(bucket.key)
            if kept is not None and kept[0] == bucket.checksum:
                bucket.code = kept[1]

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if bucket.code is not None:
                _COMPILED[bucket.key] = (bucket.checksum, bucket.code)

    return SharedBytecodeCache()


def setup_pages(app: web.Application) -> None:
    """Templates (autoescaped, compiled once a process and cached) and ``/static/``."""
    import aiohttp_jinja2
    import jinja2

    from .paths import STATIC_DIR, TEMPLATES_DIR

    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default=True),
        auto_reload=False,
        bytecode_cache=_shared_bytecode_cache(),
    )
    # tojson through orjson (Jinja still escapes <, >, & and ' for HTML).
    env.policies["json.dumps_function"] = lambda obj, **_kwargs: jsonio.dumps(obj).decode()
    resource = app.router.add_static("/static/", STATIC_DIR, append_version=True, name="static")
    # static('x.css') -> /static/x.css?v=<hash>: pages get fresh assets after an upgrade.
    # Cached: aiohttp reads and hashes the file on every url_for.
    env.globals["static"] = functools.lru_cache(maxsize=None)(lambda path: str(resource.url_for(filename=path)))


class AccessLogger(AbstractAccessLogger):
    """aiohttp's access log, one line per request (``web.AppRunner(access_log_class=...)``;
    the line's form is ``simulator.core.logs``'s)."""

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = request.path
        if request.query:
            path += "?" + urlencode(redact(dict(request.query)))
        level = logging.DEBUG if request.path in HOUSEKEEPING else logging.INFO
        ms = round(time * 1000, 1)
        self.logger.log(
            level,
            "%s %s %s %s ms",
            request.method,
            path,
            response.status,
            ms,
            extra={
                "event": "request",
                "app": self.logger.name.rsplit(".", 1)[-1],
                "method": request.method,
                "path": path,
                "status": response.status,
                "durationMs": ms,
                "remote": request.remote,
            },
        )
