"""The OpenAPI 3.1 document of the wallet's Alipay+ API, served at ``/openapi.json``.

Built from the same tables the wallet runs on (result codes, currencies, accepted fields,
the Request-Time window), and kept true by tests that validate real requests and replies
against it and by a schema-driven fuzz run."""

from __future__ import annotations

from simulator.core.money import CURRENCY_EXPONENTS, MAX_VALUE_DIGITS

from . import openapi_control
from .config import REQUEST_TIME_WINDOW
from .errors import MESSAGES
from .models import DEFAULT_EXPIRY
from .parsing import KNOWN_FIELDS, MAX_DEPTH, MAX_EXPIRY

PREFIX = "/aps/api/v1/payments"

# Characters `parsing.text` refuses: C0 controls but tab/newline/return, DEL, U+FFFD.
_NO_CONTROLS = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]"
_VISIBLE = r"[^\s\x00-\x1f\x7f\ufffd]"

RESULT_CODES = {
    "pay": [
        "PAYMENT_IN_PROCESS",
        "SUCCESS",
        "USER_BALANCE_NOT_ENOUGH",
        "RISK_REJECT",
        "ORDER_IS_CLOSED",
        "ORDER_IS_CANCELED",
        "PROCESS_FAIL",
        "REPEAT_REQ_INCONSISTENT",
        "CURRENCY_NOT_SUPPORT",
    ],
    "inquiryPayment": ["SUCCESS", "ORDER_NOT_EXIST"],
    "cancelPayment": ["SUCCESS", "ORDER_NOT_EXIST", "ORDER_IS_CLOSED", "ORDER_STATUS_INVALID", "CANCEL_WINDOW_EXCEED"],
    "refund": [
        "SUCCESS",
        "ORDER_NOT_EXIST",
        "ORDER_IS_CLOSED",
        "ORDER_STATUS_INVALID",
        "REFUND_AMOUNT_EXCEED_LIMIT",
        "REPEAT_REQ_INCONSISTENT",
        "CURRENCY_NOT_SUPPORT",
    ],
    "inquiryRefund": ["SUCCESS", "REFUND_NOT_EXIST"],
}
COMMON_CODES = [
    "PARAM_ILLEGAL",
    "INVALID_SIGNATURE",
    "INVALID_CLIENT",
    "MEDIA_TYPE_NOT_ACCEPTABLE",
    "UNKNOWN_EXCEPTION",
]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(max_len: int, *, required: bool = False) -> dict:
    body = f"{_NO_CONTROLS}*{_VISIBLE}{_NO_CONTROLS}*" if required else f"{_NO_CONTROLS}*"
    return {"type": "string", "maxLength": max_len, "pattern": f"^{body}$"}


def _passthrough(names) -> dict:
    note = "Accepted as Alipay's SDKs send it, kept with the payment, not interpreted by the simulator."
    return {name: {"description": note} for name in sorted(names)}


def _request(api: str, fields: dict, *, required: list[str], any_of: list[str] | None = None) -> dict:
    props = _passthrough(KNOWN_FIELDS[api] - set(fields)) | fields
    schema = {"type": "object", "properties": props, "required": required, "additionalProperties": False}
    if any_of:
        schema["anyOf"] = [{"required": [name]} for name in any_of]
    return schema


def _reference(api: str, id_key: str, request_key: str) -> dict:
    """A payment or refund named by the wallet's id or the merchant's request id."""
    schema = _request(api, {id_key: _ref("Id"), request_key: _ref("Id")}, required=[], any_of=[id_key, request_key])
    return schema | {"description": f"{id_key} takes precedence when both are given."}


def _reply(fields: dict, *, on_success: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {"result": _ref("Result")} | fields,
        "required": ["result"],
        "additionalProperties": False,
        "if": {"properties": {"result": {"properties": {"resultStatus": {"const": "S"}}}}},
        "then": {"required": on_success},
    }


