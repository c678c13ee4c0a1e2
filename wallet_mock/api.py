"""The Alipay+ online payment API over HTTP: verify the signed request, parse it, call the
wallet, sign the reply. Served under ``/aps/api/v1/payments/`` and, so that Alipay's
server SDKs work with only their base URL changed, under ``/ams/api/v1/payments/`` and
``/ams/sandbox/api/v1/payments/`` too (where Antom's ``cancel`` is ``cancelPayment``).
The OpenAPI document of all this is at ``/openapi.json``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

from simulator.core import signing
from simulator.core.clock import iso
from simulator.core.journal import http_summary
from simulator.core.signed_http import dump_json, read_signed_headers, signed_reply_headers
from simulator.core.signer import Signer
from simulator.core.signing import SignatureError

from . import openapi
from .errors import ApiError, result
from .parsing import (
    parse_json_body,
    parse_pay_request,
    parse_payment_reference,
    parse_refund_reference,
    parse_refund_request,
)
from .service import Wallet
from .wire import inquiry_refund_reply, inquiry_reply, pay_reply, refund_reply

log = logging.getLogger("tradepay_sim.wallet.api")

PREFIXES = ("/aps/api/v1/payments", "/ams/api/v1/payments", "/ams/sandbox/api/v1/payments")

WALLET = web.AppKey("wallet", Wallet)
SIGNER = web.AppKey("signer", Signer)


@dataclass
class ApiCall:
    """What the middleware learns of one API request, shared with its handler."""

    path: str = ""
    raw_body: bytes = b""
    client_id: str = ""
    body: dict = field(default_factory=dict)
    journal_step: int | None = None
    journal_ids: dict | None = None


CALL = web.RequestKey("api_call", ApiCall)

# The request headers an API call's journal event keeps: what the signature covers.
JOURNALED_HEADERS = ("Content-Type", "Client-Id", "Request-Time", "Signature")


def is_api_path(path: str) -> bool:
    return path.startswith(PREFIXES)


def _sayable(client_id: str) -> bool:
    """A client id that fits a header and a signature: 1-64 printable ASCII characters."""
    return 0 < len(client_id) <= 64 and client_id.isascii() and client_id.isprintable()


async def _verified_body(request: web.Request, wallet: Wallet, call: ApiCall) -> None:
    """Check the signature over the raw bytes, then parse into ``call.body``."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError("PARAM_ILLEGAL", "the request body is too large", http_status=413) from None
    call.raw_body = raw
    try:
        signed = read_signed_headers(request.headers)
    except SignatureError as exc:
        raise ApiError("INVALID_SIGNATURE", str(exc)) from None
    if not _sayable(signed.client_id):
        raise ApiError("INVALID_CLIENT", "Client-Id must be 1-64 printable ASCII characters")
    call.client_id = signed.client_id
    merchant = await wallet.merchant(signed.client_id)
    if merchant is None:
        raise ApiError("INVALID_CLIENT", f"client id {signed.client_id[:64]!r} is not registered")
    try:
        sent = signing.parse_time(signed.request_time)
    except SignatureError as exc:
        raise ApiError("INVALID_SIGNATURE", str(exc)) from None
    skew = abs((datetime.now(UTC) - sent).total_seconds())
    window = wallet.config.request_time_window.total_seconds()
    if skew > window:
        raise ApiError(
            "INVALID_SIGNATURE", f"Request-Time is {int(skew)} s away from the wallet's clock (window {int(window)} s)"
        )
    if not signing.verify(
        merchant["public_key_pem"],
        request.method,
        call.path,
        signed.client_id,
        signed.request_time,
        raw,
        signed.signature,
    ):
        raise ApiError("INVALID_SIGNATURE", "the signature does not match the request")
    call.body = parse_json_body(raw)


