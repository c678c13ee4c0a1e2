"""The database helper every app uses: one SQLite file in WAL mode per app.

Writes go through one writer connection behind an asyncio lock, and every unit of work
runs in its own ``BEGIN IMMEDIATE`` transaction: concurrent handlers sharing a connection
would otherwise share a transaction (a commit in one would commit the other's half-done
statements).

Where statements run: the writer and a reader for point lookups are plain ``sqlite3``
connections used on the event loop's thread (WAL, ``synchronous=NORMAL``: a commit appends
to the WAL without an fsync, in less time than a trip to a worker thread takes). What can
be long — scans of many rows (the journal, listings) and WAL checkpoints, which fsync —
runs on an aiosqlite connection, off the loop. Why: docs/decisions/sqlite-on-the-loop.md.

Group commit: the units of work that start in one turn of the event loop share one
SQLite transaction, each in a savepoint of its own (a unit that fails is rolled back
alone), and one COMMIT ends them all in the next turn. Every caller waits for that
COMMIT before it goes on, so nothing is answered before it is stored; it goes on in the
turn after the COMMIT's. Why: docs/decisions/group-commit.md.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger("tradepay_sim.db")

BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # NORMAL in WAL mode survives a killed process (SIGKILL), which is what we test;
    # only a power cut can lose the last commits.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    # 8 MB of pages per connection (SQLite's default is 2) keeps the hot pages of the
    # indexes; more only grows memory, since a RESTART does not empty the writer's cache
    # (docs/decisions/wal-checkpoints.md).
    "PRAGMA cache_size=-8192",
)
# The background task checkpoints: a PASSIVE checkpoint off the loop (aiosqlite's thread)
# copies the WAL into the database beside the writers, and once the WAL has grown this
# much, a RESTART under the writer's lock copies what was written meanwhile and starts the
# WAL over (a PASSIVE checkpoint alone, beside a busy writer, never finishes). The restart
# holds the loop, so it should come rarely: docs/decisions/wal-checkpoints.md.
CHECKPOINT_WAL_BYTES = 32 * 1024 * 1024
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

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT of one row; return its rowid."""
        rowid = self._conn.execute(sql, params).lastrowid
        if rowid is None:  # only before any INSERT on the connection
            raise sqlite3.OperationalError(f"no row inserted by {sql.split('(', 1)[0].strip()}")
        return rowid

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


async def _pragma(conn: aiosqlite.Connection, pragma: str) -> Any:
    """A PRAGMA's answer, off the loop: its one value, or its row of values."""
    row = await (await conn.execute(f"PRAGMA {pragma}")).fetchone()
    if row is None:  # every PRAGMA asked here answers with a row
        raise sqlite3.OperationalError(f"PRAGMA {pragma} answered nothing")
    return row[0] if len(row) == 1 else tuple(row)


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, nothing implicit.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


class _Batch:
    """One SQLite transaction shared by the units of work of one turn of the loop."""

    __slots__ = ("after_commit", "commit_task", "units", "waiters")

    def __init__(self):
        # One future per unit done, each awaited by its own caller only: a caller cancelled
        # while it waits cancels its own future and nobody else's, so no shield is needed
        # (a shield around one shared future cost every caller one more turn of the loop, and
        # under load a turn lasts milliseconds: tests/unit/test_db.py counts the turns).
        self.waiters: list[asyncio.Future] = []
        self.units = 0
        self.after_commit: list[Any] = []
        self.commit_task: asyncio.Task | None = None  # held here: the loop keeps only weak references

    def end(self, exc: BaseException | None = None) -> None:
        """Every caller still waiting goes on: stored, or with ``exc`` (nothing of this
        transaction was). A caller cancelled meanwhile has cancelled its own future."""
        for stored in self.waiters:
            if stored.done():
                continue
            if exc is None:
                stored.set_result(None)
            else:
                stored.set_exception(exc)
                stored.exception()  # retrieved: the caller has it


