"""The control plane (``/_sim/``) in the wallet's OpenAPI document: what tests call to
force outcomes, inject faults and steer time. Tagged ``control`` and unsigned: these
calls are the simulator's own, not Alipay+'s."""

from __future__ import annotations

from typing import Any

from .faults import API_ENDPOINTS, API_FAULT_KINDS, MAX_DELAY_MS, NOTIFY_FAULT_KINDS
from .models import Outcome, RefundOutcome

_COUNT = {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 1}
_DELAY = {"type": "integer", "minimum": 0, "maximum": MAX_DELAY_MS}
_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}
_SCOPE = {
    "clientId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "description": "Act only on this merchant's calls (a registered clientId); absent: any merchant's",
    },
    "paymentRequestId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "description": "Act only on this payment; absent: any payment",
    },
    "replace": {
        "type": "boolean",
        "default": False,
        "description": "Remove what is already queued for the same target (scope, and endpoint for an API fault)",
    },
}
_ENTRY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "remaining": {"type": "integer", "minimum": 1},
        "createdAt": {"type": "string"},
        "leftOver": {"type": "boolean", "description": "queued before this wallet started (an earlier run's)"},
        "outcome": {"type": "string"},
        "clientId": {"type": ["string", "null"]},
        "paymentRequestId": {"type": ["string", "null"]},
        "endpoint": {"type": "string"},
        "kind": {"type": "string"},
        "phase": {"type": "string"},
        "delayMs": {"type": "integer"},
    },
    "required": ["id", "remaining"],
}

