"""The notification outbox: Antom's schedule, compressed by --time-scale, every attempt
recorded, FAILED after the last and resendable, and pending deliveries resumed after a
real restart of the apps."""

import itertools
from datetime import datetime

import pytest

from simulator.core.signed_http import SignedClient
from simulator.testing.journey import api_journey
from simulator.testing.sim import fixed_ports, get_json, running_sim, wait_for
from wallet_mock.control import WORKER

# Antom's published schedule, written here rather than read from the implementation: "The
# notification can be resent up to 8 times ... The sending intervals are as follows: 0
# minutes, 2 minutes, 10 minutes, 10 minutes, 1 hour, 2 hours, 6 hours, and 15 hours."
# (Antom's Cashier Payment guide, notifyPayment; notifyRefund repeats it:
# https://docs.antom.com/ac/ams/notify_refund). The wait before attempt 1, 2, ... 8.
ANTOM_SCHEDULE_SECONDS = (0, 2 * 60, 10 * 60, 10 * 60, 3600, 2 * 3600, 6 * 3600, 15 * 3600)


async def post(http, url, body=None):
    async with http.post(url, json=body or {}) as resp:
        return resp.status, await resp.json()


async def notification(http, sim, payment_id):
    _, p = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{payment_id}")
    return p["notifications"][0] if p["notifications"] else None


def gaps(history):
    times = [datetime.fromisoformat(h["at"]) for h in history]
    return [(b - a).total_seconds() for a, b in itertools.pairwise(times)]


def scheduled_wait(note) -> float:
    """Seconds from the last attempt to the next one the wallet has set, on its clock."""
    return (
        datetime.fromisoformat(note["nextAttemptAt"]) - datetime.fromisoformat(note["history"][-1]["at"])
    ).total_seconds()


async def test_schedule_runs_to_failed_then_resend_delivers(sim, http):
    wallet = sim.urls["wallet"]
    await post(http, f"{wallet}/_sim/notifications/faults", {"kind": "fail", "count": len(ANTOM_SCHEDULE_SECONDS)})
    result = await api_journey(http, sim.urls, report=False, settle_timeout=0)
    for attempt, wait in enumerate(ANTOM_SCHEDULE_SECONDS, start=1):
        if attempt > 1:
            note = await notification(http, sim, result.payment_id)
            assert note["status"] == "PENDING" and note["attempts"] == attempt - 1
            # the next attempt is set Antom's interval after the last, on the wallet's clock
            # (two reads of it apart: microseconds); the test moves that clock, so nothing
            # here depends on how fast the machine runs
            assert scheduled_wait(note) == pytest.approx(wait, abs=0.05), (attempt, note["nextAttemptAt"])
            await post(http, f"{wallet}/_sim/clock/advance", {"seconds": wait})

        async def attempted(n=attempt):
            note = await notification(http, sim, result.payment_id)
            return note if note and note["attempts"] == n else None

        await wait_for(attempted)
    note = await notification(http, sim, result.payment_id)
    assert note["status"] == "FAILED" and note["nextAttemptAt"] is None
    assert len(note["history"]) == 8 and all(h["outcome"] == "NOT_ACKNOWLEDGED" for h in note["history"])
    for gap, scheduled in zip(gaps(note["history"]), ANTOM_SCHEDULE_SECONDS[1:], strict=False):
        assert gap >= scheduled  # never earlier than Antom's schedule
    status, resent = await post(http, f"{wallet}/_sim/notifications/{note['notificationId']}/resend")
    assert status == 200 and resent["outcome"] == "ACKNOWLEDGED" and resent["status"] == "DELIVERED"
    _, events = await get_json(http, f"{wallet}/_sim/events", params={"paymentId": result.payment_id})
    assert len([e for e in events["events"] if e["step"] == 19]) == 9  # every attempt is in the journal


