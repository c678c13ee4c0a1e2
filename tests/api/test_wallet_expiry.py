"""paymentExpiryTime: honoured when given, 14 minutes (divided by --time-scale) when not.
An expired payment cannot be paid, its cashier says so, and inquiry reports it closed.
Time moves with ``POST /_sim/clock/advance``."""

import html
import re
from datetime import datetime, timedelta

import pytest
from wallet_helpers import pay_body, refund_body, wallet_api

from simulator.testing.journey import cashier_action, open_cashier
from simulator.testing.sim import get_json, running_sim, wait_for

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")

_ERROR = re.compile(r'data-testid="cashier-error"[^>]*>([^<]*)<')


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def advance(http, sim, seconds: float) -> None:
    async with http.post(f"{sim.urls['wallet']}/_sim/clock/advance", json={"seconds": seconds}) as resp:
        assert resp.status == 200, await resp.text()


async def cashier_error(http, payment_url: str) -> str:
    async with http.get(payment_url) as resp:
        page = await resp.text()
    match = _ERROR.search(page)
    return html.unescape(match.group(1)).strip() if match else ""


async def test_default_expiry_is_fourteen_minutes(api):
    created = await api.call("pay", pay_body())
    lifetime = _t(created.body["paymentExpiryTime"]) - _t(created.body["paymentCreateTime"])
    assert lifetime == timedelta(minutes=14)


async def test_default_expiry_is_divided_by_the_time_scale(tmp_path, keys_template, http):
    async with running_sim(tmp_path / "data", keys_from=keys_template, time_scale=60) as sim:
        created = await (await wallet_api(sim, http)).call("pay", pay_body())
    lifetime = _t(created.body["paymentExpiryTime"]) - _t(created.body["paymentCreateTime"])
    assert lifetime == timedelta(seconds=14)


async def test_an_expired_payment_is_closed_everywhere(sim, http, api):
    created = await api.call("pay", pay_body())
    url, ref = created.body["normalUrl"], {"paymentId": created.body["paymentId"]}
    await advance(http, sim, 13 * 60)
    assert (await api.call("inquiryPayment", ref)).body["paymentStatus"] == "PROCESSING"
    assert await cashier_error(http, url) == ""

    await advance(http, sim, 60 + 1)
    inquiry = await api.call("inquiryPayment", ref)
    assert inquiry.body["paymentStatus"] == "FAIL" and inquiry.body["paymentResultCode"] == "ORDER_IS_CLOSED"
    assert "expired" in await cashier_error(http, url)
    cashier = await open_cashier(http, url)
    status, reply = await cashier_action(
        http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
    )
    assert status == 409 and reply["error"]["code"] == "PAYMENT_CLOSED"
    cancel = await api.call("cancelPayment", ref)
    assert (cancel.code, cancel.status) == ("ORDER_IS_CLOSED", "F")
    refund = await api.call("refund", refund_body(created.body["paymentId"], "100"))
    assert refund.code == "ORDER_IS_CLOSED"


async def test_payment_expiry_time_is_honoured(sim, http, api):
    _, clock = await get_json(http, f"{sim.urls['wallet']}/_sim/clock")
    expiry = (_t(clock["now"]) + timedelta(minutes=90)).replace(microsecond=0).isoformat()
    created = await api.call("pay", pay_body(paymentExpiryTime=expiry))
    assert _t(created.body["paymentExpiryTime"]) == _t(expiry)
    ref = {"paymentId": created.body["paymentId"]}
    await advance(http, sim, 60 * 60)  # past the default 14 minutes, before the asked 90
    assert (await api.call("inquiryPayment", ref)).body["paymentStatus"] == "PROCESSING"
    await advance(http, sim, 31 * 60)
    assert (await api.call("inquiryPayment", ref)).body["paymentResultCode"] == "ORDER_IS_CLOSED"


async def test_the_worker_closes_expired_payments_without_being_asked(sim, http, api):
    created = await api.call("pay", pay_body())
    await advance(http, sim, 15 * 60)

    async def closed():
        _, p = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{created.body['paymentId']}")
        return p if p["status"] == "FAIL" else None

    payment = await wait_for(closed)
    assert payment["resultCode"] == "ORDER_IS_CLOSED"


async def test_expiry_times_that_cannot_be_honoured_are_refused(sim, http, api):
    _, clock = await get_json(http, f"{sim.urls['wallet']}/_sim/clock")
    now = _t(clock["now"])
    for bad in (
        (now - timedelta(seconds=5)).isoformat(),
        (now + timedelta(days=8)).isoformat(),
        now.replace(tzinfo=None).isoformat(),
        "tomorrow",
    ):
        reply = await api.call("pay", pay_body(paymentExpiryTime=bad), valid_request=False)
        assert reply.code == "PARAM_ILLEGAL", bad
