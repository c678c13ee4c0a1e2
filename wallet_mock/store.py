"""The wallet's SQL. Reads take the Database (reader connection); writes take the
Transaction of the unit of work they belong to. Every state change of a payment is one
conditional UPDATE whose row count says whether it won."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from simulator.core.clock import iso_precise, parse_iso
from simulator.core.db import Database, Transaction
from simulator.core.money import Money

from .accounts import SANDBOX_PASSWORD, TEST_ACCOUNTS, hash_password, initial_balances
from .models import REVERSE_CAPTURE, Move, Payment, PaymentStatus, Refund, RefundStatus
from .records import Account, Merchant, Notification

Reader = Database | Transaction


def _t(moment: datetime | None) -> str | None:
    return iso_precise(moment) if moment else None


def _dt(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


class NoSuchPayment(LookupError):
    """A payment the caller knows is there is not: only a reset deletes payments."""


# --- merchants ---------------------------------------------------------------------


async def migrate(tx: Transaction) -> list[str]:
    """Bring a data folder written by an earlier version up to this schema (the tables it
    lacks were made by schema.sql's CREATE IF NOT EXISTS; columns are added here). Says
    what it did."""
    done = []
    columns = {row["name"] for row in await tx.fetchall("PRAGMA table_info(merchants)")}
    if "api_profile" not in columns:
        await tx.execute("ALTER TABLE merchants ADD COLUMN api_profile TEXT NOT NULL DEFAULT 'alipayplus'")
        done.append("merchants.api_profile")
    return done


async def upsert_merchant(
    tx: Transaction,
    client_id: str,
    name: str,
    public_key_pem: str,
    notify_url: str | None,
    sandbox: bool,
    now: datetime,
    api_profile: str | None = None,
) -> None:
    """Register or replace a merchant; ``api_profile`` None keeps a known merchant's (a
    new one gets the default, alipayplus)."""
    await tx.execute(
        "INSERT INTO merchants (client_id, name, public_key_pem, notify_url, sandbox, created_at, api_profile)"
        " VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, 'alipayplus')) ON CONFLICT(client_id) DO UPDATE SET"
        " name = excluded.name, public_key_pem = excluded.public_key_pem, notify_url = excluded.notify_url,"
        " api_profile = COALESCE(?, merchants.api_profile)",
        (client_id, name, public_key_pem, notify_url, int(sandbox), _t(now), api_profile, api_profile),
    )


async def set_merchant_secret(tx: Transaction, client_id: str, secret_sha256: str) -> None:
    await tx.execute(
        "INSERT INTO merchant_secrets (client_id, secret_sha256) VALUES (?, ?)"
        " ON CONFLICT(client_id) DO UPDATE SET secret_sha256 = excluded.secret_sha256",
        (client_id, secret_sha256),
    )


async def merchant_secret(db: Reader, client_id: str) -> str | None:
    row = await db.fetchone("SELECT secret_sha256 FROM merchant_secrets WHERE client_id = ?", (client_id,))
    return row["secret_sha256"] if row else None


def _merchant(row) -> Merchant:
    return Merchant(
        client_id=row["client_id"],
        name=row["name"],
        public_key_pem=row["public_key_pem"],
        notify_url=row["notify_url"],
        sandbox=bool(row["sandbox"]),
        created_at=row["created_at"],
        api_profile=row["api_profile"],
    )


async def get_merchant(db: Reader, client_id: str) -> Merchant | None:
    row = await db.fetchone("SELECT * FROM merchants WHERE client_id = ?", (client_id,))
    return _merchant(row) if row else None


async def list_merchants(db: Reader) -> list[Merchant]:
    return [_merchant(r) for r in await db.fetchall("SELECT * FROM merchants ORDER BY created_at")]


# --- accounts ----------------------------------------------------------------------


async def seed_accounts(tx: Transaction) -> None:
    """Create the test accounts that are missing; never touch existing balances."""
    for position, account in enumerate(TEST_ACCOUNTS):
        account_id = "acct_" + account.login_id.split("@")[0].replace("-", "_")
        inserted = await tx.execute(
            "INSERT OR IGNORE INTO accounts (account_id, login_id, display_name, outcome, password_hash, position)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                account_id,
                account.login_id,
                account.display_name,
                account.outcome.value,
                hash_password(SANDBOX_PASSWORD),
                position,
            ),
        )
        if inserted:
            await tx.executemany(
                "INSERT OR IGNORE INTO balances (account_id, currency, value) VALUES (?, ?, ?)",
                [(account_id, cur, value) for cur, value in initial_balances(account).items()],
            )


def _account(row, balance: int | None = None) -> Account:
    return Account(
        account_id=row["account_id"],
        login_id=row["login_id"],
        display_name=row["display_name"],
        outcome=row["outcome"],
        password_hash=row["password_hash"],
        failed_tries=row["failed_tries"],
        locked_at=row["locked_at"],
        balance=balance,
    )


# An account as listed: its wrong passwords are those of every payment still counting
# them (password_tries), and it is locked while one payment refuses it.
_ACCOUNT = (
    "a.account_id, a.login_id, a.display_name, a.outcome, a.password_hash, a.position,"
    " (SELECT COALESCE(SUM(t.failed_tries), 0) FROM password_tries t WHERE t.account_id = a.account_id)"
    " AS failed_tries,"
    " (SELECT MAX(t.locked_at) FROM password_tries t WHERE t.account_id = a.account_id) AS locked_at"
)


async def list_accounts(db: Reader, currency: str | None = None) -> list[Account]:
    """Every test account in the cashier's order; with ``currency``, each with its
    balance in it (0 where it holds none)."""
    if currency:
        rows = await db.fetchall(
            f"SELECT {_ACCOUNT}, b.value AS balance FROM accounts a LEFT JOIN balances b"
            " ON b.account_id = a.account_id AND b.currency = ? ORDER BY a.position",
            (currency,),
        )
        return [_account(r, r["balance"] or 0) for r in rows]
    return [_account(r) for r in await db.fetchall(f"SELECT {_ACCOUNT} FROM accounts a ORDER BY position")]


async def get_account_by_login(db: Reader, login_id: str) -> Account | None:
    row = await db.fetchone(f"SELECT {_ACCOUNT} FROM accounts a WHERE login_id = ?", (login_id,))
    return _account(row) if row else None


async def balances_of(db: Reader, account_id: str) -> dict[str, int]:
    rows = await db.fetchall(
        "SELECT currency, value FROM balances WHERE account_id = ? ORDER BY currency", (account_id,)
    )
    return {r["currency"]: r["value"] for r in rows}


async def debit(tx: Transaction, account_id: str, amount: Money) -> int | None:
    """Take ``amount`` if the balance covers it and return the balance after; None (and
    nothing taken) otherwise. One conditional statement: no read-then-write race."""
    row = await tx.fetchone(
        "UPDATE balances SET value = value - ? WHERE account_id = ? AND currency = ? AND value >= ? RETURNING value",
        (amount.value, account_id, amount.currency, amount.value),
    )
    return row["value"] if row else None


async def credit(tx: Transaction, account_id: str, amount: Money) -> None:
    changed = await tx.execute(
        "UPDATE balances SET value = value + ? WHERE account_id = ? AND currency = ?",
        (amount.value, account_id, amount.currency),
    )
    if changed != 1:
        await tx.execute(
            "INSERT INTO balances (account_id, currency, value) VALUES (?, ?, ?)",
            (account_id, amount.currency, amount.value),
        )


async def record_password_failure(
    tx: Transaction, payment_id: str, account_id: str, max_tries: int, now: datetime
) -> int:
    """Count a wrong password of ``account_id`` on ``payment_id``; at ``max_tries`` the
    account is locked for that payment. Returns the count."""
    row = await tx.fetchone(
        "INSERT INTO password_tries (payment_id, account_id, failed_tries, locked_at) VALUES (?, ?, 1,"
        " CASE WHEN 1 >= ? THEN ? END) ON CONFLICT (payment_id, account_id) DO UPDATE SET"
        " failed_tries = failed_tries + 1,"
        " locked_at = CASE WHEN failed_tries + 1 >= ? THEN ? ELSE locked_at END RETURNING failed_tries",
        (payment_id, account_id, max_tries, _t(now), max_tries, _t(now)),
    )
    if row is None:  # an upsert returns its row: unreachable unless SQLite says otherwise
        raise LookupError(f"no count of wrong passwords for {account_id} on {payment_id}")
    return row["failed_tries"]


async def locked_for_payment(db: Reader, payment_id: str) -> set[str]:
    """The account ids a payment refuses (too many wrong passwords on it)."""
    rows = await db.fetchall(
        "SELECT account_id FROM password_tries WHERE payment_id = ? AND locked_at IS NOT NULL", (payment_id,)
    )
    return {r["account_id"] for r in rows}


async def clear_password_tries(tx: Transaction, payment_id: str) -> None:
    """A payment paid: its wrong passwords stop counting."""
    await tx.execute("DELETE FROM password_tries WHERE payment_id = ?", (payment_id,))


async def unlock_account(tx: Transaction, login_id: str) -> Account | None:
    """Open a locked account again on every payment, its wrong-password count back to 0;
    None if there is no such account."""
    await tx.execute(
        "DELETE FROM password_tries WHERE account_id = (SELECT account_id FROM accounts WHERE login_id = ?)",
        (login_id,),
    )
    await tx.execute("UPDATE accounts SET failed_tries = 0, locked_at = NULL WHERE login_id = ?", (login_id,))
    return await get_account_by_login(tx, login_id)


# --- payments ----------------------------------------------------------------------

_PAYMENT_COLUMNS = "*"


def payment_from_row(row) -> Payment:
    return Payment(
        payment_id=row["payment_id"],
        client_id=row["client_id"],
        payment_request_id=row["payment_request_id"],
        fingerprint=row["fingerprint"],
        status=PaymentStatus(row["status"]),
        result_code=row["result_code"],
        amount=Money(row["amount"], row["currency"]),
        refunded=row["refunded"],
        reference_order_id=row["reference_order_id"],
        order_description=row["order_description"],
        merchant_name=row["merchant_name"],
        request_json=row["request_json"],
        notify_url=row["notify_url"],
        redirect_url=row["redirect_url"],
        token=row["token"],
        account_id=row["account_id"],
        settle_to=PaymentStatus(row["settle_to"]) if row["settle_to"] else None,
        settle_at=_dt(row["settle_at"]),
        created_at=parse_iso(row["created_at"]),
        expires_at=parse_iso(row["expires_at"]),
        paid_at=_dt(row["paid_at"]),
        updated_at=_dt(row["updated_at"]),
    )


async def _one(db: Reader, where: str, params: tuple) -> Payment | None:
    row = await db.fetchone(f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE {where}", params)
    return payment_from_row(row) if row else None


async def payment_by_request(db: Reader, client_id: str, payment_request_id: str) -> Payment | None:
    return await _one(db, "client_id = ? AND payment_request_id = ?", (client_id, payment_request_id))


async def payment_by_id(db: Reader, payment_id: str, client_id: str | None = None) -> Payment | None:
    if client_id is None:
        return await _one(db, "payment_id = ?", (payment_id,))
    return await _one(db, "payment_id = ? AND client_id = ?", (payment_id, client_id))


async def get_payment(db: Reader, payment_id: str) -> Payment:
    """The payment ``payment_id``, which must be there (one just read or moved): the
    lookups above may find nothing, this one may not."""
    p = await payment_by_id(db, payment_id)
    if p is None:
        raise NoSuchPayment(payment_id)
    return p


async def payment_by_token(db: Reader, token: str) -> Payment | None:
    return await _one(db, "token = ?", (token,))


async def insert_payment(tx: Transaction, p: Payment, now: datetime) -> bool:
    """Insert unless this client's paymentRequestId exists; True when inserted."""
    return (
        await tx.execute(
            "INSERT INTO payments (payment_id, client_id, payment_request_id, fingerprint, status, result_code,"
            " currency, amount, reference_order_id, order_description, merchant_name, request_json, notify_url,"
            " redirect_url, token, created_at, expires_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (client_id, payment_request_id) DO NOTHING",
            (
                p.payment_id,
                p.client_id,
                p.payment_request_id,
                p.fingerprint,
                p.status.value,
                p.result_code,
                p.amount.currency,
                p.amount.value,
                p.reference_order_id,
                p.order_description,
                p.merchant_name,
                p.request_json,
                p.notify_url,
                p.redirect_url,
                p.token,
                _t(p.created_at),
                _t(p.expires_at),
                _t(now),
            ),
        )
        == 1
    )


