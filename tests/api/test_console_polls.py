"""A processing payment's polling in the console's diagram (issue 20, point 7): the result
page asks the merchant again and again, and each time the merchant asks the wallet
(inquiryPayment). The repeated calls fold into one row with a count, and the row says
the payment status the reply carried, never the call's own "S SUCCESS" as if paid."""

from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json

POLLS = 4


async def polled_journey(http, sim):
    async with http.post(f"{sim.urls['wallet']}/_sim/outcomes", json={"outcome": "PROCESSING_THEN_SUCCESS"}) as r:
        assert r.status == 201
    result = await api_journey(http, sim.urls, settle_timeout=0)
    assert result.result_code == "8000"
    for _ in range(POLLS):  # what the result page does while the order is PAYING
        status, order = await get_json(
            http, f"{sim.urls['merchant']}/api/orders/{result.order_id}", params={"clientResultCode": "8000"}
        )
        assert (status, order["status"]) == (200, "PAYING")
    return result


def inquiry_rows(model):
    return [r for r in model["diagram"]["rows"] if (r["httpLabel"] or "").startswith("POST /aps/api/v1/payments/inq")]


async def test_repeated_inquiries_fold_into_one_row_that_names_the_payment_status(sim, http):
    result = await polled_journey(http, sim)
    status, model = await get_json(http, f"{sim.urls['console']}/api/journeys/{result.order_id}/diagram")
    assert status == 200
    rows = inquiry_rows(model)
    assert len(rows) == 1, [r["summary"] for r in rows]
    row = rows[0]
    assert row["count"] == POLLS
    assert sorted(row["apps"]) == ["merchant", "wallet"], "the caller's and the wallet's record of one call"
    assert row["summary"] == "inquiryPayment: payment PENDING (S SUCCESS)"
    assert row["lastOffset"] and row["lastOffset"] != row["offset"]
    # every other row is still there once: the steps are not folded
    steps = [r["step"] for r in model["diagram"]["rows"] if r["kind"] == "step"]
    assert steps == sorted(set(steps))


async def test_no_row_of_a_processing_payment_reads_as_a_success(sim, http):
    result = await polled_journey(http, sim)
    for order in ("step", "time"):
        _, model = await get_json(http, f"{sim.urls['console']}/api/journeys/{result.order_id}/diagram?order={order}")
        for row in model["diagram"]["rows"]:
            assert ": S SUCCESS" not in row["summary"], row["summary"]
        assert len(inquiry_rows(model)) == 1


async def test_polls_after_the_payment_settled_start_a_row_of_their_own(sim, http):
    result = await polled_journey(http, sim)
    async with http.post(f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}/settle", json={"to": "SUCCESS"}) as r:
        assert r.status == 200, await r.text()
    for _ in range(2):
        await get_json(
            http, f"{sim.urls['merchant']}/api/orders/{result.order_id}", params={"clientResultCode": "8000"}
        )
    _, model = await get_json(http, f"{sim.urls['console']}/api/journeys/{result.order_id}/diagram?order=time")
    summaries = [(r["summary"], r["count"]) for r in inquiry_rows(model)]
    assert summaries[0] == ("inquiryPayment: payment PENDING (S SUCCESS)", POLLS)
    assert summaries[-1][0] == "inquiryPayment: payment SUCCESS (S SUCCESS)"