def _schemas() -> dict:
    currencies = ", ".join(f"{c} ({e})" for c, e in sorted(CURRENCY_EXPONENTS.items()))
    amount_value = {
        "description": f"An integer of the currency's minor unit (ISO 4217 exponent), 1 to {MAX_VALUE_DIGITS} digits. "
        "A string as Alipay+ sends it; a JSON integer is tolerated. Never a decimal or a float.",
        "oneOf": [
            {"type": "string", "maxLength": MAX_VALUE_DIGITS, "pattern": "^0*[1-9][0-9]*$"},
            {"type": "integer", "minimum": 1, "maximum": 10**MAX_VALUE_DIGITS - 1},
        ],
    }
    return {
        "Result": {
            "type": "object",
            "properties": {
                "resultCode": {"type": "string", "enum": sorted(MESSAGES)},
                "resultStatus": {
                    "type": "string",
                    "enum": ["S", "F", "U"],
                    "description": "S success, F failed (final), U unknown: retry with the same request id or inquire",
                },
                "resultMessage": {"type": "string"},
            },
            "required": ["resultCode", "resultStatus", "resultMessage"],
            "additionalProperties": False,
        },
        "Amount": {
            "type": "object",
            "description": f"Money. Supported currencies (minor-unit exponent): {currencies}. Another "
            "well-formed ISO 4217 code gets CURRENCY_NOT_SUPPORT; anything else PARAM_ILLEGAL.",
            "properties": {
                "currency": {"type": "string", "enum": sorted(CURRENCY_EXPONENTS)},
                "value": amount_value,
            },
            "required": ["currency", "value"],
            "additionalProperties": False,
        },
        "WireAmount": {
            "type": "object",
            "properties": {
                "currency": {"type": "string", "enum": sorted(CURRENCY_EXPONENTS)},
                "value": {"type": "string", "pattern": "^[1-9][0-9]*$"},
            },
            "required": ["currency", "value"],
            "additionalProperties": False,
        },
        "Id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "pattern": "^[\\x21-\\x7e]+$",
            "description": "Printable ASCII without spaces, at most 64 characters.",
        },
        "Url": {"type": "string", "maxLength": 2048, "pattern": f"^https?://{_NO_CONTROLS}*$"},
        "Time": {"type": "string", "format": "date-time"},
        "Order": {
            "type": "object",
            "properties": {
                "referenceOrderId": _ref("Id"),
                "orderDescription": _text(256, required=True),
                "orderAmount": _ref("Amount"),
                "merchant": {"type": "object", "properties": {"merchantName": _text(256)}},
                "goods": {
                    "type": "array",
                    "maxItems": 100,
                    "items": {
                        "type": "object",
                        "properties": {"goodsName": _text(256), "goodsUnitAmount": _ref("Amount")},
                    },
                },
            },
            "required": ["referenceOrderId", "orderDescription"],
        },
        "PayRequest": _request(
            "pay",
            {
                "productCode": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 32,
                    "pattern": "^[\\x21-\\x7e]+$",
                    "description": "CASHIER_PAYMENT when absent.",
                },
                "paymentRequestId": _ref("Id") | {"description": "The idempotency key of the payment."},
                "paymentAmount": _ref("Amount"),
                "order": _ref("Order"),
                "paymentNotifyUrl": _ref("Url")
                | {"description": "Where notifyPayment goes; the registered notify URL when absent."},
                "paymentRedirectUrl": _ref("Url"),
                "paymentExpiryTime": _ref("Time")
                | {
                    "description": f"With a time zone offset, in the future, at most {MAX_EXPIRY.days} days away. Default: "
                    f"{int(DEFAULT_EXPIRY.total_seconds() // 60)} minutes after creation, divided by "
                    "--time-scale."
                },
            },
            required=["paymentRequestId", "paymentAmount", "order"],
        ),
        "PaymentReference": _reference("inquiryPayment", "paymentId", "paymentRequestId"),
        "RefundRequest": _request(
            "refund",
            {
                "refundRequestId": _ref("Id") | {"description": "The idempotency key of the refund."},
                "paymentId": _ref("Id"),
                "paymentRequestId": _ref("Id") | {"description": "Alipay+ style, when paymentId is absent."},
                "refundAmount": _ref("Amount"),
                "refundReason": _text(256),
                "referenceRefundId": _ref("Id"),
                "refundNotifyUrl": _ref("Url")
                | {
                    "description": "Where notifyRefund (REFUND_RESULT) goes once the "
                    "refund has succeeded: signed, retried on notifyPayment's "
                    "schedule until acknowledged. Without it, none is sent."
                },
            },
            required=["refundRequestId", "refundAmount"],
            any_of=["paymentId", "paymentRequestId"],
        ),
        "RefundReference": _reference("inquiryRefund", "refundId", "refundRequestId"),
        "PayReply": _reply(
            {
                "paymentRequestId": _ref("Id"),
                "paymentId": _ref("Id"),
                "paymentAmount": _ref("WireAmount"),
                "paymentCreateTime": _ref("Time"),
                "paymentExpiryTime": _ref("Time"),
                "paymentTime": _ref("Time"),
                "normalUrl": {"type": "string", "format": "uri", "description": "The paymentUrl for my.tradePay."},
                "redirectActionForm": {
                    "type": "object",
                    "properties": {"method": {"const": "GET"}, "redirectUrl": {"type": "string", "format": "uri"}},
                    "required": ["method", "redirectUrl"],
                    "additionalProperties": False,
                },
            },
            on_success=["paymentId", "paymentRequestId", "paymentAmount"],
        ),
        "InquiryPaymentReply": _reply(
            {
                "paymentStatus": {"type": "string", "enum": ["PROCESSING", "SUCCESS", "FAIL", "CANCELLED"]},
                "paymentResultCode": {"type": "string", "enum": [*sorted(MESSAGES), "PROCESS_FAIL"]},
                "paymentResultMessage": {"type": "string"},
                "paymentRequestId": _ref("Id"),
                "paymentId": _ref("Id"),
                "paymentAmount": _ref("WireAmount"),
                "paymentCreateTime": _ref("Time"),
                "paymentTime": _ref("Time"),
            },
            on_success=["paymentStatus", "paymentResultCode", "paymentId", "paymentRequestId", "paymentAmount"],
        ),
        "CancelPaymentReply": _reply(
            {
                "paymentId": _ref("Id"),
                "paymentRequestId": _ref("Id"),
                "cancelTime": _ref("Time"),
            },
            on_success=["paymentId", "paymentRequestId", "cancelTime"],
        ),
        "RefundReply": _reply(
            {
                "refundRequestId": _ref("Id"),
                "refundId": _ref("Id"),
                "paymentId": _ref("Id"),
                "refundAmount": _ref("WireAmount"),
                "refundTime": _ref("Time"),
            },
            on_success=["refundRequestId", "refundId", "paymentId", "refundAmount", "refundTime"],
        ),
        "InquiryRefundReply": _reply(
            {
                "refundId": _ref("Id"),
                "refundRequestId": _ref("Id"),
                "refundAmount": _ref("WireAmount"),
                "refundStatus": {"type": "string", "enum": ["SUCCESS", "PROCESSING", "FAIL"]},
                "refundTime": _ref("Time"),
            },
            on_success=["refundId", "refundRequestId", "refundAmount", "refundStatus"],
        ),
        "ErrorReply": {
            "type": "object",
            "properties": {"result": _ref("Result")},
            "required": ["result"],
            "additionalProperties": False,
        },
    }