async def move(tx: Transaction, payment_id: str, move: Move, now: datetime, **fields: Any) -> bool:
    """Make ``move`` if (and only if) the payment is still in one of its sources; True
    when this call won. Extra ``fields`` are written in the same UPDATE."""
    return await _move(tx, payment_id, move, now, "", fields)


async def _move(tx: Transaction, payment_id: str, move: Move, now: datetime, guard: str, fields: dict) -> bool:
    sets = ["status = ?", "updated_at = ?"]
    params: list[Any] = [move.target.value, _t(now)]
    for name, value in fields.items():
        sets.append(f"{name} = ?")
        params.append(
            _t(value) if isinstance(value, datetime) else value.value if isinstance(value, PaymentStatus) else value
        )
    marks = ",".join("?" for _ in move.sources)
    params += [payment_id, *(s.value for s in move.sources)]
    sql = f"UPDATE payments SET {', '.join(sets)} WHERE payment_id = ? AND status IN ({marks}){guard}"
    return await tx.execute(sql, params) == 1


async def next_due(db: Reader) -> dict[str, datetime | None]:
    """When the worker next has something to do, in one read: the next notification
    attempt (leases count), settlement and expiry."""
    row = await db.fetchone(
        "SELECT (SELECT MIN(MAX(next_attempt_at, COALESCE(lease_until, ''))) FROM notifications"
        "        WHERE status = 'PENDING') AS notify,"
        " MIN((SELECT COALESCE(MIN(settle_at), '9') FROM payments WHERE status = 'PROCESSING' AND settle_at IS NOT NULL),"
        "     (SELECT COALESCE(MIN(settle_at), '9') FROM refund_settlements WHERE settle_at IS NOT NULL)) AS settle,"
        " (SELECT MIN(expires_at) FROM payments WHERE status = 'INIT') AS expire"
    )
    if row is None:  # an aggregate answers with one row, always
        return dict.fromkeys(("notify", "settle", "expire"))
    # '9' sorts after every time: no settlement of either kind is due
    return {key: _dt(row[key]) if row[key] != "9" else None for key in ("notify", "settle", "expire")}