async def test_time_scale_compresses_the_schedule(tmp_path, keys_template, http):
    async with running_sim(tmp_path / "d", keys_from=keys_template, time_scale=1200) as sim:
        await post(http, f"{sim.urls['wallet']}/_sim/notifications/faults", {"kind": "fail", "count": 3})
        result = await api_journey(http, sim.urls, report=False, settle_timeout=0)

        async def delivered():
            note = await notification(http, sim, result.payment_id)
            return note if note and note["status"] == "DELIVERED" else None

        note = await wait_for(delivered, timeout=30)
        assert note["attempts"] == 4
        # 2 min, 10 min, 10 min divided by 1200: each failed attempt set the next one 0.1 s,
        # 0.5 s, 0.5 s after itself (the journal keeps what each attempt set), and none
        # went earlier. Uncompressed, the second attempt alone would be 2 minutes away.
        _, events = await get_json(http, f"{sim.urls['wallet']}/_sim/events", params={"paymentId": result.payment_id})
        set_next = [e["details"]["nextAttemptAt"] for e in events["events"] if e["step"] == 19][:3]
        for attempt, (made, next_at, scheduled) in enumerate(
            zip(note["history"][:3], set_next, ANTOM_SCHEDULE_SECONDS[1:4], strict=True), start=1
        ):
            waited = (datetime.fromisoformat(next_at) - datetime.fromisoformat(made["at"])).total_seconds()
            assert waited == pytest.approx(scheduled / 1200, abs=0.05), (attempt, waited)
        for gap, scheduled in zip(gaps(note["history"]), ANTOM_SCHEDULE_SECONDS[1:], strict=False):
            assert gap >= scheduled / 1200


async def test_pending_delivery_resumes_after_a_restart(tmp_path, keys_template, http):
    data, ports = tmp_path / "data", fixed_ports()
    async with running_sim(data, keys_from=keys_template, **ports) as sim:
        await post(http, f"{sim.urls['wallet']}/_sim/notifications/faults", {"kind": "fail"})
        result = await api_journey(http, sim.urls, report=False, settle_timeout=0)

        async def first_failed():
            note = await notification(http, sim, result.payment_id)
            return note if note and note["attempts"] == 1 else None

        await wait_for(first_failed)  # the merchant got it; the wallet believes it did not
    async with running_sim(data, **ports) as again:
        note = await notification(http, again, result.payment_id)
        assert note["status"] == "PENDING" and note["attempts"] == 1
        await post(http, f"{again.urls['wallet']}/_sim/clock/advance", {"seconds": 120})

        async def delivered():
            n = await notification(http, again, result.payment_id)
            return n if n["status"] == "DELIVERED" else None

        note = await wait_for(delivered)
        assert note["attempts"] == 2
        _, order = await get_json(http, f"{again.urls['merchant']}/api/orders/{result.order_id}")
        assert order["status"] == "PAID" and order["fulfilled"] == 1


async def test_merchant_down_then_back(tmp_path, keys_template, http):
    """The merchant process is down when the payment succeeds; the wallet keeps trying
    and delivers once it is back."""
    data, ports = tmp_path / "data", fixed_ports()
    async with running_sim(data, keys_from=keys_template, **ports) as sim:
        result = await api_journey(http, sim.urls, report=False, settle_timeout=0)
        await wait_for(lambda: _delivered(http, sim, result.payment_id))
        # a second journey whose notification cannot reach the merchant
        order = await _order(http, sim)
        merchant = sim.runners.pop("merchant")
        await merchant.cleanup()
        from simulator.testing.journey import cashier_action, open_cashier

        cashier = await open_cashier(http, order["paymentUrl"])
        _status, reply = await cashier_action(
            http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
        )
        assert reply["resultCode"] == "9000"

        async def failed_once():
            note = await notification(http, sim, order["paymentId"])
            return note if note and note["attempts"] >= 1 else None

        note = await wait_for(failed_once)
        assert note["status"] == "PENDING" and "ClientConnector" in (note["history"][0]["detail"] or "")
    async with running_sim(data, **ports) as again:
        await post(http, f"{again.urls['wallet']}/_sim/clock/advance", {"seconds": 120})
        await wait_for(lambda: _delivered(http, again, order["paymentId"]))
        _, latest = await get_json(http, f"{again.urls['merchant']}/api/orders/{order['orderId']}")
        assert latest["status"] == "PAID" and latest["paidVia"] in ("notification", "inquiryPayment")


async def _order(http, sim):
    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "bagel"}]}) as resp:
        return await resp.json()


