"""The container's native side: ``my.request`` performed server-side, as a mini program
container performs it natively, with the platform's domain allow-list, timeout and error
codes (11 domain not allowed, 12 network error, 13 timeout, 19 HTTP error)."""

from __future__ import annotations

import asyncio
import base64
import json
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from simulator.web import json_response

from .config import MiniprogramConfig, origin_of

SESSION = web.AppKey("container_session", aiohttp.ClientSession)
CONTAINER_CONFIG = web.AppKey("config", MiniprogramConfig)
MAX_TIMEOUT_MS = 120_000
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# Hop-by-hop and browser-owned headers a page cannot set through my.request.
_DROP_HEADERS = {"host", "content-length", "connection", "referer", "cookie", "transfer-encoding", "upgrade"}


def _fail(code: int, message: str) -> web.Response:
    return json_response({"ok": False, "error": code, "errorMessage": message})


async def proxy_request(request: web.Request) -> web.Response:
    config: MiniprogramConfig = request.app[CONTAINER_CONFIG]
    try:
        spec = await request.json()
    except (ValueError, UnicodeDecodeError):
        return _fail(2, "invalid request")
    if not isinstance(spec, dict):
        return _fail(2, "invalid request")
    url = spec.get("url")
    method = spec.get("method", "GET")
    headers = spec.get("headers") or {}
    body = spec.get("body")
    timeout_ms = spec.get("timeout", 30000)
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        return _fail(2, "url must be an absolute http(s) URL")
    if not isinstance(method, str) or not isinstance(headers, dict) or (body is not None and not isinstance(body, str)):
        return _fail(2, "invalid method, headers or data")
    if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, (int, float)) or timeout_ms <= 0:
        return _fail(2, "timeout must be a positive number of milliseconds")
    if origin_of(url) not in config.request_allow_list():
        return _fail(11, f"{origin_of(url)} is not in the mini program's server-domain allow-list")
    out_headers = {str(k): str(v) for k, v in headers.items() if str(k).lower() not in _DROP_HEADERS}
    session = request.app[SESSION]
    try:
        async with session.request(
            method, url, headers=out_headers, data=body.encode() if body is not None else None,
            timeout=aiohttp.ClientTimeout(total=min(timeout_ms, MAX_TIMEOUT_MS) / 1000), allow_redirects=True,
        ) as resp:
            data = await resp.content.read(MAX_RESPONSE_BYTES + 1)
            if len(data) > MAX_RESPONSE_BYTES:
                return _fail(19, "http status error: the response is too large")
            return json_response({
                "ok": True,
                "status": resp.status,
                "headers": {k.lower(): v for k, v in resp.headers.items()},
                "body": base64.b64encode(data).decode(),
            })
    except asyncio.TimeoutError:
        return _fail(13, f"request timed out after {timeout_ms:g} ms")
    except (aiohttp.ClientResponseError, aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError) as exc:
        # The server answered something that is not a usable HTTP response.
        return _fail(19, f"http status error: {type(exc).__name__}")
    except (aiohttp.ClientError, OSError) as exc:
        return _fail(12, f"network error: {type(exc).__name__}")


def shim_source(config: MiniprogramConfig, source: str, *, container_css: str) -> str:
    """``/my.js``: the shim with this container's configuration in front of it."""
    settings = {**config.shim_config(), "containerCss": container_css}
    return "window.__TRADEPAY_SIM_CONFIG__ = " + json.dumps(settings) + ";\n" + source
