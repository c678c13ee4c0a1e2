"""The journal keeps what it is given, even when what it is given is hostile."""

import json

from simulator.clock import Clock
from simulator.db import Database
from simulator.journal import SCHEMA, Journal, http_summary


async def test_hostile_bodies_are_stored_and_never_cost_other_events(tmp_path):
    db = await Database(tmp_path / "j.sqlite3", SCHEMA).open()
    journal = Journal(db, "test", Clock().now)
    await journal.start()
    try:
        deep = "[" * 5000 + "]" * 5000
        journal.record(5, "deep", order_id="O1", http=http_summary("POST", "/x", request_body=deep))
        journal.record(6, "surrogate \ud800 in text", order_id="O1", details={"name": "\udfff"})
        journal.record(7, "plain", order_id="O1")
        events = await journal.query(order_id="O1")
        assert [e["step"] for e in events] == [5, 6, 7]
        assert events[0]["http"]["requestBody"].startswith("[[[")
        assert "\ud800" in events[1]["summary"]
        json.dumps(events)  # what /_sim/events will serve
    finally:
        await journal.stop()
        await db.close()


async def test_secrets_are_masked_before_storage(tmp_path):
    db = await Database(tmp_path / "j.sqlite3", SCHEMA).open()
    journal = Journal(db, "test", Clock().now)
    await journal.start()
    try:
        journal.record(14, "confirm", order_id="O2", details={"password": "111111", "account": "a"},
                       http=http_summary("POST", "/c", request_body='{"password": "111111", "privateKey": "x"}'))
        [event] = await journal.query(order_id="O2")
        assert event["details"] == {"password": "[redacted]", "account": "a"}
        assert event["http"]["requestBody"] == {"password": "[redacted]", "privateKey": "[redacted]"}
    finally:
        await journal.stop()
        await db.close()


def test_events_with_request_headers_stay_on_orjson():
    """Header names from aiohttp are multidict's istr, a str subclass orjson refuses: the
    journal's JSON must not fall back to the (several times slower) standard library."""
    import orjson
    from multidict import CIMultiDict, istr

    from simulator import jsonio

    headers = CIMultiDict({"Client-Id": "SANDBOX_X", "Cookie": "s=1", istr("Signature"): "algorithm=RSA256,..."})
    summary = http_summary("POST", "/aps/api/v1/payments/pay", request_headers=headers,
                           request_body=b'{"paymentRequestId":"PR1"}', response_headers={"client-id": "SANDBOX_X"})
    assert orjson.loads(orjson.dumps(summary))["requestHeaders"]["Cookie"] == "[redacted]"  # raises if any istr is left
    assert jsonio.dumps({istr("k"): istr("v"), "n": [istr("x")]}) == b'{"k":"v","n":["x"]}'


def test_a_body_that_spells_a_secret_with_escapes_is_still_redacted():
    summary = http_summary("POST", "/x", request_body=b'{"\\u0070assword": "hunter2", "x": "\\u0041"}')
    assert summary["requestBody"] == {"password": "[redacted]", "x": "A"}


def test_bodies_already_parsed_are_not_parsed_again_and_are_still_screened(monkeypatch):
    """The wallet hands its parsed request and the reply it serialised to the journal:
    no second parse, and the raw bytes still decide whether a body is walked for secrets."""
    from simulator import journal as journal_mod

    parsed_again = []
    real_loads = journal_mod.jsonio.loads
    monkeypatch.setattr(journal_mod.jsonio, "loads", lambda data: parsed_again.append(data) or real_loads(data))
    request, reply = {"paymentRequestId": "PR1"}, {"result": {"resultStatus": "S"}}
    summary = http_summary("POST", "/pay", request_body=b'{"paymentRequestId":"PR1"}', request_json=request,
                           response_body=b'{"result":{"resultStatus":"S"}}', response_json=reply)
    assert summary["requestBody"] == request and summary["responseBody"] == reply
    assert parsed_again == []
    secret = http_summary("POST", "/x", request_body=b'{"password":"hunter2"}', request_json={"password": "hunter2"})
    assert secret["requestBody"] == {"password": "[redacted]"}
