"""The wallet's SQL guards, on a real SQLite file: the conditional UPDATE that keeps
refunds within what was captured, and the schema's own CHECK behind it."""

import sqlite3
from datetime import UTC, datetime

import pytest

from simulator.core.db import Database
from simulator.core.money import Money
from wallet_mock import store
from wallet_mock.app import SCHEMA
from wallet_mock.models import Payment, PaymentStatus

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path):
    database = await Database(tmp_path / "wallet.sqlite3", SCHEMA).open()
    async with database.transaction() as tx:
        await tx.execute(
            "INSERT INTO merchants (client_id, name, public_key_pem, created_at) VALUES ('C', 'c', 'k', 'x')"
        )
        for pid, status in (("PAID", PaymentStatus.SUCCESS), ("OPEN", PaymentStatus.INIT)):
            await store.insert_payment(
                tx,
                Payment(
                    payment_id=pid,
                    client_id="C",
                    payment_request_id=pid,
                    fingerprint="f",
                    status=status,
                    result_code="SUCCESS",
                    amount=Money(1000, "USD"),
                    refunded=0,
                    reference_order_id="O",
                    order_description="d",
                    merchant_name=None,
                    request_json="{}",
                    notify_url=None,
                    redirect_url=None,
                    token=pid,
                    account_id=None,
                    settle_to=None,
                    settle_at=None,
                    created_at=NOW,
                    expires_at=NOW,
                    paid_at=None,
                ),
                NOW,
            )
    yield database
    await database.close()


async def refunded(db, payment_id: str) -> int:
    return (await db.fetchone("SELECT refunded FROM payments WHERE payment_id = ?", (payment_id,)))["refunded"]


async def test_add_refunded_stops_at_the_captured_amount(db):
    async with db.transaction() as tx:
        assert await store.add_refunded(tx, "PAID", Money(700, "USD"))
        assert not await store.add_refunded(tx, "PAID", Money(301, "USD"))
        assert await store.add_refunded(tx, "PAID", Money(300, "USD"))
        assert not await store.add_refunded(tx, "PAID", Money(1, "USD"))
    assert await refunded(db, "PAID") == 1000


async def test_add_refunded_needs_a_successful_payment_in_its_currency(db):
    async with db.transaction() as tx:
        assert not await store.add_refunded(tx, "OPEN", Money(1, "USD"))
        assert not await store.add_refunded(tx, "PAID", Money(1, "EUR"))
        assert not await store.add_refunded(tx, "NOPE", Money(1, "USD"))
    assert await refunded(db, "PAID") == 0 and await refunded(db, "OPEN") == 0


async def test_the_schema_itself_refuses_an_over_refund(db):
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await tx.execute("UPDATE payments SET refunded = amount + 1 WHERE payment_id = 'PAID'")
    assert await refunded(db, "PAID") == 0
