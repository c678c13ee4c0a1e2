"""Gather the step journal from the apps over HTTP and merge it into journeys. The apps
may run in other processes: nothing here reads their memory or their files."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp


async def fetch_events(session: aiohttp.ClientSession, app_urls: dict[str, str],
                       params: dict[str, str] | None = None) -> tuple[list[dict], dict[str, str]]:
    """All events from every app (merged, time-ordered) and the apps that did not answer."""

    async def one(name: str, url: str):
        async with session.get(f"{url}/_sim/events", params=params or {},
                               timeout=aiohttp.ClientTimeout(total=5)) as resp:
            resp.raise_for_status()
            return (await resp.json())["events"]

    names = list(app_urls)
    results = await asyncio.gather(*(one(n, app_urls[n]) for n in names), return_exceptions=True)
    events: list[dict] = []
    errors: dict[str, str] = {}
    for name, result in zip(names, results):
        if isinstance(result, BaseException):
            errors[name] = f"{type(result).__name__}: {result}"
        else:
            events.extend(result)
    if (params or {}).get("order") == "step":
        events.sort(key=lambda e: (e.get("step") is None, e.get("step") or 0, e.get("at") or ""))
    else:
        events.sort(key=lambda e: (e.get("at") or "", e.get("step") or 0))
    return events, errors


def link_orders(events: list[dict]) -> None:
    """Give every event the orderId its paymentRequestId or paymentId belongs to."""
    by_prid: dict[str, str] = {}
    by_pid: dict[str, str] = {}
    for e in events:
        if e.get("orderId"):
            if e.get("paymentRequestId"):
                by_prid[e["paymentRequestId"]] = e["orderId"]
            if e.get("paymentId"):
                by_pid[e["paymentId"]] = e["orderId"]
    for e in events:
        if not e.get("orderId"):
            e["orderId"] = by_prid.get(e.get("paymentRequestId") or "") or by_pid.get(e.get("paymentId") or "")


def journeys(events: list[dict]) -> list[dict[str, Any]]:
    """One summary per order, newest first."""
    link_orders(events)
    grouped: dict[str, list[dict]] = {}
    for e in events:
        if e.get("orderId"):
            grouped.setdefault(e["orderId"], []).append(e)
    out = []
    for order_id, evs in grouped.items():
        steps = sorted({e["step"] for e in evs if e.get("step")})
        result_code = next((e.get("details", {}).get("resultCode") for e in reversed(evs)
                            if e.get("step") == 18), None)
        amount = next((e["summary"].split(": ", 1)[-1] for e in evs if e.get("step") == 3), None)
        status = None
        for e in evs:
            if e.get("app") == "merchant" and e.get("kind") == "note" and " (from " in e.get("summary", ""):
                status = e["summary"].split(" ")[2]
        out.append({
            "orderId": order_id,
            "startedAt": evs[0]["at"],
            "lastAt": evs[-1]["at"],
            "steps": steps,
            "complete": steps == list(range(1, 21)),
            "resultCode": result_code,
            "amount": amount,
            "status": status,
            "faults": sum(1 for e in evs if e.get("kind") in ("fault", "retry")),
            "events": len(evs),
        })
    out.sort(key=lambda j: j["startedAt"], reverse=True)
    return out


async def journey(session: aiohttp.ClientSession, app_urls: dict[str, str], order_id: str,
                  order: str = "time") -> dict:
    events, errors = await fetch_events(session, app_urls, {"orderId": order_id, "order": order})
    link_orders(events)
    return {"orderId": order_id, "events": events, "unreachable": errors}