_SIGNED_HEADERS = {
    name: {"required": True, "description": text, "schema": {"type": "string"}}
    for name, text in (
        ("client-id", "The client id the request named."),
        ("response-time", "ISO 8601; part of the signed content."),
        (
            "signature",
            "algorithm=RSA256,keyVersion=1,signature=<urlencoded base64> over "
            '"POST <path>\\n<client-id>.<response-time>.<body>" with the wallet\'s key.',
        ),
    )
}


def _operation(api: str, summary: str, request: str, reply: str) -> dict:
    codes = RESULT_CODES[api] + COMMON_CODES
    error = {"content": {"application/json": {"schema": _ref("ErrorReply")}}, "headers": _SIGNED_HEADERS}
    return {
        "operationId": api,
        "summary": summary,
        "description": "Result codes: " + ", ".join(f"`{c}`" for c in codes) + ".",
        "x-result-codes": codes,
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(request)}}},
        "responses": {
            "200": {
                "description": "The outcome, signed (business refusals are HTTP 200 too).",
                "headers": _SIGNED_HEADERS,
                "content": {"application/json": {"schema": _ref(reply)}},
            },
            "413": {"description": "The body is larger than the wallet reads (PARAM_ILLEGAL)."} | error,
            "415": {"description": "The Content-Type is not JSON (MEDIA_TYPE_NOT_ACCEPTABLE)."} | error,
        },
    }


