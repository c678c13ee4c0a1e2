"""The step journal: every step of every journey, recorded by the app that performs it,
stored in that app's SQLite file and served at ``GET /_sim/events`` (JSON, and a live
server-sent-event stream at ``/_sim/events/stream``). The console merges the apps'
journals over HTTP.

Events are written by a background task that drains a queue in batches, so recording a
step never makes a request wait for its own commit; readers flush first, so a test that
reads right after an action sees it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp_sse import sse_response

from . import journal_index, jsonio
from .clock import iso_precise
from .db import Database
from .logs import step_recorded
from .redact import redact
from .steps import STEPS
from .web import json_response

log = logging.getLogger("tradepay_sim.journal")

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    step INTEGER,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    order_id TEXT,
    payment_request_id TEXT,
    payment_id TEXT,
    data TEXT NOT NULL
);
-- Journals made before the block index had an index per id: see journal_index.py.
DROP INDEX IF EXISTS events_order;
DROP INDEX IF EXISTS events_prid;
DROP INDEX IF EXISTS events_pid;
"""
    + journal_index.SCHEMA
)

# Events are written in batches: the writer waits this long after the first event of a
# batch (unless a reader asks for a flush), so that a journey's twenty events cost one
# transaction or two, not twenty.
COALESCE_SECONDS = 0.05
WRITE_CHUNK = 64

# Event kinds: a step as planned, a retry of it, a fault injected or met, a note.
KINDS = ("step", "retry", "fault", "note")
# A body is journaled whole up to this size, parsed and masked; beyond it, its first
# MAX_BODY_BYTES as text with a marker saying how much more there was. A hostile 120 MB
# reply is then 16 KiB in the journal, in /_sim/events and in the console, whatever reads it.
MAX_BODY_BYTES = 16 * 1024
_ID_FIELDS = ("orderId", "paymentRequestId", "paymentId")


