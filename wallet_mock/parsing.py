"""Reading Alipay+ request bodies: JSON hygiene, the fields each API accepts, and the
validated requests of ``pay``, ``refund`` and the inquiries. Plain Python: every
refusal is an ``ApiError`` (PARAM_ILLEGAL, CURRENCY_NOT_SUPPORT) raised before anything
is written."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from simulator.core.money import Money, MoneyError

from .errors import ApiError

# Deeper than this is not an Alipay+ message (the deepest, order.goods[].x, is 3 levels).
MAX_DEPTH = 16
# The latest paymentExpiryTime a merchant may ask for.
MAX_EXPIRY = timedelta(days=7)
# Ids (paymentRequestId, refundRequestId, ...): Antom supports no special characters;
# printable ASCII without spaces keeps every id safe in logs, URLs and headers.
_ID = re.compile(r"[\x21-\x7e]+")
# Control characters (tab, newline and carriage return aside), DEL, and U+FFFD (what a
# decoder left of bytes that were not text).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_LONG_NUMBER = re.compile(rb"[0-9]{20}")

# The top-level fields each API accepts: what Alipay's server SDKs can send (their
# request classes' to_ams_dict) plus the Alipay+ acquirer ids. Anything else is a typo
# or garbage and is refused by name, so that a mistake shows here and not in production.
_ACQUIRER = frozenset({"acquirerId", "pspId", "merchantAccountId"})
KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "pay": _ACQUIRER
    | {
        "productCode",
        "paymentRequestId",
        "order",
        "paymentAmount",
        "paymentMethod",
        "paymentExpiryTime",
        "paymentRedirectUrl",
        "paymentNotifyUrl",
        "paymentFactor",
        "settlementStrategy",
        "creditPayPlan",
        "appId",
        "merchantRegion",
        "userRegion",
        "env",
        "payToMethod",
        "isAuthorization",
        "merchant",
        "paymentVerificationData",
        "extendInfo",
        "dualOfflinePayment",
        "customizedInfo",
        "metadata",
        "agreementInfo",
        "subscriptionInfo",
        "subscriptionId",
        "paymentQuote",
        "processingAmount",
        "locale",
    },
    "inquiryPayment": _ACQUIRER | {"paymentId", "paymentRequestId"},
    "cancelPayment": _ACQUIRER | {"paymentId", "paymentRequestId"},
    "refund": _ACQUIRER
    | {
        "refundRequestId",
        "paymentId",
        "paymentRequestId",
        "referenceRefundId",
        "refundAmount",
        "refundReason",
        "refundNotifyUrl",
        "isAsyncRefund",
        "extendInfo",
        "refundDetails",
        "refundSourceAccountNo",
        "actualRefundAmount",
        "goods",
        "splitDetails",
        "captureId",
        "customizedInfo",
        "metadata",
        "refundToBankInfo",
    },
    "inquiryRefund": _ACQUIRER | {"refundId", "refundRequestId"},
}


def _bad(message: str) -> ApiError:
    return ApiError("PARAM_ILLEGAL", message)


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or PARAM_ILLEGAL saying what is wrong with it."""
    if raw.count(b"{") + raw.count(b"[") < MAX_DEPTH and not _LONG_NUMBER.search(raw):
        # The common case, fast: orjson is strict (valid UTF-8, no lone surrogates, no
        # NaN), and with fewer brackets than MAX_DEPTH nothing can nest too deep, so what
        # it accepts needs no walk. It turns integers beyond 64 bits into floats, hence
        # no long digit runs here. Anything it refuses gets the standard parser's answer.
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            if not isinstance(body, dict):
                raise _bad("the body must be a JSON object")
            return body
    return parse_json_body_strictly(raw)


