"""Drive a journey over HTTP exactly as the browser would (the shop's order request, the
cashier page, the cashier's confirmation, the client's step reports), without a browser.
Used by API tests, the benchmark and the pytest plugin."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp

from .sim import wait_for

_CONFIG = re.compile(r'<script type="application/json" id="cashier-config">(.*?)</script>', re.S)
DEFAULT_ITEMS = ({"goodsId": "latte", "quantity": 2},)


@dataclass
class Cashier:
    url: str
    origin: str
    token: str
    csrf: str
    config: dict
    html: str


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def open_cashier(session: aiohttp.ClientSession, payment_url: str) -> Cashier:
    async with session.get(payment_url) as resp:
        text = await resp.text()
    return cashier_of(payment_url, text, resp.status)


def cashier_of(payment_url: str, text: str, status: int = 200) -> Cashier:
    """The cashier a page (the wallet's answer to the paymentUrl) sets up: its config."""
    match = _CONFIG.search(text)
    if not match:
        raise AssertionError(f"no cashier config in the page at {payment_url} (HTTP {status})")
    config = json.loads(html.unescape(match.group(1)))
    origin = payment_url.split("/cashier/")[0]
    return Cashier(payment_url, origin, config["token"], config["csrf"], config, text)


async def cashier_action(
    session: aiohttp.ClientSession, cashier: Cashier, action: str, body: dict | None = None
) -> tuple[int, dict]:
    url, headers, data = cashier_request(cashier, action, body)
    async with session.post(url, data=data, headers=headers) as resp:
        return resp.status, await resp.json()


def cashier_request(cashier: Cashier, action: str, body: dict | None = None) -> tuple[str, dict[str, str], bytes]:
    """What the cashier page posts for ``action`` (confirm, cancel): URL, headers, body."""
    headers = {"Content-Type": "application/json", "X-CSRF-Token": cashier.csrf, "Origin": cashier.origin}
    return f"{cashier.origin}/cashier/{cashier.token}/{action}", headers, json.dumps(body or {}).encode()


async def report_step(session: aiohttp.ClientSession, miniprogram_url: str, **event) -> None:
    async with session.post(f"{miniprogram_url}/_sim/events", json=event) as resp:
        assert resp.status == 201, await resp.text()


async def settled_order(
    session: aiohttp.ClientSession,
    merchant_url: str,
    order_id: str,
    timeout: float = 10.0,
    client_result_code: str | None = None,
) -> dict:
    """What the result page shows: the merchant's order once it is no longer waiting for
    the wallet's word (or as it is after ``timeout``)."""
    params = {"clientResultCode": client_result_code} if client_result_code else {}
    latest: dict = {}

    async def decided() -> dict | None:
        nonlocal latest
        async with session.get(f"{merchant_url}/api/orders/{order_id}", params=params) as resp:
            latest = await resp.json()
        return latest if latest["status"] not in ("CREATED", "PAYING") else None

    try:
        return await wait_for(decided, timeout, interval=0.02)
    except TimeoutError:
        return latest


# What the cashier refuses to the buyer (it stays open; the mini program is told nothing
# yet): returned, not raised, by ``journey`` and ``pay``.
BUYER_REFUSALS = ("WRONG_PASSWORD", "ACCOUNT_LOCKED", "USER_NOT_EXIST", "PAYMENT_CLOSED")


@dataclass
class JourneyResult:
    """``result_code`` is what my.tradePay returned, or None when the cashier refused the
    buyer (``refusal``: ``{"code", "message", "triesLeft"?}``, e.g. ``WRONG_PASSWORD``)."""

    order_id: str
    payment_request_id: str
    payment_id: str
    payment_url: str
    result_code: str | None
    order: dict
    refusal: dict | None = None


@dataclass
class CashierResult:
    """What the buyer's confirm or cancel came to (``POST /_sim/cashier``): the
    ``result_code`` the cashier hands the mini program (9000, 8000, 4000, 6001, 6002,
    6004), or None and the ``refusal`` the cashier shows (``{"code", "message",
    "triesLeft"?}``: ``WRONG_PASSWORD``, ``ACCOUNT_LOCKED``, ``USER_NOT_EXIST``,
    ``PAYMENT_CLOSED``)."""

    result_code: str | None
    payment_status: str | None
    payment_id: str | None
    payment_request_id: str | None
    order_id: str | None
    message: str
    refusal: dict | None = None

    @classmethod
    def of(cls, reply: dict) -> CashierResult:
        error = reply.get("error")
        if error:
            return cls(None, None, None, None, None, error.get("message", ""), error)
        return cls(
            reply["resultCode"],
            reply["paymentStatus"],
            reply["paymentId"],
            reply["paymentRequestId"],
            reply["orderId"],
            reply["message"],
        )


async def api_journey(
    session: aiohttp.ClientSession,
    urls: dict[str, str],
    *,
    items=DEFAULT_ITEMS,
    account: str = "buyer@sandbox.test",
    password: str = "111111",
    report: bool = True,
    action: str = "confirm",
    settle_timeout: float = 10.0,
    outcome: str | None = None,
) -> JourneyResult:
    """Steps 1-18 and 20 as the mini program and the cashier perform them; step 19 (the
    notification) follows on its own. ``outcome`` is forced for this payment alone (its
    paymentRequestId), so journeys of parallel tests sharing a wallet do not take it."""
    pressed = _now()
    async with session.post(f"{urls['merchant']}/api/orders", json={"items": list(items)}) as resp:
        order = await resp.json()
        if resp.status != 201:
            raise AssertionError(f"order creation failed: HTTP {resp.status} {order}")
    ids = {"orderId": order["orderId"], "paymentRequestId": order["paymentRequestId"]}
    if outcome is not None:
        forced = {"outcome": outcome, "paymentRequestId": order["paymentRequestId"]}
        async with session.post(f"{urls['wallet']}/_sim/outcomes", json=forced) as resp:
            if resp.status != 201:
                raise AssertionError(f"forcing {outcome} failed: HTTP {resp.status} {await resp.text()}")
    if report:
        await report_step(session, urls["miniprogram"], step=1, at=pressed, summary="user pressed Pay", **ids)
        await report_step(
            session, urls["miniprogram"], step=2, at=pressed, summary="my.request POST /api/orders", **ids
        )
        await report_step(
            session, urls["miniprogram"], step=9, summary="my.tradePay", paymentId=order["paymentId"], **ids
        )
    cashier = await open_cashier(session, order["paymentUrl"])
    body = {"account": account, "password": password} if action == "confirm" else {}
    status, reply = await cashier_action(session, cashier, action, body)
    if status != 200:
        refusal = reply.get("error") if isinstance(reply, dict) else None
        if not isinstance(refusal, dict) or refusal.get("code") not in BUYER_REFUSALS:
            raise AssertionError(f"cashier {action} failed: HTTP {status} {reply}")
        # The buyer is still in the cashier: the mini program has no result yet.
        latest = await settled_order(session, urls["merchant"], order["orderId"], timeout=0.0)
        return JourneyResult(
            order["orderId"], order["paymentRequestId"], order["paymentId"], order["paymentUrl"], None, latest, refusal
        )
    code = reply["resultCode"]
    if report:
        await report_step(
            session,
            urls["miniprogram"],
            step=18,
            summary=f"success({code})",
            paymentId=order["paymentId"],
            details={"resultCode": code},
            **ids,
        )
    # Like the result page: wait for the merchant's verdict only when one is coming.
    wait = settle_timeout if code in ("9000", "4000", "6004") else 0.0
    latest = await settled_order(session, urls["merchant"], order["orderId"], timeout=wait)
    if report:
        await report_step(
            session,
            urls["miniprogram"],
            step=20,
            summary=f"result page: {latest['status']}",
            paymentId=order["paymentId"],
            **ids,
        )
    return JourneyResult(
        order["orderId"], order["paymentRequestId"], order["paymentId"], order["paymentUrl"], code, latest
    )
