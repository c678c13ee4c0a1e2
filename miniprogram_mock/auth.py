"""``my.getAuthCode``: the container issues an authorization code for the sandbox's test
buyer, in a format the wallet can resolve (docs/my-shim.md, "my.getAuthCode").

A code is ``SIMAC1.`` followed by the unpadded base64url of a JSON object::

    {"user": "buyer@sandbox.test", "scopes": ["auth_base"], "issuedAt": 1767225600, "nonce": "<16 hex>"}

``user`` is the wallet's login id of the test buyer, ``scopes`` what was granted,
``issuedAt`` Unix seconds, ``nonce`` what makes the code unique (the wallet spends a
code once by remembering it). It is not signed: the container and the wallet share no
secret, and it is sandbox-only. The scopes are those Alipay and Alipay+ wallets
document; ``auth_base`` alone is silent, any other asks the user first (the shim's
consent sheet)."""

from __future__ import annotations

from aiohttp import web

from simulator.core import auth_codes, jsonio
from simulator.core.web import json_response, read_json

CODE_PREFIX = auth_codes.CODE_PREFIX
TEST_BUYER = "buyer@sandbox.test"  # the wallet's default test account (README, "Outcomes")
MAX_SCOPES = 20
SILENT = frozenset({"auth_base"})  # "静默授权，不会弹出授权浮窗" (my.getAuthCode page)
# What the user is asked to allow, by scope: @mini-types/my's authSuccessScopes, then the
# scopes of the Alipay+ wallets' my.getAuthCode pages.
SCOPES: dict[str, str] = {
    "auth_base": "your user ID",
    "auth_user": "your profile: user ID, nickname, avatar and the like",
    "auth_zhima": "your credit score",
    "order_service": "your orders with this service",
    "trip_ticket": "your trip tickets",
    "ride_hailing": "your ride-hailing orders",
    "charging_pile": "your charging orders",
    "ptjob_order_sync": "your part-time job orders",
    "indr_order_sync": "your industry orders",
    "car_rental_auth": "your car rentals",
    "hospital_order": "your hospital orders",
    "consumer_finance": "your consumer finance",
    "USER_ID": "your user ID",
    "USER_NICKNAME": "your nickname",
    "USER_NAME": "your name",
    "USER_LOGIN_ID": "your login ID (partly hidden)",
    "PLAINTEXT_USER_LOGIN_ID": "your login ID",
    "HASH_LOGIN_ID": "a hash of your login ID",
    "USER_AVATAR": "your avatar",
    "USER_GENDER": "your gender",
    "USER_BIRTHDAY": "your birthday",
    "USER_NATIONALITY": "your nationality",
    "USER_CONTACTINFO": "your contact information",
    "USER_ADDRESS": "your address",
    "USER_EMAIL": "your email address",
    "USER_MOBILE_PHONE": "your mobile phone number (partly hidden)",
    "PLAINTEXT_MOBILE_PHONE": "your mobile phone number",
    "SEND_MESSAGE": "sending you notifications (SMS, push, inbox)",
}
# The documented failure of an unknown scope: 3 (Alipay's page: "scopes 入参包含无效值";
# the Alipay+ page's example message).
UNKNOWN_SCOPE = (3, "Unknown error!")


class ScopeError(ValueError):
    """Scopes the platform would not grant: ``detail`` says which, for the page's console."""


def parse_scopes(scopes: object) -> tuple[str, ...]:
    """``scopes`` as the page gives it: a string or a list of strings; ``auth_base`` when absent."""
    if scopes is None:
        return ("auth_base",)
    listed = [scopes] if isinstance(scopes, str) else scopes
    if not isinstance(listed, list) or not listed or len(listed) > MAX_SCOPES:
        raise ScopeError(f"scopes must be a scope or a list of 1 to {MAX_SCOPES} scopes")
    unknown = [s for s in listed if not isinstance(s, str) or s not in SCOPES]
    if unknown:
        raise ScopeError(f"unknown scopes {unknown[:5]!r}: use {', '.join(list(SCOPES)[:4])}, ... (docs/my-shim.md)")
    return tuple(dict.fromkeys(listed))


def issue(scopes: tuple[str, ...], user: str = TEST_BUYER, now: float | None = None) -> str:
    return auth_codes.issue(scopes, user, now)


decode = auth_codes.decode  # what a code says (how the wallet reads it); ValueError when it is not one


async def issue_auth_code(request: web.Request) -> web.Response:
    """``POST /__container/auth-code`` ``{"scopes": ...}``: the code, and the scopes the
    user must be asked for (the shim asks, and hands the code over only if allowed)."""
    try:
        body = await read_json(request)
    except jsonio.BodyError:
        body = None
    if not isinstance(body, dict) or request.content_type != "application/json":
        return json_response({"ok": False, "error": 2, "errorMessage": "the call must be a JSON object"})
    try:
        scopes = parse_scopes(body.get("scopes"))
    except ScopeError as exc:
        code, message = UNKNOWN_SCOPE
        return json_response({"ok": False, "error": code, "errorMessage": message, "detail": str(exc)})
    ask = [{"scope": s, "description": SCOPES[s]} for s in scopes if s not in SILENT]
    return json_response(
        {"ok": True, "authCode": issue(scopes), "scopes": list(scopes), "user": TEST_BUYER, "ask": ask}
    )