@dataclass(frozen=True)
class _Connections:
    writer: sqlite3.Connection  # on the loop, behind the lock
    reader: sqlite3.Connection  # point reads, on the loop
    offload: aiosqlite.Connection  # scans and checkpoints, on aiosqlite's thread


class DatabaseClosed(RuntimeError):
    """A read or write of a database that is not open (before ``open`` or after ``close``)."""


class Database:
    def __init__(self, path: Path, schema: str):
        self.path = Path(path)
        self.schema = schema
        self._connections: _Connections | None = None
        self._checkpoints: asyncio.Task | None = None
        self._lock = asyncio.Lock()
        self._batch: _Batch | None = None  # the open transaction, its units done, its COMMIT to come

    def _open_connections(self) -> _Connections:
        if self._connections is None:
            raise DatabaseClosed(f"the database {self.path.name} is not open")
        return self._connections

    @property
    def _writer(self) -> sqlite3.Connection:
        return self._open_connections().writer

    @property
    def _reader(self) -> sqlite3.Connection:
        return self._open_connections().reader

    @property
    def _offload(self) -> aiosqlite.Connection:
        return self._open_connections().offload

    async def open(self) -> Database:
        """Open the connections; if any step fails, what was opened is closed again (an
        aiosqlite thread left running would keep the process from exiting)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        opened: list[sqlite3.Connection] = []
        offload = None
        try:
            writer = _connect(self.path)
            opened.append(writer)
            writer.executescript(self.schema)
            writer.execute("PRAGMA wal_autocheckpoint=0")
            reader = _connect(self.path)
            opened.append(reader)
            offload = await aiosqlite.connect(self.path, isolation_level=None)
            offload.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                await offload.execute(pragma)
        except BaseException:
            if offload is not None:
                await offload.close()
            for conn in opened:
                conn.close()
            raise
        self._connections = _Connections(writer, reader, offload)
        self._checkpoints = asyncio.create_task(self._checkpoint_loop(), name=f"checkpoint-{self.path.name}")
        return self

    async def close(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.cancel()
            await asyncio.gather(self._checkpoints, return_exceptions=True)
            self._checkpoints = None
        if self._connections is None:
            return
        async with self._lock:
            self._commit(self._batch)
        connections, self._connections = self._connections, None
        try:
            await connections.offload.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # closing anyway: the next open replays the WAL
        await connections.offload.close()
        connections.reader.close()
        connections.writer.close()

    async def _checkpoint_loop(self) -> None:
        page_size = await _pragma(self._offload, "page_size")
        restarted_at = None  # the WAL's frame count at the last restart
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY_SECONDS)
            try:
                # Copy what can be copied beside the writers. The file keeps its size after
                # a restart (that is what makes a restart cheaper than a truncation): the
                # frame count says how much was written since.
                _busy, frames, _copied = await _pragma(self._offload, "wal_checkpoint(PASSIVE)")
                if frames != restarted_at and frames * page_size >= CHECKPOINT_WAL_BYTES:
                    async with self._lock:
                        self._commit(self._batch)  # an open transaction would hold the restart up
                        restarted_at = self._restart_wal() or restarted_at
            except (OSError, sqlite3.Error):
                log.exception("WAL checkpoint of %s failed", self.path.name)

    def _restart_wal(self) -> int | None:
        """Copy the rest of the WAL and start it over, on the writer's connection, on the
        loop, with the lock held: only what was written since the PASSIVE checkpoint is left.
        Sent to aiosqlite's thread instead, the writers would wait for two round trips to the
        thread, each waiting for a busy loop's next turn (docs/decisions/wal-checkpoints.md).
        A reader in the middle of a scan makes the restart give up at once (no busy wait on
        the loop) and the next round try again. Returns the WAL's frame count
        at the restart, or None if it did not happen."""
        writer = self._writer
        writer.execute("PRAGMA busy_timeout=0")
        try:
            busy, frames, _copied = writer.execute("PRAGMA wal_checkpoint(RESTART)").fetchone() or (1, 0, 0)
        finally:
            writer.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return None if busy else frames

    def transaction(self) -> _Unit:
        """``async with db.transaction() as tx:`` one atomic unit of work, stored when the
        block ends (its COMMIT may be shared with other units: see the module's note)."""
        return _Unit(self)

    def _undo(self, batch: _Batch, savepoint: bool) -> None:
        """Roll back one unit: to its savepoint, or the whole transaction if it was the
        first, or if SQLite itself has ended the transaction (a full disk, an I/O error)."""
        writer = self._writer
        if savepoint and writer.in_transaction:
            writer.execute("ROLLBACK TO unit")
            writer.execute("RELEASE unit")
            return
        if writer.in_transaction:
            writer.execute("ROLLBACK")
        self._batch = None
        # Units already done were lost with it: their callers must know.
        batch.end(sqlite3.OperationalError("the transaction was rolled back; nothing was stored"))

    async def _commit_later(self, batch: _Batch) -> None:
        """The COMMIT, in the next turn of the loop: the units started in this one join
        first (the lock is first come, first served)."""
        async with self._lock:
            self._commit(batch)

    def _commit(self, batch: _Batch | None) -> None:
        """Commit ``batch`` if it is still the open transaction (the lock is held)."""
        if batch is None or batch is not self._batch:
            return  # committed already (by a checkpoint or close), or rolled back
        self._batch = None
        try:
            self._writer.execute("COMMIT")
        except BaseException as exc:  # whatever it was, the callers must not wait forever
            try:
                if self._writer.in_transaction:
                    self._writer.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("could not roll back after a failed COMMIT")
            batch.end(exc if isinstance(exc, Exception) else sqlite3.OperationalError("the commit was interrupted"))
            if not isinstance(exc, Exception):
                raise
            return
        batch.end()
        for callback in batch.after_commit:
            try:
                callback()
            except Exception:
                log.exception("an after-commit callback failed")

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """A point lookup, on the loop (microseconds)."""
        return self._reader.execute(sql, params).fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """A small read, on the loop. Use ``scan`` for reads of many rows."""
        return self._reader.execute(sql, params).fetchall()

    async def scan(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """A read of possibly many rows, off the loop (aiosqlite's thread)."""
        return list(await self._offload.execute_fetchall(sql, params))


class _Unit:
    """One unit of work: the writer's lock, its transaction (a savepoint in the turn's
    shared one, but for the first unit), and the wait for the COMMIT. A class rather than
    an ``asynccontextmanager``: every write of every app goes through it, and the
    generator machinery costs each one more (docs/decisions/group-commit.md)."""

    __slots__ = ("batch", "db", "savepoint", "tx")

    def __init__(self, db: Database):
        self.db = db

    async def __aenter__(self) -> Transaction:
        db = self.db
        await db._lock.acquire()
        try:
            writer = db._writer
            batch = db._batch
            if batch is None:
                writer.execute("BEGIN IMMEDIATE")
                batch = db._batch = _Batch()
                batch.commit_task = asyncio.get_running_loop().create_task(db._commit_later(batch))
            # The first unit of a transaction needs no savepoint: if it fails, the whole
            # transaction goes, and nothing else is in it.
            self.savepoint = batch.units > 0
            if self.savepoint:
                writer.execute("SAVEPOINT unit")
        except BaseException:
            db._lock.release()
            raise
        self.batch = batch
        self.tx = Transaction(writer)
        return self.tx

    async def __aexit__(self, exc_type, exc, tb) -> None:
        """Never swallows an exception (so a type checker knows code after the block
        runs only when the block ended normally)."""
        db, batch = self.db, self.batch
        try:
            if exc_type is not None:
                db._undo(batch, self.savepoint)
                return
            if self.savepoint:
                db._writer.execute("RELEASE unit")
            batch.units += 1
            batch.after_commit.extend(self.tx.after_commit)
            stored = asyncio.get_running_loop().create_future()
            batch.waiters.append(stored)
        finally:
            db._lock.release()
        await stored
