"""A processing (8000) payment settles by itself 30 s after the confirmation, on the
wallet's clock, to the end its outcome or test account names (README, "Outcomes":
``PROCESSING_THEN_SUCCESS`` / ``PROCESSING_THEN_FAIL``, ``slow-success@`` / ``slow-fail@``);
or at once, to the end the control call names (``POST /_sim/payments/{id}/settle {"to"}``,
docs/control-api.md). Each end is checked where the merchant and the buyer would see it:
a signed inquiryPayment (``paymentStatus``, and ``paymentResultCode`` ``PROCESS_FAIL`` for a
processing payment that failed: docs/wallet-api.md), the buyer's balance, and the
merchant's order, which only the notification or an inquiry can move."""

import pytest

from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json, wait_for

SETTLES_AFTER_SECONDS = 30  # "processing, settles to success 30 s later" (README)
LATTES = 900  # api_journey's default cart: two lattes, USD 9.00


async def post(http, url, body=None):
    async with http.post(url, json=body if body is not None else {}) as resp:
        return resp.status, await resp.json()


async def balance(http, sim, login):
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    return int(next(a for a in body["accounts"] if a["loginId"] == login)["balances"]["USD"])


async def inquiry(api, payment_id):
    reply = await api.call("inquiryPayment", {"paymentId": payment_id})
    assert reply.code == "SUCCESS", reply.body
    return reply.body


async def merchant_says(http, sim, order_id):
    """The merchant's order once it has left PAYING, read from its list of orders: reading
    the list asks the wallet nothing, so what moved the order is the wallet's word."""

    async def settled():
        _, listed = await get_json(http, f"{sim.urls['merchant']}/api/orders")
        order = next(o for o in listed["orders"] if o["orderId"] == order_id)
        return order if order["status"] not in ("CREATED", "PAYING") else None

    return await wait_for(settled)


async def processing(http, sim, api, *, outcome=None, account="buyer@sandbox.test"):
    if outcome:
        status, _ = await post(http, f"{sim.urls['wallet']}/_sim/outcomes", {"outcome": outcome})
        assert status == 201
    before = await balance(http, sim, account)
    result = await api_journey(http, sim.urls, account=account, report=False, settle_timeout=0)
    assert result.result_code == "8000"
    # paid, the result awaited: Antom's PENDING (docs/fidelity.md)
    assert (await inquiry(api, result.payment_id))["paymentStatus"] == "PENDING"
    return result, before


@pytest.mark.parametrize(
    ("outcome", "account", "status", "result_code", "order_status", "charged"),
    [
        ("PROCESSING_THEN_SUCCESS", "buyer@sandbox.test", "SUCCESS", "SUCCESS", "PAID", LATTES),
        ("PROCESSING_THEN_FAIL", "buyer@sandbox.test", "FAIL", "PROCESS_FAIL", "FAILED", 0),
        (None, "slow-success@sandbox.test", "SUCCESS", "SUCCESS", "PAID", LATTES),
        (None, "slow-fail@sandbox.test", "FAIL", "PROCESS_FAIL", "FAILED", 0),
    ],
)
async def test_a_processing_payment_settles_on_the_wallets_clock_to_its_own_end(
    sim, http, api, outcome, account, status, result_code, order_status, charged
):
    result, before = await processing(http, sim, api, outcome=outcome, account=account)
    await post(http, f"{sim.urls['wallet']}/_sim/clock/advance", {"seconds": SETTLES_AFTER_SECONDS})

    async def settled():
        body = await inquiry(api, result.payment_id)
        return body if body["paymentStatus"] != "PENDING" else None

    body = await wait_for(settled)
    assert (body["paymentStatus"], body["paymentResultCode"]) == (status, result_code)
    assert before - await balance(http, sim, account) == charged
    assert (await merchant_says(http, sim, result.order_id))["status"] == order_status


async def test_settle_to_fail_ends_a_payment_that_would_have_succeeded(sim, http, api):
    result, before = await processing(http, sim, api, outcome="PROCESSING_THEN_SUCCESS")
    status, moved = await post(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}/settle", {"to": "FAIL"})
    assert status == 200 and moved["status"] == "FAIL" and moved["resultCode"] == "PROCESS_FAIL"
    body = await inquiry(api, result.payment_id)
    assert (body["paymentStatus"], body["paymentResultCode"]) == ("FAIL", "PROCESS_FAIL")
    assert await balance(http, sim, "buyer@sandbox.test") == before  # never debited
    assert (await merchant_says(http, sim, result.order_id))["status"] == "FAILED"
    # once settled, it stays so: neither the clock nor another settle moves it
    status, refused = await post(
        http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}/settle", {"to": "SUCCESS"}
    )
    assert status == 409 and refused["error"]["code"] == "ORDER_STATUS_INVALID"
    assert (await inquiry(api, result.payment_id))["paymentStatus"] == "FAIL"


async def test_settle_refuses_an_end_it_does_not_know(sim, http, api):
    result, _ = await processing(http, sim, api, outcome="PROCESSING_THEN_SUCCESS")
    status, refused = await post(
        http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}/settle", {"to": "CANCELLED"}
    )
    assert status == 400 and refused["error"]["code"] == "PARAM_ILLEGAL"
    assert (await inquiry(api, result.payment_id))["paymentStatus"] == "PENDING"
