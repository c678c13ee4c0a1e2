"""The mini program's control routes: the server-domain allow-list of my.request, which
a developer edits as they would in the platform's console."""

from __future__ import annotations

from aiohttp import web

from simulator.core import jsonio
from simulator.core.web import json_error, json_response, read_json

from .container import DOMAINS
from .domains import DomainError


async def get_request_domains(request: web.Request) -> web.Response:
    return json_response(request.app[DOMAINS].to_json())


async def put_request_domains(request: web.Request) -> web.Response:
    """``{"serverDomains": [origin, ...]}`` replaces the developer's entries (the merchant
    server stays on the list)."""
    try:
        body = await read_json(request)
    except jsonio.BodyError as exc:
        return json_error(exc.status, "BAD_JSON", str(exc))
    entries = body.get("serverDomains") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        return json_error(400, "BAD_DOMAINS", "serverDomains must be a list of origins such as http://127.0.0.1:9000")
    try:
        request.app[DOMAINS].replace(entries)
    except DomainError as exc:
        return json_error(400, "BAD_DOMAINS", str(exc))
    return json_response(request.app[DOMAINS].to_json())


def routes() -> list[web.RouteDef]:
    return [
        web.get("/_sim/request-domains", get_request_domains),
        web.put("/_sim/request-domains", put_request_domains),
    ]
