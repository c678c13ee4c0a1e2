"""Alipay's Python server SDK (``DefaultAlipayClient`` of alipay/global-open-sdk-python)
against the wallet with only its base URL changed.

``global-open-sdk-python`` pins ``cryptography==44.0.3`` while this project pins a newer
one, so pip cannot install both; the SDK is used for real where it is importable (install
it with ``pip install --no-deps global-open-sdk-python==1.7.1``), and in every run
``SdkLikeClient`` reproduces its exchange byte for byte: the request body as its
``to_ams_json`` writes it (``json.dumps(..., indent=3)``), Request-Time as
``get_cur_iso8601_time`` writes it (whole seconds, ``+00:00``), its headers, its
signature (``cryptography``, PKCS#1 v1.5, SHA-256, base64, ``quote_plus``), its sandbox
path rewrite (``SANDBOX_`` client ids call ``/ams/sandbox/api``), its case-sensitive
reading of the reply headers and its verification with the ``rsa`` package."""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import quote_plus, unquote_plus, urlsplit

import pytest
import rsa
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from simulator.testing.journey import cashier_action, open_cashier
from wallet_mock.api import WALLET

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")


class SdkLikeClient:
    """``DefaultAlipayClient.execute`` and ``do_post``, step for step, over plain HTTP."""

    def __init__(self, gateway_url: str, client_id: str, merchant_private_key: str, alipay_public_key: str):
        self.gateway_url = gateway_url
        self.client_id = client_id
        self.private_key = merchant_private_key
        self.public_key = alipay_public_key

    def execute(self, path: str, params: dict) -> str:
        if self.client_id.startswith("SANDBOX_"):
            path = path.replace("/ams/api", "/ams/sandbox/api", 1)
        req_time = datetime.fromtimestamp(int(time.time()), tz=UTC).isoformat()
        req_body = json.dumps(obj=params, indent=3)
        signature = "algorithm=RSA256,keyVersion=1,signature=" + self._sign(path, req_time, req_body)
        headers = {
            "Content-type": "application/json; charset=UTF-8",
            "Accept": "text/plain,text/xml,text/javascript,text/html",
            "Cache-Control": "no-cache",
            "Connection": "Keep-Alive",
            "User-Agent": "global-alipay-sdk-python",
            "Request-Time": req_time,
            "client-id": self.client_id,
            "Signature": signature,
        }
        url = self.gateway_url + path
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
        connection.request("POST", url, body=req_body.encode("UTF-8"), headers=headers)
        response = connection.getresponse()
        assert response.status == 200, f"invalid http status {response.status}"
        reply_headers = dict(response.getheaders())  # exact names, as the SDK compares them
        rsp_body = response.read().decode("UTF-8")
        connection.close()
        rsp_signature = reply_headers["signature"].split("signature=")[1]
        content = f"POST {path}\n{reply_headers['client-id']}.{reply_headers['response-time']}.{rsp_body}"
        public = rsa.PublicKey.load_pkcs1_openssl_pem(self.public_key.encode())
        assert rsa.verify(content.encode("UTF-8"), base64.b64decode(unquote_plus(rsp_signature)), public)
        return rsp_body

    def _sign(self, path: str, req_time: str, req_body: str) -> str:
        content = f"POST {path}\n{self.client_id}.{req_time}.{req_body}".encode()
        key = serialization.load_pem_private_key(self.private_key.encode("utf-8"), password=None)
        signed = key.sign(content, padding.PKCS1v15(), hashes.SHA256())
        return quote_plus(str(base64.b64encode(signed), encoding="UTF-8"), encoding="UTF-8")


def _amount(value: str) -> dict:
    return {"currency": "USD", "value": value}


