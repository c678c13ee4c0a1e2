"""The wallet app's cashier: the page behind the paymentUrl (steps 10-13) and the user's
confirmation or cancellation (steps 14-17). The page is framed over the mini program by
``my.tradePay``; its result goes back to the container by ``postMessage``."""

from __future__ import annotations

import hashlib
import hmac
from typing import NamedTuple

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from simulator.core import jsonio
from simulator.core.money import Money
from simulator.core.web import json_error, json_response, read_json

from . import store
from .accounts import DEFAULT_ACCOUNT, SANDBOX_PASSWORD
from .api import WALLET
from .models import Payment, PaymentStatus
from .reasons import reason_for
from .service import APP_MESSAGES, CashierError, Wallet

CSRF_SECRET = web.AppKey("csrf_secret", bytes)
MAX_FORM_FIELD = 256


def csrf_token(app: web.Application, payment_token: str) -> str:
    """Bound to one payment; unknown to any page that cannot read the cashier."""
    return hmac.new(app[CSRF_SECRET], payment_token.encode(), hashlib.sha256).hexdigest()


def _ids(p: Payment) -> dict:
    return {"order_id": p.reference_order_id, "payment_request_id": p.payment_request_id, "payment_id": p.payment_id}


class _Account(NamedTuple):
    """One option of the account picker. Plain attributes: Jinja reads a dict's keys only
    after a failed attribute lookup, an exception per key and account."""

    login_id: str
    name: str
    balance: str
    locked: bool


class _Item(NamedTuple):
    name: str | None
    quantity: object


