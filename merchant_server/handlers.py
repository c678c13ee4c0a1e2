"""The merchant server's HTTP API: what the mini program calls (catalog, orders) and what
the wallet calls (the payment notification)."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from simulator.core import jsonio
from simulator.core.journal import http_summary
from simulator.core.signed_http import dump_json, signed_response_headers
from simulator.core.web import json_response, query_limit, read_json

from . import store
from .catalog import CATALOG
from .models import OrderError, order_total, price_items
from .service import NotificationRefused, Shop, order_json

log = logging.getLogger("tradepay_sim.merchant.api")

SHOP = web.AppKey("shop", Shop)
ORDER_ID = web.RequestKey("order_id", str)


@web.middleware
async def errors_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Refusals become ``{"error": {...}}`` with a stable code; nothing else leaks."""
    try:
        return await handler(request)
    except OrderError as exc:
        body: dict[str, Any] = {"error": {"code": exc.code, "message": exc.message, "retryable": exc.retryable}}
        if request.get(ORDER_ID):
            body["orderId"] = request[ORDER_ID]
        return json_response(body, status=exc.status)
    except web.HTTPException as exc:
        if exc.status >= 400 and request.path.startswith("/api/"):
            return json_response(
                {"error": {"code": exc.reason.upper().replace(" ", "_"), "message": exc.reason}}, status=exc.status
            )
        raise
    except Exception:
        log.exception("unexpected error in %s %s", request.method, request.path)
        return json_response(
            {"error": {"code": "INTERNAL_ERROR", "message": "Something went wrong on the merchant server."}}, status=500
        )


async def _json(request: web.Request) -> dict:
    try:
        return await read_json(request)
    except jsonio.BodyError as exc:
        raise OrderError(exc.status, "INVALID_JSON", str(exc)) from None


async def catalog(request: web.Request) -> web.Response:
    return json_response(
        {"merchantName": request.app[SHOP].config.merchant_name, "goods": [g.to_json() for g in CATALOG.values()]}
    )


async def quote(request: web.Request) -> web.Response:
    """Price a cart without creating an order (the shop shows the merchant's total)."""
    body = await _json(request)
    lines = price_items(body.get("items"))
    total = order_total(lines)
    return json_response(
        {
            "items": [line.to_json() for line in lines],
            "amount": total.to_wire(),
            "amountDisplay": total.format_display(),
        }
    )


async def create_order(request: web.Request) -> web.Response:
    """Steps 3, 4 and 8: price the order from the catalog, get a paymentUrl, return it."""
    shop: Shop = request.app[SHOP]
    body = await _json(request)
    order = await shop.create_order(body.get("items"))
    request[ORDER_ID] = order.order_id
    order = await shop.request_payment(order)
    return _payment_url_reply(shop, order, status=201)


async def retry_payment(request: web.Request) -> web.Response:
    """Ask the wallet again after a failed ``pay``: same paymentRequestId, one payment."""
    shop: Shop = request.app[SHOP]
    order = await shop.get_order(request.match_info["order_id"])
    request[ORDER_ID] = order.order_id
    order = await shop.request_payment(order)
    return _payment_url_reply(shop, order)


def _payment_url_reply(shop: Shop, order, status: int = 200) -> web.Response:
    body = order_json(order)
    shop.journal.record(
        8,
        "paymentUrl returned to the mini program",
        order_id=order.order_id,
        payment_request_id=order.payment_request_id,
        payment_id=order.payment_id,
        details={"status": order.status.value},
    )
    return json_response(body, status=status)


async def get_order(request: web.Request) -> web.Response:
    shop: Shop = request.app[SHOP]
    code = request.query.get("clientResultCode")
    order = await shop.get_order(request.match_info["order_id"], code)
    return json_response(order_json(order))


async def list_orders(request: web.Request) -> web.Response:
    """Recent orders, newest first (``?limit=``, default 100)."""
    shop: Shop = request.app[SHOP]
    try:
        limit = query_limit(request, 100)
    except ValueError:
        raise OrderError(400, "INVALID_LIMIT", "limit must be an integer") from None
    return json_response({"orders": [order_json(o) for o in await store.list_orders(shop.db, limit)]})


async def notify_payment(request: web.Request) -> web.Response:
    """The wallet's notifyPayment: verify, check, apply once, acknowledge (signed)."""
    shop: Shop = request.app[SHOP]
    raw = await request.read()
    body = None
    try:
        shop.verify_notification(request.method, request.path, request.headers, raw)
        verified = True
        try:
            body = jsonio.read_object(raw)
        except jsonio.BodyError as exc:
            raise NotificationRefused("PARAM_ILLEGAL", f"the notification cannot be read: {exc}") from None
        order = await shop.handle_notification(body)
        reply = {"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}}
        outcome = f"ACCEPTED: order {order.status.value}"
    except NotificationRefused as exc:
        verified = exc.code not in ("INVALID_SIGNATURE", "INVALID_CLIENT")
        reply = {"result": {"resultCode": exc.code, "resultStatus": "F", "resultMessage": exc.message}}
        outcome = f"REFUSED: {exc.code}"
        log.warning("notification refused: %s", exc.message)
    async with shop.db.transaction() as tx:
        await store.record_notification(tx, shop.clock.now(), body, raw, verified, outcome)
    out = dump_json(reply)
    headers = signed_response_headers(shop.config.private_pem, request.method, request.path, shop.config.client_id, out)
    if not outcome.startswith("ACCEPTED"):
        ids = body if isinstance(body, dict) else {}
        shop.journal.record(
            19,
            f"notification refused: {reply['result']['resultCode']}",
            kind="fault",
            actor="merchant server",
            payment_request_id=ids.get("paymentRequestId") if isinstance(ids.get("paymentRequestId"), str) else None,
            http=http_summary("POST", str(request.rel_url), status=200, request_body=raw, response_body=out),
        )
    return web.Response(body=out, headers=headers, content_type="application/json", charset="utf-8")


async def reset(request: web.Request) -> web.Response:
    """Control API: forget every order and notification (the catalog stays)."""
    shop: Shop = request.app[SHOP]
    async with shop.db.transaction() as tx:
        await store.reset(tx)
    await shop.journal.clear()
    return json_response({"reset": True})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/catalog", catalog),
        web.post("/api/quote", quote),
        web.get("/api/orders", list_orders),
        web.post("/api/orders", create_order),
        web.get("/api/orders/{order_id}", get_order),
        web.post("/api/orders/{order_id}/pay", retry_payment),
        web.post("/api/notify/payment", notify_payment),
        web.post("/_sim/reset", reset),
    ]
