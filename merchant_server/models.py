"""The merchant's order: its states, the moves between them, and order validation.
Plain Python: no HTTP, no SQL."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from simulator.core.money import Money

from .catalog import CATALOG, MAX_LINES, MAX_QUANTITY


class OrderStatus(str, Enum):
    CREATED = "CREATED"  # priced, no payment yet (or creating it failed: retryable)
    PAYING = "PAYING"  # the wallet issued a paymentUrl; waiting for the result
    PAID = "PAID"  # set only from a verified notification or inquiryPayment
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"
    REFUNDED = "REFUNDED"


# Why an order ended unpaid, in the shop's words to its customer, by the wallet's
# resultCode: a low balance, the wallet's risk control and an expired payment each call for
# something different from the buyer.
_NOT_CHARGED = "You were not charged."
FAILURE_REASONS = {
    "USER_BALANCE_NOT_ENOUGH": (
        "Not enough balance",
        f"Your wallet balance did not cover this order. {_NOT_CHARGED} Top up or choose another account,"
        " then order again.",
    ),
    "RISK_REJECT": (
        "Declined by your wallet",
        f"Your wallet's risk control declined the payment. {_NOT_CHARGED} Please pay another way.",
    ),
    "ORDER_IS_CLOSED": (
        "Payment expired",
        f"The payment was not completed in time, so the order was closed. {_NOT_CHARGED} Please order again.",
    ),
    "ORDER_IS_CANCELED": ("Order cancelled", f"The order was cancelled before it was paid. {_NOT_CHARGED}"),
    "PROCESS_FAIL": ("Payment failed", f"The wallet could not complete the payment. {_NOT_CHARGED}"),
}
_BY_STATUS = {
    "FAILED": ("Payment failed", f"The wallet declined the payment. {_NOT_CHARGED}"),
    "CANCELLED": ("Order cancelled", "The order was cancelled."),
    "CLOSED": ("Order closed", f"The order was closed before it was paid. {_NOT_CHARGED}"),
}


def failure_reason(status: str, wallet_result_code: str | None) -> dict[str, str] | None:
    """``{"code", "title", "message"}`` for an order that ended unpaid, else None."""
    if status not in _BY_STATUS:
        return None
    title, message = FAILURE_REASONS.get(wallet_result_code or "", _BY_STATUS[status])
    return {"code": wallet_result_code or status, "title": title, "message": message}


# Moves an order can make; applied as conditional UPDATEs so racing writers cannot both win.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.CREATED: frozenset(
        {OrderStatus.PAYING, OrderStatus.PAID, OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.CLOSED}
    ),
    OrderStatus.PAYING: frozenset({OrderStatus.PAID, OrderStatus.FAILED, OrderStatus.CANCELLED, OrderStatus.CLOSED}),
    OrderStatus.PAID: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.FAILED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.CLOSED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

OPEN = (OrderStatus.CREATED, OrderStatus.PAYING)


def sources_of(target: OrderStatus) -> tuple[OrderStatus, ...]:
    return tuple(s for s, targets in TRANSITIONS.items() if target in targets)


class OrderError(Exception):
    """A refusal of the merchant API, with an HTTP status and a stable code."""

    def __init__(self, status: int, code: str, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class OrderLine:
    goods_id: str
    name: str
    unit_price: Money
    quantity: int

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity

    def to_json(self) -> dict:
        return {
            "goodsId": self.goods_id,
            "name": self.name,
            "quantity": self.quantity,
            "unitPrice": self.unit_price.to_wire(),
            "total": self.total.to_wire(),
        }


def price_items(items: Any) -> list[OrderLine]:
    """Turn ``[{"goodsId", "quantity"}]`` into priced lines from the catalog."""
    if not isinstance(items, list) or not items:
        raise OrderError(400, "INVALID_ITEMS", "items must be a non-empty list of {goodsId, quantity}")
    if len(items) > MAX_LINES:
        raise OrderError(400, "INVALID_ITEMS", f"at most {MAX_LINES} lines per order")
    merged: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict):
            raise OrderError(400, "INVALID_ITEMS", "each item must be an object")
        goods_id = item.get("goodsId")
        quantity = item.get("quantity", 1)
        if not isinstance(goods_id, str) or goods_id not in CATALOG:
            raise OrderError(400, "UNKNOWN_GOODS", f"unknown goodsId {str(goods_id)[:40]!r}")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise OrderError(400, "INVALID_QUANTITY", f"quantity must be an integer from 1 to {MAX_QUANTITY}")
        merged[goods_id] = merged.get(goods_id, 0) + quantity
        if merged[goods_id] > MAX_QUANTITY:
            raise OrderError(400, "INVALID_QUANTITY", f"quantity must be an integer from 1 to {MAX_QUANTITY}")
    return [OrderLine(g, CATALOG[g].name, CATALOG[g].price, q) for g, q in merged.items()]


def order_total(lines: list[OrderLine]) -> Money:
    total = lines[0].total
    for line in lines[1:]:
        total = total + line.total
    return total


def new_order_id(now: datetime) -> str:
    return "ORD" + now.strftime("%Y%m%d%H%M%S") + secrets.token_hex(4).upper()


def payment_request_id_for(order_id: str) -> str:
    """One paymentRequestId per order, made once and kept: retries of ``pay`` reuse it,
    so a timeout followed by a retry can never make a second payment."""
    return "PR" + order_id[3:] + secrets.token_hex(3).upper()


@dataclass
class Order:
    order_id: str
    status: OrderStatus
    amount: Money
    lines: list[dict]
    payment_request_id: str
    payment_id: str | None
    payment_url: str | None
    created_at: datetime
    updated_at: datetime
    paid_at: datetime | None
    paid_via: str | None
    wallet_result_code: str | None
    fulfilled: int
    checks: int = 0

    @property
    def description(self) -> str:
        names = [f"{line['name']} x{line['quantity']}" for line in self.lines]
        text = ", ".join(names)
        return text if len(text) <= 200 else text[:197] + "..."
