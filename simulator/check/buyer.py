"""The buyer: opens a paymentUrl in the wallet's cashier as the wallet app does (the page,
steps 10-13, whose config names the payment's ids), then confirms or cancels through the
wallet's headless cashier (``POST /_sim/cashier``: the cashier's own service path, the same
outcomes and journal as a click, without a browser). The one place the conformance run
touches the cashier."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp

_CONFIG = re.compile(r'<script type="application/json" id="cashier-config">(.*?)</script>', re.S)


class CashierError(RuntimeError):
    """The cashier did not open or refused the form; the message says what it showed."""


@dataclass(frozen=True)
class Cashier:
    """A cashier opened for one payment: its URL, its wallet, and the ids it shows."""

    url: str
    origin: str
    payment_id: str
    payment_request_id: str
    order_id: str


async def open_cashier(session: aiohttp.ClientSession, payment_url: str) -> Cashier:
    async with session.get(payment_url) as resp:
        text = await resp.text()
        final_url = str(resp.url)
    match = _CONFIG.search(text)
    if resp.status != 200 or not match:
        raise CashierError(f"the paymentUrl {payment_url} did not open a cashier (HTTP {resp.status})")
    config = json.loads(html.unescape(match.group(1)))
    if not config.get("token"):
        raise CashierError(f"the paymentUrl {payment_url} opened a cashier with no payment")
    return Cashier(
        final_url,
        final_url.split("/cashier")[0],
        config["paymentId"],
        config["paymentRequestId"],
        config["orderId"],
    )


async def open_by_payment_id(session: aiohttp.ClientSession, wallet_url: str, payment_id: str) -> Cashier:
    """``my.tradePay({tradeNO})``: the cashier of the wallet's paymentId."""
    return await open_cashier(session, f"{wallet_url}/cashier?tradeNO={quote(payment_id, safe='')}")


async def press(cashier: Cashier, session: aiohttp.ClientSession, action: str, body: dict | None = None) -> str:
    """Confirm or cancel (``action``) in the cashier; the resultCode the mini program's
    ``my.tradePay`` gets."""
    url = f"{cashier.origin}/_sim/cashier"
    async with session.post(url, json={"paymentUrl": cashier.url, "action": action, **(body or {})}) as resp:
        reply = await resp.json(content_type=None)
    if resp.status != 200 or not isinstance(reply, dict) or "resultCode" not in reply:
        raise CashierError(f"the cashier refused {action}: HTTP {resp.status} {reply}")
    return str(reply["resultCode"])


async def pay(cashier: Cashier, session: aiohttp.ClientSession, account: str, password: str) -> str:
    return await press(cashier, session, "confirm", {"account": account, "password": password})


async def cancel(cashier: Cashier, session: aiohttp.ClientSession) -> str:
    return await press(cashier, session, "cancel")
