"""The OpenAPI 3.1 document of the wallet's signed API, served at ``/openapi.json``.

Derived from the tables the wallet runs on: the operations, their paths, fields and
result codes (``operations.py``), currencies, the Request-Time window. Kept true by tests
that validate real requests and replies against it and by a schema-driven fuzz run."""

from __future__ import annotations

from simulator.core.jsonio import MAX_DEPTH
from simulator.core.money import CURRENCY_EXPONENTS, MAX_VALUE_DIGITS

from . import openapi_control, openapi_webhooks
from .config import REQUEST_TIME_WINDOW
from .errors import MESSAGES
from .models import DEFAULT_EXPIRY
from .operations import COMMON_CODES, FAMILIES, PROFILES, ApiFamily, Operation
from .parsing import MAX_EXPIRY, MAX_QUANTITY_DIGITS, OS_TYPES, TERMINAL_TYPES

# Characters `parsing.text` refuses: C0 controls but tab/newline/return, DEL, U+FFFD.
_NO_CONTROLS = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]"
_VISIBLE = r"[^\s\x00-\x1f\x7f\ufffd]"


def _fields_of(schema: str) -> frozenset[str]:
    """The request fields of the operations whose request is the component ``schema``."""
    return frozenset().union(*(op.fields for fam in FAMILIES for op in fam.operations if op.request_schema == schema))


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(max_len: int, *, required: bool = False) -> dict:
    body = f"{_NO_CONTROLS}*{_VISIBLE}{_NO_CONTROLS}*" if required else f"{_NO_CONTROLS}*"
    return {"type": "string", "maxLength": max_len, "pattern": f"^{body}$"}


def _passthrough(names) -> dict:
    note = "Accepted as Alipay's SDKs send it, kept with the payment, not interpreted by the simulator."
    return {name: {"description": note} for name in sorted(names)}


def _request(name: str, fields: dict, *, required: list[str], any_of: list[str] | None = None) -> dict:
    props = _passthrough(_fields_of(name) - set(fields)) | fields
    # Fields not listed are accepted, kept with the request and ignored (forward compatible).
    schema = {"type": "object", "properties": props, "required": required, "additionalProperties": True}
    if any_of:
        schema["anyOf"] = [{"required": [name]} for name in any_of]
    return schema


def _terminal_is(env_key: str, *types: str, at_top: bool = False) -> dict:
    """A JSON Schema condition: the env's terminalType is one of ``types``."""
    env = {
        "properties": {env_key: {"properties": {"terminalType": {"enum": list(types)}}, "required": ["terminalType"]}}
    }
    return env | {"required": [env_key]} if at_top else env


def _pay_fields() -> dict:
    """What both families' pay requests share."""
    return {
        "paymentRequestId": _ref("Id") | {"description": "The idempotency key of the payment."},
        "paymentAmount": _ref("Amount"),
        "order": _ref("Order"),
        "paymentNotifyUrl": _ref("Url")
        | {"description": "Where notifyPayment goes; the registered notify URL when absent."},
        "paymentRedirectUrl": _ref("Url"),
        "paymentExpiryTime": _ref("Time")
        | {
            "description": f"With a time zone offset, in the future, at most {MAX_EXPIRY.days} days away. Default: "
            f"{int(DEFAULT_EXPIRY.total_seconds() // 60)} minutes after creation, divided by --time-scale."
        },
    }


