"""SQL of the control plane: forced outcomes and injected faults, each a queue of entries
consumed one use at a time inside the transaction of the work it affects."""

from __future__ import annotations

from datetime import datetime

from simulator.core.clock import iso_precise
from simulator.core.db import Database, Transaction

Reader = Database | Transaction

# Tables whose rows the control plane may list and clear.
QUEUES = ("forced_outcomes", "api_faults", "notify_faults")


async def add(tx: Transaction, table: str, now: datetime, **fields) -> int:
    assert table in QUEUES
    fields["created_at"] = iso_precise(now)
    names = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    return await tx.insert(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(fields.values()))


async def entries(db: Reader, table: str) -> list[dict]:
    assert table in QUEUES
    return [dict(r) for r in await db.fetchall(f"SELECT * FROM {table} ORDER BY id")]


async def clear(tx: Transaction, table: str) -> int:
    assert table in QUEUES
    return await tx.execute(f"DELETE FROM {table}")


async def remove(tx: Transaction, table: str, entry_id: int) -> int:
    """One queued entry gone (whoever queued it takes back what it did not use)."""
    assert table in QUEUES
    return await tx.execute(f"DELETE FROM {table} WHERE id = ?", (entry_id,))


async def _consume(tx: Transaction, table: str, row) -> dict | None:
    if row is None:
        return None
    if row["remaining"] > 1:
        await tx.execute(f"UPDATE {table} SET remaining = remaining - 1 WHERE id = ?", (row["id"],))
    else:
        await tx.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))
    return dict(row)


async def take_outcome(tx: Transaction, payment_request_id: str) -> str | None:
    """The outcome forced for this payment: one for its paymentRequestId first, else the
    oldest one for 'the next payment'."""
    row = await tx.fetchone(
        "SELECT * FROM forced_outcomes WHERE payment_request_id = ? OR payment_request_id IS NULL"
        " ORDER BY payment_request_id IS NULL, id LIMIT 1",
        (payment_request_id,),
    )
    taken = await _consume(tx, "forced_outcomes", row)
    return taken["outcome"] if taken else None


async def take_api_fault(tx: Transaction, endpoint: str) -> dict | None:
    row = await tx.fetchone(
        "SELECT * FROM api_faults WHERE endpoint = ? OR endpoint = '*' ORDER BY endpoint = '*', id LIMIT 1",
        (endpoint,),
    )
    return await _consume(tx, "api_faults", row)


async def take_notify_fault(tx: Transaction) -> dict | None:
    row = await tx.fetchone("SELECT * FROM notify_faults ORDER BY id LIMIT 1")
    return await _consume(tx, "notify_faults", row)


async def has_rows(db: Reader, table: str) -> bool:
    """Cheap check so that the hot path skips a write transaction when nothing is queued."""
    assert table in QUEUES
    return await db.fetchone(f"SELECT 1 FROM {table} LIMIT 1") is not None
