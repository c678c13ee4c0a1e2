"""The merchant's SQL."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from simulator.core.clock import iso_precise, parse_iso
from simulator.core.db import Database, Transaction
from simulator.core.money import Money

from .models import Order, OrderStatus

Reader = Database | Transaction


def _t(moment: datetime | None) -> str | None:
    return iso_precise(moment) if moment else None


def order_from_row(row) -> Order:
    return Order(
        order_id=row["order_id"],
        status=OrderStatus(row["status"]),
        amount=Money(row["amount"], row["currency"]),
        lines=json.loads(row["lines_json"]),
        payment_request_id=row["payment_request_id"],
        payment_id=row["payment_id"],
        payment_url=row["payment_url"],
        created_at=parse_iso(row["created_at"]),
        updated_at=parse_iso(row["updated_at"]),
        paid_at=parse_iso(row["paid_at"]) if row["paid_at"] else None,
        paid_via=row["paid_via"],
        wallet_result_code=row["wallet_result_code"],
        fulfilled=row["fulfilled"],
        checks=row["checks"],
    )


async def insert_order(tx: Transaction, o: Order, next_check_at: datetime) -> None:
    await tx.execute(
        "INSERT INTO orders (order_id, status, currency, amount, lines_json, payment_request_id, created_at,"
        " updated_at, next_check_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            o.order_id,
            o.status.value,
            o.amount.currency,
            o.amount.value,
            json.dumps(o.lines, ensure_ascii=False),
            o.payment_request_id,
            _t(o.created_at),
            _t(o.updated_at),
            _t(next_check_at),
        ),
    )


async def orders_to_check(db: Reader, now: datetime, limit: int = 20) -> list[Order]:
    rows = await db.fetchall(
        "SELECT * FROM orders WHERE status IN ('CREATED', 'PAYING') AND next_check_at <= ?"
        " ORDER BY next_check_at LIMIT ?",
        (_t(now), limit),
    )
    return [order_from_row(r) for r in rows]


async def checked(tx: Transaction, order_id: str, next_check_at: datetime) -> None:
    await tx.execute(
        "UPDATE orders SET checks = checks + 1, next_check_at = ? WHERE order_id = ?", (_t(next_check_at), order_id)
    )


class NoSuchOrder(LookupError):
    """An order the caller knows is there is not: only a reset deletes orders."""


async def order_by_id(db: Reader, order_id: str) -> Order | None:
    row = await db.fetchone("SELECT * FROM orders WHERE order_id = ?", (order_id,))
    return order_from_row(row) if row else None


async def get_order(db: Reader, order_id: str) -> Order:
    """The order ``order_id``, which must be there (one just read or moved): the lookups
    may find nothing, this one may not."""
    order = await order_by_id(db, order_id)
    if order is None:
        raise NoSuchOrder(order_id)
    return order


async def order_by_payment_request(db: Reader, payment_request_id: str) -> Order | None:
    row = await db.fetchone("SELECT * FROM orders WHERE payment_request_id = ?", (payment_request_id,))
    return order_from_row(row) if row else None


async def list_orders(db: Database, limit: int = 100) -> list[Order]:
    rows = await db.scan("SELECT * FROM orders ORDER BY created_at DESC LIMIT ?", (limit,))
    return [order_from_row(r) for r in rows]


async def transition(
    tx: Transaction, order_id: str, source: tuple[OrderStatus, ...], target: OrderStatus, now: datetime, **fields: Any
) -> bool:
    sets = ["status = ?", "updated_at = ?"]
    params: list[Any] = [target.value, _t(now)]
    for name, value in fields.items():
        sets.append(f"{name} = ?" if name != "fulfilled" else "fulfilled = fulfilled + ?")
        params.append(_t(value) if isinstance(value, datetime) else value)
    marks = ",".join("?" for _ in source)
    params += [order_id, *(s.value for s in source)]
    return (
        await tx.execute(f"UPDATE orders SET {', '.join(sets)} WHERE order_id = ? AND status IN ({marks})", params) == 1
    )


async def record_notification(
    tx: Transaction, now: datetime, body: dict | None, raw: bytes, verified: bool, outcome: str
) -> None:
    body = body if isinstance(body, dict) else {}
    await tx.execute(
        "INSERT INTO notifications_received (received_at, payment_request_id, payment_id, verified, outcome, body)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            _t(now),
            str(body.get("paymentRequestId"))[:128] if body.get("paymentRequestId") else None,
            str(body.get("paymentId"))[:128] if body.get("paymentId") else None,
            int(verified),
            outcome,
            raw.decode("utf-8", "replace")[:20000],
        ),
    )


async def reset(tx: Transaction) -> None:
    await tx.execute("DELETE FROM notifications_received")
    await tx.execute("DELETE FROM orders")
