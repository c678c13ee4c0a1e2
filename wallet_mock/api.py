"""The signed API over HTTP: verify the signed request, hand its body to the operation
the path names (``operations.py``, where every operation and its paths are declared),
sign the reply, journal the call. The OpenAPI document of all this is at
``/openapi.json``."""

from __future__ import annotations

import logging

from aiohttp import web

from simulator.core.journal import http_summary, reply_summary
from simulator.core.signed_http import dump_json, read_signed_headers, signed_reply_headers, verify_signed_request
from simulator.core.signer import Signer
from simulator.core.signing import SignatureError

from . import openapi
from .errors import ApiError, result
from .models import JournalIds
from .operations import FAMILIES, PROFILES, ApiFamily, Operation
from .parsing import parse_json_body
from .service import Wallet

log = logging.getLogger("tradepay_sim.wallet.api")

WALLET = web.AppKey("wallet", Wallet)
SIGNER = web.AppKey("signer", Signer)

# The request headers an API call's journal event keeps: what the signature covers.
JOURNALED_HEADERS = ("Content-Type", "Client-Id", "Request-Time", "Signature")
_JSON_TYPES = ("application/json", "text/plain", "application/octet-stream", "")


def _sayable(client_id: str) -> bool:
    """A client id that fits a header and a signature: 1-64 printable ASCII characters."""
    return 0 < len(client_id) <= 64 and client_id.isascii() and client_id.isprintable()


async def _verified_client(request: web.Request, wallet: Wallet, path: str, raw: bytes) -> str:
    """The registered client whose signature the request carries, or the refusal."""
    try:
        signed = read_signed_headers(request.headers)
    except SignatureError as exc:
        raise ApiError("INVALID_SIGNATURE", str(exc)) from None
    if not _sayable(signed.client_id):
        raise ApiError("INVALID_CLIENT", "Client-Id must be 1-64 printable ASCII characters")
    merchant = await wallet.merchant(signed.client_id)
    if merchant is None:
        raise ApiError("INVALID_CLIENT", f"client id {signed.client_id[:64]!r} is not registered")
    try:
        verify_signed_request(
            signed,
            merchant.public_key_pem,
            request.method,
            path,
            raw,
            max_skew=wallet.config.request_time_window,
        )
    except SignatureError as exc:
        raise ApiError("INVALID_SIGNATURE", str(exc)) from None
    return signed.client_id


async def _check_profile(wallet: Wallet, client_id: str, family: ApiFamily, path: str) -> None:
    """A merchant calls the API of its own profile; another profile's paths answer it
    with that profile's "not allowed" code."""
    merchant = await wallet.merchant(client_id)
    speaks = merchant.api_profile if merchant else None
    if speaks != family.profile:
        profile = PROFILES[family.profile]
        raise ApiError(
            profile.not_allowed,
            f"{path[:200]} is the {family.profile} API; client id {client_id!r} uses the {speaks} API profile "
            f"(POST /_sim/merchants with apiProfile, or --wallet-api for the sandbox merchant)",
        )