def _reference(name: str, id_key: str, request_key: str) -> dict:
    """A payment or refund named by the wallet's id or the merchant's request id."""
    schema = _request(name, {id_key: _ref("Id"), request_key: _ref("Id")}, required=[], any_of=[id_key, request_key])
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
        "Url": {
            "type": "string",
            "maxLength": 2048,
            "pattern": "^https?://[\\x21-\\x7e]+$",
            "description": "Absolute http(s), visible ASCII only, a host and a port from 1 to 65535.",
        },
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
                        "properties": {
                            "goodsName": _text(256),
                            "goodsUnitAmount": _ref("Amount"),
                            "goodsQuantity": _quantity(),
                        },
                    },
                },
            },
            "required": ["referenceOrderId", "orderDescription"],
        },
        "Env": {
            "type": "object",
            "properties": {
                "terminalType": {"type": "string", "enum": list(TERMINAL_TYPES)},
                "osType": {"type": "string", "enum": list(OS_TYPES)},
            },
            "required": ["terminalType"],
        },
        "AlipayPlusOrder": {
            "allOf": [_ref("Order")],
            "type": "object",
            "properties": {"env": _ref("Env") | {"description": "osType is required for APP and WAP."}},
            "required": ["orderAmount", "env"],
            "if": _terminal_is("env", "APP", "WAP"),
            "then": {"properties": {"env": {"required": ["osType"]}}},
        },
        "PaymentMethod": {
            "type": "object",
            "properties": {"paymentMethodType": {"type": "string", "minLength": 1, "maxLength": 64}},
        },
        "SettlementStrategy": {
            "type": "object",
            "properties": {"settlementCurrency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
        },
        "AlipayPlusPayRequest": _request(
            "AlipayPlusPayRequest",
            _pay_fields()
            | {
                "order": _ref("AlipayPlusOrder"),
                "paymentMethod": _ref("PaymentMethod")
                | {"description": "CONNECT_WALLET, as Alipay's Alipay+ SDK sends it."},
                "paymentFactor": {
                    "type": "object",
                    "properties": {"isCashierPayment": {"enum": [True, False, "true", "false"]}},
                },
                "settlementStrategy": _ref("SettlementStrategy"),
            },
            required=["paymentRequestId", "paymentAmount", "order"],
        ),
        "AntomPayRequest": _request(
            "AntomPayRequest",
            _pay_fields()
            | {
                "productCode": {"const": "CASHIER_PAYMENT", "description": "Cashier Payment, the product served here."},
                "env": _ref("Env"),
                "appId": {"type": "string", "minLength": 1, "maxLength": 32, "description": "Required with MINI_APP."},
                "paymentMethod": _ref("PaymentMethod") | {"required": ["paymentMethodType"]},
                "settlementStrategy": _ref("SettlementStrategy")
                | {"description": "settlementCurrency is required when paymentMethodType is CONNECT_WALLET."},
            },
            required=[
                "productCode",
                "paymentRequestId",
                "paymentAmount",
                "order",
                "env",
                "paymentMethod",
                "paymentRedirectUrl",
            ],
        )
        | {
            "allOf": [
                {"if": _terminal_is("env", "MINI_APP", at_top=True), "then": {"required": ["appId"]}},
                {
                    "if": {
                        "properties": {
                            "paymentMethod": {"properties": {"paymentMethodType": {"const": "CONNECT_WALLET"}}}
                        },
                        "required": ["paymentMethod"],
                    },
                    "then": {
                        "required": ["settlementStrategy"],
                        "properties": {"settlementStrategy": {"required": ["settlementCurrency"]}},
                    },
                },
            ]
        },
        "PaymentReference": _reference("PaymentReference", "paymentId", "paymentRequestId"),
        "RefundRequest": _request(
            "RefundRequest",
            {
                "refundRequestId": _ref("Id") | {"description": "The idempotency key of the refund."},
                "paymentId": _ref("Id"),
                "paymentRequestId": _ref("Id") | {"description": "Alipay+ style, when paymentId is absent."},
                "refundAmount": _ref("Amount"),
                "refundReason": _text(256),
                "referenceRefundId": _ref("Id"),
                "refundNotifyUrl": _ref("Url")
                | {
                    "description": "Where notifyRefund (REFUND_RESULT) goes once an asynchronous refund "
                    "(REFUND_IN_PROCESS) has settled, SUCCESS or FAIL: signed, retried on notifyPayment's "
                    "schedule until acknowledged. As Antom documents, a refund answered at once "
                    "(synchronous) is not notified."
                },
            },
            required=["refundRequestId", "refundAmount"],
            any_of=["paymentId", "paymentRequestId"],
        ),
        "RefundReference": _reference("RefundReference", "refundId", "refundRequestId"),
        "PayReply": _reply(
            {
                "paymentRequestId": _ref("Id"),
                "paymentId": _ref("Id"),
                "paymentAmount": _ref("WireAmount"),
                "paymentCreateTime": _ref("Time"),
                "paymentExpiryTime": _ref("Time"),
                "paymentTime": _ref("Time"),
                "normalUrl": {"type": "string", "format": "uri", "description": "The paymentUrl for my.tradePay."},
                "applinkUrl": {
                    "type": "string",
                    "format": "uri",
                    "description": "WAP and APP: opens the wallet app where installed, else this cashier.",
                },
                "schemeUrl": {"type": "string", "description": "APP: the wallet app's URL scheme (simpay://)."},
                "appIdentifier": {"type": "string", "description": "WAP and APP: the wallet app's package name."},
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
                "paymentStatus": {
                    "type": "string",
                    "enum": ["PROCESSING", "PENDING", "SUCCESS", "FAIL", "CANCELLED"],
                    "description": "PROCESSING: not paid yet; PENDING: paid, the final result awaited.",
                },
                "transactions": {"type": "array", "items": _ref("Transaction")},
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
        "Transaction": {
            "type": "object",
            "description": "A refund or a cancel of the payment (the SDK's Transaction).",
            "properties": {
                "transactionResult": _ref("Result"),
                "transactionId": _ref("Id"),
                "transactionType": {"type": "string", "enum": ["REFUND", "CANCEL"]},
                "transactionStatus": {"type": "string", "enum": ["SUCCESS", "PROCESSING", "FAIL"]},
                "transactionAmount": _ref("WireAmount"),
                "transactionRequestId": _ref("Id"),
                "transactionTime": _ref("Time"),
            },
            "required": ["transactionResult", "transactionId", "transactionType", "transactionStatus"],
            "additionalProperties": False,
        },
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
    } | _miniprogram_schemas()


def _quantity() -> dict:
    return {
        "description": "A positive integer: a string of digits (the SDKs' type) or a number.",
        "oneOf": [
            {"type": "string", "pattern": f"^[1-9][0-9]{{0,{MAX_QUANTITY_DIGITS - 1}}}$"},
            {"type": "integer", "minimum": 1, "maximum": 10**MAX_QUANTITY_DIGITS - 1},
        ],
    }


def _extend_info() -> dict:
    return {
        "oneOf": [_text(4096), {"type": "object"}],
        "description": "Extended information, a string (the tables) or an object (the pages' examples); kept "
        "with the request, not interpreted.",
    }


def _miniprogram_schemas() -> dict:
    """The miniprogram profile's components (miniprogram_wire.py; sources and assumptions
    in docs/wallet-api.md, "The miniprogram profile")."""
    app_id = {
        "type": "string",
        "minLength": 1,
        "maxLength": 32,
        "pattern": "^[\\x21-\\x22\\x24-\\x3e\\x41-\\x7e]+$",
        "description": "The mini program's app ID (printable ASCII without spaces or @ # ?). Kept with the "
        "request; the sandbox keeps no registry of mini programs to check it against.",
    }
    return {
        "MiniProgramOrder": {
            "type": "object",
            "description": "Optional. Without referenceOrderId the payment's reference is its paymentRequestId.",
            "properties": {
                "referenceOrderId": _ref("Id"),
                "orderDescription": _text(256),
                "orderAmount": _ref("Amount"),
                "merchant": {"type": "object", "properties": {"merchantName": _text(256)}},
                "goods": {
                    "type": "array",
                    "maxItems": 100,
                    "items": {
                        "type": "object",
                        "properties": {
                            "goodsName": _text(256),
                            "goodsUnitAmount": _ref("Amount"),
                            "goodsQuantity": _quantity(),
                        },
                    },
                },
            },
        },
        "MiniProgramPayRequest": _request(
            "MiniProgramPayRequest",
            {
                "appId": app_id,
                "productCode": {
                    "const": "CASHIER_PAYMENT",
                    "description": "Optional; Cashier Payment is the product served here.",
                },
                "salesCode": _text(32),
                "paymentRequestId": _ref("Id") | {"description": "The idempotency key of the payment."},
                "paymentAmount": _ref("Amount"),
                "order": _ref("MiniProgramOrder"),
                "paymentNotifyUrl": _ref("Url")
                | {"description": "Where notifyPayment goes; the registered notify URL when absent (assumed name)."},
                "paymentRedirectUrl": _ref("Url"),
                "paymentExpiryTime": _ref("Time"),
                "extendInfo": _extend_info(),
            },
            required=["appId", "paymentRequestId", "paymentAmount"],
        ),
        "MiniProgramPaymentReference": _reference("MiniProgramPaymentReference", "paymentId", "paymentRequestId"),
        "MiniProgramRefundRequest": _request(
            "MiniProgramRefundRequest",
            {
                "refundRequestId": _ref("Id") | {"description": "The idempotency key of the refund."},
                "paymentId": _ref("Id"),
                "paymentRequestId": _ref("Id"),
                "refundAmount": _ref("Amount"),
                "refundReason": _text(256),
                "extendInfo": _extend_info(),
            },
            required=["refundRequestId", "refundAmount"],
            any_of=["paymentId", "paymentRequestId"],
        ),
        "ApplyTokenRequest": _request(
            "ApplyTokenRequest",
            {
                "appId": app_id,
                "authClientId": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 128,
                    "description": "The merchant's client id: the Client-Id the request is signed with.",
                },
                "grantType": {"type": "string", "enum": ["AUTHORIZATION_CODE", "REFRESH_TOKEN"]},
                "customerBelongsTo": _text(64),
                "authCode": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 1024,
                    "description": "A my.getAuthCode code of this sandbox (SIMAC1.), spent once, valid 10 minutes.",
                },
                "refreshToken": _ref("Id"),
                "extendInfo": _extend_info(),
            },
            required=["appId", "authClientId", "grantType"],
        )
        | {
            "allOf": [
                {
                    "if": {"properties": {"grantType": {"const": "AUTHORIZATION_CODE"}}, "required": ["grantType"]},
                    "then": {"required": ["authCode"]},
                },
                {
                    "if": {"properties": {"grantType": {"const": "REFRESH_TOKEN"}}, "required": ["grantType"]},
                    "then": {"required": ["refreshToken"]},
                },
            ]
        },
        "MiniProgramPayReply": _reply(
            {
                "paymentId": _ref("Id"),
                "paymentRequestId": _ref("Id"),
                "paymentAmount": _ref("WireAmount"),
                "paymentCreateTime": _ref("Time"),
                "paymentTime": _ref("Time"),
                "redirectActionForm": {
                    "type": "object",
                    "description": "While the user has not paid: the cashier page, the paymentUrl for my.tradePay.",
                    "properties": {"method": {"const": "GET"}, "redirectUrl": {"type": "string", "format": "uri"}},
                    "required": ["method", "redirectUrl"],
                    "additionalProperties": False,
                },
            },
            on_success=["paymentId", "paymentRequestId", "paymentAmount"],
        ),
        "MiniProgramInquiryPaymentReply": _reply(
            {
                "paymentId": _ref("Id"),
                "paymentRequestId": _ref("Id"),
                "paymentAmount": _ref("WireAmount"),
                "paymentTime": _ref("Time"),
                "paymentStatus": {"type": "string", "enum": ["SUCCESS", "FAIL", "PROCESSING", "CANCELLED"]},
                "paymentFailReason": {"type": "string", "maxLength": 256},
            },
            on_success=["paymentId", "paymentRequestId", "paymentAmount", "paymentStatus"],
        ),
        "MiniProgramRefundReply": _reply(
            {
                "refundId": _ref("Id"),
                "refundRequestId": _ref("Id"),
                "refundAmount": _ref("WireAmount"),
                "refundTime": _ref("Time"),
            },
            on_success=["refundId", "refundRequestId", "refundAmount", "refundTime"],
        ),
        "MiniProgramInquiryRefundReply": _reply(
            {
                "refundId": _ref("Id"),
                "refundRequestId": _ref("Id"),
                "refundAmount": _ref("WireAmount"),
                "refundReason": {"type": "string", "maxLength": 256},
                "refundStatus": {"type": "string", "enum": ["SUCCESS", "PROCESSING", "FAIL"]},
                "refundTime": _ref("Time"),
            },
            on_success=["refundId", "refundRequestId", "refundAmount", "refundStatus"],
        ),
        "ApplyTokenReply": _reply(
            {
                "accessToken": {"type": "string"},
                "accessTokenExpiryTime": _ref("Time"),
                "refreshToken": {"type": "string"},
                "refreshTokenExpiryTime": _ref("Time"),
                "customerId": {"type": "string", "description": "The user's id in the wallet."},
            },
            on_success=["accessToken", "accessTokenExpiryTime", "refreshToken", "refreshTokenExpiryTime", "customerId"],
        ),
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


def _operation(family: ApiFamily, op: Operation) -> dict:
    codes = [*op.result_codes, *COMMON_CODES, PROFILES[family.profile].not_allowed]
    error = {"content": {"application/json": {"schema": _ref("ErrorReply")}}, "headers": _SIGNED_HEADERS}
    also = family.paths(op)[1:]  # the first is where it is documented
    return {
        "operationId": op.name if family is FAMILIES[0] else f"{family.name}.{op.name}",
        "tags": [family.name],
        "x-profile": family.profile,
        "summary": op.summary,
        "description": "Result codes: "
        + ", ".join(f"`{c}`" for c in codes)
        + "."
        + (" Also served at " + ", ".join(also) + "." if also else ""),
        "x-result-codes": codes,
        "x-also-at": also,
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(op.request_schema)}}},
        "responses": {
            "200": {
                "description": "The outcome, signed (business refusals are HTTP 200 too).",
                "headers": _SIGNED_HEADERS,
                "content": {"application/json": {"schema": _ref(op.reply_schema)}},
            },
            "413": {"description": "The body is larger than the wallet reads (PARAM_ILLEGAL)."} | error,
            "415": {"description": "The Content-Type is not JSON (MEDIA_TYPE_NOT_ACCEPTABLE)."} | error,
        },
    }