async def _delivered(http, sim, payment_id):
    note = await notification(http, sim, payment_id)
    return note and note["status"] == "DELIVERED"


async def test_the_first_attempt_goes_out_when_the_payment_commits_not_at_a_round_of_the_worker(sim, http):
    worker = sim.app("wallet")[WORKER]

    async def no_rounds():
        return 3600.0  # the worker's rounds find nothing to do for the rest of the test

    worker._round = no_rounds
    worker.wake()
    result = await api_journey(http, sim.urls, report=False, settle_timeout=0)
    await wait_for(lambda: _delivered(http, sim, result.payment_id))
    note = await notification(http, sim, result.payment_id)
    assert note["attempts"] == 1 and note["history"][0]["outcome"] == "ACKNOWLEDGED"


async def test_a_notification_leased_by_a_process_that_died_is_sent_by_the_next(tmp_path, keys_template, http):
    data, ports = tmp_path / "data", fixed_ports()
    async with running_sim(data, keys_from=keys_template, **ports) as sim:
        sim.app("wallet")[WORKER].send_now = lambda nid: None  # stored and leased, never sent: as if killed there
        result = await api_journey(http, sim.urls, report=False, settle_timeout=0)
        note = await notification(http, sim, result.payment_id)
        assert note["status"] == "PENDING" and note["attempts"] == 0
    async with running_sim(data, **ports) as again:
        await wait_for(lambda: _delivered(http, again, result.payment_id))
        assert (await notification(http, again, result.payment_id))["attempts"] == 1
        _, order = await get_json(http, f"{again.urls['merchant']}/api/orders/{result.order_id}")
        assert order["status"] == "PAID" and order["fulfilled"] == 1


async def test_a_success_notification_on_its_way_is_delivered_after_the_payment_is_cancelled(sim, http):
    """docs/wallet-api.md, cancelPayment: a notifyPayment of the success that was still on
    its way is delivered all the same after the merchant cancels the paid payment (Antom
    warns of this); the payment stays CANCELLED, and the cancel makes no notification."""
    wallet = sim.urls["wallet"]
    await post(http, f"{wallet}/_sim/notifications/faults", {"kind": "fail"})  # the first acknowledgement is lost
    result = await api_journey(http, sim.urls, report=False, settle_timeout=0)

    async def retrying():
        note = await notification(http, sim, result.payment_id)
        return note if note and note["attempts"] == 1 and note["status"] == "PENDING" else None

    await wait_for(retrying)
    _, creds = await get_json(http, f"{wallet}/_sim/credentials")
    merchant = SignedClient(
        http,
        client_id=creds["clientId"],
        private_pem=creds["merchantPrivateKey"],
        peer_public_pem=creds["walletPublicKey"],
    )
    cancelled = await merchant.post(f"{creds['apiBaseUrl']}/cancelPayment", {"paymentId": result.payment_id})
    assert cancelled.json()["result"]["resultCode"] == "SUCCESS"
    await post(http, f"{wallet}/_sim/clock/advance", {"seconds": ANTOM_SCHEDULE_SECONDS[1]})

    async def delivered():
        note = await notification(http, sim, result.payment_id)
        return note if note["status"] == "DELIVERED" else None

    note = await wait_for(delivered)
    assert note["attempts"] == 2 and note["history"][1]["outcome"] == "ACKNOWLEDGED"
    _, events = await get_json(http, f"{wallet}/_sim/events", params={"paymentId": result.payment_id})
    second = next(e for e in events["events"] if e["step"] == 19 and e["details"]["attempt"] == 2)
    said = second["http"]["requestBody"]  # Alipay+ notifyPayment: notifyType and result say how it ended
    assert said["notifyType"] == "PAYMENT_RESULT" and said["result"]["resultCode"] == "SUCCESS", said
    assert said["paymentTime"], said  # the success it was sent for, not the cancel
    _, payment = await get_json(http, f"{wallet}/_sim/payments/{result.payment_id}")
    assert payment["status"] == "CANCELLED" and len(payment["notifications"]) == 1
    inquired = await merchant.post(f"{creds['apiBaseUrl']}/inquiryPayment", {"paymentId": result.payment_id})
    assert inquired.json()["paymentStatus"] == "CANCELLED"