def endpoint(op: Operation | None, family: ApiFamily):
    """The aiohttp handler of ``op``'s paths in ``family`` (None: a path under its prefix
    that names no operation). Every reply is JSON, signed, HTTP 200 for business
    outcomes, never a traceback."""

    async def handle(request: web.Request) -> web.Response:
        wallet = request.app[WALLET]
        # The path as it was sent (percent-escapes and all) is what both sides sign.
        path = request.rel_url.raw_path
        raw, body, client_id = b"", {}, ""
        step: int | None = None
        ids: JournalIds | None = None
        http_status = 200
        try:
            if request.method != "POST":
                raise ApiError("METHOD_NOT_SUPPORTED", "the signed API takes POST", http_status=405)
            if request.content_type not in _JSON_TYPES:
                raise ApiError(
                    "MEDIA_TYPE_NOT_ACCEPTABLE",
                    f"Content-Type {request.content_type[:100]!a} is not JSON",
                    http_status=415,
                )
            try:
                raw = await request.read()
            except web.HTTPRequestEntityTooLarge:
                raise ApiError("PARAM_ILLEGAL", "the request body is too large", http_status=413) from None
            client_id = await _verified_client(request, wallet, path, raw)
            await _check_profile(wallet, client_id, family, path)
            body = parse_json_body(raw)
            if op is None:
                raise ApiError("NO_INTERFACE_DEF", f"{path[:200]} is not an API of {family.title}", http_status=404)
            answer = await op.answer(wallet, client_id, body)
            payload, step, ids = answer.body, answer.step, answer.ids
        except ApiError as exc:
            payload = exc.payload()
            http_status = exc.http_status
        except Exception:
            log.exception("unexpected error in %s", request.path)
            payload = {"result": result("UNKNOWN_EXCEPTION")}
        out = dump_json(payload)
        # Echo the caller's Client-Id only if it can travel in a header and be signed as text.
        sent_client_id = request.headers.get("Client-Id", "")
        client_id = client_id or (sent_client_id if _sayable(sent_client_id) else "")
        headers = await signed_reply_headers(request.app[SIGNER], request.method, path, client_id, out)
        try:
            _journal_call(
                request, wallet, path, raw, body, step, ids, payload, out, headers, http_status, family.profile
            )
        except Exception:  # the journal is a record of the call; it must never cost the reply
            log.exception("could not journal %s", request.path)
        return web.Response(
            body=out, status=http_status, headers=headers, content_type="application/json", charset="utf-8"
        )

    return handle


def _journal_call(
    request: web.Request,
    wallet: Wallet,
    path: str,
    raw: bytes,
    body: dict,
    step: int | None,
    ids: JournalIds | None,
    payload: dict,
    out: bytes,
    headers: dict,
    status: int,
    profile: str,
) -> None:
    if ids is None:  # refused before the operation named its payment: what the body says
        order = body.get("order")
        order_id = _str_or_none(order.get("referenceOrderId")) if isinstance(order, dict) else None
        payment_request_id = _str_or_none(payload.get("paymentRequestId") or body.get("paymentRequestId"))
        payment_id = _str_or_none(payload.get("paymentId") or body.get("paymentId"))
    else:
        order_id, payment_request_id, payment_id = ids["order_id"], ids["payment_request_id"], ids["payment_id"]
    res = payload.get("result") or {}
    summary = reply_summary(path.rsplit("/", 1)[-1], payload)
    wallet.journal.record(
        step,
        summary,
        kind="step" if step else ("fault" if res.get("resultStatus") == "F" else "note"),
        actor="wallet server",
        order_id=order_id,
        payment_request_id=payment_request_id,
        payment_id=payment_id,
        details={"apiProfile": profile},  # which wallet API the call spoke (the console's badge)
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
            request_body=raw if body else {"unreadable": ascii(raw[:200])},
            response_headers=headers,
            response_body=out,
            request_json=body or None,
            response_json=payload,  # what ``out`` was serialised from
        ),
    )


def _str_or_none(value) -> str | None:
    """Ids for the journal from a body that may not have passed validation."""
    return value[:64] if isinstance(value, str) else None


async def openapi_document(request: web.Request) -> web.Response:
    """``GET /openapi.json``: the OpenAPI 3.1 document of this API, every profile; with
    ``?profile=<name>`` the document of one profile."""
    profile = request.query.get("profile")
    if profile is not None and profile not in PROFILES:
        return web.json_response(
            {"error": {"code": "PARAM_ILLEGAL", "message": f"profile must be one of {', '.join(PROFILES)}"}},
            status=400,
        )
    return web.json_response(
        openapi.document(request.app[WALLET].config.public_url, profile),
        headers={"Access-Control-Allow-Origin": "*"},
    )


def routes() -> list[web.RouteDef]:
    """Every path of every family's operations, and a signed NO_INTERFACE_DEF for any
    other path under their prefixes."""
    out = [web.get("/openapi.json", openapi_document)]
    for family in FAMILIES:
        for op in family.operations:
            handler = endpoint(op, family)
            out += [web.route("*", path, handler) for path in family.paths(op)]
    for family in FAMILIES:
        unknown = endpoint(None, family)
        for prefix in family.prefixes:
            out += [web.route("*", prefix, unknown), web.route("*", prefix + "/{tail:.*}", unknown)]
    return out
