"""The mini program client: the container's pages (a developer's own, or the demo shop)
in a phone frame, ``/my.js`` (the container's JS API) and the container's native side
(``my.request``, the server-domain allow-list)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime

from aiohttp import web

from simulator.core import guard, jsonio
from simulator.core.clock import Clock, parse_iso
from simulator.core.journal import Journal, add_journal_routes
from simulator.core.steps import STEPS
from simulator.core.web import (
    APP_NAME,
    MAX_REQUEST_BYTES,
    client_session,
    health,
    json_error,
    json_response,
    read_json,
    security_headers,
    setup_pages,
)

from . import control
from .auth import issue_auth_code
from .config import MiniprogramConfig
from .container import COOKIES, DOMAINS, INFLIGHT, SESSION, abort_request, proxy_request
from .cookies import CookieJars
from .domains import ServerDomains
from .folder import MiniprogramFolder
from .pages import CONFIG, DEMO, DEMO_DIR, FOLDER, PROJECT, SHIM, build_shim, module, my_js, page
from .project.compiler import is_project
from .project.site import ProjectSite

JOURNAL = web.AppKey("journal", Journal)


def create_app(config: MiniprogramConfig) -> web.Application:
    app = web.Application(
        client_max_size=MAX_REQUEST_BYTES,
        middlewares=[security_headers(lambda r: "'self'"), guard.middleware(private=_private, error=_refusal)],
    )
    app[APP_NAME] = "miniprogram"
    app[CONFIG] = config
    app[guard.ACCESS] = config.access
    extra_domains = list(config.allowed_origins)
    if config.miniprogram_dir is not None:
        app[FOLDER] = MiniprogramFolder(config.miniprogram_dir)
        extra_domains += app[FOLDER].server_domains
        if is_project(config.miniprogram_dir):
            app[PROJECT] = ProjectSite(config.miniprogram_dir)
    app[DEMO] = ProjectSite(DEMO_DIR)
    app[DOMAINS] = ServerDomains(config.merchant_url, extra_domains, config.domain_mappings)
    app[INFLIGHT] = {}
    app[COOKIES] = CookieJars()
    setup_pages(app)
    app[SHIM] = build_shim(app)
    app.cleanup_ctx.append(_resources)
    app.add_routes(
        [
            web.get("/my.js", my_js),
            web.get("/__mp/modules/{path:.*}", module),
            web.post("/__container/request", proxy_request),
            web.post("/__container/request/abort", abort_request),
            web.post("/__container/auth-code", issue_auth_code),
            web.post("/_sim/events", report_event),
            web.post("/_sim/reset", reset),
            web.get("/_sim/health", health),
            *control.routes(),
        ]
    )
    add_journal_routes(app, JOURNAL)
    app.add_routes([web.get("/{path:.*}", page)])  # last: every other path is a page
    return app


def _private(request: web.Request) -> bool:
    """The control plane and the container's native side (my.request reaches servers
    from here): the page itself and its assets are for anyone who can reach it."""
    return guard.control_plane(request) or request.path.startswith("/__container/")


def _refusal(request: web.Request, status: int, code: str, message: str) -> web.StreamResponse:
    """On the container's native side a refusal is a my.request failure: 2 (not JSON), 4
    (no permission), with the HTTP status; as usual elsewhere."""
    if request.path.startswith("/__container/"):
        return json_response({"ok": False, "error": 2 if status == 415 else 4, "errorMessage": message}, status=status)
    return guard.default_error(request, status, code, message)


def _short(value, limit: int = 128) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


async def report_event(request: web.Request) -> web.Response:
    """Client steps reported by the shim (and by pages through my.reportAnalytics)."""
    journal: Journal = request.app[JOURNAL]
    try:
        body = await read_json(request)
    except jsonio.BodyError as exc:
        return json_error(exc.status, "BAD_JSON", str(exc))
    step = body.get("step")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step not in STEPS):
        return json_error(400, "BAD_STEP", "step must be an integer from 1 to 20, or null")
    details = body.get("details") if isinstance(body.get("details"), dict) else None
    if details and len(json.dumps(details)) > 4000:
        details = {"note": "details too large, dropped"}
    at: datetime | None = None
    if isinstance(body.get("at"), str):
        try:
            at = parse_iso(body["at"])
        except ValueError:
            at = None
    event = journal.record(
        step,
        _short(body.get("summary"), 300) or (STEPS[step].title if step else "client event"),
        kind="step" if step else "note",
        actor=None if step else "mini program",
        order_id=_short(body.get("orderId")),
        payment_request_id=_short(body.get("paymentRequestId")),
        payment_id=_short(body.get("paymentId")),
        details=details,
        at=at,
    )
    return json_response({"recorded": True, "at": event["at"]}, status=201)


async def reset(request: web.Request) -> web.Response:
    """Control API: forget the client steps recorded so far and my.request's cookies; the
    server-domain allow-list goes back to its configured entries."""
    request.app[DOMAINS].replace(request.app[DOMAINS].configured)
    request.app[COOKIES].clear()
    await request.app[JOURNAL].clear()
    return json_response({"reset": True})


async def _resources(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    clock = Clock()
    journal = await Journal.open(config.db_path, "miniprogram", clock.now)  # its only state
    app[JOURNAL] = journal
    app[SESSION] = client_session()
    try:
        yield
    finally:
        for task in list(app[INFLIGHT].values()):
            task.cancel()
        await app[SESSION].close()
        await journal.close()