def parse_json_body_strictly(raw: bytes) -> dict[str, Any]:
    """``parse_json_body`` by the standard parser and a walk of the whole tree: what the
    fast path must agree with (a test compares them), and the error messages."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("the body is not UTF-8") from None
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _bad(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise _bad(f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except ValueError:  # e.g. an integer of thousands of digits
        raise _bad("the body holds a number too large to read") from None
    if not isinstance(body, dict):
        raise _bad("the body must be a JSON object")
    _check_tree(body, "", 1)
    return body


def _no_constant(name: str):
    raise _bad(f"{name} is not a JSON value")


def _check_tree(value: Any, where: str, depth: int) -> None:
    """Refuse what JSON allows but no store can keep: lone surrogates, absurd nesting."""
    if depth > MAX_DEPTH:
        raise _bad(f"the body is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_unicode(value, where or "a value")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_unicode(key, f"the key {where + '.' if where else ''}{key[:32]!r}")
            _check_tree(item, f"{where}.{key}" if where else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_tree(item, f"{where}[{i}]", depth + 1)


def _check_unicode(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad(f"{where[:80]} holds a lone surrogate, which is not Unicode text") from None


def check_known_fields(api: str, body: dict[str, Any]) -> None:
    unknown = sorted(set(body) - KNOWN_FIELDS[api])
    if unknown:
        names = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise _bad(f"unknown field{'s' if len(unknown) > 1 else ''} {names} in a {api} request")


# --- single fields ----------------------------------------------------------------


def text(body: dict, key: str, *, required: bool = True, max_len: int = 64, where: str = "") -> str | None:
    value = body.get(key)
    name = f"{where}{key}"
    if value is None:
        if required:
            raise _bad(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise _bad(f"{name} must be a string")
    if required and not value.strip():
        raise _bad(f"{name} must not be empty")
    if len(value) > max_len:
        raise _bad(f"{name} is longer than {max_len} characters")
    if _CONTROL.search(value):
        raise _bad(f"{name} contains control characters")
    return value


def identifier(body: dict, key: str, *, required: bool = True, where: str = "") -> str | None:
    """An id: 1-64 printable ASCII characters, no spaces."""
    value = text(body, key, required=required, where=where)
    if value is not None and not _ID.fullmatch(value):
        raise _bad(f"{where}{key} must be printable ASCII without spaces")
    return value


def money(body: dict, key: str, *, required: bool = True, where: str = "") -> Money | None:
    obj = body.get(key)
    if obj is None and not required:
        return None
    if isinstance(obj, dict) and set(obj) - {"currency", "value"}:
        extra = sorted(set(obj) - {"currency", "value"})[0]
        raise _bad(f"{where}{key} holds an unknown field {extra[:40]!r}: an amount is currency and value")
    try:
        return Money.from_wire(obj, f"{where}{key}")
    except MoneyError as exc:
        raise ApiError(exc.code, exc.message) from None


def url(body: dict, key: str) -> str | None:
    value = text(body, key, required=False, max_len=2048)
    if value is not None and not value.startswith(("http://", "https://")):
        raise _bad(f"{key} must be an http(s) URL")
    return value


def obj(body: dict, key: str, *, required: bool, where: str = "") -> dict | None:
    value = body.get(key)
    if value is None:
        if required:
            raise _bad(f"{where}{key} is required")
        return None
    if not isinstance(value, dict):
        raise _bad(f"{where}{key} must be an object")
    return value


# Fingerprints are the sha256 of the key fields as JSON with sorted keys, stored with the
# payment or refund. Since version 2 that JSON is orjson's (docs/decisions/json-fast-path.md),
# marked "2:"; a stored fingerprint without the
# mark was written by an earlier version, from ``json.dumps(key, sort_keys=True)``, and is
# matched the way it was made, so replays of older payments keep their answers.
FINGERPRINT_VERSION = "2:"
_LEGACY_JSON = json.JSONEncoder(sort_keys=True)


def _legacy_json(key: dict) -> bytes:
    return _LEGACY_JSON.encode(key).encode()


def _fingerprint(key: dict) -> str:
    try:
        data = orjson.dumps(key, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # what orjson refuses (a lone surrogate): the same input always lands here
        data = _legacy_json(key)
    return FINGERPRINT_VERSION + hashlib.sha256(data).hexdigest()


def _fingerprint_matches(stored: str, key: dict) -> bool:
    if stored.startswith(FINGERPRINT_VERSION):
        return stored == _fingerprint(key)
    return stored == hashlib.sha256(_legacy_json(key)).hexdigest()


# --- pay ----------------------------------------------------------------------------


@dataclass
class PayRequest:
    """A validated ``pay`` request (Cashier Payment)."""

    payment_request_id: str
    amount: Money
    reference_order_id: str
    order_description: str
    merchant_name: str | None
    goods: list[dict]
    notify_url: str | None
    redirect_url: str | None
    expiry: datetime | None
    product_code: str
    raw: dict = field(repr=False)

    def fingerprint(self) -> str:
        """The key fields of idempotency: the same paymentRequestId with other values
        here is REPEAT_REQ_INCONSISTENT."""
        return _fingerprint(self._key())

    def matches(self, stored: str) -> bool:
        """Whether a stored payment's fingerprint is this request's (of any version)."""
        return _fingerprint_matches(stored, self._key())

    def _key(self) -> dict:
        return {
            "paymentAmount": self.amount.to_wire(),
            "referenceOrderId": self.reference_order_id,
            "orderAmount": self.raw.get("order", {}).get("orderAmount"),
            "productCode": self.product_code,
        }


def parse_pay_request(body: dict[str, Any], now: datetime) -> PayRequest:
    check_known_fields("pay", body)
    payment_request_id = identifier(body, "paymentRequestId")
    amount = money(body, "paymentAmount")
    product_code = identifier(body, "productCode", required=False) or "CASHIER_PAYMENT"
    if len(product_code) > 32:
        raise _bad("productCode is longer than 32 characters")
    order = obj(body, "order", required=True)
    reference_order_id = identifier(order, "referenceOrderId", where="order.")
    description = text(order, "orderDescription", max_len=256, where="order.")
    order_amount = money(order, "orderAmount", required=False, where="order.")
    if order_amount is not None and order_amount.currency != amount.currency:
        # Alipay+ allows a foreign-exchange pair here; the simulator settles in one currency.
        raise ApiError("CURRENCY_NOT_SUPPORT", "order.orderAmount and paymentAmount must share a currency")
    merchant = obj(order, "merchant", required=False, where="order.") or {}
    merchant_name = text(merchant, "merchantName", required=False, max_len=256, where="order.merchant.")
    goods = order.get("goods") or []
    if not isinstance(goods, list) or not all(isinstance(g, dict) for g in goods):
        raise _bad("order.goods must be a list of objects")
    if len(goods) > 100:
        raise _bad("order.goods holds more than 100 items")
    for i, item in enumerate(goods):
        text(item, "goodsName", required=False, max_len=256, where=f"order.goods[{i}].")
        money(item, "goodsUnitAmount", required=False, where=f"order.goods[{i}].")
    return PayRequest(
        payment_request_id=payment_request_id,
        amount=amount,
        reference_order_id=reference_order_id,
        order_description=description,
        merchant_name=merchant_name,
        goods=goods,
        notify_url=url(body, "paymentNotifyUrl"),
        redirect_url=url(body, "paymentRedirectUrl"),
        expiry=_expiry(body, now),
        product_code=product_code,
        raw=body,
    )


def _expiry(body: dict, now: datetime) -> datetime | None:
    raw = text(body, "paymentExpiryTime", required=False, max_len=64)
    if raw is None:
        return None
    try:
        expiry = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise _bad("paymentExpiryTime must be an ISO 8601 time") from None
    if expiry.tzinfo is None:
        raise _bad("paymentExpiryTime must carry a time zone offset")
    if expiry <= now:
        raise _bad("paymentExpiryTime is in the past")
    if expiry - now > MAX_EXPIRY:
        raise _bad("paymentExpiryTime is more than 7 days away")
    return expiry


def _reference(body: dict[str, Any], api: str, id_key: str, request_key: str) -> tuple[str | None, str | None]:
    """The wallet's id or the merchant's request id, at least one (the first wins)."""
    check_known_fields(api, body)
    wallet_id = identifier(body, id_key, required=False)
    request_id = identifier(body, request_key, required=False)
    if not wallet_id and not request_id:
        raise _bad(f"{id_key} or {request_key} is required")
    return wallet_id, request_id


def parse_payment_reference(body: dict[str, Any], api: str = "inquiryPayment") -> tuple[str | None, str | None]:
    """inquiryPayment / cancelPayment name a payment by paymentId or paymentRequestId
    (paymentId takes precedence when both are given)."""
    return _reference(body, api, "paymentId", "paymentRequestId")


# --- refund -------------------------------------------------------------------------


@dataclass
class RefundRequest:
    """A validated ``refund`` request: part or all of a successful payment."""

    refund_request_id: str
    payment_id: str | None
    payment_request_id: str | None
    amount: Money
    reason: str | None
    reference_refund_id: str | None
    notify_url: str | None
    raw: dict = field(repr=False)

    def fingerprint(self, payment_id: str) -> str:
        """The same refundRequestId for another payment or amount is REPEAT_REQ_INCONSISTENT."""
        return _fingerprint(self._key(payment_id))

    def matches(self, stored: str, payment_id: str) -> bool:
        return _fingerprint_matches(stored, self._key(payment_id))

    def _key(self, payment_id: str) -> dict:
        return {"paymentId": payment_id, "refundAmount": self.amount.to_wire()}


def parse_refund_request(body: dict[str, Any]) -> RefundRequest:
    check_known_fields("refund", body)
    refund_request_id = identifier(body, "refundRequestId")
    payment_id = identifier(body, "paymentId", required=False)
    payment_request_id = identifier(body, "paymentRequestId", required=False)
    if not payment_id and not payment_request_id:
        raise _bad("paymentId is required")
    return RefundRequest(
        refund_request_id=refund_request_id,
        payment_id=payment_id,
        payment_request_id=payment_request_id,
        amount=money(body, "refundAmount"),
        reason=text(body, "refundReason", required=False, max_len=256),
        reference_refund_id=identifier(body, "referenceRefundId", required=False),
        notify_url=url(body, "refundNotifyUrl"),
        raw=body,
    )


def parse_refund_reference(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """inquiryRefund names a refund by refundId or refundRequestId (refundId first)."""
    return _reference(body, "inquiryRefund", "refundId", "refundRequestId")
