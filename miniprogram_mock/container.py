"""The container's native side of ``my.request``: performed server-side, as a wallet app
performs it natively (so no CORS is involved), with the server-domain allow-list and its
domain mappings, the timeout (at most 60 s), redirects checked hop by hop, the device's
cookie jar, and the platform's error codes:

====  =======================  ==========================================================
code  errorMessage             when
====  =======================  ==========================================================
2     (what is wrong)          the call itself is malformed (url, method, headers, ...)
9     ``request:fail abort``   ``task.abort()`` stopped it
11    (the origin refused)     the URL, or a redirect, leaves the server-domain allow-list
12    (what failed)            no HTTP reply: refused, unreachable, reset, closed silently
13    (the timeout)            no complete reply within ``timeout`` ms
19    ``http status error``    an HTTP status of 400 or above (the reply carries
                               ``status``, ``headers`` and the body); or a reply that is
                               not a usable HTTP response: malformed status line or
                               headers, body cut short, too large, too many redirects
====  =======================  ==========================================================

2xx and 3xx are a success. 14 (decoding the body as ``dataType`` asks) is decided by the
shim, which alone knows ``dataType``. Sources: docs/my-shim.md and docs/fidelity.md.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from yarl import URL

from simulator.core import jsonio
from simulator.core.web import json_response, read_json

from .cookies import CookieJars, cookie_header, valid_device
from .domains import ServerDomains, origin_of

log = logging.getLogger("tradepay_sim.miniprogram.container")

SESSION = web.AppKey("container_session", aiohttp.ClientSession)
DOMAINS = web.AppKey("server_domains", ServerDomains)
INFLIGHT = web.AppKey("inflight_requests", dict)
COOKIES = web.AppKey("cookie_jars", CookieJars)

METHODS = ("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT")
# "my.request 默认超时时间为 30s，上限为 60s" (Alipay's my.request FAQ): a longer timeout
# is cut to 60 s.
MAX_TIMEOUT_MS = 60_000
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 10
MAX_INFLIGHT = 256
HTTP_STATUS_ERROR = "http status error"  # the declared errorMessage of code 19
ABORTED = "request:fail abort"  # what RequestTask.abort() gives, as Alipay's my.request page says
# Hop-by-hop headers and the ones the platform sets itself: a page cannot set them.
_DROP_HEADERS = {
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "referer",
    "cookie",
    "proxy-authorization",
    "proxy-connection",
}


class RequestFailed(Exception):
    """One of the platform's my.request error codes."""

    def __init__(self, code: int, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.detail = code, message, detail

    def to_json(self) -> dict:
        return {"ok": False, "error": self.code, "errorMessage": self.message}


@dataclass
class RequestSpec:
    url: str
    method: str
    headers: dict[str, str]
    body: bytes | None
    timeout_ms: float
    request_id: str | None
    device: str = ""


def parse_spec(spec: object) -> RequestSpec:
    """What the shim sends: checked again here, since any page can post to the container."""
    if not isinstance(spec, dict):
        raise RequestFailed(2, "the request must be an object")
    url, method, headers = spec.get("url"), spec.get("method", "GET"), spec.get("headers") or {}
    body, timeout, request_id = spec.get("body"), spec.get("timeout", 30000), spec.get("requestId")
    device = spec.get("device") or ""
    if not isinstance(url, str) or origin_of(url) is None:
        raise RequestFailed(2, "url must be an absolute http(s) URL")
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise RequestFailed(2, f"method must be one of {', '.join(METHODS)}")
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise RequestFailed(2, "headers must map header names to strings")
    if any("\r" in k + v or "\n" in k + v or not k.strip() for k, v in headers.items()):
        raise RequestFailed(2, "a header name or value is malformed")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise RequestFailed(2, "timeout must be a positive number of milliseconds")
    if body is not None:
        try:
            body = base64.b64decode(body, validate=True) if isinstance(body, str) else None
        except (binascii.Error, ValueError):
            body = None
        if body is None:
            raise RequestFailed(2, "data could not be sent")
    if request_id is not None and (not isinstance(request_id, str) or not 0 < len(request_id) <= 64):
        raise RequestFailed(2, "invalid request id")
    if device and not valid_device(device):
        raise RequestFailed(2, "invalid device id")
    kept = {k: v for k, v in headers.items() if k.lower() not in _DROP_HEADERS}
    timeout_ms = min(float(timeout), MAX_TIMEOUT_MS)
    return RequestSpec(url, method.upper(), kept, body, timeout_ms, request_id, device)


async def _read_body(resp: aiohttp.ClientResponse) -> bytes:
    chunks, size = [], 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise RequestFailed(19, HTTP_STATUS_ERROR, f"the response is larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


# The container keeps the cookies; page code never sees them (the platform's FAQ).
_HIDDEN_RESPONSE_HEADERS = {"set-cookie", "set-cookie2"}


def _joined_headers(resp: aiohttp.ClientResponse) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in resp.headers.items():
        key = name.lower()
        if key in _HIDDEN_RESPONSE_HEADERS:
            continue
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def _reply(status: int, headers: dict[str, str], data: bytes) -> dict:
    """What the shim gets: 2xx and 3xx succeed; 400 and above fail with 19, carrying the
    reply (the platform's docs tie 19 to "HTTP 404、500、504"; its FAQ reads ``status``
    from the failure)."""
    reply = {"ok": status < 400, "status": status, "headers": headers, "body": base64.b64encode(data).decode()}
    if status >= 400:
        reply.update(error=19, errorMessage=HTTP_STATUS_ERROR)
    return reply


async def perform(
    session: aiohttp.ClientSession, domains: ServerDomains, spec: RequestSpec, jar: aiohttp.CookieJar
) -> dict:
    """The request, following redirects (each hop must be on the allow-list). ``url`` is
    always what the page sees (a mapped domain, not its local server): the allow-list
    and the cookie jar work on it."""
    url, method, body, headers = spec.url, spec.method, spec.body, dict(spec.headers)
    try:
        async with asyncio.timeout(spec.timeout_ms / 1000):
            for _hop in range(MAX_REDIRECTS + 1):
                if not domains.allows(url):
                    raise RequestFailed(11, f"{origin_of(url)} is not in the mini program's server-domain allow-list")
                sent = dict(headers)
                cookie = cookie_header(jar, url)
                if cookie:
                    sent["Cookie"] = cookie
                target = domains.route(url)
                async with session.request(method, target, headers=sent, data=body, allow_redirects=False) as resp:
                    jar.update_cookies(resp.cookies, URL(url))
                    location = resp.headers.get("Location")
                    if resp.status in (301, 302, 303, 307, 308) and location:
                        url = domains.unroute(str(URL(url).join(URL(location))))
                        if resp.status == 303 or (resp.status in (301, 302) and method == "POST"):
                            method, body = ("HEAD" if method == "HEAD" else "GET"), None
                            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
                        continue
                    return _reply(resp.status, _joined_headers(resp), await _read_body(resp))
            raise RequestFailed(19, HTTP_STATUS_ERROR, f"more than {MAX_REDIRECTS} redirects")
    except TimeoutError:
        raise RequestFailed(13, f"request timed out after {spec.timeout_ms:g} ms") from None
    except aiohttp.ServerDisconnectedError:
        raise RequestFailed(12, "network error: the server closed the connection without a reply") from None
    except (aiohttp.ClientResponseError, aiohttp.ClientPayloadError) as exc:
        # The detail goes to the log; not the URL (its query may carry a token).
        detail = exc.message if isinstance(exc, aiohttp.ClientResponseError) else str(exc)
        raise RequestFailed(19, HTTP_STATUS_ERROR, f"{type(exc).__name__}: {detail}"[:300]) from None
    except (aiohttp.ClientError, OSError) as exc:
        raise RequestFailed(12, f"network error: {type(exc).__name__}") from None
    except ValueError as exc:  # aiohttp refuses what it cannot send (e.g. a bad header)
        raise RequestFailed(2, f"the request could not be sent: {exc}") from None


async def proxy_request(request: web.Request) -> web.Response:
    """``POST /__container/request``: my.request, performed natively."""
    try:
        if request.content_type != "application/json":
            raise RequestFailed(2, "the request must be JSON")
        try:
            spec = parse_spec(await read_json(request))
        except jsonio.BodyError as exc:
            if exc.status == 413:  # the shim says "data is larger than the container accepts"
                return json_response(RequestFailed(2, str(exc)).to_json(), status=413)
            raise RequestFailed(2, f"the request must be a JSON object: {exc}") from None
        inflight: dict = request.app[INFLIGHT]
        if len(inflight) >= MAX_INFLIGHT:
            raise RequestFailed(12, "network error: too many requests in flight")
        jar = request.app[COOKIES].jar(spec.device)
        task = asyncio.ensure_future(perform(request.app[SESSION], request.app[DOMAINS], spec, jar))
        if spec.request_id:
            inflight[spec.request_id] = task
        try:
            return json_response(await task)
        except asyncio.CancelledError:
            this = asyncio.current_task()
            if this is not None and this.cancelling():  # the container itself is stopping
                raise
            raise RequestFailed(9, ABORTED) from None
        finally:
            if spec.request_id:
                inflight.pop(spec.request_id, None)
    except RequestFailed as exc:
        if exc.detail:
            log.info("my.request failed with %s: %s", exc.code, exc.detail)
        return json_response(exc.to_json())


async def abort_request(request: web.Request) -> web.Response:
    """``POST /__container/request/abort``: ``task.abort()`` stops the native request."""
    try:
        body = await read_json(request)
    except jsonio.BodyError:
        body = None
    request_id = body.get("requestId") if isinstance(body, dict) else None
    task = request.app[INFLIGHT].get(request_id) if isinstance(request_id, str) else None
    if task is not None:
        task.cancel()
    return json_response({"aborted": task is not None})
