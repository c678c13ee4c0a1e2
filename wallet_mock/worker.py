"""The wallet's background worker: delivers the notification outbox on Antom's retry
schedule, settles processing payments and closes expired ones. Everything it acts on is
in the database, so a restart simply picks up where the last process stopped."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
from datetime import timedelta

import aiohttp
import yarl

from simulator.core.clock import Clock, parse_iso
from simulator.core.db import Database
from simulator.core.journal import Journal, http_summary
from simulator.core.signed_http import SignedClient, SignedExchange
from simulator.core.signer import Signer

from . import control_store, store
from .records import Notification
from .service import Wallet
from .wire import NOTIFY_APIS

log = logging.getLogger("tradepay_sim.wallet.worker")

# Antom's notification schedule: the wait before attempt 1, 2, ... 8.
RETRY_SCHEDULE_SECONDS = (0, 120, 600, 600, 3600, 7200, 21600, 54000)
NOTIFY_TIMEOUT_SECONDS = 10.0
MAX_IDLE_SECONDS = 30.0
# A merchant's acknowledgement is ~100 bytes: no more than this of a reply is read.
MAX_REPLY_BYTES = 8 * 1024
# Deliveries in flight at once to one receiver (host and port). Enough must be in flight
# to keep up with payments: it takes the rate times a delivery's round trip, and under
# load a round trip is tens of milliseconds. The cap still bounds what a merchant server
# coming back from an outage gets at once (docs/decisions/send-at-commit.md). Per
# receiver: one that hangs holds its own slots only, never another merchant's.
MAX_PARALLEL_DELIVERIES = 64
# How long a claimed delivery may take before another dispatch may try it again.
LEASE = timedelta(seconds=NOTIFY_TIMEOUT_SECONDS * 2 + 5)


def next_attempt_delay(attempts_made: int) -> float | None:
    """Seconds to wait before the next attempt, or None when the schedule is spent."""
    if attempts_made >= len(RETRY_SCHEDULE_SECONDS):
        return None
    return RETRY_SCHEDULE_SECONDS[attempts_made]


class Worker:
    def __init__(
        self,
        wallet: Wallet,
        db: Database,
        journal: Journal,
        clock: Clock,
        session: aiohttp.ClientSession,
        signer: Signer,
    ):
        self.wallet = wallet
        self.db = db
        self.journal = journal
        self.clock = clock
        self.session = session
        self.signer = signer  # the wallet's key, signing off the loop by default
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._in_flight: dict[int, asyncio.Task] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        async with self.db.transaction() as tx:
            await store.release_leases(tx)
        self._task = asyncio.create_task(self._run(), name="wallet-worker")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._in_flight.values()) if t]
        self._task = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until no delivery is in flight (for tests and the control API)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._in_flight and loop.time() < deadline:
            await asyncio.wait(list(self._in_flight.values()), timeout=deadline - loop.time())

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                wait = await self._round()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the worker alive whatever one round met
                log.exception("wallet worker round failed")
                wait = 1.0
            if wait <= 0:
                continue
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the
            # cancellation from stop() when the wake-up lands at the same moment.
            try:
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _round(self) -> float:
        """Do what is due; return how long to sleep. One query tells what is due, so an
        idle round costs one read, whatever the size of the tables."""
        due = await store.next_due(self.db)
        now = self.clock.now()
        acted = False
        if due["expire"] and due["expire"] <= now:
            acted = bool(await self.wallet.expire_due()) or acted
        if due["settle"] and due["settle"] <= now:
            acted = bool(await self.wallet.settle_due()) or acted
        if due["notify"] and due["notify"] <= now:
            acted = bool(await self._dispatch_due()) or acted
        if acted:
            return 0.0  # look again: doing things may have made more things due
        future = [m for m in due.values() if m and m > now]
        if not future:
            return MAX_IDLE_SECONDS if not any(due.values()) else 0.05
        return min((min(future) - now).total_seconds(), MAX_IDLE_SECONDS)

    async def _dispatch_due(self) -> int:
        now = self.clock.now()
        async with self.db.transaction() as tx:
            rows = await store.claim_due_notifications(tx, now, now + LEASE)
        for row in rows:
            self._track(row.notification_id, self._deliver(row))
        return len(rows)

    def send_now(self, nid: int) -> None:
        """A notification stored leased to this process (``Wallet._enqueue``),
        its transaction committed: its first attempt starts now."""
        if self._task is None:
            return  # not started, or stopped: a start voids leases, and its first round sends it
        self._track(nid, self._send_stored(nid))

    async def _send_stored(self, nid: int) -> str | None:
        row = await store.notification(self.db, nid)
        if row is not None and row.status == "PENDING":
            return await self._deliver(row)
        return None

    def _track(self, nid: int, coro) -> None:
        if nid in self._in_flight:
            coro.close()
            return
        task = asyncio.create_task(coro, name=f"notify-{nid}")
        self._in_flight[nid] = task
        task.add_done_callback(functools.partial(self._done, nid))

    def _done(self, nid: int, task: asyncio.Task) -> None:
        self._in_flight.pop(nid, None)
        # A retry the attempt scheduled, or an attempt that did not finish, is the worker's
        # to time; a row delivered (or spent) leaves nothing due, and needs no round.
        if task.cancelled() or task.exception() is not None or task.result() == "PENDING":
            self.wake()

    async def _deliver(self, row: Notification) -> str:
        """One attempt, when a slot of its receiver is free; returns the row's status after it."""
        async with self._slots_of(row.url):
            return (await self._attempt(row))["status"]

    def _slots_of(self, url: str) -> asyncio.Semaphore:
        """The slots of the receiver at ``url`` (its scheme, host and port)."""
        receiver = receiver_of(url)
        slots = self._slots.get(receiver)
        if slots is None:
            if len(self._slots) > 1000:  # forget receivers not at their cap (rarely exact: a bound, not a count)
                self._slots = {k: s for k, s in self._slots.items() if s.locked()}
            slots = self._slots[receiver] = asyncio.Semaphore(MAX_PARALLEL_DELIVERIES)
        return slots

    async def _attempt(self, row: Notification, *, manual: bool = False) -> dict:
        """One delivery attempt of an outbox row, recorded; returns what happened."""
        fault = None
        if self.wallet.queues.maybe["notify_faults"]:
            async with self.db.transaction() as tx:
                payment = await store.payment_by_id(tx, row.payment_id)
                fault = await self.wallet.queues.take(
                    tx,
                    "notify_faults",
                    control_store.take_notify_fault,
                    row.client_id,
                    payment.payment_request_id if payment else None,
                )
        merchant = await self.wallet.merchant(row.client_id)
        client = SignedClient(
            self.session,
            client_id=row.client_id,
            private_pem=self.signer.private_pem,
            peer_public_pem=merchant.public_key_pem if merchant else None,
            signer=self.signer,
        )
        body = row.body.encode()
        try:
            sent = await self._send(client, row.url, body, fault)
        except Exception as exc:
            # A URL no one can send to (stored before pay refused them, or a merchant's),
            # or anything else before the request left: a failed attempt with its error,
            # so that the schedule runs out and the row ends FAILED, never PENDING forever.
            log.warning("notification %s could not be sent to %r: %r", row.notification_id, row.url[:200], exc)
            sent = {
                "acknowledged": False,
                "http_status": None,
                "outcome": "NOT_ACKNOWLEDGED",
                "detail": f"could not be sent: {type(exc).__name__}: {str(exc)[:300]}",
                "exchange": SignedExchange(url=row.url, request_headers={}, request_body=body),
            }
        attempt = row.attempts + 1
        now = self.clock.now()
        acknowledged = sent["acknowledged"]
        if manual:
            status = "DELIVERED" if acknowledged else row.status
            next_at = _dt(row.next_attempt_at) if status == "PENDING" else None
        else:
            delay = None if acknowledged else next_attempt_delay(attempt)
            status = "DELIVERED" if acknowledged else ("PENDING" if delay is not None else "FAILED")
            next_at = self.clock.later(delay) if delay is not None else None
        async with self.db.transaction() as tx:
            await store.record_attempt(
                tx,
                row.notification_id,
                attempt,
                now,
                sent["http_status"],
                sent["outcome"],
                sent["detail"],
                status,
                next_at,
            )
        self._journal(row, body, attempt, status, next_at, sent, manual)
        return {
            "attempt": attempt,
            "status": status,
            "outcome": sent["outcome"],
            "httpStatus": sent["http_status"],
            "detail": sent["detail"],
        }

    async def _send(self, client: SignedClient, url: str, body: bytes, fault: dict | None) -> dict:
        kind = fault["kind"] if fault else None
        exchange = await client.prepare_signed(url, body)  # signed once, sent once or twice
        if kind == "drop":
            # Lost on the way: the merchant never sees it, the wallet believes it delivered.
            return {
                "acknowledged": True,
                "http_status": None,
                "outcome": "DROPPED",
                "detail": "injected fault: dropped on the way (the merchant never received it)",
                "exchange": exchange,
            }
        if fault is not None and kind == "delay":
            await asyncio.sleep(fault["delay_ms"] / 1000)
        copies = 2 if kind == "duplicate" else 1
        results = await asyncio.gather(*(self._post(client, exchange) for _ in range(copies)))
        out = results[0]
        if kind == "fail" and out["acknowledged"]:
            out.update(
                acknowledged=False,
                outcome="NOT_ACKNOWLEDGED",
                detail="injected fault: the merchant's acknowledgement was lost",
            )
        if kind:
            out["fault"] = kind
        return out

    async def _post(self, client: SignedClient, prepared: SignedExchange) -> dict:
        exchange = dataclasses.replace(prepared)  # each copy keeps its own reply
        try:
            exchange = await client.send(exchange, timeout=NOTIFY_TIMEOUT_SECONDS, max_reply_bytes=MAX_REPLY_BYTES)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return {
                "acknowledged": False,
                "http_status": None,
                "outcome": "NOT_ACKNOWLEDGED",
                "detail": detail,
                "exchange": exchange,
            }
        reply = _json_or_none(exchange.response_body)
        acknowledged = (
            exchange.status == 200
            and isinstance(reply, dict)
            and isinstance(reply.get("result"), dict)
            and reply["result"].get("resultStatus") == "S"
        )
        return {
            "acknowledged": acknowledged,
            "http_status": exchange.status,
            "outcome": "ACKNOWLEDGED" if acknowledged else "NOT_ACKNOWLEDGED",
            "detail": None
            if acknowledged
            else f"HTTP {exchange.status}, "
            + (
                f"a reply longer than {MAX_REPLY_BYTES} bytes (only its beginning was read)"
                if exchange.response_clipped
                else "no resultStatus S in the reply"
            ),
            "exchange": exchange,
        }

    def _journal(
        self, row: Notification, body: bytes, attempt: int, status: str, next_at, sent: dict, manual: bool
    ) -> None:
        exchange = sent["exchange"]
        sent_body = _json_or_none(body) or {}
        acknowledged = sent["acknowledged"]
        # A refund's notification is not one of the journey's steps: a note beside them.
        refund = row.notify_type == "REFUND_RESULT"
        summary = (
            f"{NOTIFY_APIS[row.notify_type]} attempt {attempt}{' (resent by hand)' if manual else ''}: "
            + ("acknowledged" if sent["outcome"] == "ACKNOWLEDGED" else sent["detail"] or sent["outcome"].lower())
            + ("; schedule spent, marked FAILED" if status == "FAILED" and not acknowledged else "")
        )
        kind = "fault" if sent.get("fault") else ("note" if refund else "step" if attempt == 1 else "retry")
        details = {
            "attempt": attempt,
            "status": status,
            "fault": sent.get("fault"),
            "nextAttemptAt": next_at.isoformat() if next_at else None,
        }
        if refund:
            details["refundId"] = sent_body.get("refundId")
        self.journal.record(
            None if refund else 19,
            summary,
            kind=kind,
            order_id=row.reference_order_id,
            payment_request_id=sent_body.get("paymentRequestId"),
            payment_id=row.payment_id,
            details=details,
            http=http_summary(
                "POST",
                row.url,
                status=sent["http_status"],
                request_headers=exchange.request_headers,
                request_body=body,
                response_headers=exchange.response_headers,
                response_body=exchange.response_body,
                error=None if sent["outcome"] == "ACKNOWLEDGED" else sent["detail"],
                elapsed_ms=exchange.elapsed_ms or None,
            ),
        )

    async def resend(self, notification_id: int) -> dict:
        """Control API: one more attempt now, whatever the row's status."""
        row = await store.notification(self.db, notification_id)
        if row is None:
            raise LookupError("no such notification")
        return await self._attempt(row, manual=True)


def receiver_of(url: str) -> str:
    """Who answers ``url``: its scheme, host and port (the URL itself if it has none)."""
    try:
        parsed = yarl.URL(url)
        return f"{parsed.scheme}://{parsed.host}:{parsed.port}"
    except (ValueError, TypeError):
        return url


def _dt(value: str | None):
    return parse_iso(value) if value else None


def _json_or_none(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
