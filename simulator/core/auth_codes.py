"""The sandbox's authorization codes, spelled once for both parties: the mini program
container issues them (``my.getAuthCode``, miniprogram_mock/auth.py) and the wallet's
token API (``applyToken``, the miniprogram profile) redeems them.

A code is ``SIMAC1.`` followed by the unpadded base64url of a JSON object::

    {"user": "buyer@sandbox.test", "scopes": ["auth_base"], "issuedAt": 1767225600, "nonce": "<16 hex>"}

It is not signed: the container and the wallet share no secret, and it is sandbox-only.
The wallet spends a code once by remembering its nonce."""

from __future__ import annotations

import base64
import json
import secrets
import time

CODE_PREFIX = "SIMAC1."
MAX_CODE_LENGTH = 1024


def issue(scopes: tuple[str, ...], user: str, now: float | None = None) -> str:
    payload = {"user": user, "scopes": list(scopes), "issuedAt": int(now if now is not None else time.time())}
    payload["nonce"] = secrets.token_hex(8)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return CODE_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(code: str) -> dict:
    """What a code says; ValueError when it is not one."""
    if not isinstance(code, str) or not code.startswith(CODE_PREFIX) or len(code) > MAX_CODE_LENGTH:
        raise ValueError("not a tradepay-sim auth code")
    body = code[len(CODE_PREFIX) :]
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("a malformed tradepay-sim auth code") from None
    if not isinstance(payload, dict) or not {"user", "scopes", "issuedAt", "nonce"} <= payload.keys():
        raise ValueError("a malformed tradepay-sim auth code")
    if not isinstance(payload["user"], str) or not isinstance(payload["nonce"], str):
        raise ValueError("a malformed tradepay-sim auth code")
    issued = payload["issuedAt"]
    if not isinstance(issued, int) or isinstance(issued, bool) or not 0 <= issued < 2**33:
        raise ValueError("a malformed tradepay-sim auth code")
    if not isinstance(payload["scopes"], list) or not all(isinstance(s, str) for s in payload["scopes"]):
        raise ValueError("a malformed tradepay-sim auth code")
    return payload
