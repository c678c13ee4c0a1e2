"""The wallet's control plane under ``/_sim/``: credentials, merchants, accounts, reset,
the clock, the notification outbox and the journal. Nothing here is needed for the
normal journey; tests and the console use it to look and to steer."""

from __future__ import annotations

from aiohttp import web

from simulator.core import jsonio, signing
from simulator.core.signing import SignatureError
from simulator.core.web import JsonError, json_error, json_response, query_limit, read_json

from . import control_store, faults, ownership, parsing, store
from .accounts import MAX_PASSWORD_TRIES, SANDBOX_PASSWORD, TEST_ACCOUNTS
from .api import WALLET
from .errors import ApiError
from .models import Outcome, PaymentStatus
from .operations import PROFILES
from .records import Merchant
from .service import Wallet
from .wire import NOTIFY_APIS
from .worker import RETRY_SCHEDULE_SECONDS, Worker

WORKER = web.AppKey("worker", Worker)


async def _json_body(request: web.Request) -> dict:
    if not request.can_read_body:
        return {}
    try:
        body = await read_json(request)
    except jsonio.BodyError as exc:
        raise JsonError(exc.status, "BAD_JSON", str(exc)) from None
    return body


async def credentials(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    cfg = wallet.config
    return json_response(
        {
            "clientId": cfg.sandbox_client_id,
            "merchantPrivateKey": cfg.sandbox_merchant_private_pem,
            "merchantPublicKey": cfg.sandbox_merchant_public_pem,
            "walletPublicKey": signing.public_pem_of(cfg.wallet_private_pem),
            "keyVersion": signing.DEFAULT_KEY_VERSION,
            "baseUrl": cfg.public_url,
            "apiProfile": cfg.sandbox_api_profile,
            "apiBaseUrl": cfg.api_base_url_of(cfg.sandbox_api_profile),
            "testAccounts": [
                {"loginId": a.login_id, "outcome": a.outcome.value, "description": a.description} for a in TEST_ACCOUNTS
            ],
            "paymentPassword": SANDBOX_PASSWORD,
        }
    )


async def register_merchant(request: web.Request) -> web.Response:
    """Register your own merchant (or replace its key and notify URL): client id, RSA
    public key (PEM or bare base64, at least 2048 bits), notify URL. The reply carries the
    wallet's public key, to verify its replies and notifications with."""
    wallet: Wallet = request.app[WALLET]
    body = await _json_body(request)
    client_id = body.get("clientId")
    name = body.get("name") or client_id
    public_key = body.get("publicKey")
    notify_url = body.get("notifyUrl")
    api_profile = body.get("apiProfile")
    fields = {"clientId", "name", "publicKey", "notifyUrl", "apiProfile"}
    unknown = sorted(set(body) - fields)
    if unknown:
        return json_error(400, "PARAM_ILLEGAL", f"unknown field {unknown[0][:40]!r}; expected {sorted(fields)}")
    # A client id travels in the Client-Id header: printable ASCII without spaces.
    if (
        not isinstance(client_id, str)
        or not 1 <= len(client_id) <= 64
        or not client_id.isascii()
        or not client_id.isprintable()
        or " " in client_id
    ):
        return json_error(400, "PARAM_ILLEGAL", "clientId must be 1-64 printable ASCII characters without spaces")
    if not isinstance(name, str) or len(name) > 128 or not name.isprintable():
        return json_error(400, "PARAM_ILLEGAL", "name must be a printable string of at most 128 characters")
    if not isinstance(public_key, str) or len(public_key) > 16_384:
        return json_error(400, "PARAM_ILLEGAL", "publicKey (PEM or base64 of an RSA public key) is required")
    try:
        signing.load_public_key(public_key)
    except (SignatureError, ValueError) as exc:
        return json_error(400, "PARAM_ILLEGAL", f"publicKey is not usable: {exc}")
    try:
        notify_url = parsing.url(body, "notifyUrl")  # what pay accepts: a URL that can be sent to
    except ApiError as exc:
        return json_error(400, "PARAM_ILLEGAL", exc.message)
    if api_profile is not None and api_profile not in PROFILES:
        return json_error(400, "PARAM_ILLEGAL", f"apiProfile must be one of {', '.join(PROFILES)}")
    if client_id == wallet.config.sandbox_client_id:
        return json_error(409, "CLIENT_ID_TAKEN", "this client id belongs to the sandbox merchant")
    current = await wallet.merchant(client_id)
    secret = None
    if current is None:
        secret, kept = ownership.new_secret()
    else:
        kept = None
        if _changes(current, name, public_key, notify_url, api_profile):
            try:
                await ownership.check(request, wallet, current, await request.read())
            except ownership.NotYours as exc:
                return json_error(exc.status, exc.code, exc.message)
    await wallet.register_merchant(client_id, name, public_key, notify_url, api_profile, secret_digest=kept)
    profile = (await wallet.api_profile(client_id)).name
    cfg = wallet.config
    return json_response(
        {
            **({"registrationSecret": secret} if secret else {}),
            "clientId": client_id,
            "name": name,
            "notifyUrl": notify_url,
            "walletPublicKey": signing.public_pem_of(cfg.wallet_private_pem),
            "keyVersion": signing.DEFAULT_KEY_VERSION,
            "baseUrl": cfg.public_url,
            "apiProfile": profile,
            "apiBaseUrl": cfg.api_base_url_of(profile),
        },
        status=201 if current is None else 200,
    )


def _changes(current: Merchant, name: str, public_key: str, notify_url: str | None, api_profile: str | None) -> bool:
    """Whether a registration changes anything (the same one again needs no proof)."""
    return (
        current.name != name
        or current.notify_url != notify_url
        or (api_profile is not None and current.api_profile != api_profile)
        or not signing.same_public_key(current.public_key_pem, public_key)
    )


async def list_merchants(request: web.Request) -> web.Response:
    """Every registered merchant, and the wallet's public key they all verify with."""
    wallet: Wallet = request.app[WALLET]
    rows = await store.list_merchants(wallet.db)
    return json_response(
        {
            "walletPublicKey": signing.public_pem_of(wallet.config.wallet_private_pem),
            "merchants": [
                {
                    "clientId": r.client_id,
                    "name": r.name,
                    "notifyUrl": r.notify_url,
                    "sandbox": r.sandbox,
                    "apiProfile": r.api_profile,
                    "createdAt": r.created_at,
                }
                for r in rows
            ],
        }
    )


async def _account_json(wallet: Wallet, row) -> dict:
    return {
        "accountId": row.account_id,
        "loginId": row.login_id,
        "name": row.display_name,
        "outcome": row.outcome,
        "locked": row.locked,
        "failedPasswordTries": row.failed_tries,
        "maxPasswordTries": MAX_PASSWORD_TRIES,
        "balances": {c: str(v) for c, v in (await store.balances_of(wallet.db, row.account_id)).items()},
    }


async def list_accounts(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    return json_response(
        {"accounts": [await _account_json(wallet, row) for row in await store.list_accounts(wallet.db)]}
    )


async def list_payments(request: web.Request) -> web.Response:
    """Every payment, newest first (``?limit=``, default 1000)."""
    wallet: Wallet = request.app[WALLET]
    try:
        limit = query_limit(request, 1000)
    except ValueError:
        return json_error(400, "PARAM_ILLEGAL", "limit must be an integer")
    return json_response(
        {
            "payments": [
                {
                    "paymentId": p.payment_id,
                    "paymentRequestId": p.payment_request_id,
                    "orderId": p.reference_order_id,
                    "clientId": p.client_id,
                    "status": p.status.value,
                    "resultCode": p.result_code,
                    "amount": p.amount.to_wire(),
                    "refunded": str(p.refunded),
                    "accountId": p.account_id,
                    "createdAt": p.created_at.isoformat(),
                }
                for p in await store.list_payments(wallet.db, limit)
            ]
        }
    )


async def get_payment(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    return await _payment_json(wallet, request.match_info["payment_id"])


async def _payment_json(wallet: Wallet, payment_id: str) -> web.Response:
    p = await store.payment_by_id(wallet.db, payment_id)
    if p is None:
        return json_error(404, "ORDER_NOT_EXIST", "no such payment")
    notifications = []
    for n in await store.notifications_of(wallet.db, p.payment_id):
        attempts = await store.attempts_of(wallet.db, n.notification_id)
        notifications.append(
            {
                "notificationId": n.notification_id,
                "notifyType": n.notify_type,
                "api": NOTIFY_APIS[n.notify_type],
                "status": n.status,
                "attempts": n.attempts,
                "nextAttemptAt": n.next_attempt_at,
                "url": n.url,
                "history": attempts,
            }
        )
    return json_response(
        {
            "paymentId": p.payment_id,
            "paymentRequestId": p.payment_request_id,
            "clientId": p.client_id,
            "status": p.status.value,
            "resultCode": p.result_code,
            "amount": p.amount.to_wire(),
            "refunded": str(p.refunded),
            "orderId": p.reference_order_id,
            "accountId": p.account_id,
            "createdAt": p.created_at.isoformat(),
            "expiresAt": p.expires_at.isoformat(),
            "paidAt": p.paid_at.isoformat() if p.paid_at else None,
            "paymentUrl": wallet.config.payment_url(p.token),
            "notifyUrl": p.notify_url,
            "notifications": notifications,
        }
    )


async def advance_clock(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    body = await _json_body(request)
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 10 * 365 * 86400:
        return json_error(400, "PARAM_ILLEGAL", "seconds must be a number between 0 and ten years")
    now = await wallet.advance_clock(float(seconds))
    return json_response({"now": now.isoformat(), "offsetSeconds": wallet.clock.offset_seconds})


async def clock(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    return json_response(
        {
            "now": wallet.clock.now().isoformat(),
            "offsetSeconds": wallet.clock.offset_seconds,
            "timeScale": wallet.clock.time_scale,
            "notificationScheduleSeconds": list(RETRY_SCHEDULE_SECONDS),
        }
    )


async def reset(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    await request.app[WORKER].idle(timeout=5)
    await wallet.reset()
    return json_response({"reset": True})


# --- forced outcomes and faults: queues of entries, consumed one use at a time --------
# Each entry may be scoped to one merchant (clientId) and/or one payment
# (paymentRequestId), so that parallel tests and several people can share one wallet.

QUEUE_KEYS = {"forced_outcomes": "outcomes", "api_faults": "faults", "notify_faults": "faults"}


def _scope_of_query(request: web.Request) -> dict[str, str | None] | None:
    """``?clientId=&paymentRequestId=``: the entries of exactly that scope (a parameter
    left out: entries not scoped by it). No parameter: every entry."""
    if not any(name in request.query for name, _ in faults.SCOPE_FIELDS):
        return None
    return faults.parse_scope({name: request.query.get(name) or None for name, _ in faults.SCOPE_FIELDS})


async def _queue_list(request: web.Request, table: str, extra: dict | None = None) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    try:
        scope = _scope_of_query(request)
    except ValueError as exc:
        return json_error(400, "PARAM_ILLEGAL", str(exc))
    rows = await control_store.entries(wallet.db, table, scope)
    described = [faults.describe(r, wallet.started_at) for r in rows]
    return json_response(
        {QUEUE_KEYS[table]: described, "leftOver": sum(1 for d in described if d["leftOver"]), **(extra or {})}
    )


async def _queue_add(request: web.Request, table: str, row: dict, replace: bool) -> web.Response:
    """Queue an entry. The reply names what was already queued for the same target (same
    scope, and for an API fault the same endpoint), which acts first; ``replace: true``
    removes those entries instead (``replaced``)."""
    wallet: Wallet = request.app[WALLET]
    if row.get("client_id") is not None and await wallet.merchant(row["client_id"]) is None:
        return json_error(
            400, "PARAM_ILLEGAL", f"no merchant {row['client_id'][:64]!r} is registered (GET /_sim/merchants)"
        )
    target = {column: row.get(column) for column in control_store.SAME_TARGET[table]}
    async with wallet.db.transaction() as tx:
        before = await control_store.entries(tx, table, target)
        if replace and before:
            await control_store.clear(tx, table, target)
        row_id = await control_store.add(tx, table, wallet.clock.now(), **row)
    wallet.queues.mark(table)
    entry = next(r for r in await control_store.entries(wallet.db, table) if r["id"] == row_id)
    shown = [faults.describe(r, wallet.started_at) for r in before]
    return json_response(
        {
            **faults.describe(entry, wallet.started_at),
            "alreadyQueued": [] if replace else shown,
            "replaced": shown if replace else [],
        },
        status=201,
    )


def _replace_flag(body: dict) -> bool:
    replace = body.get("replace", False)
    if not isinstance(replace, bool):
        raise ValueError("replace must be true or false")
    return replace


async def _queue_clear(request: web.Request, table: str) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    try:
        scope = _scope_of_query(request)
    except ValueError as exc:
        return json_error(400, "PARAM_ILLEGAL", str(exc))
    async with wallet.db.transaction() as tx:
        cleared = await control_store.clear(tx, table, scope)
    return json_response({"cleared": cleared})


async def _queue_remove(request: web.Request, table: str) -> web.Response:
    """``DELETE .../{id}``: one entry, the one its caller queued (a conformance run takes
    back what it queued and did not use; other entries stay)."""
    wallet: Wallet = request.app[WALLET]
    entry_id = int(request.match_info["entry_id"])
    async with wallet.db.transaction() as tx:
        removed = await control_store.remove(tx, table, entry_id)
    if not removed:
        return json_error(404, "NOT_FOUND", f"no queued entry {entry_id} (used up, cleared or never queued)")
    return json_response({"removed": entry_id})


OUTCOME_NAMES = [o.value for o in Outcome]


async def list_outcomes(request: web.Request) -> web.Response:
    return await _queue_list(request, "forced_outcomes", {"available": OUTCOME_NAMES})


async def force_outcome(request: web.Request) -> web.Response:
    body = await _json_body(request)
    outcome = body.get("outcome")
    if outcome not in OUTCOME_NAMES:
        return json_error(400, "PARAM_ILLEGAL", f"outcome must be one of {', '.join(OUTCOME_NAMES)}")
    try:
        count = faults.parse_count(body)
        scope = faults.parse_scope(body)
        replace = _replace_flag(body)
    except ValueError as exc:
        return json_error(400, "PARAM_ILLEGAL", str(exc))
    return await _queue_add(request, "forced_outcomes", {"outcome": outcome, "remaining": count, **scope}, replace)


async def clear_outcomes(request: web.Request) -> web.Response:
    return await _queue_clear(request, "forced_outcomes")


async def remove_outcome(request: web.Request) -> web.Response:
    return await _queue_remove(request, "forced_outcomes")


async def remove_api_fault(request: web.Request) -> web.Response:
    return await _queue_remove(request, "api_faults")


async def remove_notify_fault(request: web.Request) -> web.Response:
    return await _queue_remove(request, "notify_faults")


async def list_api_faults(request: web.Request) -> web.Response:
    return await _queue_list(
        request, "api_faults", {"kinds": list(faults.API_FAULT_KINDS), "endpoints": list(faults.API_ENDPOINTS)}
    )


async def _queue_parsed(request: web.Request, table: str, parse) -> web.Response:
    body = await _json_body(request)
    try:
        row = parse(body)
        replace = _replace_flag(body)
    except ValueError as exc:
        return json_error(400, "PARAM_ILLEGAL", str(exc))
    return await _queue_add(request, table, row, replace)


async def add_api_fault(request: web.Request) -> web.Response:
    return await _queue_parsed(request, "api_faults", faults.parse_api_fault)


async def clear_api_faults(request: web.Request) -> web.Response:
    return await _queue_clear(request, "api_faults")


async def list_notify_faults(request: web.Request) -> web.Response:
    return await _queue_list(request, "notify_faults", {"kinds": list(faults.NOTIFY_FAULT_KINDS)})


async def add_notify_fault(request: web.Request) -> web.Response:
    return await _queue_parsed(request, "notify_faults", faults.parse_notify_fault)


async def clear_notify_faults(request: web.Request) -> web.Response:
    return await _queue_clear(request, "notify_faults")


async def unlock_account(request: web.Request) -> web.Response:
    """``POST /_sim/accounts/{loginId}/unlock``: a locked account (too many wrong
    passwords) opens again with its tries reset; nothing else changes."""
    wallet: Wallet = request.app[WALLET]
    login_id = request.match_info["login_id"]
    async with wallet.db.transaction() as tx:
        account = await store.unlock_account(tx, login_id)
    if account is None:
        return json_error(404, "ACCOUNT_NOT_FOUND", f"no test account {login_id[:64]!r} (GET /_sim/accounts)")
    wallet.journal.record(None, f"account {login_id} unlocked by the control API", kind="note")
    return json_response(await _account_json(wallet, account))


# --- payments and notifications -------------------------------------------------------


async def settle_payment(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    body = await _json_body(request)
    to = body.get("to")
    if to not in (None, "SUCCESS", "FAIL"):
        return json_error(400, "PARAM_ILLEGAL", "to must be SUCCESS or FAIL")
    return await _move_payment(request, lambda pid: wallet.settle_now(pid, PaymentStatus(to) if to else None))


async def expire_payment(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    return await _move_payment(request, wallet.expire_now)


async def _move_payment(request: web.Request, move) -> web.Response:
    """Apply a control move to the payment named in the path; its state, or why not."""
    payment_id = request.match_info["payment_id"]
    try:
        await move(payment_id)
    except LookupError as exc:
        return json_error(404, "ORDER_NOT_EXIST", str(exc))
    except ValueError as exc:
        return json_error(409, "ORDER_STATUS_INVALID", str(exc))
    return await _payment_json(request.app[WALLET], payment_id)


async def list_notifications(request: web.Request) -> web.Response:
    wallet: Wallet = request.app[WALLET]
    try:
        limit = query_limit(request, 1000)
    except ValueError:
        return json_error(400, "PARAM_ILLEGAL", "limit must be an integer")
    return json_response(
        {
            "notifications": [
                {
                    "notificationId": n.notification_id,
                    "notifyType": n.notify_type,
                    "api": NOTIFY_APIS[n.notify_type],
                    "paymentId": n.payment_id,
                    "status": n.status,
                    "attempts": n.attempts,
                    "nextAttemptAt": n.next_attempt_at,
                    "url": n.url,
                    "createdAt": n.created_at,
                    "deliveredAt": n.delivered_at,
                    "lastError": n.last_error,
                }
                for n in await store.notifications_of(wallet.db, limit=limit)
            ]
        }
    )


async def resend_notification(request: web.Request) -> web.Response:
    try:
        notification_id = int(request.match_info["notification_id"])
        outcome = await request.app[WORKER].resend(notification_id)
    except ValueError:
        return json_error(400, "PARAM_ILLEGAL", "notificationId must be an integer")
    except LookupError as exc:
        return json_error(404, "NOTIFICATION_NOT_EXIST", str(exc))
    return json_response({"notificationId": notification_id, **outcome})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/_sim/credentials", credentials),
        web.get("/_sim/merchants", list_merchants),
        web.post("/_sim/merchants", register_merchant),
        web.get("/_sim/accounts", list_accounts),
        web.get("/_sim/payments", list_payments),
        web.get("/_sim/payments/{payment_id}", get_payment),
        web.get("/_sim/clock", clock),
        web.post("/_sim/clock/advance", advance_clock),
        web.post("/_sim/reset", reset),
        web.get("/_sim/outcomes", list_outcomes),
        web.post("/_sim/outcomes", force_outcome),
        web.delete("/_sim/outcomes", clear_outcomes),
        web.delete("/_sim/outcomes/{entry_id:[0-9]{1,12}}", remove_outcome),
        web.get("/_sim/faults", list_api_faults),
        web.post("/_sim/faults", add_api_fault),
        web.delete("/_sim/faults", clear_api_faults),
        web.delete("/_sim/faults/{entry_id:[0-9]{1,12}}", remove_api_fault),
        web.post("/_sim/accounts/{login_id}/unlock", unlock_account),
        web.post("/_sim/payments/{payment_id}/settle", settle_payment),
        web.post("/_sim/payments/{payment_id}/expire", expire_payment),
        web.get("/_sim/notifications", list_notifications),
        web.get("/_sim/notifications/faults", list_notify_faults),
        web.post("/_sim/notifications/faults", add_notify_fault),
        web.delete("/_sim/notifications/faults", clear_notify_faults),
        web.delete("/_sim/notifications/faults/{entry_id:[0-9]{1,12}}", remove_notify_fault),
        web.post("/_sim/notifications/{notification_id:[0-9]+}/resend", resend_notification),
    ]
