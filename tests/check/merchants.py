"""Two merchant servers written for the conformance-run tests, neither of them ours.

``careless``: the four mistakes integrators make. It trusts the client's resultCode,
skips the notification's signature, fulfils on every notification, never inquires. It
signs its ``pay`` properly (the wallet would refuse it otherwise) with the kernel's
signing, as the sandbox merchant.

``standalone``: a small server in another style, as docs/standalone-wallet.md teaches:
its own client id and key, registered with ``POST /_sim/merchants``; signing and
verification with ``cryptography`` alone; its own API shape (``/checkout``, a ``tradeNo``
instead of a paymentUrl, ``data.state`` in lower case)."""

from __future__ import annotations

import base64
import itertools
import json
import urllib.parse
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from simulator.core.signed_http import SignedClient

ACK = {"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}}
PAY_PATH = "/aps/api/v1/payments/pay"
INQUIRY_PATH = "/aps/api/v1/payments/inquiryPayment"


SESSION = web.AppKey("session", aiohttp.ClientSession)


def _app(routes: list[web.RouteDef]) -> web.Application:
    """An app with its routes and a client session (``app[SESSION]``) for its wallet calls."""

    async def session_ctx(app: web.Application):
        async with aiohttp.ClientSession() as session:
            app[SESSION] = session
            yield

    app = web.Application()
    app.cleanup_ctx.append(session_ctx)
    app.add_routes(routes)
    return app


@asynccontextmanager
async def serving(app: web.Application):
    """The app on a free loopback port; yields its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def _pay_body(prid: str, order_id: str, notify_url: str) -> dict:
    amount = {"currency": "USD", "value": "450"}
    return {
        "paymentRequestId": prid,
        "paymentAmount": amount,
        "order": {
            "referenceOrderId": order_id,
            "orderDescription": "One latte",
            "orderAmount": amount,
            "env": {"terminalType": "MINI_APP"},
        },
        "paymentNotifyUrl": notify_url,
    }


# --- the careless merchant -------------------------------------------------------------


def careless(
    wallet_url: str, credentials: dict, public_url: list[str], more: frozenset[str] = frozenset()
) -> web.Application:
    """``public_url[0]`` is filled in once the server listens (its notify URL). ``more``
    adds mistakes: ``new-request-id`` (a retried pay gets a new paymentRequestId),
    ``text-ack`` (answers notifications with the text ``success``), ``8000-is-paid``."""
    orders: dict[str, dict] = {}
    numbers = itertools.count(1)

    async def pay(request: web.Request, order: dict) -> web.Response:
        client = SignedClient(
            request.app[SESSION],
            client_id=credentials["clientId"],
            private_pem=credentials["merchantPrivateKey"],
        )
        body = _pay_body(order["prid"], order["id"], f"{public_url[0]}/notify")
        try:
            reply = (await client.post(wallet_url + PAY_PATH, body)).json()
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return web.json_response({"id": order["id"], "error": "wallet unavailable"}, status=502)
        order["paymentUrl"] = reply.get("normalUrl")
        return web.json_response({"id": order["id"], "paymentUrl": order["paymentUrl"]}, status=201)

    async def create(request: web.Request) -> web.Response:
        number = next(numbers)
        order = {"id": f"C{number}", "prid": f"careless-{number}-{datetime.now(UTC).timestamp()}", "status": "NEW"}
        order["fulfilled"] = 0
        orders[order["id"]] = order
        return await pay(request, order)

    async def retry(request: web.Request) -> web.Response:
        order = orders[request.match_info["id"]]
        if "new-request-id" in more:
            order["prid"] += "-again"
        return await pay(request, order)

    async def status(request: web.Request) -> web.Response:
        order = orders[request.match_info["id"]]
        if request.query.get("code") == "9000":  # mistake 1: the client's word is enough
            order["status"] = "PAID"
        if request.query.get("code") == "8000" and "8000-is-paid" in more:
            order["status"] = "PAID"
        return web.json_response({"status": order["status"], "fulfilled": order["fulfilled"]})

    async def notify(request: web.Request) -> web.Response:
        body = await request.json()  # mistake 2: no signature check
        order = next((o for o in orders.values() if o["prid"] == body.get("paymentRequestId")), None)
        if order is not None and body.get("notifyType") == "PAYMENT_RESULT":
            if body["result"]["resultStatus"] == "S":
                order["status"] = "PAID"
                order["fulfilled"] += 1  # mistake 3: every notification ships the goods again
            elif order["status"] != "PAID":
                order["status"] = "FAILED"
        if "text-ack" in more:
            return web.Response(text="success")
        return web.json_response(ACK)  # mistake 4 is what it lacks: no inquiryPayment anywhere

    return _app(
        [
            web.post("/orders", create),
            web.post("/orders/{id}/pay", retry),
            web.get("/orders/{id}", status),
            web.post("/notify", notify),
        ]
    )


def careless_config(url: str) -> dict:
    return {
        "createOrder": {"url": f"{url}/orders", "orderIdPath": "id", "paymentUrlPath": "paymentUrl"},
        "retryPay": {"url": f"{url}/orders/{{orderId}}/pay"},
        "orderStatus": {
            "url": f"{url}/orders/{{orderId}}?code={{resultCode}}",
            "statusPath": "status",
            "paid": ["PAID"],
            "pending": ["NEW"],
            "failed": ["FAILED"],
            "fulfilmentCountPath": "fulfilled",
        },
    }


# --- the standalone merchant: cryptography alone -------------------------------------


class Keys:
    """The shop's own RSA key pair and the wallet's public key, as PEM files would give them."""

    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.wallet_public = None

    @property
    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    def sign(self, path: str, client_id: str, time: str, body: bytes) -> str:
        content = f"POST {path}\n{client_id}.{time}.".encode() + body
        raw = self.private.sign(content, padding.PKCS1v15(), hashes.SHA256())
        return urllib.parse.quote(base64.b64encode(raw).decode(), safe="")

    def verified(self, path: str, headers, body: bytes) -> bool:
        try:
            signature = urllib.parse.unquote(headers["Signature"].split("signature=", 1)[1])
            signed = f"POST {path}\n{headers['Client-Id']}.{headers['Request-Time']}.".encode() + body
            self.wallet_public.verify(base64.b64decode(signature), signed, padding.PKCS1v15(), hashes.SHA256())
        except (KeyError, IndexError, ValueError, InvalidSignature):
            return False
        return True


def standalone(wallet_url: str, client_id: str, keys: Keys, public_url: list[str]) -> web.Application:
    checkouts: dict[str, dict] = {}
    numbers = itertools.count(1)

    async def call(request: web.Request, path: str, payload: dict) -> dict:
        body = json.dumps(payload).encode()
        time = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        headers = {
            "Content-Type": "application/json; charset=UTF-8",
            "Client-Id": client_id,
            "Request-Time": time,
            "Signature": f"algorithm=RSA256,keyVersion=1,signature={keys.sign(path, client_id, time, body)}",
        }
        async with request.app[SESSION].post(wallet_url + path, data=body, headers=headers) as resp:
            raw = await resp.read()
            reply_headers = {"Signature": resp.headers.get("signature", ""), "Client-Id": client_id}
            reply_headers["Request-Time"] = resp.headers.get("response-time", "")
        if not keys.verified(path, reply_headers, raw):
            raise ValueError("the wallet's reply is not signed by the wallet")
        return json.loads(raw)

    async def pay(request: web.Request, checkout: dict) -> web.Response:
        try:
            reply = await call(
                request, PAY_PATH, _pay_body(checkout["prid"], checkout["ref"], public_url[0] + "/hooks/alipay")
            )
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return web.json_response({"data": {"order": {"id": checkout["ref"]}}, "error": "try again"}, status=503)
        checkout["tradeNo"] = reply.get("paymentId")
        return web.json_response({"data": {"order": {"id": checkout["ref"]}, "pay": {"tradeNo": checkout["tradeNo"]}}})

    async def create(request: web.Request) -> web.Response:
        body = await request.json()
        ref = f"S-{next(numbers)}-{body['ref']}"
        checkouts[ref] = {"ref": ref, "prid": f"pr-{ref}", "state": "waiting", "fulfilments": 0}
        return await pay(request, checkouts[ref])

    async def retry(request: web.Request) -> web.Response:
        return await pay(request, checkouts[request.match_info["ref"]])

    def settle(checkout: dict, status: str | None) -> None:
        """The wallet's word applied once: only a waiting checkout moves, and only the
        move to paid fulfils (no await between the test and the change)."""
        if checkout["state"] != "waiting":
            return
        if status == "SUCCESS":
            checkout["state"] = "paid"
            checkout["fulfilments"] += 1
        elif status in ("FAIL", "CANCELLED"):
            checkout["state"] = "closed"

    async def show(request: web.Request) -> web.Response:
        checkout = checkouts[request.match_info["ref"]]
        if checkout["state"] == "waiting" and checkout.get("tradeNo"):
            # Whatever the client says, ask the wallet.
            reply = await call(request, INQUIRY_PATH, {"paymentRequestId": checkout["prid"]})
            if reply["result"]["resultStatus"] == "S":
                settle(checkout, reply.get("paymentStatus"))
        return web.json_response({"data": {"state": checkout["state"], "fulfilments": checkout["fulfilments"]}})

    async def hook(request: web.Request) -> web.Response:
        raw = await request.read()
        if not keys.verified(request.path, request.headers, raw):
            return web.json_response({"result": {"resultCode": "INVALID_SIGNATURE", "resultStatus": "F"}}, status=401)
        note = json.loads(raw)
        checkout = next((c for c in checkouts.values() if c["prid"] == note.get("paymentRequestId")), None)
        if checkout is not None and note["notifyType"] == "PAYMENT_RESULT":
            settle(checkout, {"S": "SUCCESS", "F": "FAIL"}.get(note["result"]["resultStatus"]))
        return web.json_response(ACK)

    return _app(
        [
            web.post("/checkout", create),
            web.post("/checkout/{ref}/retry", retry),
            web.get("/checkout/{ref}", show),
            web.post("/hooks/alipay", hook),
        ]
    )


def standalone_config(url: str, client_id: str) -> dict:
    return {
        "clientId": client_id,
        "createOrder": {
            "url": f"{url}/checkout",
            "body": {"ref": "{unique}"},
            "orderIdPath": "data.order.id",
            "paymentIdPath": "data.pay.tradeNo",
        },
        "retryPay": {"url": f"{url}/checkout/{{orderId}}/retry"},
        "orderStatus": {
            "url": f"{url}/checkout/{{orderId}}",
            "statusPath": "data.state",
            "paid": ["paid"],
            "pending": ["waiting"],
            "failed": ["closed"],
            "fulfilmentCountPath": "data.fulfilments",
        },
    }