def document(server_url: str) -> dict:
    """The OpenAPI document, with ``server_url`` as its server."""
    window = int(REQUEST_TIME_WINDOW.total_seconds() // 60)
    ops = {
        "pay": ("Create a cashier payment; the reply's normalUrl is the paymentUrl", "PayRequest", "PayReply"),
        "inquiryPayment": ("Where a payment stands", "PaymentReference", "InquiryPaymentReply"),
        "cancelPayment": (
            "Close an unpaid payment, or give a paid one back to the buyer in full until 00:15 (UTC+8) "
            "the day after it was placed (Antom: /cancel)",
            "PaymentReference",
            "CancelPaymentReply",
        ),
        "refund": (
            "Refund part or all of a successful payment, up to what was captured",
            "RefundRequest",
            "RefundReply",
        ),
        "inquiryRefund": ("Where a refund stands", "RefundReference", "InquiryRefundReply"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tradepay-sim wallet: Alipay+ online payment API",
            "version": "1.0.0",
            "description": (
                "Wire-compatible with the Alipay+ / Antom online payment API. Every request is signed: headers "
                "Client-Id, Request-Time (ISO 8601 or epoch milliseconds, within "
                f"{window} minutes of the wallet's clock) and Signature "
                "(algorithm=RSA256,keyVersion=1,signature=<urlencoded base64>) over "
                '"POST <path>\\n<Client-Id>.<Request-Time>.<raw body>", RSA-2048 PKCS#1 v1.5 SHA-256. Every '
                "reply is signed the same way with the wallet's key. The same operations answer under "
                "/ams/api/v1/payments/ and /ams/sandbox/api/v1/payments/ (Antom's paths; cancelPayment is "
                f"also /cancel there). Bodies: UTF-8 JSON objects, at most 256 KiB, nested at most {MAX_DEPTH} "
                "levels, no NaN/Infinity, no lone surrogates; unknown top-level fields are PARAM_ILLEGAL."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            f"{PREFIX}/{api}": {"post": _operation(api, summary, request, reply)}
            for api, (summary, request, reply) in ops.items()
        }
        | openapi_control.paths(),
        "tags": [
            {
                "name": "control",
                "description": "The simulator's control plane under /_sim/: unsigned, "
                "for tests and demos, never needed for the normal journey.",
            }
        ],
        "components": {
            "schemas": _schemas() | openapi_control.SCHEMAS,
            "securitySchemes": {
                "ClientId": {"type": "apiKey", "in": "header", "name": "Client-Id"},
                "RequestTime": {"type": "apiKey", "in": "header", "name": "Request-Time"},
                "Signature": {"type": "apiKey", "in": "header", "name": "Signature"},
            },
        },
        "security": [{"ClientId": [], "RequestTime": [], "Signature": []}],
    }