def _clip(value: Any) -> Any:
    """Bodies in events are for reading, not replaying: keep them bounded."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and len(value) > MAX_BODY_BYTES:
        return value[:MAX_BODY_BYTES] + f"... [clipped: {len(value) - MAX_BODY_BYTES} more characters]"
    return value


def _clipped_raw(raw: bytes, total: int | None = None) -> str:
    """A body too large to keep whole: its beginning, and the marker. One that may hold a
    secret is not shown at all (masking needs the whole parsed body)."""
    size = total if total is not None else len(raw)
    if _may_hold_secret(raw[: MAX_BODY_BYTES * 2]):
        return f"[clipped: {size} bytes, not shown: larger than {MAX_BODY_BYTES} bytes and may hold a secret]"
    head = raw[:MAX_BODY_BYTES].decode("utf-8", "replace")
    return f"{head}... [clipped: {size} bytes in all, the first {MAX_BODY_BYTES} shown]"


# The status a reply reports of its resource, which a reader takes for the call's result.
_STATUS_FIELDS = (("paymentStatus", "payment"), ("refundStatus", "refund"))


def reply_summary(name: str, body: dict) -> str:
    """An API call's answer as a journal line. Where the reply carries the resource's own
    status it comes first, the call's result after it: an ``inquiryPayment`` that
    succeeded while the payment is still processing reads ``payment PENDING (S
    SUCCESS)``, never as if the payment had succeeded."""
    res = body.get("result")
    if not isinstance(res, dict):
        res = {}
    call = f"{res.get('resultStatus')} {res.get('resultCode')}"
    for field, noun in _STATUS_FIELDS:
        if isinstance(body.get(field), str):
            return f"{name}: {noun} {body[field]} ({call})"
    return f"{name}: {call}"


def http_summary(
    method: str,
    url: str,
    *,
    status: int | None = None,
    request_headers: dict | None = None,
    request_body: Any = None,
    response_headers: dict | None = None,
    response_body: Any = None,
    error: str | None = None,
    elapsed_ms: float | None = None,
    request_json: Any = None,
    response_json: Any = None,
) -> dict[str, Any]:
    """The HTTP part of an event: what went over the wire, secrets masked. A caller that
    has the bodies parsed already (or built the reply it serialised) passes them as
    ``request_json`` / ``response_json``: the raw bytes are still what is screened for
    secrets, but they are not parsed a second time."""
    out: dict[str, Any] = {"method": method, "url": url}
    if status is not None:
        out["status"] = status
    if request_headers:
        out["requestHeaders"] = redact({str(k): v for k, v in request_headers.items()})
    if request_body not in (None, b"", ""):
        out["requestBody"] = _body(request_body, request_json)
    if response_headers:
        out["responseHeaders"] = redact({str(k): v for k, v in response_headers.items()})
    if response_body not in (None, b"", ""):
        out["responseBody"] = _body(response_body, response_json)
    if error:
        out["error"] = error
    if elapsed_ms is not None:
        out["elapsedMs"] = round(elapsed_ms, 2)
    return out


# Only a body with one of these words can hold a secret-looking field: others skip the
# (comparatively slow) walk through every key. Substring tests on the lowered bytes: a
# case-blind regex alternation costs several times more on every body.
_SECRET_HINTS = (
    b"passw",
    b"private",
    b"secret",
    b"csrf",
    b"cookie",
    b"authorization",
    b"token",
    b"authcode",
    b"auth_code",
)


def _may_hold_secret(raw: bytes) -> bool:
    low = raw.lower()
    # A \u escape can spell any of the words: such bodies are walked.
    return b"\\u" in low or any(hint in low for hint in _SECRET_HINTS)


def _maybe_json(body: Any) -> Any:
    if isinstance(body, (bytes, str)):
        try:
            return jsonio.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return body  # shown as sent: bad bodies are exactly what a journal must keep
    return body


def _body(body: Any, parsed: Any = None) -> Any:
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if isinstance(raw, (bytes, bytearray)) and len(raw) > MAX_BODY_BYTES:
        return _clipped_raw(bytes(raw))  # never parsed: parsing is where the memory went
    if parsed is None:
        parsed = _maybe_json(body)
    if isinstance(raw, bytes) and not _may_hold_secret(raw):
        return _clip(parsed)
    return _clip(redact(parsed))


class Journal:
    """Records events for one app, in a database file of its own: journal writes never
    wait for the app's business transactions, nor make them wait."""

    @classmethod
    async def open(cls, path, app_name: str, now) -> Journal:
        journal = cls(await Database(path, SCHEMA).open(), app_name, now)
        await journal.start()
        return journal

    async def close(self) -> None:
        await self.stop()
        await self.db.close()

    def __init__(self, db: Database, app_name: str, now, *, block_events: int = journal_index.BLOCK_EVENTS):
        self.db = db
        self.index = journal_index.BlockIndex(block_events)
        self.app_name = app_name
        self._now = now  # callable returning an aware datetime
        self._queue: asyncio.Queue[dict] = asyncio.Queue()
        self._subscribers: set[asyncio.Queue] = set()
        self._writer: asyncio.Task | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._flush_now = asyncio.Event()

    async def start(self) -> None:
        index = self.index
        async with self.db.transaction() as tx:
            read, blocks = await tx.run(lambda conn: (index.load(conn), index.store_full(conn)))
        index.stored(blocks)
        if read > self.index.block_events:
            log.info("indexed %d journal events of %s written before the block index", read, self.app_name)
        self._writer = asyncio.create_task(self._write_loop(), name=f"journal-{self.app_name}")

    async def stop(self) -> None:
        await self.flush()
        if self._writer:
            self._writer.cancel()
            try:
                await self._writer
            except asyncio.CancelledError:
                pass
        self.close_streams()

    def close_streams(self) -> None:
        """End every live stream (at shutdown, before the server waits for handlers)."""
        for queue in list(self._subscribers):
            queue.put_nowait(None)

    def record(
        self,
        step: int | None,
        summary: str,
        *,
        actor: str | None = None,
        kind: str = "step",
        order_id: str | None = None,
        payment_request_id: str | None = None,
        payment_id: str | None = None,
        details: dict | None = None,
        http: dict | None = None,
        at: datetime | None = None,
    ) -> dict:
        """Record one event; returns it. Never blocks and never raises for the caller."""
        if kind not in KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        if actor is None:
            actor = STEPS[step].actor if step in STEPS else self.app_name
        event: dict[str, Any] = {
            "app": self.app_name,
            "step": step,
            "kind": kind,
            "actor": actor,
            "at": iso_precise(at or self._now()),
            "orderId": order_id,
            "paymentRequestId": payment_request_id,
            "paymentId": payment_id,
            "summary": summary,
        }
        if step in STEPS:
            event["title"] = STEPS[step].title
        if details:
            event["details"] = redact(details)
        if http:
            event["http"] = http
        self._idle.clear()
        self._queue.put_nowait(event)
        step_recorded(event)
        return event

    async def flush(self) -> None:
        """Wait until every recorded event is in the database."""
        if self._writer is None or self._writer.done():
            return
        self._flush_now.set()
        await self._idle.wait()

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            if not self._flush_now.is_set():
                try:  # asyncio.timeout: wait_for can swallow a cancellation on 3.11
                    async with asyncio.timeout(COALESCE_SECONDS):
                        await self._flush_now.wait()
                except TimeoutError:
                    pass
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write(batch)
            except Exception:  # a journal failure must never take the app down
                log.exception("could not write %d journal events", len(batch))
            if self._queue.empty():
                self._flush_now.clear()
                self._idle.set()

    async def _write(self, batch: list[dict]) -> None:
        # A few dozen events per transaction, with a turn of the loop between: a batch of
        # hundreds (under load) written at once held every request up
        # (docs/decisions/journal-batches.md).
        for start in range(0, len(batch), WRITE_CHUNK):
            if start:
                await asyncio.sleep(0)
            await self._write_chunk(batch[start : start + WRITE_CHUNK])

    async def _write_chunk(self, batch: list[dict]) -> None:
        try:
            await self._insert(batch)
        except Exception:
            if len(batch) == 1:
                raise
            # One unstorable event must not cost the others: store them one by one.
            for event in batch:
                try:
                    await self._insert([event])
                except Exception:
                    log.exception("dropped one unstorable journal event (step %s)", event.get("step"))
            return
        for event in batch:
            for queue in list(self._subscribers):
                queue.put_nowait(event)

    async def _insert(self, batch: list[dict]) -> None:
        rows = [
            (
                e["at"],
                e["step"],
                e["kind"],
                e["actor"],
                e["orderId"],
                e["paymentRequestId"],
                e["paymentId"],
                jsonio.dumps(e).decode(),
            )  # ASCII escapes if a hostile body carried a lone surrogate
            for e in batch
        ]

        index = self.index

        def insert_all(conn) -> tuple[list[int], list[int]]:
            ids = []
            for row in rows:
                event_id = conn.execute(_INSERT_EVENT, row).lastrowid
                index.add(event_id, row[4:7])
                ids.append(event_id)
            # A block is full once an event of the next one is in: its filter is stored
            # with that event, in the same transaction.
            return ids, index.store_full(conn)

        async with self.db.transaction() as tx:
            ids, blocks = await tx.run(insert_all)
        index.stored(blocks)
        for event, event_id in zip(batch, ids, strict=False):
            event["id"] = event_id

    async def query(
        self,
        *,
        order_id: str | None = None,
        payment_request_id: str | None = None,
        payment_id: str | None = None,
        after_id: int = 0,
        limit: int = 5000,
        order: str = "time",
    ) -> list[dict]:
        """Events in time order (or by step number with ``order="step"``). Filtering by ``order_id`` also returns this app's events
        that carry only a paymentRequestId or paymentId belonging to that order."""
        await self.flush()
        where = ["id > ?"]
        params: list[Any] = [after_id]
        blocks: set[int] | None = None  # the blocks that may hold the events asked for; None: all
        if order_id:
            order_blocks = self.index.blocks_with([order_id])
            in_order_blocks, range_params = self._in_blocks(order_blocks)
            links = await self.db.scan(
                f"SELECT payment_request_id, payment_id FROM events WHERE order_id = ? AND {in_order_blocks}",
                (order_id, *range_params),
            )
            linked = {value for row in links for value in row if value}
            blocks = order_blocks | self.index.blocks_with(linked)
            where.append(
                f"(order_id = ? OR payment_request_id IN (SELECT payment_request_id FROM events WHERE order_id = ?"
                f" AND payment_request_id IS NOT NULL AND {in_order_blocks}) OR payment_id IN (SELECT payment_id"
                f" FROM events WHERE order_id = ? AND payment_id IS NOT NULL AND {in_order_blocks}))"
            )
            params += [order_id, order_id, *range_params, order_id, *range_params]
        for column, value in (("payment_request_id", payment_request_id), ("payment_id", payment_id)):
            if value:
                found = self.index.blocks_with([value])
                blocks = found if blocks is None else blocks & found
                where.append(f"{column} = ?")
                params.append(value)
        if blocks is not None:
            blocks = {block for block in blocks if self.index.span(block)[1] > after_id}
            if not blocks:
                return []
            in_blocks, range_params = self._in_blocks(blocks)
            where.append(in_blocks)
            params += range_params
        rows = await self.db.scan(
            f"SELECT id, data FROM events WHERE {' AND '.join(where)} ORDER BY "
            + ("step IS NULL, step, at, id" if order == "step" else "at, id")
            + " LIMIT ?",
            (*params, limit),
        )
        out = []
        for row in rows:
            event = jsonio.loads(row["data"])
            event["id"] = row["id"]
            out.append(event)
        return out

    def _in_blocks(self, blocks: set[int]) -> tuple[str, list[int]]:
        """An SQL condition on ``id`` for the events of ``blocks``."""
        ranges = self.index.ranges(blocks)
        if ranges is None:
            return "1", []
        if not ranges:
            return "0", []
        return "(" + " OR ".join("id BETWEEN ? AND ?" for _ in ranges) + ")", [i for span in ranges for i in span]

    async def clear(self) -> None:
        await self.flush()
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM events")
            await tx.execute("DELETE FROM event_blooms")
        self.index.reset()

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=10_000)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subscribers.discard(queue)


