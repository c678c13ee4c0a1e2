"""``/openapi.json``: a valid OpenAPI 3.1 document of the wallet's API, kept true by every
wallet API test (``wallet_helpers.WalletApi`` validates requests and replies against it)
and by a schema-driven fuzz run (schemathesis) whose requests are signed by a hook.

The fuzz run is deterministic (``derandomize``) so that ``make test`` is repeatable; set
``TRADEPAY_SIM_FUZZ_EXAMPLES`` for a longer run and ``TRADEPAY_SIM_FUZZ_RANDOM=1`` to
explore new inputs."""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_openapi
from schemathesis import checks as st_checks
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks
from wallet_helpers import API, MINIPROGRAM, pay_body, profile_api, schema_errors, snapshot

from simulator.core import signing
from wallet_mock.errors import MESSAGES

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")

FUZZ_EXAMPLES = int(os.environ.get("TRADEPAY_SIM_FUZZ_EXAMPLES", "200"))
# Alipay+ refuses with HTTP 200 and a resultCode, so the checks that expect 401/403 or
# 4xx for invalid input do not apply; these do.
CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


class AlipaySignature(requests.auth.AuthBase):
    """The signing hook: signs the request exactly as it will go out (its final body
    bytes and path), as a merchant's SDK does, and replaces any generated auth headers."""

    def __init__(self, client_id: str, private_pem: str):
        self.client_id = client_id
        self.private_pem = private_pem

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        sent = signing.format_time(datetime.now(UTC))
        signature = signing.sign(
            self.private_pem, request.method, urlsplit(request.url).path, self.client_id, sent, body
        )
        request.headers.update(
            {"Client-Id": self.client_id, "Request-Time": sent, "Signature": signing.signature_header(signature)}
        )
        return request


def reply_is_signed(response, wallet_public_pem: str) -> bool:
    """``response``: schemathesis' Response (headers are lists of values)."""
    headers = {name.lower(): values[0] for name, values in response.headers.items()}
    parts = signing.parse_signature_header(headers["signature"])
    return signing.verify(
        wallet_public_pem,
        "POST",
        urlsplit(response.request.url).path,
        headers["client-id"],
        headers["response-time"],
        response.content,
        parts["signature"],
    )


def fuzz(base_url: str, document: dict, creds: dict, prefix: str = API) -> Counter:
    """Positive and negative cases of every operation under ``prefix``, signed; returns the
    resultCodes seen."""
    schema = schemathesis.openapi.from_dict(document)
    operations = [schema[path]["POST"] for path in document["paths"] if path.startswith(prefix)]
    cases = st.one_of(
        *(
            op.as_strategy(generation_mode=mode)
            for op in operations
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        )
    )
    signer = AlipaySignature(creds["clientId"], creds["merchantPrivateKey"])
    seen: Counter = Counter()

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=not os.environ.get("TRADEPAY_SIM_FUZZ_RANDOM"),
    )
    @given(case=cases)
    def one(case) -> None:
        response = case.call(base_url=base_url, auth=signer, timeout=10)
        case.validate_response(response, checks=CHECKS)
        assert b"Traceback" not in response.content
        result = response.json()["result"]
        assert result["resultCode"] != "UNKNOWN_EXCEPTION", (case.body, result)
        assert reply_is_signed(response, creds["walletPublicKey"])
        seen[result["resultCode"]] += 1

    one()
    return seen


async def test_the_document_is_valid_openapi_and_names_every_operation(sim, api):
    validate_openapi(api.document)
    assert api.document["openapi"] == "3.1.0"
    assert {p.rsplit("/", 1)[1] for p in api.document["paths"] if p.startswith(API)} == {
        "pay",
        "inquiryPayment",
        "cancelPayment",
        "refund",
        "inquiryRefund",
    }
    assert api.document["servers"] == [{"url": sim.urls["wallet"]}]
    for name, path in api.document["paths"].items():
        if name.startswith(API):
            assert set(path["post"]["x-result-codes"]) <= set(MESSAGES)


