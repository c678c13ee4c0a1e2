from datetime import UTC, datetime, timedelta

import pytest

from merchant_server.models import TRANSITIONS as ORDER_TRANSITIONS
from merchant_server.models import OrderError, OrderStatus, price_items
from wallet_mock.errors import ApiError
from wallet_mock.models import (
    MOVES,
    TRANSITIONS,
    Move,
    Outcome,
    PaymentStatus,
    cancel_window_end,
    check_transition,
    decide,
    uncovered_transitions,
)
from wallet_mock.parsing import parse_alipayplus_pay as parse_pay_request

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def pay_body(**over):
    body = {
        "paymentRequestId": "PR-1",
        "paymentAmount": {"currency": "USD", "value": "1000"},
        "order": {
            "referenceOrderId": "ORD-1",
            "orderDescription": "Two lattes",
            "orderAmount": {"currency": "USD", "value": "1000"},
            "env": {"terminalType": "MINI_APP"},
        },
    }
    body.update(over)
    return body


def test_final_payment_states_have_no_way_out_but_a_paid_one_cancelled():
    for status in (PaymentStatus.SUCCESS, PaymentStatus.FAIL, PaymentStatus.CANCELLED):
        assert status.final
        with pytest.raises(ValueError):
            check_transition(status, PaymentStatus.INIT)
    assert not TRANSITIONS[PaymentStatus.FAIL] and not TRANSITIONS[PaymentStatus.CANCELLED]
    assert TRANSITIONS[PaymentStatus.SUCCESS] == {PaymentStatus.CANCELLED}  # cancelPayment in its window
    check_transition(PaymentStatus.INIT, PaymentStatus.SUCCESS)


def test_the_named_moves_make_exactly_the_edges_of_the_table():
    assert uncovered_transitions() == set()
    for move in MOVES:
        assert move.sources and all(move.target in TRANSITIONS[s] for s in move.sources), move.name
    # a move the table does not allow cannot even be declared
    with pytest.raises(ValueError):
        Move("refund a failure", (PaymentStatus.FAIL,), PaymentStatus.SUCCESS)
    with pytest.raises(ValueError):
        Move("pay twice", (PaymentStatus.SUCCESS,), PaymentStatus.SUCCESS)


def test_every_decision_that_moves_a_payment_names_a_move_out_of_init():
    for outcome in Outcome:
        move = decide(outcome).move
        assert move is None or move.sources == (PaymentStatus.INIT,), outcome


def test_the_cancel_window_ends_at_a_quarter_past_midnight_utc8_the_day_after():
    # 23:59 UTC on the 25th is 07:59 on the 26th in UTC+8: the window ends 00:15 on the 27th (UTC+8).
    end = cancel_window_end(datetime(2026, 11, 25, 23, 59, tzinfo=UTC))
    assert end == datetime(2026, 11, 26, 16, 15, tzinfo=UTC)
    # 15:59 UTC on the 25th is 23:59 on the 25th in UTC+8: it ends 00:15 on the 26th.
    assert cancel_window_end(datetime(2026, 11, 25, 15, 59, tzinfo=UTC)) == datetime(2026, 11, 25, 16, 15, tzinfo=UTC)


def test_inquiry_shows_init_as_processing():
    assert PaymentStatus.INIT.wire == "PROCESSING"


def test_every_outcome_has_a_rule():
    codes = {decide(o).app_result_code for o in Outcome}
    assert codes == {"9000", "8000", "4000", "6001", "6002", "6004"}
    assert decide(Outcome.NETWORK_LOST_AFTER_DEBIT).debit and not decide(Outcome.NETWORK_LOST_BEFORE_DEBIT).debit


def test_pay_request_is_validated():
    req = parse_pay_request(pay_body(), NOW)
    assert req.amount.value == 1000 and req.product_code == "CASHIER_PAYMENT"
    for bad in (
        pay_body(paymentRequestId=""),
        pay_body(order="x"),
        pay_body(paymentAmount={"currency": "USD", "value": "1.5"}),
        pay_body(paymentExpiryTime=(NOW - timedelta(minutes=1)).isoformat()),
        pay_body(paymentNotifyUrl="ftp://x"),
        pay_body(paymentRequestId="x" * 65),
    ):
        with pytest.raises(ApiError) as err:
            parse_pay_request(bad, NOW)
        assert err.value.code == "PARAM_ILLEGAL"


