"""The buyer: pays (or cancels) a paymentUrl in the wallet's cashier as the wallet app
would, over HTTP: it opens the page, reads the cashier's config (its CSRF token among it)
and posts the form. The one place the conformance run touches the cashier, so that a
headless cashier call can take its place without changing a scenario."""

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
    """A cashier opened for one payment: where its form goes, and the ids it shows."""

    url: str
    origin: str
    token: str
    csrf: str
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
        config["token"],
        config["csrf"],
        config["paymentId"],
        config["paymentRequestId"],
        config["orderId"],
    )


async def open_by_payment_id(session: aiohttp.ClientSession, wallet_url: str, payment_id: str) -> Cashier:
    """``my.tradePay({tradeNO})``: the cashier of the wallet's paymentId."""
    return await open_cashier(session, f"{wallet_url}/cashier?tradeNO={quote(payment_id, safe='')}")


async def press(cashier: Cashier, session: aiohttp.ClientSession, action: str, body: dict | None = None) -> str:
    """Post the cashier's form (``confirm`` or ``cancel``); the resultCode the mini
    program's ``my.tradePay`` gets."""
    headers = {"Content-Type": "application/json", "X-CSRF-Token": cashier.csrf, "Origin": cashier.origin}
    url = f"{cashier.origin}/cashier/{cashier.token}/{action}"
    async with session.post(url, data=json.dumps(body or {}), headers=headers) as resp:
        reply = await resp.json(content_type=None)
    if resp.status != 200 or not isinstance(reply, dict) or "resultCode" not in reply:
        raise CashierError(f"the cashier refused {action}: HTTP {resp.status} {reply}")
    return str(reply["resultCode"])


async def pay(cashier: Cashier, session: aiohttp.ClientSession, account: str, password: str) -> str:
    return await press(cashier, session, "confirm", {"account": account, "password": password})


async def cancel(cashier: Cashier, session: aiohttp.ClientSession) -> str:
    return await press(cashier, session, "cancel")