async def test_the_document_refuses_what_the_wallet_refuses(api):
    schema = api.operation("pay")["requestBody"]["content"]["application/json"]["schema"]
    assert schema_errors(api.document, schema, pay_body()) == []
    for bad in (
        pay_body("10.99"),
        pay_body("-1"),
        pay_body("0"),
        pay_body(order={"referenceOrderId": "O-1", "orderDescription": "no env, no orderAmount"}),
        pay_body(paymentRequestId="has space"),
        {k: v for k, v in pay_body().items() if k != "order"},
    ):
        schema_errors(api.document, schema, bad, expect_valid=False)
    # what the wallet accepts and ignores, the document accepts too
    assert schema_errors(api.document, schema, pay_body(taxCalculationId="TAX-1")) == []


async def test_a_schema_driven_fuzz_run_finds_no_server_error(sim, api, caplog):
    with caplog.at_level(logging.ERROR, logger="tradepay_sim"):
        seen = await asyncio.to_thread(fuzz, sim.urls["wallet"], api.document, api.creds)
    assert not [r for r in caplog.records if r.name.startswith("tradepay_sim.wallet")], caplog.text
    # deep enough to matter: payments were made and refusals of every kind came back
    assert seen["PAYMENT_IN_PROCESS"] and seen["PARAM_ILLEGAL"] and seen["ORDER_NOT_EXIST"], seen
    assert sum(seen.values()) >= min(FUZZ_EXAMPLES, 100)
    assert 0 < (await snapshot(sim))["payments"] <= seen["PAYMENT_IN_PROCESS"]


async def test_a_fuzz_run_of_the_miniprogram_profile_finds_no_server_error(sim, http, caplog):
    """The same run against a merchant of the miniprogram profile, from its own document
    (``/openapi.json?profile=miniprogram``)."""
    mini = await profile_api(sim, http, "miniprogram")
    validate_openapi(mini.document)
    with caplog.at_level(logging.ERROR, logger="tradepay_sim"):
        seen = await asyncio.to_thread(fuzz, sim.urls["wallet"], mini.document, mini.creds, MINIPROGRAM)
    assert not [r for r in caplog.records if r.name.startswith("tradepay_sim.wallet")], caplog.text
    assert seen["PAYMENT_IN_PROCESS"] and seen["PARAM_ILLEGAL"] and seen["ORDER_NOT_EXIST"], seen
    assert "INVALID_API" not in seen  # every call reached its operation
    assert sum(seen.values()) >= min(FUZZ_EXAMPLES, 100)


async def test_the_control_api_is_documented_and_its_real_calls_match(sim, api, http):
    """The control plane is in the same document (tag ``control``); real calls and
    replies validate against it."""
    doc = api.document
    wallet = sim.urls["wallet"]
    calls = [
        ("post", "/_sim/outcomes", {"outcome": "RISK_REJECT", "count": 2}, 201),
        ("get", "/_sim/outcomes", None, 200),
        ("post", "/_sim/faults", {"endpoint": "pay", "kind": "delay", "delayMs": 10}, 201),
        ("post", "/_sim/notifications/faults", {"kind": "duplicate"}, 201),
        ("post", "/_sim/clock/advance", {"seconds": 1}, 200),
        ("post", "/_sim/refunds/outcomes", {"outcome": "PROCESSING_THEN_FAIL", "count": 2}, 201),
        ("get", "/_sim/refunds/outcomes", None, 200),
        ("delete", "/_sim/refunds/outcomes", None, 200),
        ("post", "/_sim/faults", {"kind": "explode"}, 400),
        ("delete", "/_sim/faults", None, 200),
        ("post", "/_sim/reset", None, 200),
    ]
    for method, path, body, status in calls:
        op = doc["paths"][path][method]
        assert op["tags"] == ["control"]
        if body is not None and status < 300:
            request_schema = op["requestBody"]["content"]["application/json"]["schema"]
            assert schema_errors(doc, request_schema, body) == []
        async with http.request(method, wallet + path, json=body) as resp:
            reply = await resp.json()
        assert resp.status == status
        reply_schema = op["responses"][str(status)]["content"]["application/json"]["schema"]
        assert schema_errors(doc, reply_schema, reply) == [], (path, reply)
