"""SQL of the control plane: forced outcomes and injected faults, each a queue of entries
consumed one use at a time inside the transaction of the work it affects."""

from __future__ import annotations

from datetime import datetime

from simulator.core.clock import iso_precise
from simulator.core.db import Database, Transaction

Reader = Database | Transaction

# Tables whose rows the control plane may list and clear.
QUEUES = ("forced_outcomes", "api_faults", "notify_faults")
# Where the control API lists each queue (under /_sim/).
QUEUE_PATHS = {"forced_outcomes": "outcomes", "api_faults": "faults", "notify_faults": "notifications/faults"}
# What scopes an entry: the columns a later entry must share to act on the same calls.
SCOPE = ("client_id", "payment_request_id")
SAME_TARGET = {"forced_outcomes": SCOPE, "api_faults": ("endpoint", *SCOPE), "notify_faults": SCOPE}
# Columns added after the first release: a data folder made before them gets them on open.
_ADDED = {"forced_outcomes": ("client_id",), "api_faults": SCOPE, "notify_faults": SCOPE}
# An entry acts on a call when each scope column is NULL (any) or equal to the call's.
_IN_SCOPE = "(client_id IS NULL OR client_id = ?) AND (payment_request_id IS NULL OR payment_request_id = ?)"
# The most specific entry first: one for this payment, then one for this merchant.
_SPECIFIC_FIRST = "payment_request_id IS NULL, client_id IS NULL"


async def upgrade(tx: Transaction) -> list[str]:
    """Add the scope columns to the queues of a data folder made before they existed;
    returns what it added."""
    done = []
    for table, columns in _ADDED.items():
        have = {r["name"] for r in await tx.fetchall(f"PRAGMA table_info({table})")}
        for column in columns:
            if column not in have:
                await tx.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
                done.append(f"{table}.{column}")
    return done


async def add(tx: Transaction, table: str, now: datetime, **fields) -> int:
    assert table in QUEUES
    fields["created_at"] = iso_precise(now)
    names = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    return await tx.insert(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(fields.values()))


def _where(scope: dict[str, str | None] | None) -> tuple[str, tuple]:
    """``WHERE`` for the entries of exactly this scope (a None value: the unscoped ones)."""
    if not scope:
        return "", ()
    parts = [f"{column} IS NULL" if value is None else f"{column} = ?" for column, value in scope.items()]
    return " WHERE " + " AND ".join(parts), tuple(v for v in scope.values() if v is not None)


async def entries(db: Reader, table: str, scope: dict[str, str | None] | None = None) -> list[dict]:
    """The queue's entries, oldest first; with ``scope``, those of exactly that scope."""
    assert table in QUEUES
    where, params = _where(scope)
    return [dict(r) for r in await db.fetchall(f"SELECT * FROM {table}{where} ORDER BY id", params)]


async def clear(tx: Transaction, table: str, scope: dict[str, str | None] | None = None) -> int:
    """Delete the queue's entries (of exactly ``scope``, when given); returns how many."""
    assert table in QUEUES
    where, params = _where(scope)
    return await tx.execute(f"DELETE FROM {table}{where}", params)


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


async def take_outcome(tx: Transaction, client_id: str, payment_request_id: str) -> str | None:
    """The outcome forced for this payment: one for its paymentRequestId first, then one
    for its merchant, else the oldest one for 'the next payment'."""
    row = await tx.fetchone(
        f"SELECT * FROM forced_outcomes WHERE {_IN_SCOPE} ORDER BY {_SPECIFIC_FIRST}, id LIMIT 1",
        (client_id, payment_request_id),
    )
    taken = await _consume(tx, "forced_outcomes", row)
    return taken["outcome"] if taken else None


async def take_api_fault(
    tx: Transaction, endpoint: str, client_id: str | None = None, payment_request_id: str | None = None
) -> dict | None:
    """The fault for this call: the most specific scope first, then its endpoint over '*'."""
    row = await tx.fetchone(
        f"SELECT * FROM api_faults WHERE (endpoint = ? OR endpoint = '*') AND {_IN_SCOPE}"
        f" ORDER BY {_SPECIFIC_FIRST}, endpoint = '*', id LIMIT 1",
        (endpoint, client_id, payment_request_id),
    )
    return await _consume(tx, "api_faults", row)


async def take_notify_fault(
    tx: Transaction, client_id: str | None = None, payment_request_id: str | None = None
) -> dict | None:
    row = await tx.fetchone(
        f"SELECT * FROM notify_faults WHERE {_IN_SCOPE} ORDER BY {_SPECIFIC_FIRST}, id LIMIT 1",
        (client_id, payment_request_id),
    )
    return await _consume(tx, "notify_faults", row)


async def has_rows(db: Reader, table: str) -> bool:
    """Cheap check so that the hot path skips a write transaction when nothing is queued."""
    assert table in QUEUES
    return await db.fetchone(f"SELECT 1 FROM {table} LIMIT 1") is not None
