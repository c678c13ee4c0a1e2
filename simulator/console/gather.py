"""Gather the step journal (and the merchant's and the wallet's views of a journey) from
the apps over HTTP. The apps may run in other processes: nothing here reads their memory
or their files."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import aiohttp

from . import journeys as journeys_mod

TIMEOUT = aiohttp.ClientTimeout(total=5)
EVENTS_LIMIT = 50_000


async def _get_json(session: aiohttp.ClientSession, url: str, params: dict | None = None) -> Any:
    async with session.get(url, params=params or {}, timeout=TIMEOUT) as resp:
        resp.raise_for_status()
        return await resp.json()


async def fetch_events(
    session: aiohttp.ClientSession, app_urls: dict[str, str], params: dict[str, str] | None = None
) -> tuple[list[dict], dict[str, str]]:
    """All events from every app (merged, time-ordered, or by step with ``order=step``)
    and the apps that did not answer."""
    names = list(app_urls)
    # The journal's default page is its oldest 5000 events: ask for its largest page, or
    # the newest journeys of a long session would be missing.
    query = {"limit": str(EVENTS_LIMIT), **(params or {})}
    results = await asyncio.gather(
        *(_get_json(session, f"{app_urls[n]}/_sim/events", query) for n in names), return_exceptions=True
    )
    events: list[dict] = []
    errors: dict[str, str] = {}
    for name, result in zip(names, results, strict=False):
        if isinstance(result, BaseException):
            errors[name] = f"{type(result).__name__}: {result}".rstrip(": ")
        else:
            for event in result["events"]:
                event.setdefault("app", name)
            events.extend(result["events"])
    if (params or {}).get("order") == "step":
        events.sort(key=lambda e: (e.get("step") is None, e.get("step") or 0, e.get("at") or ""))
    else:
        events.sort(key=lambda e: (e.get("at") or "", e.get("step") or 0))
    link_orders(events)
    return events, errors


def cursor_of(events: list[dict], app_urls: dict[str, str]) -> dict[str, int]:
    """The last event id seen from each app: where a live stream picks up."""
    cursor = dict.fromkeys(app_urls, 0)
    for e in events:
        if e.get("app") in cursor and isinstance(e.get("id"), int):
            cursor[e["app"]] = max(cursor[e["app"]], e["id"])
    return cursor


class OrderLinker:
    """Gives every event the orderId its paymentRequestId or paymentId belongs to (the
    wallet knows payments, not always the merchant's order id)."""

    def __init__(self) -> None:
        self.by_prid: dict[str, str] = {}
        self.by_pid: dict[str, str] = {}

    def learn(self, event: dict) -> None:
        if event.get("orderId"):
            if event.get("paymentRequestId"):
                self.by_prid[event["paymentRequestId"]] = event["orderId"]
            if event.get("paymentId"):
                self.by_pid[event["paymentId"]] = event["orderId"]

    def link(self, event: dict) -> dict:
        self.learn(event)
        if not event.get("orderId"):
            event["orderId"] = (
                self.by_prid.get(event.get("paymentRequestId") or "")
                or self.by_pid.get(event.get("paymentId") or "")
                or None
            )
        return event


def link_orders(events: list[dict]) -> OrderLinker:
    linker = OrderLinker()
    for e in events:
        linker.learn(e)
    for e in events:
        linker.link(e)
    return linker


async def merchant_orders(session: aiohttp.ClientSession, app_urls: dict[str, str]) -> dict[str, dict]:
    """The merchant's recent orders by id; empty when it does not answer (the list then
    falls back on what the events say)."""
    if "merchant" not in app_urls:
        return {}
    try:
        body = await _get_json(session, f"{app_urls['merchant']}/api/orders")
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return {}
    return {o["orderId"]: o for o in body.get("orders", []) if isinstance(o, dict) and o.get("orderId")}


async def overview(session: aiohttp.ClientSession, app_urls: dict[str, str]) -> tuple[dict[str, Any], OrderLinker]:
    """Every journey, newest first, the apps that did not answer and the stream cursor;
    and the links between ids seen so far (a live stream goes on from them)."""
    (events, errors), orders = await asyncio.gather(fetch_events(session, app_urls), merchant_orders(session, app_urls))
    data = {
        "journeys": journeys_mod.journeys(events, orders),
        "unreachable": errors,
        "cursor": cursor_of(events, app_urls),
    }
    return data, link_orders(events)


async def journey(
    session: aiohttp.ClientSession, app_urls: dict[str, str], order_id: str, order: str = "time"
) -> dict[str, Any]:
    """One journey's merged events and summary."""
    # The merchant's list, not GET /api/orders/{id}: that one may ask the wallet
    # (inquiryPayment), and looking must not add steps to the journey.
    (events, errors), orders = await asyncio.gather(
        fetch_events(session, app_urls, {"orderId": order_id, "order": order}), merchant_orders(session, app_urls)
    )
    events = [e for e in events if e.get("orderId") in (order_id, None)]
    order_json = orders.get(order_id)
    return {
        "orderId": order_id,
        "summary": journeys_mod.summarize(order_id, events, order_json),
        "order": order_json,
        "events": events,
        "unreachable": errors,
    }


async def payment(session: aiohttp.ClientSession, app_urls: dict[str, str], payment_id: str) -> dict | None:
    """The wallet's view of a payment (status, notifications and their attempts)."""
    if "wallet" not in app_urls or not payment_id:
        return None
    try:
        return await _get_json(session, f"{app_urls['wallet']}/_sim/payments/{quote(payment_id, safe='')}")
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return None
