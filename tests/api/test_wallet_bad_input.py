"""Bad input anywhere gets a clear, signed Alipay+ error, never a 500 or a traceback,
and nothing is written: malformed JSON, wrong types, missing and unknown fields, huge
bodies, negative or decimal amounts, odd unicode."""

import asyncio
import json

import pytest
from wallet_helpers import pay_body, refund_body, snapshot

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")


def nested(depth: int) -> bytes:
    return json.dumps({"paymentRequestId": "PR-1", "metadata": _deep(depth)}).encode()


def _deep(depth: int):
    value = "leaf"
    for _ in range(depth):
        value = {"x": value}
    return value


RAW_BODIES = {
    "empty": b"",
    "truncated": b'{"paymentRequestId": "PR-1"',
    "array": b"[1, 2]",
    "null": b"null",
    "string": b'"pay"',
    "not utf-8": b'{"paymentRequestId": "\xff\xfe"}',
    "utf-8 bom": b'\xef\xbb\xbf{"paymentRequestId": "PR-1"}',
    "NaN": b'{"paymentRequestId": "PR-1", "paymentAmount": {"currency": "USD", "value": NaN}}',
    "Infinity": b'{"paymentRequestId": Infinity}',
    "lone surrogate": b'{"paymentRequestId": "PR-\\ud800"}',
    "surrogate in an ignored field": b'{"paymentRequestId": "PR-1", "metadata": "\\udfff"}',
    "surrogate in a key": b'{"\\ud83d": 1}',
    "deep nesting": nested(40),
    "absurd nesting": b"[" * 50_000 + b"]" * 50_000,
    "huge number": b'{"paymentAmount": {"currency": "USD", "value": 1' + b"0" * 5000 + b"}}",
}


@pytest.mark.parametrize("endpoint", ["pay", "refund", "inquiryPayment", "inquiryRefund", "cancelPayment"])
async def test_malformed_bodies_are_param_illegal(sim, api, endpoint):
    before = await snapshot(sim)
    for name, raw in RAW_BODIES.items():
        exchange = await api.client.post(api.url(endpoint), raw)
        reply = api.check_reply(endpoint, exchange)
        assert (exchange.status, reply.code, reply.status) == (200, "PARAM_ILLEGAL", "F"), (name, reply.body)
        assert b"Traceback" not in exchange.response_body
    assert await snapshot(sim) == before


def _pay(**over):
    body = pay_body()
    for key, value in over.items():
        target, _, field = key.rpartition("__")
        where = body
        for part in filter(None, target.split("__")):
            where = where[part]
        if value is ...:
            del where[field]
        else:
            where[field] = value
    return body


