"""The user's merchant server, driven as its mini program drives it: create an order,
read its status (telling it the resultCode ``my.tradePay`` gave, when the config's
template asks for it), retry a payment. Plain HTTP from the config's templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from .config import Call, CheckConfig, dig, unique

TIMEOUT = aiohttp.ClientTimeout(total=15)


class ShopError(RuntimeError):
    """The merchant server did not answer a call the run needs; says what it got."""


@dataclass(frozen=True)
class Reply:
    status: int | None
    body: Any
    error: str | None = None

    def describe(self) -> str:
        if self.error:
            return self.error
        return (
            f"HTTP {self.status} {json.dumps(self.body)[:300] if not isinstance(self.body, str) else self.body[:300]}"
        )


@dataclass(frozen=True)
class Reading:
    """The order's status as the merchant reports it, and what the config says it means."""

    value: str | None
    verdict: str  # paid, pending, failed, unknown
    fulfilment: int | None
    reply: Reply


class Shop:
    def __init__(self, session: aiohttp.ClientSession, config: CheckConfig):
        self.session = session
        self.config = config

    async def send(self, call: Call, values: dict[str, str]) -> Reply:
        method, url, body = call.render(values)
        try:
            async with self.session.request(method, url, json=body, timeout=TIMEOUT) as resp:
                text = await resp.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Reply(None, None, f"{method} {url} failed: {type(exc).__name__} {exc}".strip())
        try:
            parsed: Any = json.loads(text)
        except ValueError:
            parsed = text
        return Reply(resp.status, parsed)

    async def create_order(self) -> Reply:
        return await self.send(self.config.create_order, {"unique": unique()})

    async def retry_pay(self, order_id: str, payment_request_id: str = "") -> Reply | None:
        if self.config.retry_pay is None:
            return None
        return await self.send(
            self.config.retry_pay, {"orderId": order_id, "paymentRequestId": payment_request_id, "unique": unique()}
        )

    async def status(self, ids: dict[str, str], result_code: str = "") -> Reading:
        reply = await self.send(self.config.order_status, {**ids, "resultCode": result_code})
        if reply.status != 200 or not isinstance(reply.body, dict):
            return Reading(None, "unknown", None, reply)
        value = dig(reply.body, self.config.status_path)
        fulfilment = None
        if self.config.fulfilment_path:
            raw = dig(reply.body, self.config.fulfilment_path)
            if isinstance(raw, bool):
                fulfilment = int(raw)
            elif isinstance(raw, int):
                fulfilment = raw
        text = str(value) if value is not None else None
        return Reading(text, self.config.verdict_of(text), fulfilment, reply)
