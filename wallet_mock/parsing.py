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
import yarl

from simulator.core import jsonio
from simulator.core.money import Money, MoneyError

from .errors import ApiError

# The latest paymentExpiryTime a merchant may ask for.
MAX_EXPIRY = timedelta(days=7)
# Ids (paymentRequestId, refundRequestId, ...): Antom supports no special characters;
# printable ASCII without spaces keeps every id safe in logs, URLs and headers.
_ID = re.compile(r"[\x21-\x7e]+")
# goodsQuantity: digits, no sign, no leading zero, not absurdly long.
MAX_QUANTITY_DIGITS = 16
_QUANTITY = re.compile(rf"[1-9][0-9]{{0,{MAX_QUANTITY_DIGITS - 1}}}")
# Direction controls (marks, embeddings, overrides, isolates) and zero-width characters
# that join nothing: in the text the payer confirms they could reorder "001" into "100" or
# hide a difference, so they are taken out of what the cashier shows (``shown``).
_HIDDEN = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u180e]")
# ZWNJ / ZWJ join letters of some scripts and emoji sequences: kept between two non-ASCII
# characters, taken out beside ASCII, spaces, or at either end.
_LOOSE_JOINER = re.compile("(?:(?<=[\x00-\x7f])|^)[\u200c\u200d]+|[\u200c\u200d]+(?=[\x00-\x7f]|$)")


def shown(text: str) -> str:
    """``text`` as the cashier may show it: without direction controls and without
    zero-width characters that join nothing."""
    return _LOOSE_JOINER.sub("", _HIDDEN.sub("", text))


# What a URL may hold here: visible ASCII (RFC 3986 characters and percent-escapes).
_URL_CHARS = re.compile(r"[\x21-\x7e]+")
# Control characters (tab, newline and carriage return aside), DEL, and U+FFFD (what a
# decoder left of bytes that were not text).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")

# The top-level fields each request knows: what Alipay's server SDKs can send (their
# request classes' to_ams_dict / to_aps_dict) plus the Alipay+ acquirer ids. The registry
# (operations.py) names each operation's set, which the OpenAPI document lists; a field
# not known is accepted, kept with the stored request and ignored.
_ACQUIRER = frozenset({"acquirerId", "pspId", "merchantAccountId"})
PAY_FIELDS = _ACQUIRER | {
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
}
# What Alipay's Alipay+ SDK's AlipayPayRequest sends (to_aps_dict).
ALIPAYPLUS_PAY_FIELDS = frozenset(
    {
        "paymentRequestId",
        "order",
        "paymentAmount",
        "paymentMethod",
        "paymentExpiryTime",
        "paymentRedirectUrl",
        "paymentNotifyUrl",
        "paymentFactor",
        "settlementStrategy",
        "userRegion",
    }
)
PAYMENT_REFERENCE_FIELDS = _ACQUIRER | {"paymentId", "paymentRequestId"}
REFUND_FIELDS = _ACQUIRER | {
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
}
REFUND_REFERENCE_FIELDS = _ACQUIRER | {"refundId", "refundRequestId"}


