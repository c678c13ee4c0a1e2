"""Refund controls under ``/_sim/refunds/``: force what the next refunds do (answered
at once, refused, or processing and settling later, as Antom's asynchronous refunds do)
and settle a processing refund now. Like payment outcomes, for tests and demos only."""

from __future__ import annotations

from aiohttp import web

from simulator.core import jsonio
from simulator.core.web import json_error, json_response

from . import faults, store
from .api import WALLET
from .models import Refund, RefundOutcome, RefundStatus
from .service import Wallet
from .wire import inquiry_refund_reply

OUTCOME_NAMES = [o.value for o in RefundOutcome]


async def _body(request: web.Request) -> dict:
    """The JSON object of a control call ({} without a body); HTTP 400 otherwise."""
    raw = await request.read()
    if not raw:
        return {}
    try:
        return jsonio.read_object(raw)
    except jsonio.BodyError as exc:
        raise web.HTTPBadRequest(
            body=jsonio.dumps({"error": {"code": "BAD_JSON", "message": str(exc)}}), content_type="application/json"
        ) from None


async def list_outcomes(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    rows = await store.refund_outcomes(wallet.db)
    return json_response(
        {
            "outcomes": [
                {
                    "id": r["id"],
                    "outcome": r["outcome"],
                    "paymentId": r["payment_id"],
                    "remaining": r["remaining"],
                    "createdAt": r["created_at"],
                }
                for r in rows
            ],
            "available": OUTCOME_NAMES,
        }
    )


async def force_outcome(request: web.Request) -> web.Response:
    """``{"outcome": "PROCESSING_THEN_SUCCESS" | "PROCESSING_THEN_FAIL" | "FAIL" | "SUCCESS",
    "paymentId"?, "count"?}``: what the next refunds (of that payment) do."""
    wallet: Wallet = request.app[WALLET]
    body = await _body(request)
    outcome = body.get("outcome")
    payment_id = body.get("paymentId")
    if outcome not in OUTCOME_NAMES:
        return json_error(400, "PARAM_ILLEGAL", f"outcome must be one of {', '.join(OUTCOME_NAMES)}")
    if payment_id is not None and (not isinstance(payment_id, str) or not 1 <= len(payment_id) <= 64):
        return json_error(400, "PARAM_ILLEGAL", "paymentId must be a string of 1-64 characters")
    try:
        count = faults.parse_count(body)
    except ValueError as exc:
        return json_error(400, "PARAM_ILLEGAL", str(exc))
    entry_id = await wallet.force_refund_outcome(RefundOutcome(outcome), payment_id, count)
    return json_response({"id": entry_id, "outcome": outcome, "paymentId": payment_id, "remaining": count}, status=201)


async def clear_outcomes(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    async with wallet.db.transaction() as tx:
        cleared = await store.clear_refund_outcomes(tx)
    return json_response({"cleared": cleared})


async def settle_refund(request: web.Request) -> web.Response:
    """``{"to": "SUCCESS" | "FAIL"}`` (default: where it was going): settle a PROCESSING
    refund now; its notifyRefund goes out as when it settles on its own."""
    wallet: Wallet = request.app[WALLET]
    body = await _body(request)
    to = body.get("to")
    if to not in (None, "SUCCESS", "FAIL"):
        return json_error(400, "PARAM_ILLEGAL", "to must be SUCCESS or FAIL")
    try:
        refund = await wallet.settle_refund_now(request.match_info["refund_id"], RefundStatus(to) if to else None)
    except LookupError as exc:
        return json_error(404, "REFUND_NOT_EXIST", str(exc))
    except ValueError as exc:
        return json_error(409, "REFUND_STATUS_INVALID", str(exc))
    return json_response(_refund_json(refund))


async def get_refund(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    refund = await store.refund_of_any_client(wallet.db, request.match_info["refund_id"])
    if refund is None:
        return json_error(404, "REFUND_NOT_EXIST", "no such refund")
    return json_response(_refund_json(refund))


def _refund_json(r: Refund) -> dict:
    out = {k: v for k, v in inquiry_refund_reply(r).items() if k != "result"}
    out.update(paymentId=r.payment_id, resultCode=r.result_code, asynchronous=r.asynchronous)
    if r.settle_to and r.settle_at:
        out.update(settlesTo=r.settle_to.value, settleAt=r.settle_at.isoformat())
    return out


def routes() -> list[web.RouteDef]:
    return [
        web.get("/_sim/refunds/outcomes", list_outcomes),
        web.post("/_sim/refunds/outcomes", force_outcome),
        web.delete("/_sim/refunds/outcomes", clear_outcomes),
        web.get("/_sim/refunds/{refund_id}", get_refund),
        web.post("/_sim/refunds/{refund_id}/settle", settle_refund),
    ]
