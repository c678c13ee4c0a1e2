"""The database helper every app uses: one SQLite file in WAL mode per app.

Writes go through one writer connection behind an asyncio lock, and every unit of work
runs in its own ``BEGIN IMMEDIATE`` transaction: concurrent handlers sharing a connection
would otherwise share a transaction (a commit in one would commit the other's half-done
statements).

Where statements run, and why (measured, see docs/benchmarks.md): the writer and a
reader for point lookups are plain ``sqlite3`` connections used on the event loop's
thread. Their statements take tens of microseconds (WAL, ``synchronous=NORMAL``: a
commit appends to the WAL without an fsync), far less than a trip to a worker thread:
with every statement sent through aiosqlite's thread, thread wake-ups and GIL hand-offs
cost a journey twice the CPU of the whole journey's real work. What can be long —
scans of many rows (the journal, listings) and WAL checkpoints, which fsync — runs on
an aiosqlite connection, off the loop.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Iterable, Sequence

import aiosqlite

log = logging.getLogger("tradepay_sim.db")

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # NORMAL in WAL mode survives a killed process (SIGKILL), which is what we test;
    # only a power cut can lose the last commits.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    # Random keys (payment tokens, ids) touch pages all over their indexes: 8 MB per
    # connection (SQLite's default is 2) keeps the hot ones. Only the writer's cache lasts
    # (another connection's commit empties a reader's), and since checkpoints restart the
    # WAL instead of truncating it, it is no longer emptied at each checkpoint either: at
    # 32 MB the simulator's memory grew 1.6x over 10,000 journeys, at 8 MB 1.14x, at the
    # same speed (growth benchmark). A memory map measured slower here: page faults.
    "PRAGMA cache_size=-8192",
)
# The writer never checkpoints (a checkpoint fsyncs, which must not stall the loop);
# the background task does, off the loop, once the WAL has grown this much. It finishes
# under the writer's lock, so that the checkpoint completes and the WAL starts over: a
# PASSIVE checkpoint alone, beside a busy writer, never finishes, and the WAL grew to
# 575 MB in 10,000 journeys, slowing every read (measured by the growth benchmark).
CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024
CHECKPOINT_EVERY_SECONDS = 0.25

Params = Sequence[Any] | dict


class Transaction:
    """Statements of one unit of work; committed together or not at all."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self.after_commit: list[Any] = []

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; return the number of rows it changed."""
        return self._conn.execute(sql, params).rowcount

    async def insert(self, sql: str, params: Params = ()) -> int | None:
        return self._conn.execute(sql, params).lastrowid

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return self._conn.execute(sql, params).fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    async def run(self, fn):
        """Run ``fn(conn)`` with the raw sqlite3 connection (a loop of statements)."""
        return fn(self._conn)

    def on_commit(self, callback) -> None:
        """Run ``callback()`` once the transaction has committed (e.g. wake a worker)."""
        self.after_commit.append(callback)


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, nothing implicit.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


class Database:
    def __init__(self, path: Path, schema: str):
        self.path = Path(path)
        self.schema = schema
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._offload: aiosqlite.Connection | None = None
        self._checkpoints: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> "Database":
        """Open the connections; if any step fails, what was opened is closed again (an
        aiosqlite thread left running would keep the process from exiting)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = _connect(self.path)
            self._writer.executescript(self.schema)
            self._writer.execute("PRAGMA wal_autocheckpoint=0")
            self._reader = _connect(self.path)
            self._offload = await aiosqlite.connect(self.path, isolation_level=None)
            self._offload.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                await self._offload.execute(pragma)
        except BaseException:
            await self.close()
            raise
        self._checkpoints = asyncio.create_task(self._checkpoint_loop(), name=f"checkpoint-{self.path.name}")
        return self

    async def close(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.cancel()
            await asyncio.gather(self._checkpoints, return_exceptions=True)
        if self._offload is not None:
            try:
                await self._offload.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # closing anyway: the next open replays the WAL
            await self._offload.close()
        for conn in (self._reader, self._writer):
            if conn is not None:
                conn.close()
        self._reader = self._writer = self._offload = self._checkpoints = None

    async def _checkpoint_loop(self) -> None:
        page_size = (await (await self._offload.execute("PRAGMA page_size")).fetchone())[0]
        restarted_at = None  # the WAL's frame count at the last restart
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY_SECONDS)
            try:
                # Copy what can be copied beside the writers. The file keeps its size after
                # a restart (that is what makes a restart cheaper than a truncation): the
                # frame count says how much was written since.
                _busy, frames, _copied = await (await self._offload.execute("PRAGMA wal_checkpoint(PASSIVE)")).fetchone()
                if frames != restarted_at and frames * page_size >= CHECKPOINT_WAL_BYTES:
                    # Then restart the WAL under the writer's lock, where only what was
                    # written meanwhile is left to copy: writes wait ~6 ms, not the ~27 ms
                    # of a whole TRUNCATE under the lock, which made the wallet's p99.
                    async with self._lock:
                        _busy, restarted_at, _copied = await (
                            await self._offload.execute("PRAGMA wal_checkpoint(RESTART)")).fetchone()
            except (OSError, sqlite3.Error):
                log.exception("WAL checkpoint of %s failed", self.path.name)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """``async with db.transaction() as tx:`` one atomic unit of work."""
        assert self._writer is not None, "database is not open"
        async with self._lock:
            tx = Transaction(self._writer)
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield tx
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise
            self._writer.execute("COMMIT")
        for callback in tx.after_commit:
            callback()

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """A point lookup, on the loop (microseconds)."""
        assert self._reader is not None, "database is not open"
        return self._reader.execute(sql, params).fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """A small read, on the loop. Use ``scan`` for reads of many rows."""
        assert self._reader is not None, "database is not open"
        return self._reader.execute(sql, params).fetchall()

    async def scan(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """A read of possibly many rows, off the loop (aiosqlite's thread)."""
        assert self._offload is not None, "database is not open"
        return list(await self._offload.execute_fetchall(sql, params))