async def list_payments(db: Database, limit: int = 1000) -> list[Payment]:
    rows = await db.scan("SELECT * FROM payments ORDER BY created_at DESC LIMIT ?", (limit,))
    return [payment_from_row(r) for r in rows]


async def due_settlements(db: Reader, now: datetime, limit: int = 100) -> list[Payment]:
    rows = await db.fetchall(
        "SELECT * FROM payments WHERE status = 'PROCESSING' AND settle_at IS NOT NULL AND settle_at <= ?"
        " ORDER BY settle_at LIMIT ?",
        (_t(now), limit),
    )
    return [payment_from_row(r) for r in rows]


async def expired_payments(db: Reader, now: datetime, limit: int = 100) -> list[Payment]:
    rows = await db.fetchall(
        "SELECT * FROM payments WHERE status = 'INIT' AND expires_at <= ? ORDER BY expires_at LIMIT ?", (_t(now), limit)
    )
    return [payment_from_row(r) for r in rows]


# --- refunds -----------------------------------------------------------------------


def refund_from_row(row) -> Refund:
    return Refund(
        refund_id=row["refund_id"],
        client_id=row["client_id"],
        refund_request_id=row["refund_request_id"],
        fingerprint=row["fingerprint"],
        payment_id=row["payment_id"],
        status=RefundStatus(row["status"]),
        result_code=row["result_code"],
        amount=Money(row["amount"], row["currency"]),
        reason=row["reason"],
        reference_refund_id=row["reference_refund_id"],
        notify_url=row["notify_url"],
        created_at=parse_iso(row["created_at"]),
        refunded_at=_dt(row["refunded_at"]),
        payment_request_id=row["payment_request_id"],
        reference_order_id=row["reference_order_id"],
        settle_to=RefundStatus(row["settle_to"]) if row["settle_at"] else None,
        settle_at=_dt(row["settle_at"]),
        asynchronous=row["settle_to"] is not None,
    )