def test_fingerprint_covers_key_fields_only():
    a = parse_pay_request(pay_body(), NOW)
    b = parse_pay_request(pay_body(paymentNotifyUrl="https://elsewhere.example/notify"), NOW)
    c = parse_pay_request(pay_body(paymentAmount={"currency": "USD", "value": "1001"}), NOW)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
    assert a.matches(b.fingerprint()) and not a.matches(c.fingerprint())


def test_fingerprints_of_every_version_keep_matching():
    # Fingerprints are stored: version 2 is "2:" and the sha256 of the key fields as
    # orjson writes them with sorted keys; before it, the sha256 of json.dumps(sort_keys=True).
    import hashlib
    import json

    import orjson

    a = parse_pay_request(pay_body(), NOW)
    key = {
        "paymentAmount": {"currency": "USD", "value": "1000"},
        "referenceOrderId": "ORD-1",
        "orderAmount": {"currency": "USD", "value": "1000"},
        "productCode": a.product_code,
    }
    assert a.fingerprint() == "2:" + hashlib.sha256(orjson.dumps(key, option=orjson.OPT_SORT_KEYS)).hexdigest()
    legacy = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    assert a.matches(legacy) and a.matches(a.fingerprint())
    other = parse_pay_request(pay_body(paymentAmount={"currency": "USD", "value": "1001"}), NOW)
    assert not other.matches(legacy) and not other.matches(a.fingerprint())
    assert not a.matches("2:" + legacy) and not a.matches(a.fingerprint()[2:])  # each is read as its version
    # what orjson refuses (a lone surrogate, should one pass validation) still has one fingerprint
    from wallet_mock.parsing import _fingerprint, _fingerprint_matches

    odd = {"referenceOrderId": "\ud800"}
    # the standard library's JSON, marked as version 2: the same every time, told apart
    # from another lone surrogate, and matched by its own key only
    expected = "2:" + hashlib.sha256(json.dumps(odd, sort_keys=True).encode()).hexdigest()
    assert _fingerprint(odd) == expected and _fingerprint_matches(expected, odd)
    other_odd = {"referenceOrderId": "\udc00"}
    assert _fingerprint(other_odd) != expected and not _fingerprint_matches(expected, other_odd)


def test_orders_are_priced_from_the_catalog():
    lines = price_items([{"goodsId": "latte", "quantity": 2}, {"goodsId": "latte", "quantity": 1}])
    assert len(lines) == 1 and lines[0].total.value == 3 * 450
    for bad in (
        [],
        [{"goodsId": "nope"}],
        [{"goodsId": "latte", "quantity": 0}],
        [{"goodsId": "latte", "quantity": 1.5}],
        [{"goodsId": "latte", "price": 1}] * 21,
    ):
        with pytest.raises(OrderError):
            price_items(bad)


def test_paid_orders_only_move_to_refunded():
    assert ORDER_TRANSITIONS[OrderStatus.PAID] == {OrderStatus.REFUNDED}


def test_payment_ids_and_tokens_sort_in_the_order_they_were_made():
    """New keys land at the right edge of the payments indexes (docs/decisions/ordered-ids.md):
    ids and tokens made later sort later, and keep their shape and their randomness."""
    import re
    import time
    from datetime import datetime, timedelta

    from wallet_mock.models import new_payment_id, new_refund_id, new_token

    start = datetime(2026, 11, 26, 3, 4, 5, 678901, tzinfo=UTC)
    ids = [new_payment_id(start + timedelta(microseconds=i)) for i in range(200)]
    assert ids == sorted(ids) and len(set(ids)) == 200
    assert re.fullmatch(r"202611261140030405678901\d{8}", ids[0])  # date, product tag, time of day, random
    assert all(len(i) == 32 and i.isdigit() and i.startswith("202611261140") for i in ids)
    same_moment = {new_payment_id(start) for _ in range(200)}
    assert len(same_moment) == 200  # the random tail tells apart ids of one microsecond
    refunds = [new_refund_id(start + timedelta(seconds=i)) for i in range(50)]
    assert refunds == sorted(refunds) and all(re.fullmatch(r"202611261150\d{20}", r) for r in refunds)

    tokens = []
    for _ in range(50):
        tokens.append(new_token())
        time.sleep(0.0001)
    assert tokens == sorted(tokens) and len(set(tokens)) == 50
    assert all(re.fullmatch(r"[0-9a-f]{14}[A-Za-z0-9_-]{32}", t) for t in tokens)
    assert len({t[14:] for t in tokens}) == 50  # 192 random bits behind the time
