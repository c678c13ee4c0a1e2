"""Signed Alipay+ exchanges over HTTP: the client side (sign a request, check the reply)
and the server side helpers (read the signed headers, sign a reply).

Both the merchant server (calling the wallet) and the wallet (notifying merchants) use
this one piece, so the two directions cannot drift apart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from yarl import URL

from . import jsonio, signing
from .signer import Signer
from .signing import SignatureError

JSON_CONTENT_TYPE = "application/json; charset=UTF-8"


def dump_json(payload: Any) -> bytes:
    """The one JSON encoding used on the wire by the simulator itself (compact UTF-8)."""
    return jsonio.dumps(payload)


@dataclass
class SignedHeaders:
    client_id: str
    request_time: str
    signature: str
    key_version: str


def read_signed_headers(headers: Mapping[str, str]) -> SignedHeaders:
    """Pull Client-Id, Request-Time and Signature out of request headers (any case)."""
    client_id = headers.get("Client-Id") or headers.get("client-id")
    if not client_id:
        raise SignatureError("the Client-Id header is missing")
    request_time = headers.get("Request-Time") or headers.get("request-time")
    if not request_time:
        raise SignatureError("the Request-Time header is missing")
    parts = signing.parse_signature_header(headers.get("Signature") or headers.get("signature"))
    return SignedHeaders(client_id, request_time, parts["signature"], parts.get("keyVersion", "1"))


def verify_signed_request(
    signed: SignedHeaders,
    public_pem: str,
    method: str,
    path: str,
    body: bytes,
    *,
    max_skew: timedelta | None = None,
) -> None:
    """The one check of a signed Alipay+ message (the wallet's API requests, the
    merchant's notifications): its Request-Time readable (and within ``max_skew`` of
    this clock, when given: a captured request cannot be replayed later) and its
    signature over ``"<METHOD> <path>\\n<Client-Id>.<Request-Time>.<body>"`` made by
    ``public_pem``'s key. Raises ``SignatureError`` saying what is wrong."""
    sent = signing.parse_time(signed.request_time)
    if max_skew is not None:
        skew = abs((datetime.now(UTC) - sent).total_seconds())
        window = max_skew.total_seconds()
        if skew > window:
            raise SignatureError(f"Request-Time is {int(skew)} s away from this clock (window {int(window)} s)")
    if not signing.verify(public_pem, method, path, signed.client_id, signed.request_time, body, signed.signature):
        raise SignatureError("the signature does not match the request")


def signed_response_headers(private_pem: str, method: str, path: str, client_id: str, body: bytes) -> dict[str, str]:
    """Headers for a signed reply. Lower case on purpose: Alipay's SDKs match them
    case-sensitively (``client-id``, ``response-time``, ``signature``)."""
    now = signing.format_time(datetime.now(UTC))
    return _reply_headers(client_id, now, signing.sign(private_pem, method, path, client_id, now, body))


async def signed_reply_headers(signer: Signer, method: str, path: str, client_id: str, body: bytes) -> dict[str, str]:
    """``signed_response_headers``, with the signature made by ``signer`` (off the loop)."""
    now = signing.format_time(datetime.now(UTC))
    return _reply_headers(
        client_id, now, await signer.sign(signing.content_to_sign(method, path, client_id, now, body))
    )


def _reply_headers(client_id: str, now: str, signature: str) -> dict[str, str]:
    return {"client-id": client_id, "response-time": now, "signature": signing.signature_header(signature)}


@dataclass
class SignedExchange:
    """One signed call as it happened, for the caller and for the step journal."""

    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    response_signature_valid: bool | None = None
    elapsed_ms: float = 0.0
    # The reply was longer than the reader's limit: only its beginning is in response_body.
    response_clipped: bool = False

    def json(self) -> Any:
        return jsonio.loads(self.response_body)


