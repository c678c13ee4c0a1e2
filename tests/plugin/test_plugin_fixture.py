"""The pytest plugin's ``tradepay_sim`` fixture as a user's suite meets it (the plugin is
loaded from the installed package's ``pytest11`` entry point, as in any project): a
running simulator, reset per test, and its helpers — sync, and ``.aio`` in async tests."""

import json
import urllib.request

import pytest

from simulator.testing.client import SimCallError

ALL_STEPS = set(range(1, 21))
# journey() drives the flow over HTTP and reports the mini program's own steps (1, 2, 9,
# 18 and 20: SPEC.md's client steps) as the page and the shim would; the servers record
# the other fifteen themselves.
CLIENT_STEPS = {1, 2, 9, 18, 20}


def get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status, json.load(resp)


def test_a_running_sim_on_free_ports_with_its_own_data_folder(tradepay_sim, tmp_path_factory):
    for app, url in tradepay_sim.urls.items():
        assert get(f"{url}/_sim/health")[0] == 200, app
        assert not url.endswith((":8000", ":8100", ":8200", ":8300"))
    creds = tradepay_sim.credentials
    assert creds["merchantPrivateKey"].startswith("-----BEGIN") and "PUBLIC KEY" in creds["walletPublicKey"]
    assert creds["apiBaseUrl"] == tradepay_sim.urls["wallet"] + "/aps/api/v1/payments"
    assert (tradepay_sim.data_dir / "wallet.sqlite3").exists()
    assert tradepay_sim.data_dir.is_relative_to(tmp_path_factory.getbasetemp())


def test_journey_records_twenty_steps_and_a_delivered_notification(tradepay_sim):
    journey = tradepay_sim.journey()
    assert journey.result_code == "9000" and journey.order["status"] == "PAID"
    notification = tradepay_sim.wait_for_notification(journey.payment_id)
    assert notification["attempts"] >= 1 and notification["url"].endswith("/api/notify/payment")
    events = [e for e in tradepay_sim.events(journey.order_id) if e["step"]]
    assert {e["step"] for e in events} == ALL_STEPS
    assert {e["step"] for e in events if e["app"] != "miniprogram"} == ALL_STEPS - CLIENT_STEPS
    assert [e["step"] for e in tradepay_sim.events(journey.order_id, order="step") if e["kind"] == "step"][:3] == [
        1,
        2,
        3,
    ]
    trace = tradepay_sim.trace(journey.order_id)
    assert f"Journey {journey.order_id}" in trace and "20/20 steps" in trace
    assert tradepay_sim.order_ids() == [journey.order_id]


@pytest.mark.parametrize(
    ("outcome", "code", "status", "charged"),
    [
        ("INSUFFICIENT_BALANCE", "4000", "FAILED", False),
        ("RISK_REJECT", "4000", "FAILED", False),
        ("USER_CANCEL", "6001", "PAYING", False),
        ("NETWORK_LOST_AFTER_DEBIT", "6004", "PAID", True),
    ],
)
def test_forced_outcomes(tradepay_sim, outcome, code, status, charged):
    before = tradepay_sim.balance()
    journey = tradepay_sim.journey(outcome=outcome)
    assert journey.result_code == code
    assert tradepay_sim.order(journey.order_id)["status"] == status
    amount = int(journey.order["amount"]["value"])
    assert before - tradepay_sim.balance() == (amount if charged else 0)


def test_api_faults_and_signed_calls(tradepay_sim):
    journey = tradepay_sim.journey()
    tradepay_sim.fault("inquiryPayment", "http_500")
    with pytest.raises(SimCallError) as failed:
        tradepay_sim.call("inquiryPayment", {"paymentId": journey.payment_id})
    assert failed.value.status == 500
    paid = tradepay_sim.call("inquiryPayment", {"paymentId": journey.payment_id})  # the fault was for one call
    assert paid["paymentStatus"] == "SUCCESS"
    refund = tradepay_sim.call(
        "refund", {"refundRequestId": "RF-1", "paymentId": journey.payment_id, "refundAmount": journey.order["amount"]}
    )
    assert refund["result"]["resultCode"] == "SUCCESS"


