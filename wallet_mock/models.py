"""The wallet's domain: the payment state machine, the pay request and its rules, and
what a cashier confirmation leads to. Plain Python: no HTTP, no SQL."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from simulator.money import Money, MoneyError

from .errors import ApiError


class PaymentStatus(str, Enum):
    """INIT: waiting for the user. PROCESSING: confirmed, not yet settled (8000).
    SUCCESS: debited. FAIL: refused or expired (closed). CANCELLED: by the merchant."""

    INIT = "INIT"
    PROCESSING = "PROCESSING"
    SUCCESS = "SUCCESS"
    FAIL = "FAIL"
    CANCELLED = "CANCELLED"

    @property
    def final(self) -> bool:
        return self in (PaymentStatus.SUCCESS, PaymentStatus.FAIL, PaymentStatus.CANCELLED)

    @property
    def wire(self) -> str:
        """``paymentStatus`` as inquiryPayment reports it."""
        return "PROCESSING" if self is PaymentStatus.INIT else self.value


# The only moves a payment can make. Each is applied as one conditional UPDATE
# (``... WHERE status = <from>``), so two racing requests cannot both win.
TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.INIT: frozenset({PaymentStatus.PROCESSING, PaymentStatus.SUCCESS, PaymentStatus.FAIL, PaymentStatus.CANCELLED}),
    PaymentStatus.PROCESSING: frozenset({PaymentStatus.SUCCESS, PaymentStatus.FAIL, PaymentStatus.CANCELLED}),
    PaymentStatus.SUCCESS: frozenset(),
    PaymentStatus.FAIL: frozenset(),
    PaymentStatus.CANCELLED: frozenset(),
}


def check_transition(current: PaymentStatus, target: PaymentStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise ValueError(f"a payment cannot go from {current.value} to {target.value}")


# Antom's cashier payments expire 14 minutes after creation unless told otherwise.
DEFAULT_EXPIRY = timedelta(minutes=14)
MAX_EXPIRY = timedelta(days=7)


def new_payment_id(now: datetime) -> str:
    """Alipay+-looking: date, a product tag, random digits (32 characters)."""
    return now.strftime("%Y%m%d") + "1140" + "".join(secrets.choice("0123456789") for _ in range(20))


def new_token() -> str:
    """The paymentUrl token: 192 random bits, good for one payment."""
    return secrets.token_urlsafe(24)


def _text(body: dict, key: str, *, required: bool = True, max_len: int = 64, where: str = "") -> str | None:
    value = body.get(key)
    name = f"{where}{key}"
    if value is None:
        if required:
            raise ApiError("PARAM_ILLEGAL", f"{name} is required")
        return None
    if not isinstance(value, str):
        raise ApiError("PARAM_ILLEGAL", f"{name} must be a string")
    if required and not value.strip():
        raise ApiError("PARAM_ILLEGAL", f"{name} must not be empty")
    if len(value) > max_len:
        raise ApiError("PARAM_ILLEGAL", f"{name} is longer than {max_len} characters")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value) or "\ufffd" in value:
        raise ApiError("PARAM_ILLEGAL", f"{name} contains control characters")
    return value


def _money(body: dict, key: str, *, required: bool = True, where: str = "") -> Money | None:
    if body.get(key) is None and not required:
        return None
    try:
        return Money.from_wire(body.get(key), f"{where}{key}")
    except MoneyError as exc:
        raise ApiError(exc.code, exc.message) from None


def _url(body: dict, key: str) -> str | None:
    value = _text(body, key, required=False, max_len=2048)
    if value is not None and not value.startswith(("http://", "https://")):
        raise ApiError("PARAM_ILLEGAL", f"{key} must be an http(s) URL")
    return value


def _object(body: dict, key: str, *, required: bool, where: str = "") -> dict | None:
    value = body.get(key)
    if value is None:
        if required:
            raise ApiError("PARAM_ILLEGAL", f"{where}{key} is required")
        return None
    if not isinstance(value, dict):
        raise ApiError("PARAM_ILLEGAL", f"{where}{key} must be an object")
    return value


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
        key = {
            "paymentAmount": self.amount.to_wire(),
            "referenceOrderId": self.reference_order_id,
            "orderAmount": self.raw.get("order", {}).get("orderAmount"),
            "productCode": self.product_code,
        }
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def parse_pay_request(body: dict[str, Any], now: datetime) -> PayRequest:
    payment_request_id = _text(body, "paymentRequestId")
    amount = _money(body, "paymentAmount")
    product_code = _text(body, "productCode", required=False, max_len=32) or "CASHIER_PAYMENT"
    order = _object(body, "order", required=True)
    reference_order_id = _text(order, "referenceOrderId", where="order.")
    description = _text(order, "orderDescription", max_len=256, where="order.")
    order_amount = _money(order, "orderAmount", required=False, where="order.")
    if order_amount is not None and order_amount.currency != amount.currency:
        # Alipay+ allows a foreign-exchange pair here; the simulator settles in one currency.
        raise ApiError("CURRENCY_NOT_SUPPORT", "order.orderAmount and paymentAmount must share a currency")
    merchant = _object(order, "merchant", required=False, where="order.") or {}
    merchant_name = _text(merchant, "merchantName", required=False, max_len=256, where="order.merchant.")
    goods = order.get("goods") or []
    if not isinstance(goods, list) or not all(isinstance(g, dict) for g in goods):
        raise ApiError("PARAM_ILLEGAL", "order.goods must be a list of objects")
    if len(goods) > 100:
        raise ApiError("PARAM_ILLEGAL", "order.goods holds more than 100 items")
    for i, item in enumerate(goods):
        _text(item, "goodsName", required=False, max_len=256, where=f"order.goods[{i}].")
        _money(item, "goodsUnitAmount", required=False, where=f"order.goods[{i}].")
    expiry = None
    raw_expiry = _text(body, "paymentExpiryTime", required=False, max_len=64)
    if raw_expiry is not None:
        try:
            expiry = datetime.fromisoformat(raw_expiry.replace("Z", "+00:00"))
        except ValueError:
            raise ApiError("PARAM_ILLEGAL", "paymentExpiryTime must be an ISO 8601 time") from None
        if expiry.tzinfo is None:
            raise ApiError("PARAM_ILLEGAL", "paymentExpiryTime must carry a time zone offset")
        if expiry <= now:
            raise ApiError("PARAM_ILLEGAL", "paymentExpiryTime is in the past")
        if expiry - now > MAX_EXPIRY:
            raise ApiError("PARAM_ILLEGAL", "paymentExpiryTime is more than 7 days away")
    return PayRequest(
        payment_request_id=payment_request_id,
        amount=amount,
        reference_order_id=reference_order_id,
        order_description=description,
        merchant_name=merchant_name,
        goods=goods,
        notify_url=_url(body, "paymentNotifyUrl"),
        redirect_url=_url(body, "paymentRedirectUrl"),
        expiry=expiry,
        product_code=product_code,
        raw=body,
    )


def parse_payment_reference(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """inquiryPayment / cancelPayment name a payment by paymentId or paymentRequestId."""
    payment_id = _text(body, "paymentId", required=False)
    payment_request_id = _text(body, "paymentRequestId", required=False)
    if not payment_id and not payment_request_id:
        raise ApiError("PARAM_ILLEGAL", "paymentId or paymentRequestId is required")
    return payment_id, payment_request_id


# --- What a confirmation in the cashier leads to ------------------------------------


class Outcome(str, Enum):
    """Outcomes a test account, a cashier button or the control API can force."""

    SUCCESS = "SUCCESS"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
    RISK_REJECT = "RISK_REJECT"
    USER_CANCEL = "USER_CANCEL"
    PROCESSING_THEN_SUCCESS = "PROCESSING_THEN_SUCCESS"
    PROCESSING_THEN_FAIL = "PROCESSING_THEN_FAIL"
    NETWORK_LOST_BEFORE_DEBIT = "NETWORK_LOST_BEFORE_DEBIT"
    NETWORK_LOST_AFTER_DEBIT = "NETWORK_LOST_AFTER_DEBIT"


@dataclass(frozen=True)
class Decision:
    """The plan for one confirmation: what the wallet app tells the mini program, where
    the payment goes, and whether money moves now."""

    app_result_code: str  # 9000, 8000, 4000, 6001, 6002, 6004
    target: PaymentStatus | None  # None: the payment stays as it is
    debit: bool
    failure_code: str | None = None  # the Alipay+ resultCode of a FAIL
    settle_to: PaymentStatus | None = None  # for PROCESSING: where it settles later


def decide(outcome: Outcome) -> Decision:
    """The rules, one line per outcome. Insufficient balance found at debit time is
    handled by the caller (the conditional debit fails) and ends like INSUFFICIENT_BALANCE."""
    S, F, P = PaymentStatus.SUCCESS, PaymentStatus.FAIL, PaymentStatus.PROCESSING
    return {
        Outcome.SUCCESS: Decision("9000", S, debit=True),
        Outcome.INSUFFICIENT_BALANCE: Decision("4000", F, debit=False, failure_code="USER_BALANCE_NOT_ENOUGH"),
        Outcome.RISK_REJECT: Decision("4000", F, debit=False, failure_code="RISK_REJECT"),
        Outcome.USER_CANCEL: Decision("6001", None, debit=False),
        Outcome.PROCESSING_THEN_SUCCESS: Decision("8000", P, debit=False, settle_to=S),
        Outcome.PROCESSING_THEN_FAIL: Decision("8000", P, debit=False, settle_to=F),
        Outcome.NETWORK_LOST_BEFORE_DEBIT: Decision("6002", None, debit=False),
        Outcome.NETWORK_LOST_AFTER_DEBIT: Decision("6004", S, debit=True),
    }[outcome]


INSUFFICIENT = decide(Outcome.INSUFFICIENT_BALANCE)

# How long a PROCESSING payment takes to settle on its own (divided by the time scale).
SETTLE_AFTER = timedelta(seconds=30)


@dataclass
class Payment:
    """A payment as stored."""

    payment_id: str
    client_id: str
    payment_request_id: str
    fingerprint: str
    status: PaymentStatus
    result_code: str
    amount: Money
    refunded: int
    reference_order_id: str
    order_description: str
    merchant_name: str | None
    request: dict
    notify_url: str | None
    redirect_url: str | None
    token: str
    account_id: str | None
    settle_to: PaymentStatus | None
    settle_at: datetime | None
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None

    def expired(self, now: datetime) -> bool:
        return self.status is PaymentStatus.INIT and now >= self.expires_at

    @property
    def goods(self) -> list[dict]:
        return (self.request.get("order") or {}).get("goods") or []