# A refund, the ids of the payment it gives back (the journal files it under them) and,
# for an asynchronous one, its settlement.
_REFUND_ROW = (
    "SELECT r.*, p.payment_request_id, p.reference_order_id, s.settle_to, s.settle_at"
    " FROM refunds r JOIN payments p USING (payment_id) LEFT JOIN refund_settlements s USING (refund_id)"
)


async def refund_by_request(db: Reader, client_id: str, refund_request_id: str) -> Refund | None:
    row = await db.fetchone(
        f"{_REFUND_ROW} WHERE r.client_id = ? AND r.refund_request_id = ?", (client_id, refund_request_id)
    )
    return refund_from_row(row) if row else None


async def refund_by_id(db: Reader, refund_id: str, client_id: str) -> Refund | None:
    row = await db.fetchone(f"{_REFUND_ROW} WHERE r.refund_id = ? AND r.client_id = ?", (refund_id, client_id))
    return refund_from_row(row) if row else None


async def refund_of_any_client(db: Reader, refund_id: str) -> Refund | None:
    """A refund whoever's it is (for the control plane)."""
    row = await db.fetchone(f"{_REFUND_ROW} WHERE r.refund_id = ?", (refund_id,))
    return refund_from_row(row) if row else None


async def refunds_of(db: Reader, payment_id: str) -> list[Refund]:
    rows = await db.fetchall(f"{_REFUND_ROW} WHERE r.payment_id = ? ORDER BY r.created_at, r.refund_id", (payment_id,))
    return [refund_from_row(r) for r in rows]


