"""The mini program client: the demo shop's pages in a phone frame, ``/my.js`` (the
container's JS API) and the container's native side (``my.request``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import AsyncIterator

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from simulator.clock import Clock, parse_iso
from simulator.db import Database
from simulator.journal import SCHEMA as JOURNAL_SCHEMA, Journal, journal_routes
from simulator.paths import STATIC_DIR
from simulator.steps import STEPS
from simulator.web import APP_NAME, MAX_REQUEST_BYTES, health, json_error, json_response, security_headers, setup_pages

from .config import MiniprogramConfig
from .container import CONTAINER_CONFIG as CONFIG, SESSION, proxy_request, shim_source

JOURNAL = web.AppKey("journal", Journal)
SHIM = web.AppKey("shim", str)
DEMO_PAGES = ("index", "result")


def create_app(config: MiniprogramConfig) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[security_headers(lambda r: "'self'")])
    app[APP_NAME] = "miniprogram"
    app[CONFIG] = config
    setup_pages(app)
    css = str(app.router["static"].url_for(filename="miniprogram/container.css"))
    app[SHIM] = shim_source(config, (STATIC_DIR / "my.js").read_text(), container_css=css)
    app.cleanup_ctx.append(_resources)
    app.add_routes([
        web.get("/", page),
        web.get("/pages/{name}", page),
        web.get("/my.js", my_js),
        web.post("/__container/request", proxy_request),
        web.post("/_sim/events", report_event),
        web.post("/_sim/reset", reset),
        web.get("/_sim/health", health),
    ])
    app.add_routes(journal_routes(JOURNAL))
    return app


async def page(request: web.Request) -> web.Response:
    name = request.match_info.get("name", "index")
    if name not in DEMO_PAGES:
        raise web.HTTPNotFound(text="No such page in this mini program.")
    config = request.app[CONFIG]
    return aiohttp_jinja2.render_template(f"miniprogram/{name}.html", request, {"config": config})


async def my_js(request: web.Request) -> web.Response:
    return web.Response(text=request.app[SHIM], content_type="application/javascript",
                        headers={"Cache-Control": "no-cache"})


def _short(value, limit: int = 128) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


async def report_event(request: web.Request) -> web.Response:
    """Client steps reported by the shim (and by pages through my.reportAnalytics)."""
    journal: Journal = request.app[JOURNAL]
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        return json_error(400, "BAD_JSON", "body is not JSON")
    if not isinstance(body, dict):
        return json_error(400, "BAD_JSON", "body must be an object")
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
    """Control API: forget the client steps recorded so far."""
    await request.app[JOURNAL].clear()
    return json_response({"reset": True})


async def _resources(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    db = await Database(config.db_path, JOURNAL_SCHEMA).open()
    clock = Clock()
    journal = Journal(db, "miniprogram", clock.now)
    await journal.start()
    app[JOURNAL] = journal
    app[SESSION] = aiohttp.ClientSession()
    try:
        yield
    finally:
        await app[SESSION].close()
        await journal.stop()
        await db.close()


