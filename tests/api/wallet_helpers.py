"""Helpers for the wallet API tests: a signed client that checks every reply's signature
and validates requests and replies against the wallet's own ``/openapi.json``, request
bodies, a paid payment, and a snapshot of what the wallet has written."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web
from jsonschema import Draft202012Validator

from simulator.core import api_paths, signing
from simulator.core.signed_http import (
    SignedClient,
    SignedExchange,
    dump_json,
    read_signed_headers,
    signed_response_headers,
)
from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json
from wallet_mock.api import WALLET

API = api_paths.ALIPAYPLUS


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def pay_body(value: str = "1000", currency: str = "USD", **over) -> dict:
    """An Alipay+ (/aps) pay: env inside order, as Alipay's Alipay+ SDK sends it."""
    body = {
        "paymentRequestId": new_id("PR"),
        "paymentAmount": {"currency": currency, "value": value},
        "order": {
            "referenceOrderId": new_id("ORD")[:24],
            "orderDescription": "Two lattes",
            "orderAmount": {"currency": currency, "value": value},
            "env": {"terminalType": "MINI_APP"},
        },
        "paymentMethod": {"paymentMethodType": "CONNECT_WALLET"},
        "paymentFactor": {"isCashierPayment": True},
        "paymentNotifyUrl": "http://127.0.0.1:9/notify",
    }
    body.update(over)
    return body


def antom_pay_body(value: str = "1000", currency: str = "USD", **over) -> dict:
    """An Antom (/ams) pay (Cashier Payment): productCode, top-level env, paymentMethod,
    paymentRedirectUrl."""
    body = {
        "productCode": "CASHIER_PAYMENT",
        "paymentRequestId": new_id("PR"),
        "paymentAmount": {"currency": currency, "value": value},
        "order": {
            "referenceOrderId": new_id("ORD")[:24],
            "orderDescription": "Two lattes",
            "orderAmount": {"currency": currency, "value": value},
        },
        "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
        "paymentRedirectUrl": "http://127.0.0.1:9/return",
        "paymentNotifyUrl": "http://127.0.0.1:9/notify",
        "env": {"terminalType": "WEB"},
    }
    body.update(over)
    return body


def refund_body(payment_id: str, value: str, currency: str = "USD", **over) -> dict:
    body = {
        "refundRequestId": new_id("RF"),
        "paymentId": payment_id,
        "refundAmount": {"currency": currency, "value": value},
        "refundReason": "returned",
    }
    body.update(over)
    return body


@dataclass
class Reply:
    exchange: SignedExchange
    body: dict

    @property
    def code(self) -> str:
        return self.body["result"]["resultCode"]

    @property
    def status(self) -> str:
        return self.body["result"]["resultStatus"]


class WalletApi:
    """Signed calls to the wallet, each checked against the OpenAPI document."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, creds: dict, document: dict):
        self.http = http
        self.base_url = base_url
        self.creds = creds
        self.document = document
        self.client = self.signed_client()

    def signed_client(self, **over) -> SignedClient:
        args = {
            "client_id": self.creds["clientId"],
            "private_pem": self.creds["merchantPrivateKey"],
            "peer_public_pem": self.creds["walletPublicKey"],
        }
        args.update(over)
        return SignedClient(self.http, **args)

    def url(self, endpoint: str, prefix: str = API) -> str:
        return f"{self.base_url}{prefix}/{endpoint}"

    async def call(
        self, endpoint: str, body, *, client: SignedClient | None = None, prefix: str = API, valid_request: bool = True
    ) -> Reply:
        """Post signed; assert the reply is signed by the wallet and documented. With
        ``valid_request`` the request must conform to the document too."""
        operation = self.operation(endpoint, prefix)
        if valid_request:
            schema_errors(
                self.document,
                operation["requestBody"]["content"]["application/json"]["schema"],
                body,
                expect_valid=True,
            )
        exchange = await (client or self.client).post(self.url(endpoint, prefix), body)
        return self.check_reply(endpoint, exchange, prefix)

    def check_reply(self, endpoint: str, exchange: SignedExchange, prefix: str = API) -> Reply:
        assert exchange.response_signature_valid is True, exchange.response_headers
        response = self.operation(endpoint, prefix)["responses"][str(exchange.status)]
        for header in response["headers"]:
            assert header in exchange.response_headers, header
        body = exchange.json()
        schema_errors(self.document, response["content"]["application/json"]["schema"], body, expect_valid=True)
        return Reply(exchange, body)

    def operation(self, endpoint: str, prefix: str = API) -> dict:
        """The documented operation answering at ``prefix/endpoint`` (its own path or
        one of its ``x-also-at``)."""
        path = f"{prefix}/{endpoint}"
        paths = self.document["paths"]
        if path in paths:
            return paths[path]["post"]
        (found,) = [p["post"] for p in paths.values() if path in p.get("post", {}).get("x-also-at", ())]
        return found

    async def paid_payment(
        self, value: str = "1000", currency: str = "USD", account: str = "buyer@sandbox.test", body: dict | None = None
    ) -> dict:
        """``pay``, then the buyer confirms in the cashier; returns the pay reply body."""
        reply = await self.call("pay", body or pay_body(value, currency))
        assert reply.code == "PAYMENT_IN_PROCESS", reply.body
        cashier = await open_cashier(self.http, reply.body["normalUrl"])
        status, confirmed = await cashier_action(
            self.http, cashier, "confirm", {"account": account, "password": "111111"}
        )
        assert status == 200, confirmed
        return reply.body


def schema_errors(document: dict, schema: dict, instance, *, expect_valid: bool | None = None) -> list[str]:
    """Validate ``instance`` against a schema of the document (``$ref``s resolved in it)."""
    validator = Draft202012Validator(
        {**schema, "components": document["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]
    if expect_valid is True:
        assert not errors, errors
    if expect_valid is False:
        assert errors, f"{instance!r} should not conform"
    return errors


async def wallet_api(sim, http) -> WalletApi:
    base = sim.urls["wallet"]
    _, creds = await get_json(http, f"{base}/_sim/credentials")
    status, document = await get_json(http, f"{base}/openapi.json")
    assert status == 200
    return WalletApi(http, base, creds, document)


async def snapshot(sim) -> dict:
    """What the wallet has written: row counts, money moved, refunded totals."""
    db = sim.app("wallet")[WALLET].db
    out = {}
    for table in ("payments", "refunds", "notifications"):
        out[table] = (await db.fetchone(f"SELECT COUNT(*) AS n FROM {table}"))["n"]
    out["balances"] = [
        tuple(r) for r in await db.fetchall("SELECT account_id, currency, value FROM balances ORDER BY 1, 2")
    ]
    out["refunded"] = (await db.fetchone("SELECT COALESCE(SUM(refunded), 0) AS s FROM payments"))["s"]
    return out


async def balance(sim, currency: str = "USD", account: str = "acct_buyer") -> int:
    db = sim.app("wallet")[WALLET].db
    row = await db.fetchone("SELECT value FROM balances WHERE account_id = ? AND currency = ?", (account, currency))
    return row["value"]


async def advance(http, sim, seconds: float) -> None:
    """Move the wallet's clock forward."""
    async with http.post(f"{sim.urls['wallet']}/_sim/clock/advance", json={"seconds": seconds}) as resp:
        assert resp.status == 200, await resp.text()