BAD_PAYS = {
    "no paymentRequestId": _pay(paymentRequestId=...),
    "no paymentAmount": _pay(paymentAmount=...),
    "no order": _pay(order=...),
    "no referenceOrderId": _pay(order__referenceOrderId=...),
    "no orderDescription": _pay(order__orderDescription=...),
    "blank orderDescription": _pay(order__orderDescription="   "),
    "numeric paymentRequestId": _pay(paymentRequestId=12345),
    "amount as a string": _pay(paymentAmount="1000"),
    "amount as a list": _pay(paymentAmount=["USD", "1000"]),
    "float value": _pay(paymentAmount__value=10.5),
    "decimal value": _pay(paymentAmount__value="10.99"),
    "negative value": _pay(paymentAmount__value="-100"),
    "negative integer": _pay(paymentAmount__value=-100),
    "zero": _pay(paymentAmount__value="0"),
    "exponent": _pay(paymentAmount__value="1e3"),
    "padded value": _pay(paymentAmount__value=" 100"),
    "arabic-indic digits": _pay(paymentAmount__value="\u0661\u0662\u0663"),
    "fullwidth digits": _pay(paymentAmount__value="\uff11\uff10\uff10"),
    "17 digits": _pay(paymentAmount__value="1" * 17),
    "boolean value": _pay(paymentAmount__value=True),
    "lower-case currency": _pay(paymentAmount__currency="usd"),
    "numeric currency": _pay(paymentAmount__currency=840),
    "extra amount field": _pay(paymentAmount__precision=2),
    "no order.env": _pay(order__env=...),
    "no order.env.terminalType": _pay(order__env={"osType": "IOS"}),
    "terminalType not a TerminalType": _pay(order__env={"terminalType": "PHONE"}),
    "WAP without osType": _pay(order__env={"terminalType": "WAP"}),
    "osType not an OsType": _pay(order__env={"terminalType": "APP", "osType": "WINDOWS"}),
    "no order.orderAmount": _pay(order__orderAmount=...),
    "isCashierPayment not a boolean": _pay(paymentFactor={"isCashierPayment": "yes"}),
    "paymentMethod not an object": _pay(paymentMethod="CONNECT_WALLET"),
    "settlementCurrency not a code": _pay(settlementStrategy={"settlementCurrency": "dollars"}),
    "goods not a list": _pay(order__goods={"goodsName": "x"}),
    "101 goods": _pay(order__goods=[{"goodsName": "x"}] * 101),
    "goods amount decimal": _pay(
        order__goods=[{"goodsName": "x", "goodsUnitAmount": {"currency": "USD", "value": "1.5"}}]
    ),
    "NUL in description": _pay(order__orderDescription="two\u0000lattes"),
    "replacement char": _pay(order__orderDescription="bad \ufffd bytes"),
    "id with a space": _pay(paymentRequestId="PR 1"),
    "id with unicode": _pay(paymentRequestId="PR-caf\u00e9"),
    "id with bidi override": _pay(paymentRequestId="PR-\u202e1"),
    "id with zero-width space": _pay(paymentRequestId="PR\u200b1"),
    "65-character id": _pay(paymentRequestId="P" * 65),
    "257-character description": _pay(order__orderDescription="d" * 257),
    "javascript notify URL": _pay(paymentNotifyUrl="javascript:alert(1)"),
    "expiry not a time": _pay(paymentExpiryTime="soon"),
}


async def test_bad_pay_requests_are_param_illegal_and_write_nothing(sim, api):
    before = await snapshot(sim)
    for name, body in BAD_PAYS.items():
        reply = await api.call("pay", body, valid_request=False)
        assert (reply.code, reply.status) == ("PARAM_ILLEGAL", "F"), (name, reply.body)
        assert reply.body["result"]["resultMessage"] != "Illegal parameters exist.", name  # says what is wrong
    assert await snapshot(sim) == before


async def test_bad_refunds_and_references_are_param_illegal(sim, api):
    paid = await api.paid_payment("1000")
    before = await snapshot(sim)
    good = refund_body(paid["paymentId"], "100")
    bad = {
        "refund": [
            {k: v for k, v in good.items() if k != "refundRequestId"},
            {k: v for k, v in good.items() if k != "paymentId"},
            {k: v for k, v in good.items() if k != "refundAmount"},
            good | {"refundAmount": {"currency": "USD", "value": "-100"}},
            good | {"refundAmount": {"currency": "USD", "value": "0.5"}},
            good | {"refundAmount": {"currency": "USD", "value": 0.5}},
            good | {"refundAmount": {"currency": "USD", "value": "0"}},
            good | {"refundReason": "x" * 257},
            good | {"refundNotifyUrl": "mailto:shop@example.com"},
            good | {"refundRequestId": ["RF-1"]},
        ],
        "inquiryRefund": [{}, {"refundId": 42}, {"refundRequestId": ""}, {"refund_id": "x"}],
        "inquiryPayment": [{}, {"paymentId": None}, {"paymentId": {"id": "x"}}, {"paymentRequestId": "a b"}],
        "cancelPayment": [{}, {"paymentId": 1.5}, {"paymentld": "typo"}],
    }
    for endpoint, bodies in bad.items():
        for body in bodies:
            reply = await api.call(endpoint, body, valid_request=False)
            assert (reply.code, reply.status) == ("PARAM_ILLEGAL", "F"), (endpoint, body, reply.body)
    assert await snapshot(sim) == before


