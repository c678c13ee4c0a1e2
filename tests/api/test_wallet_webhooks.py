"""``/openapi.json`` describes what the wallet POSTs to merchants, notifyPayment and
notifyRefund, as OpenAPI 3.1 ``webhooks``; real notifications match those schemas, and
their signature covers the notify URL's path without its query string."""

import pytest
from wallet_helpers import NotifyReceiver, pay_body, refund_body, schema_errors

from simulator.testing.sim import get_json, wait_for
from wallet_mock import openapi

pytestmark = pytest.mark.apps("wallet")


def webhook_schema(document: dict, name: str) -> dict:
    return document["webhooks"][name]["post"]["requestBody"]["content"]["application/json"]["schema"]


async def test_the_document_names_both_webhooks_and_how_they_are_signed(sim, http, api):
    hooks = api.document["webhooks"]
    assert set(hooks) == {"notifyPayment", "notifyRefund"}
    for hook in hooks.values():
        description = hook["post"]["description"]
        assert "WITHOUT its query string" in description
        ack = hook["post"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema_errors(api.document, ack, {"result": {"resultCode": "SUCCESS", "resultStatus": "S"}}) == []
    _, mini = await get_json(http, f"{sim.urls['wallet']}/openapi.json", params={"profile": "miniprogram"})
    assert set(mini["webhooks"]) == {"notifyPayment"}  # the platform's refunds are inquired, not notified


async def test_real_notifications_match_the_webhooks_and_verify_over_the_path_alone(sim, http, api):
    receiver = NotifyReceiver(api.creds["walletPublicKey"], api.creds["merchantPrivateKey"])
    async with receiver as notify_url:
        with_query = notify_url + "?shop=7&lang=en"
        paid = await api.paid_payment(body=pay_body("1000", paymentNotifyUrl=with_query))
        async with http.post(
            f"{sim.urls['wallet']}/_sim/refunds/outcomes", json={"outcome": "PROCESSING_THEN_SUCCESS"}
        ) as resp:
            assert resp.status == 201
        refunded = await api.call("refund", refund_body(paid["paymentId"], "400", refundNotifyUrl=with_query))
        async with http.post(f"{sim.urls['wallet']}/_sim/refunds/{refunded.body['refundId']}/settle") as resp:
            assert resp.status == 200

        async def both():
            kinds = {n["body"].get("notifyType") for n in receiver.received}
            return {"PAYMENT_RESULT", "REFUND_RESULT"} <= kinds

        await wait_for(both)
    for note in receiver.received:
        # NotifyReceiver verifies over request.path: the path, no query.
        assert note["valid"], note
        hook = "notifyRefund" if note["body"]["notifyType"] == "REFUND_RESULT" else "notifyPayment"
        assert schema_errors(api.document, webhook_schema(api.document, hook), note["body"]) == [], note["body"]
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{paid['paymentId']}")
    assert payment["notifications"][0]["url"] == with_query
    assert payment["notifications"][0]["status"] == "DELIVERED"


def test_a_body_that_is_not_a_notification_fails_the_schema():
    document = openapi.document("http://127.0.0.1:1")
    schema = webhook_schema(document, "notifyPayment")
    schema_errors(document, schema, {"notifyType": "PAYMENT_RESULT"}, expect_valid=False)
    schema_errors(document, webhook_schema(document, "notifyRefund"), pay_body(), expect_valid=False)