class NotifyReceiver:
    """A merchant's notify endpoint on a free port: checks the wallet's signature and
    acknowledges as Antom expects."""

    def __init__(self, wallet_public_pem: str, merchant_private_pem: str):
        self.wallet_public_pem = wallet_public_pem
        self.merchant_private_pem = merchant_private_pem
        self.received: list[dict] = []

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        signed = read_signed_headers(request.headers)
        valid = signing.verify(
            self.wallet_public_pem, "POST", request.path, signed.client_id, signed.request_time, raw, signed.signature
        )
        self.received.append({"valid": valid, "clientId": signed.client_id, "body": await request.json()})
        out = dump_json({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}})
        headers = signed_response_headers(self.merchant_private_pem, "POST", request.path, signed.client_id, out)
        return web.Response(body=out, headers=headers, content_type="application/json")

    async def __aenter__(self) -> str:
        app = web.Application()
        app.router.add_post("/notify", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        return f"http://127.0.0.1:{port}/notify"

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()


MINIPROGRAM = api_paths.MINIPROGRAM
FIXTURES = Path(__file__).parent / "fixtures"


def reference_example(name: str) -> dict:
    """A request copied from the mini program platform's reference (fixtures/miniprogram)."""
    return json.loads((FIXTURES / "miniprogram" / f"{name}.json").read_text())


def mp_pay_body(value: str = "1000", currency: str = "USD", **over) -> dict:
    """A mini program platform v2 pay, as the reference merchant sends it."""
    body = {
        "appId": "3333010071465913",
        "productCode": "CASHIER_PAYMENT",
        "paymentRequestId": new_id("PR"),
        "paymentAmount": {"currency": currency, "value": value},
        "order": {
            "referenceOrderId": new_id("ORD")[:24],
            "orderDescription": "Two lattes",
            "orderAmount": {"currency": currency, "value": value},
        },
        "paymentNotifyUrl": "http://127.0.0.1:9/notify",
    }
    body.update(over)
    return body


async def profile_api(sim, http, profile: str, *, notify_url: str | None = None) -> WalletApi:
    """A merchant of its own that speaks ``profile`` (POST /_sim/merchants with
    apiProfile), its keys, and the profile's OpenAPI document (``?profile=``)."""
    base = sim.urls["wallet"]
    keys = signing.generate_key_pair()
    body = {"clientId": new_id(profile.upper())[:40], "publicKey": keys.public_pem, "apiProfile": profile}
    if notify_url:
        body["notifyUrl"] = notify_url
    async with http.post(f"{base}/_sim/merchants", json=body) as resp:
        registered = await resp.json()
        assert resp.status == 201, registered
    assert registered["apiProfile"] == profile
    creds = {
        "clientId": registered["clientId"],
        "merchantPrivateKey": keys.private_pem,
        "walletPublicKey": registered["walletPublicKey"],
        "apiBaseUrl": registered["apiBaseUrl"],
    }
    status, document = await get_json(http, f"{base}/openapi.json?profile={profile}")
    assert status == 200
    return WalletApi(http, base, creds, document)