class SignedClient:
    """Posts signed JSON to an Alipay+ style endpoint and checks the signed reply. Without
    a session it only signs requests and checks replies (``prepare``, ``check_reply``)."""

    def __init__(
        self,
        session: aiohttp.ClientSession | None,
        *,
        client_id: str,
        private_pem: str,
        peer_public_pem: str | None = None,
        key_version: str = signing.DEFAULT_KEY_VERSION,
        signer: Signer | None = None,
    ):
        self.signer = signer
        self.session = session
        self.client_id = client_id
        self.private_pem = private_pem
        self.peer_public_pem = peer_public_pem
        self.key_version = key_version

    def prepare(self, url: str, payload: Any) -> SignedExchange:
        """Sign a request here and now (on the caller's thread)."""
        body, content, now = self._to_sign(url, payload)
        return self._exchange(url, body, now, signing.sign_content(self.private_pem, content))

    async def prepare_signed(self, url: str, payload: Any) -> SignedExchange:
        """``prepare``, with the signature made by the client's signer when it has one
        (off the event loop: ``simulator.core.signer``)."""
        if self.signer is None:
            return self.prepare(url, payload)
        body, content, now = self._to_sign(url, payload)
        return self._exchange(url, body, now, await self.signer.sign(content))

    def _to_sign(self, url: str, payload: Any) -> tuple[bytes, bytes, str]:
        body = payload if isinstance(payload, bytes) else dump_json(payload)
        now = signing.format_time(datetime.now(UTC))
        return body, signing.content_to_sign("POST", URL(url).raw_path, self.client_id, now, body), now

    def _exchange(self, url: str, body: bytes, now: str, signature: str) -> SignedExchange:
        headers = {
            "Content-Type": JSON_CONTENT_TYPE,
            "Client-Id": self.client_id,
            "Request-Time": now,
            "Signature": signing.signature_header(signature, self.key_version),
        }
        return SignedExchange(url=url, request_headers=headers, request_body=body)

    async def post(self, url: str, payload: Any, *, timeout: float = 10.0) -> SignedExchange:
        """Sign and send; transport failures (timeouts, refused or dropped connections)
        raise ``aiohttp.ClientError`` or ``asyncio.TimeoutError`` for the caller."""
        return await self.send(await self.prepare_signed(url, payload), timeout=timeout)

    async def send(
        self, exchange: SignedExchange, *, timeout: float = 10.0, max_reply_bytes: int | None = None
    ) -> SignedExchange:
        """Send an exchange made by ``prepare`` (signed once, however it is used after).
        With ``max_reply_bytes``, at most that much of the reply is read (the connection
        is closed on the rest): a receiver answering 120 MB costs nothing."""
        if self.session is None:
            raise RuntimeError("this SignedClient only signs: it has no session to send with")
        url = exchange.url
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with self.session.post(
            url,
            data=exchange.request_body,
            headers=exchange.request_headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
            allow_redirects=False,
        ) as resp:
            exchange.status = resp.status
            exchange.response_headers = {k.lower(): v for k, v in resp.headers.items()}
            if max_reply_bytes is None:
                exchange.response_body = await resp.read()
            else:
                exchange.response_body, exchange.response_clipped = await read_at_most(resp, max_reply_bytes)
                if exchange.response_clipped:
                    resp.close()
        exchange.elapsed_ms = (loop.time() - started) * 1000
        exchange.response_signature_valid = self.check_reply(exchange)
        return exchange

    def check_reply(self, exchange: SignedExchange) -> bool | None:
        """True/False when a peer key is known, None when there is nothing to check with."""
        if not self.peer_public_pem:
            return None
        headers = exchange.response_headers
        try:
            parts = signing.parse_signature_header(headers.get("signature"))
        except SignatureError:
            return False
        time = headers.get("response-time")
        client_id = headers.get("client-id", self.client_id)
        if not time:
            return False
        return signing.verify(
            self.peer_public_pem,
            "POST",
            URL(exchange.url).raw_path,
            client_id,
            time,
            exchange.response_body,
            parts["signature"],
        )


async def read_at_most(resp: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """The first ``limit`` bytes of a reply, and whether there was more."""
    data = bytearray()
    while len(data) <= limit:
        chunk = await resp.content.read(limit + 1 - len(data))
        if not chunk:
            break
        data += chunk
    return bytes(data[:limit]), len(data) > limit
