"""What a running simulator prints: one line per request an app answers and one per step
it records, readable or JSON (``--log-format json``), never a secret; and nothing at all
in tests, which configure no logging."""

import io
import json
import re
from collections import Counter
from urllib.parse import urlsplit

import aiohttp
import pytest

from simulator.core import logs
from simulator.testing.journey import cashier_action, open_cashier, report_step, settled_order
from simulator.testing.sim import get_json, wait_for

TEXT_REQUEST = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} (\w+)\s+(GET|POST|PUT|DELETE) (\S+) (\d{3}) [\d.]+ ms$")
TEXT_STEP = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} (\w+)\s+(step|retry|fault|note)(?: (\d+))? \S")


def traced_session(app_of: dict[str, str], seen: Counter) -> aiohttp.ClientSession:
    """A client session that counts every request it makes: (app, method, path, status)."""

    async def on_end(session, ctx, params):
        seen[app_of[params.url.raw_authority], params.method, params.url.path, params.response.status] += 1

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(on_end)
    return aiohttp.ClientSession(trace_configs=[trace])


async def journey(http, urls: dict) -> tuple[dict, str]:
    """Order, cashier, a wrong password then the right one, result page; the client's
    step reports. Returns the order and the cashier's CSRF token."""
    async with http.post(
        f"{urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte", "quantity": 1}]}
    ) as resp:
        order = await resp.json()
    ids = {"orderId": order["orderId"], "paymentRequestId": order["paymentRequestId"]}
    await report_step(http, urls["miniprogram"], step=1, summary="user pressed Pay", **ids)
    cashier = await open_cashier(http, order["paymentUrl"])
    status, _ = await cashier_action(http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "000000"})
    assert status == 400
    status, reply = await cashier_action(
        http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert reply["resultCode"] == "9000"
    await report_step(http, urls["miniprogram"], step=18, summary="success(9000)", **ids)
    assert (await settled_order(http, urls["merchant"], order["orderId"]))["status"] == "PAID"

    async def delivered():
        _, payment = await get_json(http, f"{urls['wallet']}/_sim/payments/{order['paymentId']}")
        return all(n["status"] == "DELIVERED" for n in payment["notifications"]) and payment["notifications"]

    await wait_for(delivered)
    return order, cashier.csrf


def parse(fmt: str, text: str) -> tuple[Counter, Counter]:
    """(app, method, path, status) of the request lines and (app, kind, step) of the step
    lines; fails on a line that is neither."""
    requests, steps = Counter(), Counter()
    for line in text.splitlines():
        if fmt == "json":
            entry = json.loads(line)
            assert entry["level"] == "INFO" and entry["at"] and entry["message"], entry
            if entry["event"] == "request":
                requests[entry["app"], entry["method"], entry["path"], entry["status"]] += 1
            else:
                assert entry["event"] == "step", entry
                steps[entry["app"], entry["kind"], entry["step"]] += 1
        elif m := TEXT_REQUEST.match(line):
            requests[m.group(1), m.group(2), m.group(3), int(m.group(4))] += 1
        else:
            m = TEXT_STEP.match(line)
            assert m, f"neither a request nor a step line: {line!r}"
            steps[m.group(1), m.group(2), int(m.group(3)) if m.group(3) else None] += 1
    return requests, steps


@pytest.mark.parametrize("fmt", logs.FORMATS)
async def test_one_line_per_request_and_per_step_and_no_secret(sim, fmt):
    stream = io.StringIO()
    logs.configure(fmt, "info", stream)
    app_of = {urlsplit(url).netloc: app for app, url in sim.urls.items()}
    seen: Counter = Counter()
    try:
        async with traced_session(app_of, seen) as http:
            order, csrf = await journey(http, sim.urls)
            events = []
            for app in ("miniprogram", "merchant", "wallet"):
                _, body = await get_json(http, f"{sim.urls[app]}/_sim/events")
                events += body["events"]
    finally:
        logs.unconfigure()
    text = stream.getvalue()
    requests, steps = parse(fmt, text)

    # Requests: the test's own (reads of the journal are debug lines), and the apps' calls
    # to each other, which the caller's journal keeps with the full URL.
    expected = Counter({key: n for key, n in seen.items() if key[2] not in logs.HOUSEKEEPING})
    for e in events:
        http = e.get("http") or {}
        if http.get("url", "").startswith("http"):
            url = urlsplit(http["url"])
            expected[app_of[url.netloc], http["method"], url.path, http["status"]] += 1
    assert requests == expected
    assert ("wallet", "POST", "/aps/api/v1/payments/pay", 200) in requests
    assert ("merchant", "POST", "/api/notify/payment", 200) in requests

    # Steps: every event of every journal, once.
    assert steps == Counter((e["app"], e["kind"], e["step"]) for e in events)
    assert {s for (_, kind, s) in steps if kind == "step"} >= {
        1,
        3,
        4,
        5,
        6,
        7,
        8,
        10,
        11,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        19,
    }

    # No secret: keys, payment passwords (the right one and a wrong one), the CSRF token.
    for pem in (sim.credentials.merchant_private_pem, sim.credentials.wallet_private_pem):
        body = "".join(pem.strip().splitlines()[1:-1])
        assert all(body[i : i + 24] not in text for i in range(0, len(body) - 24, 24))
    without_ids = text
    for key in ("orderId", "paymentId", "paymentRequestId"):
        without_ids = without_ids.replace(order[key], "")
    for secret in ("PRIVATE KEY", "111111", "000000", csrf):
        assert secret not in without_ids, secret
    assert order["orderId"] in text


async def test_quiet_in_tests(sim, http, capfd, caplog):
    """Nothing configured (as in any test run): not one line, not even a record."""
    async with http.post(
        f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte", "quantity": 1}]}
    ) as resp:
        assert resp.status == 201
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert not [r for r in caplog.records if r.name.startswith(logs.ROOT)]
