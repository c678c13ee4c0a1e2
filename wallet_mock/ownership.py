"""Proof that a registration is yours (issue 23, point 2): replacing a registered
merchant's key, notify URL, name or profile needs either the secret the wallet returned
when the client id was first registered, or a request signed with the current key, the
way the Alipay+ API is signed. A merchant portal asks for a login; without this anyone
who can reach the control plane could swap in their own key and refund the payments."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from aiohttp import web

from simulator.core.signed_http import read_signed_headers, verify_signed_request
from simulator.core.signing import SignatureError

from .records import Merchant
from .service import Wallet

SECRET_HEADER = "X-Registration-Secret"


class NotYours(Exception):
    """The request proves nothing, or proves wrongly: ``status``, ``code``, message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def new_secret() -> tuple[str, str]:
    """A registration secret and the digest the wallet keeps of it."""
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def check(request: web.Request, wallet: Wallet, merchant: Merchant, raw: bytes) -> None:
    """Raise ``NotYours`` unless the request proves it comes from ``merchant``'s owner."""
    shown = request.headers.get(SECRET_HEADER)
    if shown is not None:
        kept = await wallet.merchant_secret(merchant.client_id)
        if kept is None or not hmac.compare_digest(digest(shown), kept):
            raise NotYours(403, "NOT_YOURS", f"{SECRET_HEADER} is not the secret of {merchant.client_id!r}")
        return
    if "Signature" in request.headers:
        try:
            signed = read_signed_headers(request.headers)
            if signed.client_id != merchant.client_id:
                raise SignatureError(f"Client-Id must be {merchant.client_id!r}, the client id being replaced")
            verify_signed_request(
                signed,
                merchant.public_key_pem,
                request.method,
                request.rel_url.raw_path,
                raw,
                max_skew=wallet.config.request_time_window,
            )
        except SignatureError as exc:
            raise NotYours(403, "NOT_YOURS", f"the signature does not prove the current key: {exc}") from None
        return
    raise NotYours(
        401,
        "PROOF_REQUIRED",
        f"{merchant.client_id!r} is registered: to replace it, send the registrationSecret its first "
        f"registration returned (header {SECRET_HEADER}), or sign the request with its current key "
        "(Client-Id, Request-Time, Signature, as on the Alipay+ API)",
    )