_INSERT_EVENT = (
    "INSERT INTO events (at, step, kind, actor, order_id, payment_request_id, payment_id, data)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _query_args(request: web.Request) -> dict[str, Any]:
    q = request.query
    try:
        after_id = _event_id(q.get("after", "0"))
        limit = min(int(q.get("limit", "5000")), 50_000)
    except ValueError:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "after and limit must be integers, after from 0 to 2**63-1"}),
            content_type="application/json",
        ) from None
    order = q.get("order", "time")
    if order not in ("time", "step"):
        raise web.HTTPBadRequest(text=json.dumps({"error": "order is time or step"}), content_type="application/json")
    return {
        "order": order,
        "order_id": q.get("orderId"),
        "payment_request_id": q.get("paymentRequestId"),
        "payment_id": q.get("paymentId"),
        "after_id": after_id,
        "limit": limit,
    }


def _event_id(text: str) -> int:
    """An event id as a query names it: SQLite keeps at most 64 bits (ValueError beyond)."""
    value = int(text)
    if not 0 <= value < 2**63:
        raise ValueError("out of range")
    return value


def _matches(event: dict, args: dict) -> bool:
    for key, field in (("payment_request_id", "paymentRequestId"), ("payment_id", "paymentId")):
        if args[key] and event.get(field) != args[key]:
            return False
    return not args["order_id"] or event.get("orderId") == args["order_id"]