async def reverse_capture(tx: Transaction, payment_id: str, now: datetime) -> bool:
    """A paid payment cancelled, if nothing of it was refunded yet, in one conditional
    UPDATE (a racing refund or cancel cannot both win). The caller credits the buyer in
    the same transaction."""
    fields = {"result_code": "ORDER_IS_CANCELED"}
    return await _move(tx, payment_id, REVERSE_CAPTURE, now, " AND refunded = 0", fields)


async def add_refunded(tx: Transaction, payment_id: str, amount: Money) -> bool:
    """Count ``amount`` as refunded if the payment succeeded and what was captured still
    covers it; False (and nothing changed) otherwise. The one guard against over-refunds."""
    return (
        await tx.execute(
            "UPDATE payments SET refunded = refunded + ? WHERE payment_id = ? AND status = 'SUCCESS'"
            " AND currency = ? AND refunded + ? <= amount",
            (amount.value, payment_id, amount.currency, amount.value),
        )
        == 1
    )


async def insert_refund(tx: Transaction, r: Refund, request: dict) -> None:
    await tx.execute(
        "INSERT INTO refunds (refund_id, client_id, refund_request_id, fingerprint, payment_id, status, result_code,"
        " currency, amount, reason, reference_refund_id, notify_url, request_json, created_at, refunded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            r.refund_id,
            r.client_id,
            r.refund_request_id,
            r.fingerprint,
            r.payment_id,
            r.status.value,
            r.result_code,
            r.amount.currency,
            r.amount.value,
            r.reason,
            r.reference_refund_id,
            r.notify_url,
            json.dumps(request, ensure_ascii=False),
            _t(r.created_at),
            _t(r.refunded_at),
        ),
    )


async def set_aside_refund(tx: Transaction, refund_id: str, settle_to: RefundStatus, settle_at: datetime) -> None:
    """Make a (PROCESSING) refund asynchronous: it settles to ``settle_to`` at ``settle_at``."""
    await tx.execute(
        "INSERT INTO refund_settlements (refund_id, settle_to, settle_at) VALUES (?, ?, ?)",
        (refund_id, settle_to.value, _t(settle_at)),
    )


async def settle_refund(tx: Transaction, refund_id: str, to: RefundStatus, result_code: str, now: datetime) -> bool:
    """PROCESSING to ``to``, if (and only if) it is still PROCESSING; True when this call won."""
    won = (
        await tx.execute(
            "UPDATE refunds SET status = ?, result_code = ?, refunded_at = ? WHERE refund_id = ? AND status = 'PROCESSING'",
            (to.value, result_code, _t(now) if to is RefundStatus.SUCCESS else None, refund_id),
        )
        == 1
    )
    if won:
        await tx.execute("UPDATE refund_settlements SET settle_at = NULL WHERE refund_id = ?", (refund_id,))
    return won


async def release_refunded(tx: Transaction, payment_id: str, amount: Money) -> None:
    """A refund that failed after setting its amount aside gives it back to what can be refunded."""
    await tx.execute("UPDATE payments SET refunded = refunded - ? WHERE payment_id = ?", (amount.value, payment_id))


