"""Reading Alipay+ bodies (wallet_mock.parsing) and the refund rule (wallet_mock.models),
without a server."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from simulator.core import jsonio
from simulator.core.jsonio import MAX_DEPTH
from simulator.core.money import Money
from wallet_mock.errors import ApiError
from wallet_mock.models import Payment, PaymentStatus, refund_refusal
from wallet_mock.operations import OPERATIONS
from wallet_mock.parsing import (
    PaymentReference,
    RefundReference,
    parse_json_body,
    parse_payment_reference,
    parse_refund_reference,
    parse_refund_request,
)

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def refusal(parse, *args) -> str:
    with pytest.raises(ApiError) as err:
        parse(*args)
    return err.value.code


def test_json_bodies_must_be_plain_json_objects():
    assert parse_json_body(b'{"a": [1, {"b": "\\u2615"}]}') == {"a": [1, {"b": "\u2615"}]}
    for raw in (
        b"",
        b"[]",
        b"1",
        b'{"a": NaN}',
        b'{"a": -Infinity}',
        b"\xff",
        b'{"a": "\\udc00"}',
        b'{"\\ud800": 1}',
        b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"a": 1' + b"0" * 5000 + b"}",
    ):
        assert refusal(parse_json_body, raw) == "PARAM_ILLEGAL", raw[:40]


def test_nesting_is_capped_where_alipay_plus_messages_never_go():
    def deep(n):
        value = {}
        for _ in range(n - 1):
            value = {"x": value}
        return value

    assert parse_json_body(json.dumps(deep(MAX_DEPTH)).encode())
    assert refusal(parse_json_body, json.dumps(deep(MAX_DEPTH + 1)).encode()) == "PARAM_ILLEGAL"


def test_every_api_knows_the_fields_the_sdks_send():
    for op in OPERATIONS.values():
        if op.name == "applyToken":  # the token API names no payment: its grant instead
            assert {"grantType", "authCode", "refreshToken"} <= op.fields
            continue
        assert {"paymentRequestId", "paymentId", "refundId"} & op.fields, op.name


def test_refund_requests_are_validated():
    req = parse_refund_request(
        {
            "refundRequestId": "RF-1",
            "paymentId": "P-1",
            "refundAmount": {"currency": "BHD", "value": "1250"},
            "refundReason": "broken cup",
        }
    )
    assert req.amount == Money(1250, "BHD") and req.reason == "broken cup"
    assert req.fingerprint("P-1") != req.fingerprint("P-2")
    good = {"refundRequestId": "RF-1", "paymentId": "P-1", "refundAmount": {"currency": "USD", "value": "100"}}
    for bad in (
        {**good, "refundRequestId": None},
        {**good, "paymentId": None},
        {**good, "refundAmount": {"currency": "USD", "value": "1.00"}},
        {**good, "refundAmount": {"currency": "USD", "value": "100", "exponent": 2}},
        {**good, "refundReason": "r" * 257},
        {**good, "refundRequestId": "RF 1"},
    ):
        assert refusal(parse_refund_request, {k: v for k, v in bad.items() if v is not None}) == "PARAM_ILLEGAL"
    assert (
        refusal(parse_refund_request, {**good, "refundAmount": {"currency": "ZZZ", "value": "1"}})
        == "CURRENCY_NOT_SUPPORT"
    )


def test_references_need_one_id():
    assert parse_refund_reference({"refundId": "R"}) == RefundReference("R", None)
    assert parse_payment_reference({"paymentRequestId": "PR"}) == PaymentReference(None, "PR")
    assert refusal(parse_refund_reference, {}) == "PARAM_ILLEGAL"
    assert refusal(parse_payment_reference, {"merchantAccountId": "M"}) == "PARAM_ILLEGAL"


def payment(status: PaymentStatus, amount: int = 1000, refunded: int = 0) -> Payment:
    return Payment(
        payment_id="P",
        client_id="C",
        payment_request_id="PR",
        fingerprint="f",
        status=status,
        result_code="SUCCESS",
        amount=Money(amount, "USD"),
        refunded=refunded,
        reference_order_id="O",
        order_description="d",
        merchant_name=None,
        request_json="{}",
        notify_url=None,
        redirect_url=None,
        token="t",
        account_id="A",
        settle_to=None,
        settle_at=None,
        created_at=NOW,
        expires_at=NOW,
        paid_at=NOW,
    )


def test_refunds_only_of_what_was_captured():
    usd = lambda v: Money(v, "USD")  # noqa: E731
    assert refund_refusal(payment(PaymentStatus.SUCCESS), usd(1000), NOW) is None
    assert refund_refusal(payment(PaymentStatus.SUCCESS, refunded=400), usd(600), NOW) is None
    assert refund_refusal(payment(PaymentStatus.SUCCESS, refunded=400), usd(601), NOW) == "REFUND_AMOUNT_EXCEED_LIMIT"
    assert refund_refusal(payment(PaymentStatus.INIT), usd(1), NOW) == "ORDER_STATUS_INVALID"
    assert refund_refusal(payment(PaymentStatus.PROCESSING), usd(1), NOW) == "ORDER_STATUS_INVALID"
    assert refund_refusal(payment(PaymentStatus.FAIL), usd(1), NOW) == "ORDER_IS_CLOSED"
    assert refund_refusal(payment(PaymentStatus.CANCELLED), usd(1), NOW) == "ORDER_IS_CANCELED"
    # one calendar year after the payment, the refund window has closed
    year_later = NOW.replace(year=NOW.year + 1)
    assert refund_refusal(payment(PaymentStatus.SUCCESS), usd(1), year_later - timedelta(seconds=1)) is None
    assert refund_refusal(payment(PaymentStatus.SUCCESS), usd(1), year_later) == "REFUND_WINDOW_EXCEED"


def test_the_fast_json_path_agrees_with_the_strict_one():
    """parse_json_body takes orjson when it can; on thousands of bodies, tame and hostile,
    it must give what the standard parser and the full walk give, or the same refusal."""
    import random

    rng = random.Random(20261126)
    texts = [
        "",
        "latte",
        "caf\u00e9",
        "\u4e2d\u6587",
        "\U0001f600",
        'a"b\\c',
        "\t\n",
        "\x01",
        "\x7f",
        "\ufffd",
        "{[",
        "12345678901234567890123",
        "\u2028",
    ]

    def value(depth: int):
        kind = rng.random()
        if depth > 18 or kind < 0.35:
            return rng.choice(
                [
                    None,
                    True,
                    False,
                    0,
                    -1,
                    2**63 - 1,
                    2**64 + 5,
                    10**30,
                    1.5,
                    -0.0,
                    1e300,
                    rng.choice(texts),
                    str(rng.randrange(10**25)),
                ]
            )
        if kind < 0.7:
            return {rng.choice(texts) + str(i): value(depth + 1) for i in range(rng.randrange(4))}
        return [value(depth + 1) for _ in range(rng.randrange(4))]

    def outcome(parse, raw):
        try:
            return ("ok", json.dumps(parse(raw), sort_keys=True))
        except ApiError as exc:
            return ("refused", exc.code)
        except jsonio.BodyError:
            return ("refused", "PARAM_ILLEGAL")

    bodies = [
        b"[]",
        b"1",
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": "\\ud800"}',
        b"\xef\xbb\xbf{}",
        b'{"a": 1e999}',
        b'{"a": "\xed\xa0\x80"}',
        b"{" * 20,
        b'{"a":' * 15 + b"1" + b"}" * 15,
        b'{"a": 18446744073709551616}',
        b'{"a": 1, "a": 2}',
        b'{"a": "\\u0000"}',
        b"\xff",
    ]
    for _ in range(3000):
        v = {"root": value(0)}
        bodies.append(
            json.dumps(v, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2])).encode(
                "utf-8", "surrogatepass"
            )
        )
    for raw in bodies:
        assert outcome(parse_json_body, raw) == outcome(jsonio.read_object_strictly, raw), raw[:200]