def add_journal_routes(app: web.Application, journal_key: web.AppKey) -> None:
    """Serve the journal stored under ``app[journal_key]``; streams end at shutdown, so
    that stopping an app never waits out the server's grace period for them."""
    app.add_routes(journal_routes(journal_key))

    async def end_streams(app: web.Application) -> None:
        if journal_key in app:
            app[journal_key].close_streams()

    app.on_shutdown.append(end_streams)


def journal_routes(journal_key: web.AppKey) -> list[web.RouteDef]:
    """``GET /_sim/events`` and ``GET /_sim/events/stream`` for the journal stored under
    ``app[journal_key]``."""

    async def list_events(request: web.Request) -> web.Response:
        journal: Journal = request.app[journal_key]
        events = await journal.query(**_query_args(request))
        return json_response({"app": journal.app_name, "events": events})

    async def stream_events(request: web.Request) -> web.StreamResponse:
        journal: Journal = request.app[journal_key]
        args = _query_args(request)
        last = request.headers.get("Last-Event-Id")
        if last and last.isdigit() and len(last) < 19:
            args["after_id"] = int(last)
        queue = journal.subscribe()
        try:
            async with sse_response(request, ping_interval=10) as resp:
                # Replay what is stored, then follow live; ids let the client skip repeats.
                sent = args["after_id"]
                for event in await journal.query(**args):
                    await resp.send(json.dumps(event), id=str(event["id"]), event="step")
                    sent = max(sent, event["id"])
                closed = asyncio.ensure_future(resp.wait())  # ends when a ping fails
                getting = None
                try:
                    while resp.is_connected():
                        getting = getting or asyncio.ensure_future(queue.get())
                        await asyncio.wait({getting, closed}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
                        if not getting.done():
                            transport = request.transport
                            if closed.done() or transport is None or transport.is_closing():
                                break  # the client left: let it go now, not at the next ping
                            continue
                        event, getting = getting.result(), None
                        if event is None:
                            break
                        if event["id"] <= sent or not _matches(event, args):
                            continue
                        await resp.send(json.dumps(event), id=str(event["id"]), event="step")
                        sent = event["id"]
                finally:
                    closed.cancel()
                    if getting is not None:
                        getting.cancel()
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            journal.unsubscribe(queue)
        return resp

    return [
        web.get("/_sim/events", list_events),
        web.get("/_sim/events/stream", stream_events),
    ]