async def due_refunds(db: Reader, now: datetime, limit: int = 100) -> list[Refund]:
    rows = await db.fetchall(
        f"{_REFUND_ROW} WHERE s.settle_at IS NOT NULL AND s.settle_at <= ? AND r.status = 'PROCESSING'"
        " ORDER BY s.settle_at LIMIT ?",
        (_t(now), limit),
    )
    return [refund_from_row(r) for r in rows]


async def add_refund_outcome(tx: Transaction, outcome: str, payment_id: str | None, count: int, now: datetime) -> int:
    return await tx.insert(
        "INSERT INTO refund_outcomes (outcome, payment_id, remaining, created_at) VALUES (?, ?, ?, ?)",
        (outcome, payment_id, count, _t(now)),
    )


async def take_refund_outcome(tx: Transaction, payment_id: str) -> str | None:
    """The next forced refund outcome for this payment (one for it first, then one for
    any payment), used once; None when nothing is queued."""
    row = await tx.fetchone(
        "SELECT id, outcome, remaining FROM refund_outcomes WHERE payment_id = ? OR payment_id IS NULL"
        " ORDER BY payment_id IS NULL, id LIMIT 1",
        (payment_id,),
    )
    if row is None:
        return None
    if row["remaining"] <= 1:
        await tx.execute("DELETE FROM refund_outcomes WHERE id = ?", (row["id"],))
    else:
        await tx.execute("UPDATE refund_outcomes SET remaining = remaining - 1 WHERE id = ?", (row["id"],))
    return row["outcome"]


async def refund_outcomes(db: Reader) -> list[dict]:
    rows = await db.fetchall("SELECT * FROM refund_outcomes ORDER BY id")
    return [dict(r) for r in rows]


async def clear_refund_outcomes(tx: Transaction) -> int:
    return await tx.execute("DELETE FROM refund_outcomes")


# --- notification outbox -----------------------------------------------------------


async def enqueue_notification(
    tx: Transaction,
    payment_id: str,
    client_id: str,
    notify_type: str,
    url: str,
    body: dict,
    now: datetime,
    lease_until: datetime | None = None,
) -> int:
    """A row of the outbox, due now; with ``lease_until``, already leased to this process
    (which sends it once the transaction has committed)."""
    return await tx.insert(
        "INSERT INTO notifications (payment_id, client_id, notify_type, url, body, status, next_attempt_at, created_at,"
        " lease_until) VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)",
        (
            payment_id,
            client_id,
            notify_type,
            url,
            json.dumps(body, ensure_ascii=False),
            _t(now),
            _t(now),
            _t(lease_until),
        ),
    )


_NOTIFICATION_ROW = (
    "SELECT n.*, p.reference_order_id FROM notifications n JOIN payments p ON p.payment_id = n.payment_id"
)