SCHEMAS = {
    "SimError": _ERROR,
    "QueueEntry": _ENTRY,
    "ForceOutcome": {
        "type": "object",
        "properties": {
            "outcome": {"enum": [o.value for o in Outcome]},
            "count": _COUNT,
            **_SCOPE,
        },
        "required": ["outcome"],
    },
    "ApiFault": {
        "type": "object",
        "properties": {
            "endpoint": {"enum": list(API_ENDPOINTS), "default": "*"},
            "kind": {"enum": list(API_FAULT_KINDS)},
            "phase": {"enum": ["before", "after"]},
            "count": _COUNT,
            "delayMs": _DELAY,
            **_SCOPE,
        },
        "required": ["kind"],
    },
    "NotifyFault": {
        "type": "object",
        "properties": {"kind": {"enum": list(NOTIFY_FAULT_KINDS)}, "count": _COUNT, "delayMs": _DELAY, **_SCOPE},
        "required": ["kind"],
    },
    "Settle": {"type": "object", "properties": {"to": {"enum": ["SUCCESS", "FAIL"]}}},
    "ForceRefundOutcome": {
        "type": "object",
        "properties": {
            "outcome": {"enum": [o.value for o in RefundOutcome]},
            "paymentId": {"type": "string", "minLength": 1, "maxLength": 64},
            "count": _COUNT,
        },
        "required": ["outcome"],
    },
    "RegisterMerchant": {
        "type": "object",
        "properties": {
            "clientId": {"type": "string", "minLength": 1, "maxLength": 64},
            "name": {"type": "string", "maxLength": 128},
            "publicKey": {"type": "string", "description": "PEM or base64 of an RSA-2048+ public key"},
            "notifyUrl": {"type": "string", "format": "uri"},
        },
        "required": ["clientId", "publicKey"],
    },
    "BuyerAtCashier": {
        "type": "object",
        "description": "The payment (its paymentUrl, or its paymentId) and what the buyer does in its cashier.",
        "properties": {
            "paymentUrl": {"type": "string", "format": "uri", "description": "the pay call's normalUrl"},
            "paymentId": {"type": "string", "minLength": 1, "maxLength": 64},
            "account": {"type": "string", "default": "buyer@sandbox.test", "maxLength": 256},
            "password": {"type": "string", "default": "111111", "maxLength": 256},
            "action": {"enum": ["confirm", "cancel"], "default": "confirm"},
        },
        "oneOf": [{"required": ["paymentUrl"]}, {"required": ["paymentId"]}],
        "additionalProperties": False,
    },
    "CashierResult": {
        "type": "object",
        "properties": {
            "resultCode": {"enum": ["9000", "8000", "4000", "6001", "6002", "6004"]},
            "message": {"type": "string"},
            "paymentStatus": {"type": "string"},
            "paymentId": {"type": "string"},
            "paymentRequestId": {"type": "string"},
            "orderId": {"type": ["string", "null"]},
        },
        "required": ["resultCode", "message", "paymentStatus", "paymentId", "paymentRequestId"],
    },
    "ClockAdvance": {
        "type": "object",
        "properties": {"seconds": {"type": "number", "minimum": 0}},
        "required": ["seconds"],
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _op(
    summary: str,
    *,
    body: str | None = None,
    reply: dict | None = None,
    created: bool = False,
    errors: tuple[int, ...] = (),
) -> dict:
    ok = {"description": "Done.", "content": {"application/json": {"schema": reply or {"type": "object"}}}}
    op: dict[str, Any] = {
        "tags": ["control"],
        "summary": summary,
        "security": [],
        "responses": {"201" if created else "200": ok},
    }
    for status in errors:
        op["responses"][str(status)] = {
            "description": "Refused.",
            "content": {"application/json": {"schema": _ref("SimError")}},
        }
    if body:
        op["requestBody"] = {"required": body != "Settle", "content": {"application/json": {"schema": _ref(body)}}}
    return op


def _queue(name: str, key: str, body: str, what: str) -> dict:
    listing = {"type": "object", "properties": {key: {"type": "array", "items": _ref("QueueEntry")}}, "required": [key]}
    return {
        "get": _op(f"List the queued {what}", reply=listing),
        "post": _op(
            f"Queue {what}: used once per count, then gone",
            body=body,
            reply=_ref("QueueEntry"),
            created=True,
            errors=(400,),
        ),
        "delete": _op(
            f"Clear the queued {what}", reply={"type": "object", "properties": {"cleared": {"type": "integer"}}}
        ),
    }


_QUEUED = {
    "allOf": [
        _ref("QueueEntry"),
        {
            "type": "object",
            "properties": {
                "alreadyQueued": {
                    "type": "array",
                    "items": _ref("QueueEntry"),
                    "description": "entries for the same target queued before this one: they act first",
                },
                "replaced": {"type": "array", "items": _ref("QueueEntry"), "description": "removed by replace"},
            },
        },
    ]
}
_SCOPE_QUERY = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
    for name in ("clientId", "paymentRequestId")
]


def _scoped_queue(name: str, key: str, body: str, what: str) -> dict:
    """A queue whose entries may be scoped: listed and cleared by scope, added with
    what was already queued in the reply, deleted one by one."""
    queue = _queue(name, key, body, what)
    queue["post"]["responses"]["201"]["content"]["application/json"]["schema"] = _QUEUED
    for method in ("get", "delete"):
        queue[method]["parameters"] = _SCOPE_QUERY
        queue[method]["summary"] += " (?clientId=, ?paymentRequestId=: of exactly that scope)"
    return queue


def _queue_entry(what: str) -> dict:
    return {
        "delete": {
            **_op(
                f"Take back one queued entry of the {what}",
                reply={"type": "object", "properties": {"removed": {"type": "integer"}}},
                errors=(404,),
            ),
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        }
    }


def paths() -> dict:
    payment = "/_sim/payments/{paymentId}"
    param = [{"name": "paymentId", "in": "path", "required": True, "schema": {"type": "string"}}]
    refund = [{"name": "refundId", "in": "path", "required": True, "schema": {"type": "string"}}]
    return {
        "/_sim/reset": {
            "post": _op(
                "Back to a fresh sandbox (keys and merchants stay)",
                reply={"type": "object", "properties": {"reset": {"const": True}}},
            )
        },
        "/_sim/credentials": {"get": _op("The sandbox merchant's clientId, keys and API base URL")},
        "/_sim/outcomes": _scoped_queue(
            "outcomes", "outcomes", "ForceOutcome", "outcomes of the next cashier confirmations"
        ),
        "/_sim/faults": _scoped_queue("faults", "faults", "ApiFault", "faults on the next API calls"),
        "/_sim/notifications/faults": _scoped_queue(
            "notify", "faults", "NotifyFault", "faults on the next notifications"
        ),
        "/_sim/outcomes/{id}": _queue_entry("outcomes"),
        "/_sim/faults/{id}": _queue_entry("API faults"),
        "/_sim/notifications/faults/{id}": _queue_entry("notification faults"),
        "/_sim/notifications": {"get": _op("The notification outbox")},
        "/_sim/notifications/{notificationId}/resend": {
            "post": {
                **_op("One more delivery attempt now, whatever the status", errors=(400, 404)),
                "parameters": [
                    {"name": "notificationId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
            }
        },
        "/_sim/payments": {"get": _op("Every payment, newest first")},
        payment: {"get": {**_op("A payment with its notifications and attempts", errors=(404,)), "parameters": param}},
        payment + "/settle": {
            "post": {
                **_op("Settle a PROCESSING payment now", body="Settle", errors=(400, 404, 409)),
                "parameters": param,
            }
        },
        payment + "/expire": {"post": {**_op("Close an unpaid payment now", errors=(404, 409)), "parameters": param}},
        "/_sim/refunds/outcomes": _queue(
            "refund outcomes", "outcomes", "ForceRefundOutcome", "outcomes of the next refunds (asynchronous, failing)"
        ),
        "/_sim/refunds/{refundId}": {
            "get": {
                **_op("A refund as inquiryRefund describes it, and its settlement", errors=(404,)),
                "parameters": refund,
            }
        },
        "/_sim/refunds/{refundId}/settle": {
            "post": {
                **_op("Settle a PROCESSING refund now (notifyRefund follows)", body="Settle", errors=(400, 404, 409)),
                "parameters": refund,
            }
        },
        "/_sim/clock": {"get": _op("The wallet's simulated clock")},
        "/_sim/clock/advance": {
            "post": _op("Move the clock forward (expiry, retries)", body="ClockAdvance", errors=(400,))
        },
        "/_sim/accounts": {"get": _op("Test accounts with balances")},
        "/_sim/accounts/{loginId}/unlock": {
            "post": {
                **_op("Unlock an account locked by wrong passwords (its tries back to 0)", errors=(404,)),
                "parameters": [{"name": "loginId", "in": "path", "required": True, "schema": {"type": "string"}}],
            }
        },
        "/_sim/merchants": {
            "get": _op("Registered merchants"),
            "post": _op(
                "Register your own merchant: client id, public key, notify URL",
                body="RegisterMerchant",
                created=True,
                errors=(400, 409),
            ),
        },
        "/_sim/events": {"get": _op("The step journal (?orderId=, ?paymentId=, ?order=step)")},
        "/_sim/cashier": {
            "post": {
                **_op(
                    "The buyer confirms or cancels in a payment's cashier, with no browser",
                    body="BuyerAtCashier",
                    reply=_ref("CashierResult"),
                    errors=(400, 403, 404, 409),
                ),
                "description": "What a click in the cashier does (steps 10-17 journaled, forced outcomes used, "
                "the same result codes), for any payment of this wallet, one your own merchant made included. "
                "A refusal the cashier shows the buyer (WRONG_PASSWORD with triesLeft, ACCOUNT_LOCKED, "
                "USER_NOT_EXIST, PAYMENT_CLOSED) is an error reply; the buyer may try again.",
            }
        },
    }
