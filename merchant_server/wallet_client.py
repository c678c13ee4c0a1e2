"""The merchant's signed client for the wallet's API, in the profile it speaks
(``wallet_apis.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiohttp

from simulator.core.signed_http import SignedClient, SignedExchange

from .config import MerchantConfig
from .wallet_apis import WALLET_APIS


class WalletUnavailable(Exception):
    """The wallet could not be reached, answered with a transport error, or sent a reply
    that cannot be trusted (bad signature, not JSON). Safe to retry: requests carry the
    same paymentRequestId."""

    def __init__(self, message: str, exchange: SignedExchange | None = None):
        super().__init__(message)
        self.exchange = exchange


@dataclass
class WalletReply:
    body: dict
    exchange: SignedExchange

    @property
    def result(self) -> dict:
        return self.body.get("result") or {}


class WalletClient:
    def __init__(self, session: aiohttp.ClientSession, config: MerchantConfig):
        self.config = config
        self.api = WALLET_APIS[config.api_profile]
        self.signed = SignedClient(
            session,
            client_id=config.client_id,
            private_pem=config.private_pem,
            peer_public_pem=config.wallet_public_pem,
        )

    def url(self, endpoint: str) -> str:
        """Where ``endpoint`` (an operation: pay, inquiryPayment) lives in this profile."""
        return f"{self.config.wallet_url}{self.api.prefix}/{self.api.paths[endpoint]}"

    def prepare(self, endpoint: str, payload: dict) -> SignedExchange:
        return self.signed.prepare(self.url(endpoint), payload)

    async def call(self, endpoint: str, payload: dict) -> WalletReply:
        try:
            exchange = await self.signed.post(self.url(endpoint), payload, timeout=self.config.wallet_timeout_seconds)
        except TimeoutError:
            raise WalletUnavailable(
                f"the wallet did not answer {endpoint} within {self.config.wallet_timeout_seconds:g} s"
            ) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise WalletUnavailable(f"the wallet could not be reached for {endpoint}: {type(exc).__name__}") from None
        if exchange.status != 200:
            raise WalletUnavailable(f"the wallet answered {endpoint} with HTTP {exchange.status}", exchange)
        try:
            body = json.loads(exchange.response_body)
        except (ValueError, UnicodeDecodeError):
            raise WalletUnavailable(f"the wallet's reply to {endpoint} is not JSON", exchange) from None
        if not exchange.response_signature_valid:
            raise WalletUnavailable(f"the wallet's reply to {endpoint} has no valid signature", exchange)
        if not isinstance(body, dict):
            raise WalletUnavailable(f"the wallet's reply to {endpoint} is not an object", exchange)
        return WalletReply(body, exchange)
