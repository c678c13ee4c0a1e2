"""The wallet's control plane as the conformance run uses it: outcomes, faults, the
payment records and the journal. Everything it queues it remembers, and ``take_back``
removes what was not used, so that a run leaves the sandbox as it found it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp


class SandboxError(RuntimeError):
    """The wallet's control plane did not answer as expected."""


class Sandbox:
    def __init__(self, session: aiohttp.ClientSession, wallet_url: str):
        self.session = session
        self.url = wallet_url.rstrip("/")
        self._queued: list[str] = []  # paths of entries this run queued

    async def call(self, method: str, path: str, body: Any = None, ok: tuple[int, ...] = (200, 201)) -> Any:
        try:
            async with self.session.request(method, self.url + path, json=body) as resp:
                reply = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise SandboxError(f"{method} {self.url}{path} failed: {exc}") from None
        if resp.status not in ok:
            raise SandboxError(f"{method} {self.url}{path} answered HTTP {resp.status}: {reply}")
        return reply

    async def _queue(self, path: str, body: dict) -> dict:
        entry = await self.call("POST", path, body)
        self._queued.append(f"{path}/{entry['id']}")
        return entry

    async def force_outcome(self, outcome: str, payment_request_id: str) -> dict:
        """The next confirmation of this paymentRequestId (and of no other) ends so."""
        return await self._queue("/_sim/outcomes", {"outcome": outcome, "paymentRequestId": payment_request_id})

    async def notification_fault(self, kind: str, payment_request_id: str) -> dict:
        """The next notification of this payment (and of no other) meets ``kind``."""
        return await self._queue("/_sim/notifications/faults", {"kind": kind, "paymentRequestId": payment_request_id})

    async def api_fault(self, endpoint: str, kind: str, phase: str, client_id: str | None) -> dict:
        """The next call to ``endpoint`` by this merchant (by anyone, when not known yet)."""
        body = {"endpoint": endpoint, "kind": kind, "phase": phase}
        return await self._queue("/_sim/faults", {**body, **({"clientId": client_id} if client_id else {})})

    async def take_back(self) -> int:
        """Remove every entry this run queued that is still there; how many were."""
        removed = 0
        while self._queued:
            reply = await self.call("DELETE", self._queued.pop(), ok=(200, 404))
            removed += "removed" in reply
        return removed

    async def credentials(self) -> dict:
        return await self.call("GET", "/_sim/credentials")

    async def clock(self) -> dict:
        return await self.call("GET", "/_sim/clock")

    async def payment(self, payment_id: str) -> dict:
        """The payment, its notifications and every delivery attempt."""
        return await self.call("GET", f"/_sim/payments/{quote(payment_id, safe='')}")

    async def payments(self) -> list[dict]:
        return (await self.call("GET", "/_sim/payments?limit=1000"))["payments"]

    async def settle(self, payment_id: str, to: str) -> dict:
        return await self.call("POST", f"/_sim/payments/{quote(payment_id, safe='')}/settle", {"to": to})

    async def expire(self, payment_id: str) -> dict:
        return await self.call("POST", f"/_sim/payments/{quote(payment_id, safe='')}/expire", {})

    async def resend(self, notification_id: int) -> dict:
        return await self.call("POST", f"/_sim/notifications/{notification_id}/resend", {})

    async def events(self, **params: str) -> list[dict]:
        """The wallet's journal (``orderId=`` or ``paymentId=``), in time order."""
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
        return (await self.call("GET", f"/_sim/events?{query}"))["events"]