async def test_transport_faults_are_signed_alipay_errors(sim, api):
    huge = json.dumps(pay_body() | {"metadata": "x" * 300_000}).encode()
    too_big = await api.client.post(api.url("pay"), huge)
    assert too_big.status == 413 and api.check_reply("pay", too_big).code == "PARAM_ILLEGAL"

    exchange = api.client.prepare(api.url("pay"), pay_body())
    headers = exchange.request_headers | {"Content-Type": "text/html"}
    async with api.http.post(exchange.url, data=exchange.request_body, headers=headers) as resp:
        body = await resp.json()
    assert resp.status == 415 and body["result"]["resultCode"] == "MEDIA_TYPE_NOT_ACCEPTABLE"
    assert {"client-id", "response-time", "signature"} <= set(resp.headers.keys())

    async with api.http.get(api.url("pay")) as resp:
        body = await resp.json()
    assert resp.status == 405 and body["result"]["resultCode"] == "METHOD_NOT_SUPPORTED"
    assert (await snapshot(sim))["payments"] == 0


async def test_odd_but_valid_unicode_is_kept_exactly(sim, api):
    description = "\uff26\uff55\uff4c\uff4c-width \u2615 \u05e2\u05d1\u05e8\u05d9\u05ea e\u0301 \U0001f9cb\tend"
    created = await api.call(
        "pay",
        pay_body(
            order={
                "referenceOrderId": "ORD-U",
                "orderDescription": description,
                "orderAmount": {"currency": "USD", "value": "1000"},
                "goods": [{"goodsName": "\u62b9\u8336\u30e9\u30c6"}],
                "env": {"terminalType": "WEB"},
            }
        ),
    )
    assert created.code == "PAYMENT_IN_PROCESS"
    async with api.http.get(f"{sim.urls['wallet']}/_sim/payments/{created.body['paymentId']}") as resp:
        assert resp.status == 200
    async with api.http.get(created.body["normalUrl"]) as resp:
        page = await resp.text()
    assert "\u2615 \u05e2\u05d1\u05e8\u05d9\u05ea e\u0301 \U0001f9cb" in page


async def raw_exchange(base_url: str, request_head: bytes, body: bytes = b"{}") -> bytes:
    """Bytes no HTTP client library would send: straight onto a socket."""
    host, port = base_url.split("//")[1].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request_head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    await writer.drain()
    reply = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return reply


async def test_garbage_headers_and_paths_get_signed_refusals_not_500(sim, api):
    before = await snapshot(sim)
    heads = [
        b"POST /aps/api/v1/payments/pay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nClient-Id: \xff\xfe\r\n"
        b"Request-Time: 2026-01-01T00:00:00Z\r\nSignature: algorithm=RSA256,keyVersion=1,signature=abc\r\n",
        b"POST /aps/api/v1/payments/pay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/\xff\r\nClient-Id: caf\xc3\xa9\r\n",
        b"POST /aps/api/v1/payments/%ff%00 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n",
        b"POST /aps/api/v1/payments/p%C3%A9y?x=%ff HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Signature: \xc3\xa9=\xff\r\nRequest-Time: \xff\r\n",
    ]
    for head in heads:
        reply = await raw_exchange(sim.urls["wallet"], head)
        status_line, _, rest = reply.partition(b"\r\n")
        assert status_line.split()[1] in (b"200", b"404", b"415"), reply[:300]
        headers, _, body = rest.partition(b"\r\n\r\n")
        assert b"\r\nsignature: algorithm=RSA256" in b"\r\n" + headers
        code = json.loads(body)["result"]["resultCode"]
        assert code in ("INVALID_CLIENT", "INVALID_SIGNATURE", "MEDIA_TYPE_NOT_ACCEPTABLE", "NO_INTERFACE_DEF"), code
    assert await snapshot(sim) == before
