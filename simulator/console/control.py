"""The console's controls: a narrow relay to the apps' control API (``/_sim/...``, the
same one the tests use), reset of every app at once, and the actions a journey offers.

The page cannot call the apps itself (other origins, no CORS), so it calls
``/api/control/{app}/{path}`` here; only the control routes below are relayed."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from ..core import jsonio
from ..core.apps import RESET_ORDER
from ..core.web import JsonError, json_error, json_response, read_json

# The control API's vocabulary (issue 5's contract); the page offers these.
OUTCOMES = (
    "SUCCESS",
    "INSUFFICIENT_BALANCE",
    "RISK_REJECT",
    "USER_CANCEL",
    "PROCESSING_THEN_SUCCESS",
    "PROCESSING_THEN_FAIL",
    "NETWORK_LOST_BEFORE_DEBIT",
    "NETWORK_LOST_AFTER_DEBIT",
)
FAULT_ENDPOINTS = ("*", "pay", "inquiryPayment", "cancelPayment", "refund", "inquiryRefund")
FAULT_KINDS = ("delay", "http_500", "http_503", "drop", "malformed_json", "unknown_exception")
NOTIFICATION_FAULT_KINDS = ("fail", "delay", "duplicate", "drop")

_ID = r"[A-Za-z0-9_.\-]{1,128}"
# (app, method, path under /_sim/) that the console relays.
ALLOWED = tuple(
    (app, method, re.compile(pattern))
    for app, method, pattern in (
        ("wallet", "GET", r"outcomes"),
        ("wallet", "POST", r"outcomes"),
        ("wallet", "DELETE", r"outcomes"),
        ("wallet", "DELETE", r"outcomes/[0-9]{1,18}"),
        ("wallet", "GET", r"faults"),
        ("wallet", "POST", r"faults"),
        ("wallet", "DELETE", r"faults"),
        ("wallet", "DELETE", r"faults/[0-9]{1,18}"),
        ("wallet", "GET", r"notifications"),
        ("wallet", "GET", r"notifications/faults"),
        ("wallet", "POST", r"notifications/faults"),
        ("wallet", "DELETE", r"notifications/faults"),
        ("wallet", "DELETE", r"notifications/faults/[0-9]{1,18}"),
        ("wallet", "POST", rf"notifications/{_ID}/resend"),
        ("wallet", "GET", rf"payments/{_ID}"),
        ("wallet", "POST", rf"payments/{_ID}/(settle|expire)"),
        ("wallet", "GET", r"clock"),
        ("wallet", "POST", r"clock/advance"),
        ("wallet", "GET", r"accounts"),
        ("wallet", "POST", r"accounts/[A-Za-z0-9_.@+\-]{1,128}/unlock"),
    )
)
TIMEOUT = aiohttp.ClientTimeout(total=10)


def allowed(app: str, method: str, path: str) -> bool:
    return any(a == app and m == method and p.fullmatch(path) for a, m, p in ALLOWED)


async def _forward(session: aiohttp.ClientSession, method: str, url: str, body: Any) -> tuple[int, Any]:
    """One control call; ``(status, JSON body)``, with the wallet's own error when it has one."""
    try:
        async with session.request(method, url, json=body, timeout=TIMEOUT) as resp:
            text = await resp.text()
            try:
                return resp.status, json.loads(text) if text else {}
            except ValueError:
                return resp.status, {
                    "error": {"code": f"HTTP_{resp.status}", "message": f"{method} {url} answered HTTP {resp.status}"}
                }
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return 502, {"error": {"code": "APP_UNREACHABLE", "message": f"{url} did not answer ({type(exc).__name__})"}}


async def _body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    try:
        return await read_json(request)
    except jsonio.BodyError as exc:
        raise JsonError(exc.status, "BAD_JSON", str(exc)) from None


def handlers(
    session_of: Callable[[web.Request], aiohttp.ClientSession], urls_of: Callable[[web.Request], dict[str, str]]
) -> dict[str, Callable[[web.Request], Awaitable]]:
    async def relay(request: web.Request) -> web.Response:
        """``/api/control/{app}/{path}`` -> ``{app}/_sim/{path}``, for the allowed routes."""
        app, path = request.match_info["app"], request.match_info["path"]
        urls = urls_of(request)
        if app not in urls or not allowed(app, request.method, path):
            return json_error(
                404, "NOT_A_CONTROL", f"the console does not relay {request.method} /_sim/{path} to {app!r}"
            )
        body = await _body(request) if request.method != "GET" else None
        status, payload = await _forward(
            session_of(request),
            request.method,
            f"{urls[app]}/_sim/{path}" + (f"?{request.query_string}" if request.query_string else ""),
            body,
        )
        return json_response(payload, status=status)

    async def reset(request: web.Request) -> web.Response:
        """Reset every app (the wallet first: nothing then notifies an order that is gone)."""
        urls = urls_of(request)
        results: dict[str, dict[str, Any]] = {}
        for app in RESET_ORDER:
            if app in urls:
                status, payload = await _forward(session_of(request), "POST", f"{urls[app]}/_sim/reset", {})
                results[app] = {"status": status}
                if status >= 300:
                    results[app]["error"] = (payload or {}).get("error") if isinstance(payload, dict) else None
        ok = all(r["status"] < 300 for r in results.values())
        return json_response({"reset": ok, "apps": results}, status=200 if ok else 502)

    return {"relay": relay, "reset": reset}


def journey_actions(payment: dict | None) -> list[dict[str, Any]]:
    """What the console offers for a journey's payment, from the wallet's view of it."""
    if not payment:
        return []
    pid = quote(payment["paymentId"], safe="")
    actions = []
    if payment.get("status") == "PROCESSING":
        actions += [
            {
                "id": "settle-success",
                "label": "Settle as success",
                "tone": "primary",
                "method": "POST",
                "path": f"/api/control/wallet/payments/{pid}/settle",
                "body": {"to": "SUCCESS"},
            },
            {
                "id": "settle-fail",
                "label": "Settle as failure",
                "tone": "danger",
                "method": "POST",
                "path": f"/api/control/wallet/payments/{pid}/settle",
                "body": {"to": "FAIL"},
            },
        ]
    if payment.get("status") == "INIT":
        actions.append(
            {
                "id": "expire",
                "label": "Expire now",
                "tone": "default",
                "method": "POST",
                "path": f"/api/control/wallet/payments/{pid}/expire",
                "body": {},
            }
        )
    notifications = payment.get("notifications") or []
    apis = [n["api"] for n in notifications]
    for n in notifications:
        # A processing payment has two notifyPayment (PAYMENT_PENDING, then the result):
        # their buttons say which is which.
        label = f"Resend {n['api']}" + (f" ({n['notifyType']})" if apis.count(n["api"]) > 1 else "")
        actions.append(
            {
                "id": f"resend-{n['notificationId']}",
                "label": label,
                "tone": "default",
                "method": "POST",
                "path": f"/api/control/wallet/notifications/{n['notificationId']}/resend",
                "body": {},
            }
        )
    return actions
