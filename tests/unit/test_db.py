"""The database helper's WAL upkeep: checkpoints keep the WAL bounded under a steady
stream of writes, lose nothing, and leave an idle database alone."""

import asyncio

from simulator import db as db_mod
from simulator.db import Database

SCHEMA = "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"


async def test_the_wal_stays_bounded_under_writes_and_nothing_is_lost(tmp_path, monkeypatch):
    monkeypatch.setattr(db_mod, "CHECKPOINT_WAL_BYTES", 256 * 1024)
    monkeypatch.setattr(db_mod, "CHECKPOINT_EVERY_SECONDS", 0.01)
    db = await Database(tmp_path / "x.sqlite3", SCHEMA).open()
    wal = tmp_path / "x.sqlite3-wal"
    largest = 0
    try:
        for i in range(3000):  # one small transaction at a time
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t (body) VALUES (?)", ("x" * 3000,))
            if i % 20 == 0:
                await asyncio.sleep(0.002)  # let the checkpoint task run, as a loop serving requests does
                largest = max(largest, wal.stat().st_size)
    finally:
        await db.close()
    assert largest < 6 * 1024 * 1024, largest  # ~2.5 MB seen; without checkpoints, 37 MB
    db = await Database(tmp_path / "x.sqlite3", SCHEMA).open()
    try:
        assert (await db.fetchone("SELECT count(*) FROM t"))[0] == 3000
    finally:
        await db.close()


async def test_an_idle_database_is_not_checkpointed_again_and_again(tmp_path, monkeypatch):
    monkeypatch.setattr(db_mod, "CHECKPOINT_WAL_BYTES", 64 * 1024)
    monkeypatch.setattr(db_mod, "CHECKPOINT_EVERY_SECONDS", 0.01)
    db = await Database(tmp_path / "x.sqlite3", SCHEMA).open()
    restarts = []
    execute = db._offload.execute

    async def counting(sql, *args):
        if "RESTART" in sql:
            restarts.append(sql)
        return await execute(sql, *args)

    db._offload.execute = counting
    try:
        for _ in range(200):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t (body) VALUES (?)", ("y" * 2000,))
        await asyncio.sleep(0.2)
        assert restarts  # the writes were checkpointed
        before = len(restarts)
        await asyncio.sleep(0.3)  # thirty rounds of the checkpoint task, nothing written
        assert len(restarts) == before
    finally:
        await db.close()
