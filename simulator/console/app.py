"""The console app (port 8000): journeys and their steps, read from the apps over HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from ..steps import LANES, STEPS
from ..web import APP_NAME, health, json_response, security_headers, setup_pages
from . import gather


@dataclass
class ConsoleConfig:
    app_urls: dict[str, str] = field(default_factory=dict)


CONFIG = web.AppKey("config", ConsoleConfig)
SESSION = web.AppKey("session", aiohttp.ClientSession)


def create_app(config: ConsoleConfig) -> web.Application:
    app = web.Application(middlewares=[security_headers(lambda r: "'none'")])
    app[APP_NAME] = "console"
    app[CONFIG] = config
    setup_pages(app)
    app.cleanup_ctx.append(_session)
    app.add_routes([
        web.get("/", index),
        web.get("/api/journeys", list_journeys),
        web.get("/api/journeys/{order_id}", get_journey),
        web.get("/_sim/health", health),
    ])
    return app


async def _session(app: web.Application) -> AsyncIterator[None]:
    app[SESSION] = aiohttp.ClientSession()
    yield
    await app[SESSION].close()


async def index(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    steps = [{"number": s.number, "actor": s.actor, "source": s.source, "target": s.target, "title": s.title}
             for s in STEPS.values()]
    return aiohttp_jinja2.render_template("console/index.html", request, {
        "urls": config.app_urls, "steps": steps, "lanes": LANES})


async def list_journeys(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    events, errors = await gather.fetch_events(request.app[SESSION], config.app_urls)
    return json_response({"journeys": gather.journeys(events), "unreachable": errors})


async def get_journey(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    order = "step" if request.query.get("order") == "step" else "time"
    return json_response(await gather.journey(request.app[SESSION], config.app_urls, request.match_info["order_id"], order))
