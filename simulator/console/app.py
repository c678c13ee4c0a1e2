"""The console app (port 8000): every journey as a live sequence diagram, read from the
apps over HTTP, and the controls of the simulator (relayed to the apps' ``/_sim/`` API)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from ..core.access import Access
from ..core.guard import ACCESS, middleware
from ..core.steps import STEPS
from ..core.web import APP_NAME, client_session, health, json_error, json_response, security_headers, setup_pages
from . import control, diagram, gather, live


@dataclass
class ConsoleConfig:
    """``app_urls``: where the other apps answer, by name (miniprogram, merchant, wallet)."""

    app_urls: dict[str, str] = field(default_factory=dict)
    access: Access = field(default_factory=Access)


CONFIG = web.AppKey("config", ConsoleConfig)
SESSION = web.AppKey("session", aiohttp.ClientSession)
APP_LABELS = {"miniprogram": "Mini program", "merchant": "Merchant server", "wallet": "Wallet"}


def create_app(config: ConsoleConfig) -> web.Application:
    app = web.Application(middlewares=[security_headers(lambda r: "'none'"), middleware(private=_private)])
    app[APP_NAME] = "console"
    app[CONFIG] = config
    app[ACCESS] = config.access
    setup_pages(app)
    live.setup(app)
    app.cleanup_ctx.append(_session)
    controls = control.handlers(lambda r: r.app[SESSION], lambda r: r.app[CONFIG].app_urls)
    app.add_routes(
        [
            web.get("/", index),
            web.get("/journeys/{order_id}", index),
            web.get("/api/journeys", list_journeys),
            web.get("/api/journeys/{order_id}", get_journey),
            web.get("/api/journeys/{order_id}/diagram", get_diagram),
            web.get("/api/journeys/{order_id}/export", export_journey),
            web.get("/api/stream", stream),
            web.post("/api/reset", controls["reset"]),
            web.route("*", "/api/control/{app}/{path:.+}", controls["relay"]),
            web.get("/_sim/health", health),
        ]
    )
    return app


def _private(request: web.Request) -> bool:
    """All of it, but the health check and the static files: the console shows every
    journey's bodies and drives every app."""
    return request.path != "/_sim/health" and not request.path.startswith("/static/")


async def _session(app: web.Application) -> AsyncIterator[None]:
    app[SESSION] = client_session()
    yield
    await app[SESSION].close()


async def index(request: web.Request) -> web.Response:
    urls = request.app[CONFIG].app_urls
    page = {
        "lanes": diagram.lanes(),
        "blueprint": diagram.build([]),
        "steps": [{"number": s.number, "title": s.title} for s in STEPS.values()],
        "apps": [{"id": name, "label": APP_LABELS.get(name, name), "url": url} for name, url in urls.items()],
        "selected": request.match_info.get("order_id"),
        "controls": {
            "outcomes": control.OUTCOMES,
            "faultEndpoints": control.FAULT_ENDPOINTS,
            "faultKinds": control.FAULT_KINDS,
            "notificationFaultKinds": control.NOTIFICATION_FAULT_KINDS,
        },
    }
    return aiohttp_jinja2.render_template("console/index.html", request, {"page": page, "apps": page["apps"]})


async def list_journeys(request: web.Request) -> web.Response:
    data, _ = await gather.overview(request.app[SESSION], request.app[CONFIG].app_urls)
    return json_response(data)


def _order_param(request: web.Request, default: str) -> str:
    order = request.query.get("order", default)
    if order not in diagram.ORDERS:
        raise web.HTTPBadRequest(
            text='{"error": {"code": "BAD_ORDER", "message": "order is step or time"}}', content_type="application/json"
        )
    return order


async def _journey(request: web.Request, order: str) -> dict | None:
    data = await gather.journey(
        request.app[SESSION], request.app[CONFIG].app_urls, request.match_info["order_id"], order
    )
    return data if data["events"] else None


async def get_journey(request: web.Request) -> web.Response:
    """The journey's merged events (time order, or ``?order=step``) and its summary."""
    data = await _journey(request, _order_param(request, "time"))
    if data is None:
        return json_error(404, "JOURNEY_NOT_FOUND", "no app has recorded a step of this order (yet)")
    return json_response(data)


async def get_diagram(request: web.Request) -> web.Response:
    """What the page draws: the summary, the payment and its actions, the rows."""
    order = _order_param(request, "step")
    data = await _journey(request, "time")
    if data is None:
        return json_error(404, "JOURNEY_NOT_FOUND", "no app has recorded a step of this order (yet)")
    payment = await gather.payment(request.app[SESSION], request.app[CONFIG].app_urls, data["summary"]["paymentId"])
    return json_response(
        {
            "orderId": data["orderId"],
            "summary": data["summary"],
            "order": data["order"],
            "payment": payment,
            "actions": control.journey_actions(payment),
            "diagram": diagram.build(data["events"], order),
            "unreachable": data["unreachable"],
        }
    )


async def export_journey(request: web.Request) -> web.Response:
    """The journey as a JSON file: summary, the merchant's and the wallet's views, and
    every event in time order (secrets were masked when the events were recorded)."""
    data = await _journey(request, "time")
    if data is None:
        return json_error(404, "JOURNEY_NOT_FOUND", "no app has recorded a step of this order (yet)")
    payment = await gather.payment(request.app[SESSION], request.app[CONFIG].app_urls, data["summary"]["paymentId"])
    body = {"exportedAt": datetime.now(UTC).isoformat(timespec="seconds"), **data, "payment": payment}
    safe = "".join(c for c in data["orderId"] if c.isalnum() or c in "-_")[:80] or "journey"
    return json_response(body, headers={"Content-Disposition": f'attachment; filename="journey-{safe}.json"'})


async def stream(request: web.Request) -> web.StreamResponse:
    return await live.stream(request, request.app[SESSION], request.app[CONFIG].app_urls)
