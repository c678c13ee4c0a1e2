"""The database helper's WAL upkeep: checkpoints keep the WAL bounded under a steady
stream of writes, lose nothing, and leave an idle database alone."""

import asyncio
import sqlite3
import tempfile
from pathlib import Path

import pytest

from simulator.core import db as db_mod
from simulator.core.db import Database
from simulator.testing.sim import wait_for

SCHEMA = "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"


@pytest.fixture
def memory_folder(tmp_path):
    """A folder in memory (tmpfs) where the machine has one, else tmp_path. A checkpoint
    ends with an fsync of the database, and while it waits the writer goes on: on a disk
    busy with other tests' fsyncs (make test runs three workers) the WAL peaked at 10-12 MB
    instead of ~2 (measured beside a dd loop). That is the disk's latency, not the
    checkpoints' logic, which is what the bound below is about."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="tradepay-sim-test-") as folder:
        yield Path(folder)


async def test_the_wal_stays_bounded_under_writes_and_nothing_is_lost(memory_folder, monkeypatch):
    monkeypatch.setattr(db_mod, "CHECKPOINT_WAL_BYTES", 256 * 1024)
    monkeypatch.setattr(db_mod, "CHECKPOINT_EVERY_SECONDS", 0.01)
    db = await Database(memory_folder / "x.sqlite3", SCHEMA).open()
    wal = memory_folder / "x.sqlite3-wal"
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
    db = await Database(memory_folder / "x.sqlite3", SCHEMA).open()
    try:
        assert (await db.fetchone("SELECT count(*) FROM t"))[0] == 3000
    finally:
        await db.close()


async def test_an_idle_database_is_not_checkpointed_again_and_again(tmp_path, monkeypatch):
    monkeypatch.setattr(db_mod, "CHECKPOINT_WAL_BYTES", 64 * 1024)
    monkeypatch.setattr(db_mod, "CHECKPOINT_EVERY_SECONDS", 0.01)
    db = await Database(tmp_path / "x.sqlite3", SCHEMA).open()
    rounds = []  # the checkpoint task's rounds: each starts with a PASSIVE checkpoint
    restarts = []  # the round each restart came in
    db._writer.set_trace_callback(lambda sql: restarts.append(len(rounds)) if "RESTART" in sql else None)
    offload_execute = db._offload.execute

    async def counted(sql, *args, **kwargs):
        if "PASSIVE" in sql:
            rounds.append(sql)
        return await offload_execute(sql, *args, **kwargs)

    db._offload.execute = counted
    try:
        for _ in range(200):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t (body) VALUES (?)", ("y" * 2000,))

        async def checkpointed_and_idle():  # restarted, and five rounds since with nothing to do
            return bool(restarts) and len(rounds) >= restarts[-1] + 5

        await wait_for(checkpointed_and_idle)  # the writes were checkpointed
        before, seen = len(restarts), len(rounds)

        async def thirty_rounds_later():
            return len(rounds) >= seen + 30

        await wait_for(thirty_rounds_later)  # nothing written meanwhile
        assert len(restarts) == before
    finally:
        await db.close()


# Group commit: the units of one turn of the loop share a transaction.


async def _open(tmp_path):
    return await Database(tmp_path / "g.sqlite3", SCHEMA).open()


async def test_units_started_together_share_one_commit_and_each_is_stored_before_its_caller_goes_on(tmp_path):
    db = await _open(tmp_path)
    commits = []
    db._writer.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    seen_by_caller = []

    async def unit(i):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t (id, body) VALUES (?, ?)", (i, f"unit {i}"))
        # Past the block, the row is committed: another connection sees it.
        seen_by_caller.append((await db.fetchone("SELECT body FROM t WHERE id = ?", (i,)))["body"])

    try:
        await asyncio.gather(*(unit(i) for i in range(20)))
        assert seen_by_caller == [f"unit {i}" for i in range(20)]
        assert 1 <= len(commits) <= 2, commits  # twenty units, not twenty commits
    finally:
        await db.close()


async def test_a_failing_unit_is_rolled_back_alone_and_the_others_of_its_turn_are_kept(tmp_path):
    db = await _open(tmp_path)

    async def unit(i):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t (id, body) VALUES (?, ?)", (i, "first"))
            await tx.execute("INSERT INTO t (id, body) VALUES (?, ?)", (100 + i, "second"))
            if i % 3 == 1:
                raise ValueError("this unit fails after writing")

    try:
        results = await asyncio.gather(*(unit(i) for i in range(9)), return_exceptions=True)
        failed = {i for i, r in enumerate(results) if isinstance(r, ValueError)}
        assert failed == {1, 4, 7}
        ids = {row[0] for row in await db.fetchall("SELECT id FROM t")}
        kept = set(range(9)) - failed
        assert ids == kept | {100 + i for i in kept}  # nothing half-done, nothing of the others lost
    finally:
        await db.close()


async def test_a_failing_first_unit_costs_nothing_to_the_units_after_it(tmp_path):
    db = await _open(tmp_path)

    async def failing():
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t (id, body) VALUES (1, 'x')")
            await tx.execute("INSERT INTO t (id, body) VALUES (1, 'duplicate')")  # IntegrityError

    async def fine(i):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t (id, body) VALUES (?, 'ok')", (i,))

    try:
        results = await asyncio.gather(failing(), fine(2), fine(3), return_exceptions=True)
        assert isinstance(results[0], sqlite3.IntegrityError) and results[1:] == [None, None]
        assert [row[0] for row in await db.fetchall("SELECT id FROM t ORDER BY id")] == [2, 3]
    finally:
        await db.close()


async def test_after_commit_callbacks_run_once_the_rows_are_visible(tmp_path):
    db = await _open(tmp_path)
    visible_when_called = []
    try:

        async def unit(i):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t (id, body) VALUES (?, 'x')", (i,))
                tx.on_commit(
                    lambda: visible_when_called.append(
                        db._reader.execute("SELECT count(*) FROM t WHERE id = ?", (i,)).fetchone()[0]
                    )
                )

        await asyncio.gather(*(unit(i) for i in range(5)))
        assert visible_when_called == [1] * 5
    finally:
        await db.close()


async def test_a_failed_commit_reaches_every_caller_of_its_turn(tmp_path):
    db = await _open(tmp_path)
    try:
        # A deferred foreign key fails only at COMMIT: the whole shared transaction fails,
        # and every unit in it must hear so (none may believe it was stored).
        db._writer.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        db._writer.execute(
            "CREATE TABLE child (id INTEGER PRIMARY KEY,"
            " parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"
        )

        async def unit(i, parent):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO child (id, parent) VALUES (?, ?)", (i, parent))

        results = await asyncio.gather(unit(1, None), unit(2, 999), unit(3, None), return_exceptions=True)
        assert all(isinstance(r, sqlite3.IntegrityError) for r in results), results
        assert (await db.fetchone("SELECT count(*) FROM child"))[0] == 0
        # The next turn starts afresh.
        await unit(4, None)
        assert (await db.fetchone("SELECT count(*) FROM child"))[0] == 1
    finally:
        await db.close()


async def test_close_commits_what_is_open(tmp_path):
    db = await _open(tmp_path)
    task = asyncio.ensure_future(_insert_one(db, 7))
    await asyncio.sleep(0)  # the unit is done, its commit not yet made
    await db.close()
    await task
    db = await _open(tmp_path)
    try:
        assert (await db.fetchone("SELECT count(*) FROM t WHERE id = 7"))[0] == 1
    finally:
        await db.close()


async def _insert_one(db, i):
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO t (id, body) VALUES (?, 'x')", (i,))


async def test_the_wal_restart_gives_up_at_once_while_a_reader_holds_the_wal(tmp_path):
    """The restart runs on the loop: it must never wait for a reader (the busy timeout
    would stall every request for up to ten seconds)."""
    db = await _open(tmp_path)
    other = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    try:
        for i in range(50):
            await _insert_one(db, i)
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM t").fetchone()  # a read transaction on the WAL
        await _insert_one(db, 1000)  # so that the reader's snapshot is not the newest
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert db._restart_wal() is None
        assert loop.time() - started < 1
        other.execute("COMMIT")
        assert db._restart_wal() is not None
        await _insert_one(db, 1001)  # the WAL starts over: the new frame is its first
        assert (await db.fetchone("PRAGMA wal_checkpoint(PASSIVE)"))[1] == 1
    finally:
        other.close()
        await db.close()


async def test_a_caller_goes_on_in_the_turn_after_its_commit_and_a_cancelled_one_costs_the_others_nothing(tmp_path):
    # Under load a turn of the loop lasts milliseconds: each turn a write waits is latency.
    # The COMMIT runs in the turn after the unit; its caller must go on in the one after
    # that (with a shield around a shared future it was one turn later still).
    db = await _open(tmp_path)
    loop = asyncio.get_running_loop()
    turn = 0

    def tick():
        nonlocal turn
        turn += 1
        ticker[0] = loop.call_soon(tick)

    commit_turn = []
    db._writer.set_trace_callback(lambda sql: commit_turn.append(turn) if sql == "COMMIT" else None)

    async def unit(i):
        began = turn
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t (id, body) VALUES (?, ?)", (i, "x"))
        return began, turn

    ticker = [loop.call_soon(tick)]
    try:
        doomed = asyncio.ensure_future(unit(99))
        resumed = asyncio.gather(*(unit(i) for i in range(5)))
        await asyncio.sleep(0)  # the units run (and wait)
        doomed.cancel()  # its caller gives up while waiting: the rows are stored all the same
        turns = await resumed
        began = turns[0][0]
        assert commit_turn == [began + 1], (commit_turn, turns)
        assert turns == [(began, began + 2)] * 5, turns
        assert (await db.fetchone("SELECT count(*) FROM t"))[0] == 6
    finally:
        ticker[0].cancel()
        await db.close()