@web.middleware
async def signed_api_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Every API reply is JSON, signed, HTTP 200 for business outcomes, never a traceback."""
    if not is_api_path(request.path):
        return await handler(request)
    wallet: Wallet = request.app[WALLET]
    # The path as it was sent (percent-escapes and all) is what both sides sign.
    call = request[CALL] = ApiCall(path=request.rel_url.raw_path)
    http_status = 200
    try:
        if request.method != "POST":
            raise ApiError("METHOD_NOT_SUPPORTED", "the Alipay+ API takes POST", http_status=405)
        if request.content_type not in ("application/json", "text/plain", "application/octet-stream", ""):
            raise ApiError(
                "MEDIA_TYPE_NOT_ACCEPTABLE",
                f"Content-Type {request.content_type[:100]!a} is not JSON",
                http_status=415,
            )
        await _verified_body(request, wallet, call)
        payload = await handler(request)
    except ApiError as exc:
        payload = exc.payload()
        http_status = exc.http_status
    except web.HTTPNotFound:
        payload = {"result": result("NO_INTERFACE_DEF", f"{call.path[:200]} is not an Alipay+ API")}
        http_status = 404
    except Exception:
        log.exception("unexpected error in %s", request.path)
        payload = {"result": result("UNKNOWN_EXCEPTION")}
    out = dump_json(payload)
    # Echo the caller's Client-Id only if it can travel in a header and be signed as text.
    sent_client_id = request.headers.get("Client-Id", "")
    client_id = call.client_id or (sent_client_id if _sayable(sent_client_id) else "")
    headers = await signed_reply_headers(request.app[SIGNER], request.method, call.path, client_id, out)
    try:
        _journal_call(request, call, wallet, payload, out, headers, http_status)
    except Exception:  # the journal is a record of the call; it must never cost the reply
        log.exception("could not journal %s", request.path)
    return web.Response(body=out, status=http_status, headers=headers, content_type="application/json", charset="utf-8")


def _journal_call(
    request, call: ApiCall, wallet: Wallet, payload: dict, out: bytes, headers: dict, status: int
) -> None:
    body, step = call.body, call.journal_step
    order = body.get("order") if isinstance(body.get("order"), dict) else {}
    ids = call.journal_ids or {
        "payment_request_id": _str_or_none(payload.get("paymentRequestId") or body.get("paymentRequestId")),
        "payment_id": _str_or_none(payload.get("paymentId") or body.get("paymentId")),
        "order_id": _str_or_none(order.get("referenceOrderId")),
    }
    res = payload.get("result") or {}
    endpoint = call.path.rsplit("/", 1)[-1]
    summary = f"{endpoint}: {res.get('resultStatus')} {res.get('resultCode')}"
    wallet.journal.record(
        step,
        summary,
        kind="step" if step else ("fault" if res.get("resultStatus") == "F" else "note"),
        actor="wallet server",
        **ids,
        http=http_summary(
            request.method,
            str(request.rel_url),
            status=status,
            request_headers={
                name: ascii(value)[1:-1]
                for name in JOURNALED_HEADERS
                if (value := request.headers.get(name)) is not None
            },
            # Only a body that passed parse_json_body is journaled as JSON (as it was parsed);
            # of any other, a printable excerpt (deep nesting or lone surrogates must not
            # reach the journal).
            request_body=call.raw_body if call.body else {"unreadable": ascii(call.raw_body[:200])},
            response_headers=headers,
            response_body=out,
            request_json=call.body or None,
            response_json=payload,  # what ``out`` was serialised from
        ),
    )


def _str_or_none(value) -> str | None:
    """Ids for the journal from a body that may not have passed validation."""
    return value[:64] if isinstance(value, str) else None


def _ids(p) -> dict:
    return {"order_id": p.reference_order_id, "payment_request_id": p.payment_request_id, "payment_id": p.payment_id}


async def pay(request: web.Request) -> dict:
    wallet: Wallet = request.app[WALLET]
    call = request[CALL]
    req = parse_pay_request(call.body, wallet.clock.now())
    payment, _created = await wallet.pay(call.client_id, req)
    call.journal_step = 7
    call.journal_ids = _ids(payment)
    return pay_reply(payment, wallet.config.payment_url(payment.token))


async def inquiry_payment(request: web.Request) -> dict:
    wallet: Wallet = request.app[WALLET]
    call = request[CALL]
    payment_id, payment_request_id = parse_payment_reference(call.body)
    p = await wallet.find_payment(call.client_id, payment_id, payment_request_id)
    call.journal_ids = _ids(p)
    return inquiry_reply(p)


async def cancel_payment(request: web.Request) -> dict:
    wallet: Wallet = request.app[WALLET]
    call = request[CALL]
    payment_id, payment_request_id = parse_payment_reference(call.body, "cancelPayment")
    p = await wallet.cancel(call.client_id, payment_id, payment_request_id)
    call.journal_ids = _ids(p)
    return {
        "result": result("SUCCESS"),
        "paymentId": p.payment_id,
        "paymentRequestId": p.payment_request_id,
        "cancelTime": iso(wallet.clock.now()),
    }


async def refund(request: web.Request) -> dict:
    wallet: Wallet = request.app[WALLET]
    call = request[CALL]
    req = parse_refund_request(call.body)
    r = await wallet.refund(call.client_id, req)
    call.journal_ids = _ids(await wallet.payment(r.payment_id))
    return refund_reply(r)


async def inquiry_refund(request: web.Request) -> dict:
    wallet: Wallet = request.app[WALLET]
    call = request[CALL]
    refund_id, refund_request_id = parse_refund_reference(call.body)
    r = await wallet.find_refund(call.client_id, refund_id, refund_request_id)
    call.journal_ids = _ids(await wallet.payment(r.payment_id))
    return inquiry_refund_reply(r)


async def unknown_api(request: web.Request) -> dict:
    raise ApiError("NO_INTERFACE_DEF", f"{request[CALL].path[:200]} is not an Alipay+ API", http_status=404)


async def openapi_document(request: web.Request) -> web.Response:
    """``GET /openapi.json``: the OpenAPI 3.1 document of this API."""
    return web.json_response(
        openapi.document(request.app[WALLET].config.public_url), headers={"Access-Control-Allow-Origin": "*"}
    )


HANDLERS = {
    "pay": pay,
    "inquiryPayment": inquiry_payment,
    "cancelPayment": cancel_payment,
    "cancel": cancel_payment,  # Antom's name (Alipay's SDKs call /ams/api/v1/payments/cancel)
    "refund": refund,
    "inquiryRefund": inquiry_refund,
}


def routes() -> list[web.RouteDef]:
    out = [web.get("/openapi.json", openapi_document)]
    for prefix in PREFIXES:
        out += [web.route("*", f"{prefix}/{name}", handler) for name, handler in HANDLERS.items()]
        out.append(web.route("*", prefix + "/{tail:.*}", unknown_api))
    return out