async def _journey(sim, api, execute) -> None:
    """pay (WAP, with a field the wallet does not know), the buyer pays, inquiryPayment, a
    partial refund, inquiryRefund, inquiryPayment with the refund among its transactions,
    cancel of another payment."""
    prid = f"PR-{uuid.uuid4().hex}"
    pay = json.loads(
        await asyncio.to_thread(
            execute,
            "/ams/api/v1/payments/pay",
            {
                "productCode": "CASHIER_PAYMENT",
                "paymentRequestId": prid,
                "paymentAmount": _amount("1999"),
                "order": {
                    "referenceOrderId": prid[:20],
                    "orderDescription": "Caf\u00e9 latte \u2615",
                    "orderAmount": _amount("1999"),
                },
                "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
                "paymentRedirectUrl": "http://127.0.0.1:9/return",
                "paymentNotifyUrl": "http://127.0.0.1:9/notify",
                "settlementStrategy": {"settlementCurrency": "USD"},
                "env": {"terminalType": "WAP", "osType": "ANDROID"},
                "taxCalculationId": "TAX-7",  # a newer SDK's field, unknown here: accepted and kept
            },
        )
    )
    assert pay["result"]["resultCode"] == "PAYMENT_IN_PROCESS" and pay["normalUrl"]
    # WAP: the app link and the app's package name besides normalUrl (the SDK's response model)
    assert pay["applinkUrl"] == pay["normalUrl"] and pay["appIdentifier"] and "schemeUrl" not in pay
    stored = await sim.app("wallet")[WALLET].payment(pay["paymentId"])
    assert stored.request["taxCalculationId"] == "TAX-7"
    cashier = await open_cashier(api.http, pay["normalUrl"])
    assert "Caf\u00e9 latte \u2615" in cashier.html
    status, _ = await cashier_action(
        api.http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 200
    query = json.loads(
        await asyncio.to_thread(execute, "/ams/api/v1/payments/inquiryPayment", {"paymentRequestId": prid})
    )
    assert query["paymentStatus"] == "SUCCESS" and "transactions" not in query
    refund = json.loads(
        await asyncio.to_thread(
            execute,
            "/ams/api/v1/payments/refund",
            {
                "refundRequestId": f"RF-{uuid.uuid4().hex}",
                "paymentId": pay["paymentId"],
                "refundAmount": _amount("999"),
                "refundReason": "one cup was cold",
            },
        )
    )
    assert refund["result"]["resultCode"] == "SUCCESS"
    status = json.loads(
        await asyncio.to_thread(execute, "/ams/api/v1/payments/inquiryRefund", {"refundId": refund["refundId"]})
    )
    assert status["refundStatus"] == "SUCCESS" and status["refundAmount"] == _amount("999")
    query = json.loads(
        await asyncio.to_thread(execute, "/ams/api/v1/payments/inquiryPayment", {"paymentRequestId": prid})
    )
    [refunded] = query["transactions"]
    assert (refunded["transactionType"], refunded["transactionId"]) == ("REFUND", refund["refundId"])
    assert refunded["transactionStatus"] == "SUCCESS" and refunded["transactionAmount"] == _amount("999")
    other = json.loads(
        await asyncio.to_thread(
            execute,
            "/ams/api/v1/payments/pay",
            {
                "productCode": "CASHIER_PAYMENT",
                "paymentRequestId": f"PR-{uuid.uuid4().hex}",
                "paymentAmount": _amount("5"),
                "order": {"referenceOrderId": "O-2", "orderDescription": "x"},
                "paymentMethod": {"paymentMethodType": "ALIPAY_HK"},
                "paymentRedirectUrl": "http://127.0.0.1:9/return",
                "env": {"terminalType": "APP", "osType": "IOS"},
            },
        )
    )
    assert other["schemeUrl"].startswith("simpay://") and other["applinkUrl"] == other["normalUrl"]
    cancel = json.loads(
        await asyncio.to_thread(execute, "/ams/api/v1/payments/cancel", {"paymentId": other["paymentId"]})
    )
    assert cancel["result"]["resultCode"] == "SUCCESS"


async def test_the_sdks_exchange_reproduced_byte_for_byte(sim, api):
    creds = api.creds
    assert creds["clientId"].startswith("SANDBOX_")  # so the sandbox path rewrite is exercised
    client = SdkLikeClient(sim.urls["wallet"], creds["clientId"], creds["merchantPrivateKey"], creds["walletPublicKey"])
    await _journey(sim, api, client.execute)


async def test_the_real_sdk_with_only_its_transport_patched(sim, api, monkeypatch):
    """``do_post`` always opens HTTPS on port 443; only that connection is replaced by
    plain HTTP to the wallet's port. Signing, headers, verification are the SDK's."""
    sdk = pytest.importorskip("com.alipay.ams.api.default_alipay_client")
    from com.alipay.ams.api.net import default_http_rpc
    from com.alipay.ams.api.request.pay.alipay_pay_query_request import AlipayPayQueryRequest
    from com.alipay.ams.api.response.pay.alipay_pay_query_response import AlipayPayQueryResponse

    parts = urlsplit(sim.urls["wallet"])
    monkeypatch.setattr(
        default_http_rpc,
        "__get_http_connection",
        lambda url, timeout=15: http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout),
    )
    creds = api.creds
    client = sdk.DefaultAlipayClient(
        sim.urls["wallet"], creds["clientId"], creds["merchantPrivateKey"], creds["walletPublicKey"]
    )

    class Raw:
        """A request of the SDK's shape for a dict body (its own classes build the same JSON)."""

        def __init__(self, path: str, params: dict):
            self.path, self.params = path, params
            self.http_method = AlipayPayQueryRequest().http_method
            self.key_version = None

        def to_ams_json(self) -> str:
            return json.dumps(obj=self.params, indent=3)

    await _journey(sim, api, lambda path, params: client.execute(Raw(path, params)))

    # the SDK's own request and response classes
    from com.alipay.ams.api.model.amount import Amount
    from com.alipay.ams.api.model.env import Env
    from com.alipay.ams.api.model.order import Order
    from com.alipay.ams.api.model.os_type import OsType
    from com.alipay.ams.api.model.payment_method import PaymentMethod
    from com.alipay.ams.api.model.terminal_type import TerminalType
    from com.alipay.ams.api.request.pay.alipay_inquiry_refund_request import AlipayInquiryRefundRequest
    from com.alipay.ams.api.request.pay.alipay_pay_request import AlipayPayRequest
    from com.alipay.ams.api.request.pay.alipay_refund_request import AlipayRefundRequest
    from com.alipay.ams.api.response.pay.alipay_inquiry_refund_response import AlipayInquiryRefundResponse
    from com.alipay.ams.api.response.pay.alipay_pay_response import AlipayPayResponse
    from com.alipay.ams.api.response.pay.alipay_refund_response import AlipayRefundResponse

    pay = AlipayPayRequest()
    pay.product_code = "CASHIER_PAYMENT"
    pay.payment_request_id = f"PR-{uuid.uuid4().hex}"
    pay.payment_amount = Amount("JPY", "1200")
    order = Order()
    order.reference_order_id, order.order_description, order.order_amount = "O-3", "Matcha", Amount("JPY", "1200")
    pay.order = order
    method = PaymentMethod()
    method.payment_method_type = "ALIPAY_CN"
    pay.payment_method = method
    pay.payment_redirect_url = "http://127.0.0.1:9/return"
    env = Env()
    env.terminal_type = TerminalType.APP
    env.os_type = OsType.ANDROID
    pay.env = env
    created = AlipayPayResponse(await asyncio.to_thread(client.execute, pay))
    assert created.result.result_code == "PAYMENT_IN_PROCESS" and created.normal_url
    # the SDK's response model reads the APP continuation URLs
    assert created.scheme_url.startswith("simpay://") and created.applink_url == created.normal_url
    assert created.app_identifier
    cashier = await open_cashier(api.http, created.normal_url)
    await cashier_action(api.http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"})
    refund = AlipayRefundRequest()
    refund.refund_request_id, refund.payment_id = f"RF-{uuid.uuid4().hex}", created.payment_id
    refund.refund_amount = Amount("JPY", "1200")
    refunded = AlipayRefundResponse(await asyncio.to_thread(client.execute, refund))
    assert refunded.result.result_code == "SUCCESS" and refunded.refund_amount.value == "1200"
    inquiry = AlipayInquiryRefundRequest()
    inquiry.refund_request_id = refund.refund_request_id
    found = AlipayInquiryRefundResponse(await asyncio.to_thread(client.execute, inquiry))
    assert found.refund_id == refunded.refund_id and str(found.refund_status).endswith("SUCCESS")
    # inquiryPayment's transactions, as the SDK's Transaction model parses them
    looked_up = AlipayPayQueryRequest()
    looked_up.payment_id = created.payment_id
    queried = AlipayPayQueryResponse(await asyncio.to_thread(client.execute, looked_up))
    [transaction] = queried.transactions
    assert transaction.transaction_id == refunded.refund_id and transaction.transaction_type.name == "REFUND"
    assert transaction.transaction_status.name == "SUCCESS" and transaction.transaction_amount.value == "1200"

    query = AlipayPayQueryRequest()
    query.payment_request_id = "PR-none"
    parsed = AlipayPayQueryResponse(await asyncio.to_thread(client.execute, query))
    assert parsed.result.result_code == "ORDER_NOT_EXIST"
    # a forged reply signature is caught by the SDK itself
    other = sdk.DefaultAlipayClient(
        sim.urls["wallet"], creds["clientId"], creds["merchantPrivateKey"], creds["merchantPublicKey"]
    )
    with pytest.raises(Exception, match="verify"):
        await asyncio.to_thread(other.execute, query)