def test_scoped_queues_removal_and_unlock_from_the_helpers(tradepay_sim):
    sandbox = tradepay_sim.credentials["clientId"]
    other = tradepay_sim.force_outcome("RISK_REJECT", payment_request_id="NOT-THIS-ONE")
    mine = tradepay_sim.force_outcome("USER_CANCEL", client_id=sandbox)
    again = tradepay_sim.force_outcome("INSUFFICIENT_BALANCE", client_id=sandbox)
    assert [e["id"] for e in again["alreadyQueued"]] == [mine["id"]]
    replaced = tradepay_sim.force_outcome("INSUFFICIENT_BALANCE", client_id=sandbox, replace=True)
    assert {e["id"] for e in replaced["replaced"]} == {mine["id"], again["id"]}
    assert tradepay_sim.journey().result_code == "4000", "the merchant's entry, not the other payment's"
    assert tradepay_sim.remove_queued(other) == {"removed": other["id"]}
    fault = tradepay_sim.fault("pay", "http_500", client_id=sandbox)
    tradepay_sim.remove_queued(fault)
    assert tradepay_sim.journey().result_code == "9000", "both removed before use"
    refused = tradepay_sim.journey(password="000000")
    assert refused.refusal["code"] == "WRONG_PASSWORD"
    for _ in range(4):  # five wrong passwords on one payment lock the account for that payment
        tradepay_sim.pay(payment_id=refused.payment_id, password="000000")
    assert tradepay_sim.pay(payment_id=refused.payment_id).refusal["code"] == "ACCOUNT_LOCKED"
    assert tradepay_sim.journey().result_code == "9000", "another payment is another attempt"
    unlocked = tradepay_sim.unlock("buyer@sandbox.test")
    assert (unlocked["loginId"], unlocked["locked"], unlocked["failedPasswordTries"]) == (
        "buyer@sandbox.test",
        False,
        0,
    )


def test_a_lost_acknowledgement_is_retried_when_the_clock_moves(tradepay_sim):
    tradepay_sim.notification_fault("fail")
    journey = tradepay_sim.journey()
    pending = tradepay_sim.wait_for_notification(journey.payment_id, status="PENDING", attempts=1)
    assert pending["attempts"] == 1 and pending["history"][0]["outcome"] == "NOT_ACKNOWLEDGED"
    tradepay_sim.advance_clock(130)  # Antom's second attempt comes 2 minutes later
    delivered = tradepay_sim.wait_for_notification(journey.payment_id)
    assert delivered["attempts"] == 2
    with pytest.raises(TimeoutError, match="became FAILED"):
        tradepay_sim.wait_for_notification(journey.payment_id, status="FAILED", timeout=0.2)


def test_reset_forgets_journeys_and_restores_balances(tradepay_sim):
    before = tradepay_sim.balance()
    tradepay_sim.force_outcome("INSUFFICIENT_BALANCE", count=5)
    assert tradepay_sim.journey().result_code == "4000"
    assert tradepay_sim.order_ids()
    tradepay_sim.reset()
    assert tradepay_sim.order_ids() == [] and tradepay_sim.events() == []
    assert tradepay_sim.balance() == before
    assert tradepay_sim.journey().result_code == "9000"  # the queued outcomes went too


async def test_awaitable_helpers_in_an_async_test(tradepay_sim):
    journey = await tradepay_sim.aio.journey(outcome="PROCESSING_THEN_SUCCESS")
    assert journey.result_code == "8000"
    settled = await tradepay_sim.aio.settle(journey.payment_id)
    assert settled["status"] == "SUCCESS"
    notification = await tradepay_sim.aio.wait_for_notification(journey.payment_id)
    assert notification["status"] == "DELIVERED"
    with pytest.raises(AttributeError, match="no helper"):
        _ = tradepay_sim.aio.urls


def test_check_merchant_runs_the_conformance_scenarios_against_a_merchant(tradepay_sim, tmp_path):
    merchant = tradepay_sim.urls["merchant"]
    config = {
        "createOrder": {"url": f"{merchant}/api/orders", "orderIdPath": "orderId", "paymentUrlPath": "paymentUrl"},
        "orderStatus": {
            "url": f"{merchant}/api/orders/{{orderId}}?clientResultCode={{resultCode}}",
            "statusPath": "status",
            "paid": ["PAID"],
            "pending": ["CREATED", "PAYING"],
            "failed": ["FAILED", "CANCELLED", "CLOSED"],
        },
        "scenarios": ["success", "client-claims-success", "every-delivery"],
    }
    config["createOrder"]["body"] = {"items": [{"goodsId": "latte", "quantity": 1}]}
    report = tradepay_sim.check_merchant(config)
    verdicts = {f.rule: f.verdict for f in report.findings}
    assert verdicts == {
        "paid-after-success": "pass",
        "fulfilled-once": "not seen",  # no fulfilmentCountPath in this config
        "client-code-not-proof": "pass",
        "acknowledgement-format": "pass",
    }
    assert report.ok
    path = tmp_path / "merchant-check.json"
    path.write_text(json.dumps(config))
    assert tradepay_sim.check_merchant(str(path)).ok  # a path works as well


def test_a_journeys_outcome_is_forced_for_its_payment_alone(tradepay_sim):
    someone_elses = tradepay_sim.force_outcome("USER_CANCEL")  # another test's, queued first
    journey = tradepay_sim.journey(outcome="RISK_REJECT")
    assert journey.result_code == "4000", "the journey's own outcome, not the one queued before it"
    assert tradepay_sim.remove_queued(someone_elses) == {"removed": someone_elses["id"]}, "left for its owner"