def document(server_url: str, profile: str | None = None) -> dict:
    """The OpenAPI document, with ``server_url`` as its server: of every profile, or of
    ``profile`` alone (``/openapi.json?profile=miniprogram``)."""
    window = int(REQUEST_TIME_WINDOW.total_seconds() // 60)
    families = FAMILIES if profile is None else PROFILES[profile].families
    paths = {family.paths(op)[0]: {"post": _operation(family, op)} for family in families for op in family.operations}
    if profile is None:
        title = "tradepay-sim wallet: every API profile (Alipay+, mini program platform)"
    else:
        title = f"tradepay-sim wallet: {PROFILES[profile].title}"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": "1.0.0",
            "x-profiles": {
                p.name: {"title": p.title, "notAllowed": p.not_allowed, "signing": p.signing}
                for p in PROFILES.values()
                if profile in (None, p.name)
            },
            "description": (
                "API profiles: "
                + "; ".join(f"{p.name}: {p.title}" for p in PROFILES.values() if profile in (None, p.name))
                + ". Each merchant speaks one profile (POST /_sim/merchants apiProfile; --wallet-api for the "
                "sandbox merchant); a call on another profile's paths gets that profile's not-allowed code, "
                "INVALID_API. One document per profile: /openapi.json?profile=<name>. "
                "Wire-compatible with the Alipay+ / Antom online payment API and the mini program platform's "
                "reference wallet API (v2). Every request is signed: headers "
                "Client-Id, Request-Time (ISO 8601 or epoch milliseconds, within "
                f"{window} minutes of the wallet's clock) and Signature "
                "(algorithm=RSA256,keyVersion=1,signature=<urlencoded base64>) over "
                '"POST <path>\\n<Client-Id>.<Request-Time>.<raw body>", RSA-2048 PKCS#1 v1.5 SHA-256. Every '
                "reply is signed the same way with the wallet's key. Each family of operations (tag) is "
                "documented at its first prefix; x-also-at lists the other paths an operation answers at. "
                f"Bodies: UTF-8 JSON objects, at most 256 KiB, nested at most {MAX_DEPTH} "
                "levels, no NaN/Infinity, no lone surrogates. Unknown top-level fields are accepted and ignored "
                "(forward compatible, as the real API); the body is stored as received."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": paths | openapi_control.paths(),
        "webhooks": openapi_webhooks.webhooks(tuple(PROFILES) if profile is None else (profile,)),
        "tags": [
            *({"name": family.name, "description": family.title} for family in families),
            {
                "name": "notifications",
                "description": "What the wallet POSTs to the merchant's notify URLs (webhooks), signed.",
            },
            {
                "name": "control",
                "description": "The simulator's control plane under /_sim/: unsigned, "
                "for tests and demos, never needed for the normal journey.",
            },
        ],
        "components": {
            "schemas": _schemas() | openapi_control.SCHEMAS | openapi_webhooks.SCHEMAS,
            "securitySchemes": {
                "ClientId": {"type": "apiKey", "in": "header", "name": "Client-Id"},
                "RequestTime": {"type": "apiKey", "in": "header", "name": "Request-Time"},
                "Signature": {"type": "apiKey", "in": "header", "name": "Signature"},
            },
        },
        "security": [{"ClientId": [], "RequestTime": [], "Signature": []}],
    }
