"""Injected faults, like WireMock's: on the wallet API for the next N calls (delay, HTTP
500/503, dropped connection, malformed JSON, UNKNOWN_EXCEPTION), and on notifications
(see worker.py). Queued in the database by the control API, consumed one use at a time.

API faults act *before* the call is processed (nothing happens in the wallet) or *after*
(the wallet did the work, the reply is lost or garbled): the second kind is what makes a
merchant's retry with the same paymentRequestId matter.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from simulator.core.signed_http import dump_json, signed_response_headers
from simulator.core.web import MAX_REQUEST_BYTES

from . import control_store, store
from .errors import result
from .operations import OPERATION_AT, OPERATIONS

API_FAULT_KINDS = ("delay", "http_500", "http_503", "drop", "malformed_json", "unknown_exception")
# Where each kind acts unless the control call says otherwise.
DEFAULT_PHASE = {
    "delay": "after",
    "http_500": "before",
    "http_503": "before",
    "drop": "after",
    "malformed_json": "after",
    "unknown_exception": "before",
}
NOTIFY_FAULT_KINDS = ("fail", "delay", "duplicate", "drop")
# What an API fault can target: an operation (by name, under every path it answers at)
# or "*", any call of the signed API (paths that name no operation included).
API_ENDPOINTS = (*OPERATIONS, "*")
MAX_DELAY_MS = 120_000
SCOPE_FIELDS = (("clientId", "client_id"), ("paymentRequestId", "payment_request_id"))


class Queues:
    """Remembers which control queues may hold entries, so that the hot path does not
    open a write transaction when nothing is queued (the common case)."""

    def __init__(self) -> None:
        self.maybe = dict.fromkeys(control_store.QUEUES, True)

    def mark(self, table: str) -> None:
        self.maybe[table] = True

    async def take(self, tx, table: str, taker, *args):
        if not self.maybe[table]:
            return None
        taken = await taker(tx, *args)
        if taken is None and not await control_store.has_rows(tx, table):
            self.maybe[table] = False  # entries for other payments keep the flag up
        return taken


def api_fault_middleware(is_api_path, wallet_key):
    """Outermost middleware on the wallet: applies a queued API fault, if any."""

    @web.middleware
    async def middleware(request: web.Request, handler) -> web.StreamResponse:
        if not is_api_path(request.path):
            return await handler(request)
        wallet = request.app[wallet_key]
        if not wallet.queues.maybe["api_faults"]:
            return await handler(request)
        op = OPERATION_AT.get(request.path)
        endpoint = op.name if op else request.path.rsplit("/", 1)[-1]
        ids = await _ids_of(request)
        client_id = request.headers.get("Client-Id") or None
        if client_id is not None and not (len(client_id) <= 64 and client_id.isascii() and client_id.isprintable()):
            client_id = None  # not a client id any merchant has (undecodable bytes): no scope to match
        async with wallet.db.transaction() as tx:
            if ids.get("payment_id") and not ids.get("payment_request_id") and client_id:
                # inquiryPayment, cancelPayment and refund may name the payment by paymentId
                named = await store.payment_by_id(tx, ids["payment_id"], client_id)
                ids["payment_request_id"] = named.payment_request_id if named else None
            fault = await wallet.queues.take(
                tx, "api_faults", control_store.take_api_fault, endpoint, client_id, ids.get("payment_request_id")
            )
        if fault is None:
            return await handler(request)
        kind, phase = fault["kind"], fault["phase"]
        wallet.journal.record(
            None,
            f"injected fault on {endpoint}: {kind} ({phase} processing)",
            kind="fault",
            actor="wallet server",
            details={"fault": fault},
            **ids,
        )
        if phase == "before":
            return await _apply(request, wallet, kind, fault, None, handler)
        response = await handler(request)
        return await _apply(request, wallet, kind, fault, response, handler)

    return middleware


async def _ids_of(request: web.Request) -> dict:
    """The ids the call names, read without trusting it (it is not verified yet), so
    that the console can show the fault in its journey. A body that is too large (or of
    unknown length) is not read here: the handler must meet it unread, to refuse it."""
    if request.content_length is None or request.content_length > MAX_REQUEST_BYTES:
        return {}
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError, RecursionError, web.HTTPException):
        return {}
    if not isinstance(body, dict):
        return {}
    order = body.get("order")
    if not isinstance(order, dict):
        order = {}

    def short(value):
        return value[:64] if isinstance(value, str) and value else None

    return {
        "payment_request_id": short(body.get("paymentRequestId")),
        "payment_id": short(body.get("paymentId")),
        "order_id": short(order.get("referenceOrderId")),
    }


async def _apply(request: web.Request, wallet, kind: str, fault: dict, response, handler) -> web.StreamResponse:
    if kind == "delay":
        await asyncio.sleep(fault["delay_ms"] / 1000)
        return response if response is not None else await handler(request)
    if kind in ("http_500", "http_503"):
        status = 500 if kind == "http_500" else 503
        return web.Response(
            status=status, text=f"{status} {'Internal Server Error' if status == 500 else 'Service Unavailable'}\n"
        )
    if kind == "drop":
        if request.transport is not None:
            request.transport.abort()  # the client sees the connection die, no reply
        return web.Response(status=500)
    if kind == "malformed_json":
        sent = response.body if isinstance(response, web.Response) else None
        body = bytes(sent) if isinstance(sent, (bytes, bytearray)) and sent else b'{"result": {}}'
        return web.Response(status=200, body=body[: max(len(body) // 2, 1)], content_type="application/json")
    if kind == "unknown_exception":
        out = dump_json({"result": result("UNKNOWN_EXCEPTION")})
        headers = signed_response_headers(
            wallet.config.wallet_private_pem, request.method, request.path, request.headers.get("Client-Id", ""), out
        )
        return web.Response(body=out, headers=headers, content_type="application/json", charset="utf-8")
    raise AssertionError(f"unknown fault kind {kind}")


def parse_api_fault(body: dict) -> dict:
    """Validate ``POST /_sim/faults``; returns the row to queue. Raises ValueError."""
    endpoint = body.get("endpoint", "*")
    kind = body.get("kind")
    if endpoint not in API_ENDPOINTS:
        raise ValueError(f"endpoint must be one of {', '.join(API_ENDPOINTS)}")
    if kind not in API_FAULT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(API_FAULT_KINDS)}")
    phase = body.get("phase", DEFAULT_PHASE[kind])
    if phase not in ("before", "after"):
        raise ValueError("phase must be before or after")
    return {
        "endpoint": endpoint,
        "kind": kind,
        "phase": phase,
        "delay_ms": _delay(body, kind == "delay"),
        "remaining": parse_count(body),
        **parse_scope(body),
    }


def parse_notify_fault(body: dict) -> dict:
    kind = body.get("kind")
    if kind not in NOTIFY_FAULT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(NOTIFY_FAULT_KINDS)}")
    return {
        "kind": kind,
        "delay_ms": _delay(body, kind == "delay"),
        "remaining": parse_count(body),
        **parse_scope(body),
    }


def parse_scope(fields) -> dict[str, str | None]:
    """``clientId`` and ``paymentRequestId`` (a body's or a query's): the one merchant
    and/or the one payment an entry acts on; absent, it acts on any."""
    scope: dict[str, str | None] = {}
    for name, column in SCOPE_FIELDS:
        value = fields.get(name)
        if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= 64 or not value.isprintable()):
            raise ValueError(f"{name} must be a string of 1-64 printable characters")
        scope[column] = value
    return scope


def parse_count(body: dict) -> int:
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 10_000:
        raise ValueError("count must be an integer from 1 to 10000")
    return count


def _delay(body: dict, required: bool) -> int:
    delay = body.get("delayMs", 1000 if required else 0)
    if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= MAX_DELAY_MS:
        raise ValueError(f"delayMs must be an integer from 0 to {MAX_DELAY_MS}")
    return delay


def describe(row: dict, started_at: str | None = None) -> dict:
    """A queued entry as the control API shows it. ``leftOver``: queued before this
    wallet started, by a run that may have died before it used it."""
    out = {"id": row["id"], "remaining": row["remaining"], "createdAt": row["created_at"]}
    for key, name in (
        ("endpoint", "endpoint"),
        ("kind", "kind"),
        ("phase", "phase"),
        ("delay_ms", "delayMs"),
        ("outcome", "outcome"),
        ("client_id", "clientId"),
        ("payment_request_id", "paymentRequestId"),
    ):
        if key in row:
            out[name] = row[key]
    if started_at is not None:
        out["leftOver"] = row["created_at"] < started_at
    return out