def _notification(row) -> Notification:
    return Notification(
        notification_id=row["notification_id"],
        payment_id=row["payment_id"],
        client_id=row["client_id"],
        notify_type=row["notify_type"],
        url=row["url"],
        body=row["body"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        lease_until=row["lease_until"],
        created_at=row["created_at"],
        delivered_at=row["delivered_at"],
        last_error=row["last_error"],
        reference_order_id=row["reference_order_id"],
    )


async def claim_due_notifications(
    tx: Transaction, now: datetime, lease_until: datetime, limit: int = 50
) -> list[Notification]:
    """Due rows, leased to the caller in the same transaction: a row is sent by one
    attempt at a time, and a lease left by a killed process simply runs out."""
    rows = await tx.fetchall(
        f"{_NOTIFICATION_ROW} WHERE n.status = 'PENDING' AND n.next_attempt_at <= ?"
        " AND (n.lease_until IS NULL OR n.lease_until <= ?) ORDER BY n.next_attempt_at LIMIT ?",
        (_t(now), _t(now), limit),
    )
    if rows:
        marks = ",".join("?" for _ in rows)
        await tx.execute(
            f"UPDATE notifications SET lease_until = ? WHERE notification_id IN ({marks})",
            (_t(lease_until), *(r["notification_id"] for r in rows)),
        )
    return [_notification(r) for r in rows]


async def release_leases(tx: Transaction) -> None:
    """At start-up nothing is in flight: leases of a previous process are void."""
    await tx.execute("UPDATE notifications SET lease_until = NULL WHERE lease_until IS NOT NULL")


async def notification(db: Reader, notification_id: int) -> Notification | None:
    row = await db.fetchone(f"{_NOTIFICATION_ROW} WHERE n.notification_id = ?", (notification_id,))
    return _notification(row) if row else None


async def record_attempt(
    tx: Transaction,
    notification_id: int,
    attempt: int,
    now: datetime,
    http_status: int | None,
    outcome: str,
    detail: str | None,
    status: str,
    next_attempt_at: datetime | None,
) -> None:
    await tx.execute(
        "INSERT INTO notification_attempts (notification_id, attempt, at, http_status, outcome, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (notification_id, attempt, _t(now), http_status, outcome, detail),
    )
    await tx.execute(
        "UPDATE notifications SET attempts = ?, status = ?, next_attempt_at = ?, last_error = ?, lease_until = NULL,"
        " delivered_at = CASE WHEN ? = 'DELIVERED' THEN ? ELSE delivered_at END WHERE notification_id = ?",
        (
            attempt,
            status,
            _t(next_attempt_at),
            None if status == "DELIVERED" else detail,
            status,
            _t(now),
            notification_id,
        ),
    )


async def notifications_of(db: Database, payment_id: str | None = None, limit: int = 1000) -> list[Notification]:
    if payment_id:
        rows = await db.fetchall(
            f"{_NOTIFICATION_ROW} WHERE n.payment_id = ? ORDER BY n.notification_id", (payment_id,)
        )
    else:
        rows = await db.scan(f"{_NOTIFICATION_ROW} ORDER BY n.notification_id DESC LIMIT ?", (limit,))
    return [_notification(r) for r in rows]


async def attempts_of(db: Reader, notification_id: int) -> list[dict[str, Any]]:
    """Every delivery attempt of a notification: attempt, at, http_status, outcome, detail."""
    rows = await db.fetchall(
        "SELECT * FROM notification_attempts WHERE notification_id = ? ORDER BY attempt", (notification_id,)
    )
    return [dict(r) for r in rows]


# --- simulator state ---------------------------------------------------------------


async def get_state(db: Reader, key: str, default: Any = None) -> Any:
    row = await db.fetchone("SELECT value FROM sim_state WHERE key = ?", (key,))
    return json.loads(row["value"]) if row else default


async def set_state(tx: Transaction, key: str, value: Any) -> None:
    await tx.execute(
        "INSERT INTO sim_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )


async def reset(tx: Transaction) -> None:
    """Delete every payment and what hangs off it; balances go back to the seed."""
    tables = [r["name"] for r in await tx.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in (
        "password_tries",
        "notification_attempts",
        "notifications",
        "refund_settlements",
        "refund_outcomes",
        "refunds",
        "payments",
        "balances",
        "sim_state",
        "access_tokens",
    ):
        if table in tables:
            await tx.execute(f"DELETE FROM {table}")
    await tx.execute("DELETE FROM accounts")


# --- access tokens (the miniprogram profile's applyToken) ---------------------------------


async def insert_access_token(
    tx: Transaction,
    access_token: str,
    client_id: str,
    customer_id: str,
    scopes: tuple[str, ...],
    code_nonce: str | None,
    refresh_token: str,
    expires_at: datetime,
    refresh_expires_at: datetime,
    now: datetime,
) -> bool:
    """False when the auth code (its nonce) was redeemed before."""
    inserted = await tx.execute(
        "INSERT OR IGNORE INTO access_tokens (access_token, client_id, customer_id, scopes, code_nonce,"
        " refresh_token, expires_at, refresh_expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            access_token,
            client_id,
            customer_id,
            json.dumps(list(scopes)),
            code_nonce,
            refresh_token,
            _t(expires_at),
            _t(refresh_expires_at),
            _t(now),
        ),
    )
    return inserted == 1


async def take_refresh_token(tx: Transaction, client_id: str, refresh_token: str, now: datetime) -> dict | None:
    """Spend a refresh token: the row it belongs to (``refreshed_at`` set before this
    call if it was spent already), or None if this client never got it."""
    row = await tx.fetchone(
        "SELECT * FROM access_tokens WHERE refresh_token = ? AND client_id = ?", (refresh_token, client_id)
    )
    if row is None:
        return None
    out = dict(row)
    if out["refreshed_at"] is None:
        await tx.execute("UPDATE access_tokens SET refreshed_at = ? WHERE refresh_token = ?", (_t(now), refresh_token))
    out["scopes"] = tuple(json.loads(out["scopes"]))
    return out