def _bad(message: str) -> ApiError:
    return ApiError("PARAM_ILLEGAL", message)


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object (``simulator.core.jsonio.read_object``), or
    PARAM_ILLEGAL saying what is wrong with it."""
    try:
        return jsonio.read_object(raw)
    except jsonio.BodyError as exc:
        raise _bad(str(exc)) from None


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
    if obj is None:
        if required:
            raise _bad(f"{where}{key} is required")
        return None
    if isinstance(obj, dict) and set(obj) - {"currency", "value"}:
        extra = sorted(set(obj) - {"currency", "value"})[0]
        raise _bad(f"{where}{key} holds an unknown field {extra[:40]!r}: an amount is currency and value")
    try:
        return Money.from_wire(obj, f"{where}{key}")
    except MoneyError as exc:
        raise ApiError(exc.code, exc.message) from None


def url(body: dict, key: str, *, required: bool = False) -> str | None:
    """An absolute http(s) URL the wallet can send to or a browser can open: a host, a
    port from 1 to 65535 when one is given, nothing but visible ASCII (no spaces, no CR or
    LF, no trailing newline). Plain http and IP addresses are allowed: the simulator runs
    locally (docs/fidelity.md lists this difference)."""
    value = text(body, key, required=required, max_len=2048)
    if value is None:
        return None
    if not _URL_CHARS.fullmatch(value) or not value.startswith(("http://", "https://")):
        raise _bad(f"{key} must be an http(s) URL of visible ASCII characters")
    try:
        parsed = yarl.URL(value)
        port = parsed.port  # raises for a port outside 0-65535
    except ValueError:
        raise _bad(f"{key} is not a URL that can be sent to") from None
    if not parsed.host or port is None or not 1 <= port <= 65535:
        raise _bad(f"{key} needs a host and a port from 1 to 65535")
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


# What the SDKs' enums hold (TerminalType, OsType) and the payment products of Antom's pay
# (ProductCodeType); this pay is Cashier Payment.
TERMINAL_TYPES = ("WEB", "WAP", "APP", "MINI_APP")
OS_TYPES = ("IOS", "ANDROID")
PRODUCT_CODES = ("CASHIER_PAYMENT", "AGREEMENT_PAYMENT", "IN_STORE_PAYMENT")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def parse_alipayplus_pay(body: dict[str, Any], now: datetime) -> PayRequest:
    """``pay`` as Alipay+ (/aps) takes it for Cashier Payment, and as Alipay's Alipay+
    SDK sends it: ``env`` and ``merchant`` inside ``order``, ``order.orderAmount``
    required, ``order.env.terminalType`` required and ``order.env.osType`` too for APP and
    WAP, ``paymentMethod`` (CONNECT_WALLET) and ``paymentFactor`` checked when present,
    no ``productCode`` (one sent is kept and ignored)."""
    order = obj(body, "order", required=True, where="") or {}
    env = obj(order, "env", required=True, where="order.") or {}
    _terminal(env, "order.env.", os_required=True)
    method = obj(body, "paymentMethod", required=False)
    if method is not None:
        identifier(method, "paymentMethodType", required=False, where="paymentMethod.")
    factor = obj(body, "paymentFactor", required=False)
    if factor is not None:
        for flag in ("isCashierPayment", "isInStorePayment", "isAgreementPayment", "isPaymentEvaluation"):
            _flag(factor, flag, "paymentFactor.")
    _settlement(body, required=False)
    product_code = body.get("productCode")
    return _pay(
        body,
        now,
        order,
        order_amount_required=True,
        redirect_required=False,
        product_code=product_code if isinstance(product_code, str) else "CASHIER_PAYMENT",
    )


def parse_antom_pay(body: dict[str, Any], now: datetime) -> PayRequest:
    """``pay (Cashier Payment)`` as Antom (/ams) takes it and Alipay's global SDK sends it:
    ``productCode`` CASHIER_PAYMENT, top-level ``env.terminalType`` (``appId`` with
    MINI_APP), ``paymentMethod.paymentMethodType``, ``paymentRedirectUrl``, and
    ``settlementStrategy.settlementCurrency`` with CONNECT_WALLET."""
    product_code = text(body, "productCode", max_len=32) or ""
    if product_code not in PRODUCT_CODES:
        raise _bad(f"productCode must be one of {', '.join(PRODUCT_CODES)}")
    if product_code != "CASHIER_PAYMENT":
        raise _bad(f"productCode {product_code} is not served here: this pay is Cashier Payment (CASHIER_PAYMENT)")
    order = obj(body, "order", required=True) or {}
    env = obj(body, "env", required=True) or {}
    if _terminal(env, "env.", os_required=False) == "MINI_APP":
        app_id = identifier(body, "appId", required=False)
        if app_id is None:
            raise _bad("appId is required when env.terminalType is MINI_APP")
        if len(app_id) > 32:
            raise _bad("appId is longer than 32 characters")
    method = obj(body, "paymentMethod", required=True) or {}
    method_type = identifier(method, "paymentMethodType", where="paymentMethod.")
    _settlement(body, required=method_type == "CONNECT_WALLET")
    return _pay(body, now, order, order_amount_required=False, redirect_required=True, product_code=product_code)


def terminal_type_of(request: dict) -> str | None:
    """The terminal type a pay request names: Antom's top-level env, Alipay+'s order.env."""
    env = request.get("env")
    if not isinstance(env, dict):
        order = request.get("order")
        env = order.get("env") if isinstance(order, dict) else None
    terminal = env.get("terminalType") if isinstance(env, dict) else None
    return terminal if terminal in TERMINAL_TYPES else None


def _terminal(env: dict, where: str, *, os_required: bool) -> str:
    """env.terminalType (and env.osType, required for APP and WAP where ``os_required``)."""
    terminal = text(env, "terminalType", max_len=16, where=where)
    if terminal not in TERMINAL_TYPES:
        raise _bad(f"{where}terminalType must be one of {', '.join(TERMINAL_TYPES)}")
    os_type = text(env, "osType", required=False, max_len=16, where=where)
    if os_type is None and os_required and terminal in ("APP", "WAP"):
        raise _bad(f"{where}osType is required when {where}terminalType is {terminal}")
    if os_type is not None and os_type not in OS_TYPES:
        raise _bad(f"{where}osType must be one of {', '.join(OS_TYPES)}")
    return terminal


def check_quantity(item: dict, where: str) -> None:
    """goodsQuantity: a positive integer, as a string (the SDKs' type: "Value range: 1 -
    unlimited") or a JSON number."""
    value = item.get("goodsQuantity")
    if value is None:
        return
    if isinstance(value, str) and _QUANTITY.fullmatch(value):
        return
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 10**MAX_QUANTITY_DIGITS:
        return
    raise _bad(f"{where}goodsQuantity must be a positive integer (a string of digits, or a number)")


def _flag(body: dict, key: str, where: str) -> None:
    """A boolean, or its string form (Antom asks for every field as a string)."""
    value = body.get(key)
    if value is not None and value not in (True, False, "true", "false"):
        raise _bad(f"{where}{key} must be true or false")


def _settlement(body: dict, *, required: bool) -> None:
    strategy = obj(body, "settlementStrategy", required=required)
    if strategy is None:
        return
    currency = text(strategy, "settlementCurrency", required=required, max_len=3, where="settlementStrategy.")
    if currency is not None and not _CURRENCY_CODE.fullmatch(currency):
        raise _bad("settlementStrategy.settlementCurrency must be an ISO 4217 code (3 capital letters)")


def _pay(
    body: dict[str, Any],
    now: datetime,
    order: dict,
    *,
    order_amount_required: bool,
    redirect_required: bool,
    product_code: str,
) -> PayRequest:
    """What both families' pay share: the ids, the amounts, the order, the URLs."""
    payment_request_id = identifier(body, "paymentRequestId")
    amount = money(body, "paymentAmount")
    assert payment_request_id is not None and amount is not None  # required above
    reference_order_id = identifier(order, "referenceOrderId", where="order.")
    description = text(order, "orderDescription", max_len=256, where="order.")
    assert reference_order_id is not None and description is not None
    order_amount = money(order, "orderAmount", required=order_amount_required, where="order.")
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
        check_quantity(item, f"order.goods[{i}].")
    return PayRequest(
        payment_request_id=payment_request_id,
        amount=amount,
        reference_order_id=reference_order_id,
        order_description=shown(description),
        merchant_name=shown(merchant_name) if merchant_name is not None else None,
        goods=goods,
        notify_url=url(body, "paymentNotifyUrl"),
        redirect_url=url(body, "paymentRedirectUrl", required=redirect_required),
        expiry=parse_expiry(body, now),
        product_code=product_code,
        raw=body,
    )


def parse_expiry(body: dict, now: datetime) -> datetime | None:
    """paymentExpiryTime: with an offset, in the future, at most MAX_EXPIRY away."""
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


@dataclass(frozen=True)
class PaymentReference:
    """inquiryPayment / cancelPayment name a payment by paymentId or paymentRequestId
    (paymentId takes precedence when both are given)."""

    payment_id: str | None
    payment_request_id: str | None


@dataclass(frozen=True)
class RefundReference:
    """inquiryRefund names a refund by refundId or refundRequestId (refundId first)."""

    refund_id: str | None
    refund_request_id: str | None


def _reference(body: dict[str, Any], id_key: str, request_key: str) -> tuple[str | None, str | None]:
    """The wallet's id or the merchant's request id, at least one."""
    wallet_id = identifier(body, id_key, required=False)
    request_id = identifier(body, request_key, required=False)
    if not wallet_id and not request_id:
        raise _bad(f"{id_key} or {request_key} is required")
    return wallet_id, request_id


def parse_payment_reference(body: dict[str, Any], now: datetime | None = None) -> PaymentReference:
    return PaymentReference(*_reference(body, "paymentId", "paymentRequestId"))


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


def parse_refund_request(body: dict[str, Any], now: datetime | None = None) -> RefundRequest:
    refund_request_id = identifier(body, "refundRequestId")
    payment_id = identifier(body, "paymentId", required=False)
    payment_request_id = identifier(body, "paymentRequestId", required=False)
    if not payment_id and not payment_request_id:
        raise _bad("paymentId is required")
    amount = money(body, "refundAmount")
    assert refund_request_id is not None and amount is not None  # required above
    return RefundRequest(
        refund_request_id=refund_request_id,
        payment_id=payment_id,
        payment_request_id=payment_request_id,
        amount=amount,
        reason=text(body, "refundReason", required=False, max_len=256),
        reference_refund_id=identifier(body, "referenceRefundId", required=False),
        notify_url=url(body, "refundNotifyUrl"),
        raw=body,
    )


def parse_refund_reference(body: dict[str, Any], now: datetime | None = None) -> RefundReference:
    return RefundReference(*_reference(body, "refundId", "refundRequestId"))
