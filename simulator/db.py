"""The database helper every app uses: one SQLite file in WAL mode per app.

Writes go through one writer connection behind an asyncio lock, and every unit of work
runs in its own ``BEGIN IMMEDIATE`` transaction: concurrent handlers sharing a connection
would otherwise share a transaction (a commit in one would commit the other's half-done
statements). Reads use a second connection, which WAL lets run beside the writer.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Iterable, Sequence

import aiosqlite

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # NORMAL in WAL mode survives a killed process (SIGKILL), which is what we test;
    # only a power cut can lose the last commits.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


class Transaction:
    """Statements of one unit of work; committed together or not at all."""

    def __init__(self, conn: aiosqlite.Connection):
        self._conn = conn
        self.after_commit: list[Any] = []

    async def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> int:
        """Run a statement; return the number of rows it changed."""
        cursor = await self._conn.execute(sql, params)
        count = cursor.rowcount
        await cursor.close()
        return count

    async def insert(self, sql: str, params: Sequence[Any] | dict = ()) -> int | None:
        cursor = await self._conn.execute(sql, params)
        rowid = cursor.lastrowid
        await cursor.close()
        return rowid

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> sqlite3.Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    @asynccontextmanager
    async def savepoint(self, name: str = "unit") -> AsyncIterator[None]:
        """A nested unit inside the transaction: rolled back alone if it raises."""
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self._conn.execute(f"ROLLBACK TO {name}")
            await self._conn.execute(f"RELEASE {name}")
            raise
        await self._conn.execute(f"RELEASE {name}")

    def on_commit(self, callback) -> None:
        """Run ``callback()`` once the transaction has committed (e.g. wake a worker)."""
        self.after_commit.append(callback)


class Database:
    def __init__(self, path: Path, schema: str):
        self.path = Path(path)
        self.schema = schema
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> "Database":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        await self._writer.executescript(self.schema)
        self._reader = await self._connect()
        return self

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, nothing implicit.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        return conn

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """``async with db.transaction() as tx:`` one atomic unit of work."""
        assert self._writer is not None, "database is not open"
        async with self._lock:
            tx = Transaction(self._writer)
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield tx
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")
        for callback in tx.after_commit:
            callback()

    # Reads run execute-and-fetch-all as one call in the connection's thread. An open
    # cursor on the shared reader would hold its read snapshot while other coroutines
    # query through the same connection, and they would see data from before commits.
    async def fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> sqlite3.Row | None:
        assert self._reader is not None, "database is not open"
        rows = await self._reader.execute_fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[sqlite3.Row]:
        assert self._reader is not None, "database is not open"
        return list(await self._reader.execute_fetchall(sql, params))