async def _page(
    request: web.Request, p: Payment | None, *, error: str | None = None, status: int = 200
) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    accounts = []
    if p is not None:
        locked = await store.locked_for_payment(wallet.db, p.payment_id)
        for row in await store.list_accounts(wallet.db, p.amount.currency):
            accounts.append(
                _Account(
                    row.login_id,
                    row.display_name,
                    Money(row.balance or 0, p.amount.currency).format_display(),
                    row.account_id in locked,
                )
            )
    closed_code = None
    reason = reason_for(p) if p is not None else None
    if p is not None and p.status.final:
        closed_code = "9000" if p.status is PaymentStatus.SUCCESS else "4000"
    # What the template shows is worked out here, once: the page is on every journey's path.
    context = {
        "payment": p,
        "amount": p.amount.format_display() if p else None,
        "items": [
            _Item(g.get("goodsName") or g.get("referenceGoodsId"), g.get("goodsQuantity"))
            for g in p.goods
            if isinstance(g, dict)
        ]
        if p
        else [],
        "accounts": accounts,
        "default_account": DEFAULT_ACCOUNT,
        "error": error,
        "reason": reason,
        "closed_code": closed_code,
        "config": {
            "token": p.token if p else None,
            "csrf": csrf_token(request.app, p.token) if p else None,
            "containerOrigins": list(wallet.config.container_origins),
            "paymentId": p.payment_id if p else None,
            "paymentRequestId": p.payment_request_id if p else None,
            "orderId": p.reference_order_id if p else None,
            "redirectUrl": p.redirect_url if p else None,
            "closedCode": closed_code,
            "messages": APP_MESSAGES,
        },
    }
    response = aiohttp_jinja2.render_template("wallet/cashier.html", request, context, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


async def cashier_page(request: web.Request) -> web.Response:
    """Steps 10-13: open the paymentUrl, fetch the order, render the cashier."""
    wallet: Wallet = request.app[WALLET]
    token = request.match_info["token"]
    try:
        p = await wallet.open_cashier(token)
    except CashierError as exc:
        return await _page(request, None, error=exc.message, status=exc.http_status)
    error = _opened(wallet, p, request.headers.get("User-Agent", ""))
    return await _page(request, p, error=error)


def _opened(wallet: Wallet, p: Payment, opened_by: str) -> str | None:
    """Journal steps 10-13 of a cashier opened on ``p``; what the cashier says about a
    payment that can no longer be paid, or None."""
    ids = _ids(p)
    wallet.journal.record(10, "wallet app opens the paymentUrl", **ids, details={"userAgent": opened_by[:120]})
    wallet.journal.record(11, "cashier asks the wallet server for the order", **ids)
    wallet.journal.record(
        12,
        f"order received: {p.amount.format_display()}, status {p.status.value}",
        **ids,
        details={"payee": p.merchant_name, "orderDescription": p.order_description},
    )
    reason = reason_for(p) if p.status.final else None
    error = reason.message if reason else None
    wallet.journal.record(13, "cashier rendered" + (f" (closed: {reason.title})" if reason else ""), **ids)
    return error


async def cashier_by_trade_no(request: web.Request) -> web.StreamResponse:
    """``my.tradePay({tradeNO})``: the container names the wallet's paymentId."""
    wallet: Wallet = request.app[WALLET]
    trade_no = request.query.get("tradeNO", "")
    p = await store.payment_by_id(wallet.db, trade_no) if 0 < len(trade_no) <= 64 else None
    if p is None:
        return await _page(request, None, error="No payment has this trade number.", status=404)
    raise web.HTTPFound(f"/cashier/{p.token}")


async def _checked_form(request: web.Request) -> tuple[Wallet, str, dict]:
    wallet: Wallet = request.app[WALLET]
    token = request.match_info["token"]
    if not hmac.compare_digest(request.headers.get("X-CSRF-Token", ""), csrf_token(request.app, token)):
        raise CashierError("CSRF", "This form has expired. Reload the cashier.", http_status=403)
    origin = request.headers.get("Origin")
    if origin and origin not in wallet.config.own_origins:
        raise CashierError("CSRF", "Cross-site form posts are refused.", http_status=403)
    try:
        form = await read_json(request)
    except jsonio.BodyError as exc:
        if exc.status == 413:
            raise CashierError("TOO_LARGE", "The form is too large.", http_status=413) from None
        raise CashierError("BAD_REQUEST", f"The form could not be read: {exc}.") from None
    for key, value in form.items():
        if not isinstance(value, str) or len(value) > MAX_FORM_FIELD:
            raise CashierError("BAD_REQUEST", f"Field {key[:32]} is not valid.")
    return wallet, token, form


def _result(result) -> web.Response:
    p = result.payment
    reason = reason_for(p) if result.app_result_code == "4000" else None
    return json_response(
        {
            "resultCode": result.app_result_code,
            "message": result.message,
            **({"reason": reason.to_json()} if reason else {}),
            "paymentStatus": p.status.wire,
            "paymentId": p.payment_id,
            "paymentRequestId": p.payment_request_id,
            "orderId": p.reference_order_id,
        }
    )


def _refusal(exc: CashierError) -> web.Response:
    error: dict[str, str | int] = {"code": exc.code, "message": exc.message}
    if exc.tries_left is not None:
        error["triesLeft"] = exc.tries_left
    body: dict = {"error": error}
    if exc.reason is not None:
        body["reason"] = exc.reason.to_json()
    return json_response(body, status=exc.http_status)


async def confirm(request: web.Request) -> web.Response:
    """Steps 14-17, posted by the cashier page. The password is never logged or journaled."""
    try:
        wallet, token, form = await _checked_form(request)
        result = await wallet.confirm(token, form.get("account", ""), form.get("password", ""))
    except CashierError as exc:
        return _refusal(exc)
    return _result(result)


async def cancel(request: web.Request) -> web.Response:
    try:
        wallet, token, _form = await _checked_form(request)
        result = await wallet.user_cancel(token)
    except CashierError as exc:
        return _refusal(exc)
    return _result(result)


HEADLESS = "headless buyer (POST /_sim/cashier)"
CASHIER_FIELDS = {"paymentUrl", "paymentId", "account", "password", "action"}


async def _headless_token(wallet: Wallet, body: dict) -> str:
    """The cashier token of the payment a ``POST /_sim/cashier`` names: by its paymentUrl
    (``/cashier/{token}`` or ``/cashier?tradeNO=``, on one of this wallet's origins) or by
    its paymentId."""
    url, payment_id = body.get("paymentUrl"), body.get("paymentId")
    if (url is None) == (payment_id is None):
        raise CashierError("PARAM_ILLEGAL", "pass paymentUrl or paymentId (one of them)")
    if url is not None:
        if not isinstance(url, str) or len(url) > 2048:
            raise CashierError("PARAM_ILLEGAL", "paymentUrl must be the URL the pay call returned")
        try:
            parsed = URL(url)
            origin = str(parsed.origin()) if parsed.absolute else ""
        except ValueError:
            origin = ""
        if origin not in wallet.config.own_origins:
            raise CashierError(
                "PARAM_ILLEGAL",
                f"paymentUrl is not a cashier of this wallet (which answers at {wallet.config.public_url})",
            )
        if parsed.path.startswith("/cashier/") and parsed.path.count("/") == 2:
            return parsed.path.rsplit("/", 1)[1]
        if parsed.path != "/cashier" or "tradeNO" not in parsed.query:
            raise CashierError("PARAM_ILLEGAL", "paymentUrl is not a cashier URL (/cashier/... of this wallet)")
        payment_id = parsed.query["tradeNO"]
    if not isinstance(payment_id, str) or not 0 < len(payment_id) <= 64:
        raise CashierError("PARAM_ILLEGAL", "paymentId must be the wallet's payment id")
    p = await store.payment_by_id(wallet.db, payment_id)
    if p is None:
        raise CashierError("NOT_FOUND", "No payment has this id.", http_status=404)
    return p.token


async def headless(request: web.Request) -> web.Response:
    """``POST /_sim/cashier``: the buyer opens the cashier of a payment and confirms or
    cancels, with no browser: the cashier's own service path (steps 10-17), so the same
    outcomes, refusals, forced outcomes and journal as a click."""
    wallet: Wallet = request.app[WALLET]
    try:
        body = await read_json(request)
    except jsonio.BodyError as exc:
        return json_error(exc.status, "BAD_JSON", str(exc))
    unknown = sorted(set(body) - CASHIER_FIELDS)
    if unknown:
        return json_error(400, "PARAM_ILLEGAL", f"unknown field(s): {', '.join(unknown)[:200]}")
    action = body.get("action", "confirm")
    account = body.get("account", DEFAULT_ACCOUNT)
    password = body.get("password", SANDBOX_PASSWORD)
    if action not in ("confirm", "cancel"):
        return json_error(400, "PARAM_ILLEGAL", "action is confirm or cancel")
    for name, value in (("account", account), ("password", password)):
        if not isinstance(value, str) or len(value) > MAX_FORM_FIELD:
            return json_error(400, "PARAM_ILLEGAL", f"{name} must be a string")
    try:
        token = await _headless_token(wallet, body)
        p = await wallet.open_cashier(token)
        _opened(wallet, p, HEADLESS)
        if action == "cancel":
            result = await wallet.user_cancel(token)
        else:
            result = await wallet.confirm(token, account, password)
    except CashierError as exc:
        return _refusal(exc)
    return _result(result)


def frame_ancestors(config_origins: tuple[str, ...]):
    allowed = " ".join(("'self'", *config_origins))
    return lambda request: allowed if request.path.startswith("/cashier") else "'self'"


def routes() -> list[web.RouteDef]:
    return [
        web.get("/cashier", cashier_by_trade_no),
        web.get("/cashier/{token}", cashier_page),
        web.post("/cashier/{token}/confirm", confirm),
        web.post("/cashier/{token}/cancel", cancel),
        web.post("/_sim/cashier", headless),
    ]
