"""The console's HTTP API: the journey list, one journey's diagram, the export, the live
stream, and the relay to the control API, against the apps on free ports."""

import asyncio
import json

import aiohttp

from simulator.console.live import read_sse
from simulator.core.steps import LANES, STEPS
from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json, wait_for


async def complete_journey(http, sim):
    """A paid journey whose 20 steps (the notification included) are all recorded."""
    result = await api_journey(http, sim.urls)

    async def twenty():
        status, body = await get_json(http, f"{sim.urls['console']}/api/journeys/{result.order_id}")
        return status == 200 and body["summary"]["complete"] and body["summary"]["status"] == "PAID"

    await wait_for(twenty)
    return result


async def test_journeys_are_listed_newest_first_with_status_amount_and_outcome(sim, http):
    first = await complete_journey(http, sim)
    second = await api_journey(http, sim.urls, items=[{"goodsId": "latte", "quantity": 1}], account="risk@sandbox.test")
    status, body = await get_json(http, f"{sim.urls['console']}/api/journeys")
    assert status == 200 and body["unreachable"] == {}
    listed = [j["orderId"] for j in body["journeys"]]
    assert listed == [second.order_id, first.order_id]
    newest, oldest = body["journeys"]
    assert oldest["status"] == "PAID" and oldest["statusBadge"] == {"label": "PAID", "tone": "ok"}
    assert oldest["amount"] == "USD 9.00" and oldest["stepCount"] == 20 and oldest["complete"]
    assert oldest["outcome"] == {"code": "9000", "label": "Paid", "tone": "ok"}
    assert newest["outcome"]["code"] == "4000" and newest["outcome"]["tone"] == "bad"
    assert newest["status"] == "FAILED" and newest["amount"] == "USD 4.50"
    assert body["cursor"]["wallet"] > 0 and body["cursor"]["merchant"] > 0


async def test_diagram_draws_twenty_numbered_arrows_between_the_steps_lanes(sim, http):
    result = await complete_journey(http, sim)
    status, body = await get_json(http, f"{sim.urls['console']}/api/journeys/{result.order_id}/diagram")
    assert status == 200
    model = body["diagram"]
    assert [lane["id"] for lane in model["lanes"]] == list(LANES)
    assert [lane["label"] for lane in model["lanes"]] == [
        "User",
        "Mini program",
        "Merchant server",
        "Wallet server",
        "Wallet app",
    ]
    arrows = [r for r in model["rows"] if r["kind"] == "step"]
    first_seen = list(dict.fromkeys(r["step"] for r in arrows))
    assert first_seen == list(range(1, 21)) and model["pendingSteps"] == []
    for row in arrows:
        step = STEPS[row["step"]]
        assert (LANES[row["source"]], LANES[row["target"]]) == (step.source, step.target), row["step"]
        assert row["title"] == step.title and row["offset"].startswith("+")
    assert arrows[0]["offsetMs"] == 0 or arrows[0]["offset"] == "+0 ms"

    pay = next(r for r in arrows if r["step"] == 4)
    assert pay["http"]["requestHeaders"]["Signature"].startswith("algorithm=RSA256,keyVersion=1,signature=")
    assert pay["http"]["requestBody"]["paymentRequestId"] == result.payment_request_id
    assert pay["http"]["responseBody"]["normalUrl"] == result.payment_url
    assert pay["httpLabel"].startswith("POST /aps/api/v1/payments/pay → 200")
    assert body["payment"]["status"] == "SUCCESS"
    assert [a["id"] for a in body["actions"]] == ["resend-1"]
    text = json.dumps(body)
    assert "PRIVATE KEY" not in text and "111111" not in text


async def test_time_order_follows_the_clock_and_bad_order_is_refused(sim, http):
    result = await complete_journey(http, sim)
    url = f"{sim.urls['console']}/api/journeys/{result.order_id}/diagram"
    _, body = await get_json(http, url, params={"order": "time"})
    offsets = [r["offsetMs"] for r in body["diagram"]["rows"]]
    assert offsets == sorted(offsets) and body["diagram"]["order"] == "time"
    status, error = await get_json(http, url, params={"order": "sideways"})
    assert status == 400 and error["error"]["code"] == "BAD_ORDER"


async def test_unknown_journey_is_a_clear_404(sim, http):
    for tail in ("", "/diagram", "/export"):
        status, body = await get_json(http, f"{sim.urls['console']}/api/journeys/NO-SUCH-ORDER{tail}")
        assert status == 404 and body["error"]["code"] == "JOURNEY_NOT_FOUND", tail


async def test_export_is_a_json_file_of_the_whole_journey(sim, http):
    result = await complete_journey(http, sim)
    async with http.get(f"{sim.urls['console']}/api/journeys/{result.order_id}/export") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Disposition"] == f'attachment; filename="journey-{result.order_id}.json"'
        export = json.loads(await resp.read())
    assert export["orderId"] == result.order_id and export["exportedAt"]
    assert {e["step"] for e in export["events"] if e["step"]} == set(range(1, 21))
    assert export["payment"]["paymentId"] == result.payment_id and export["order"]["status"] == "PAID"
    assert "PRIVATE KEY" not in json.dumps(export)


async def test_stream_sends_a_snapshot_then_each_new_step_as_it_is_recorded(sim, http):
    earlier = await api_journey(http, sim.urls, report=False)
    async with http.get(f"{sim.urls['console']}/api/stream", timeout=aiohttp.ClientTimeout(total=20)) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        events = read_sse(resp.content)
        kind, data = await anext(events)
        assert kind == "snapshot"
        assert [j["orderId"] for j in json.loads(data)["journeys"]] == [earlier.order_id]
        journey = asyncio.create_task(api_journey(http, sim.urls))
        steps, apps = [], {}
        async for kind, data in events:
            payload = json.loads(data)
            if kind == "app":
                apps[payload["app"]] = payload["connected"]
            elif kind == "step":
                assert payload["orderId"] != earlier.order_id, "the snapshot's events are not sent again"
                steps.append(payload)
                if {s["step"] for s in steps if s.get("step")} == set(range(1, 21)):
                    break
        result = await journey
    assert apps == {"miniprogram": True, "merchant": True, "wallet": True}
    assert {s["orderId"] for s in steps} == {result.order_id}
    assert {s["app"] for s in steps} == {"miniprogram", "merchant", "wallet"}


async def test_control_relay_passes_only_control_routes(sim, http):
    result = await complete_journey(http, sim)
    base = f"{sim.urls['console']}/api/control"
    status, payment = await get_json(http, f"{base}/wallet/payments/{result.payment_id}")
    assert status == 200 and payment["status"] == "SUCCESS" and payment["notifications"]
    status, body = await get_json(http, f"{base}/wallet/credentials")
    assert status == 404 and body["error"]["code"] == "NOT_A_CONTROL"
    status, body = await get_json(http, f"{base}/nowhere/outcomes")
    assert status == 404 and body["error"]["code"] == "NOT_A_CONTROL"


async def test_control_writes_must_be_json_from_the_consoles_own_page(sim, http):
    url = f"{sim.urls['console']}/api/control/wallet/clock/advance"
    async with http.post(url, data="seconds=60", headers={"Content-Type": "application/x-www-form-urlencoded"}) as resp:
        assert resp.status == 415 and (await resp.json())["error"]["code"] == "JSON_ONLY"
    async with http.post(url, json={"seconds": 60}, headers={"Origin": "http://evil.example"}) as resp:
        assert resp.status == 403 and (await resp.json())["error"]["code"] == "FOREIGN_ORIGIN"
    _, clock = await get_json(http, f"{sim.urls['wallet']}/_sim/clock")
    assert clock["offsetSeconds"] == 0, "a refused control changed nothing"
    async with http.post(url, json={"seconds": 60}, headers={"Origin": sim.urls["console"]}) as resp:
        assert resp.status == 200 and (await resp.json())["offsetSeconds"] == 60


async def test_a_journeys_notifications_are_named_by_the_api_they_call(sim, http):
    result = await complete_journey(http, sim)
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    from simulator.core.signed_http import SignedClient

    client = SignedClient(
        http,
        client_id=creds["clientId"],
        private_pem=creds["merchantPrivateKey"],
        peer_public_pem=creds["walletPublicKey"],
    )
    # notifyRefund follows an asynchronous refund only (Antom): make this one asynchronous
    async with http.post(
        f"{sim.urls['wallet']}/_sim/refunds/outcomes", json={"outcome": "PROCESSING_THEN_SUCCESS"}
    ) as resp:
        assert resp.status == 201
    refund = await client.post(
        f"{creds['apiBaseUrl']}/refund",
        {
            "refundRequestId": f"RF-{result.order_id}",
            "paymentId": result.payment_id,
            "refundAmount": {"currency": "USD", "value": "100"},
            "refundNotifyUrl": "http://127.0.0.1:9/refunds",
        },
    )
    assert refund.json()["result"]["resultCode"] == "REFUND_IN_PROCESS"
    async with http.post(f"{sim.urls['wallet']}/_sim/refunds/{refund.json()['refundId']}/settle") as resp:
        assert resp.status == 200
    _, body = await get_json(http, f"{sim.urls['console']}/api/journeys/{result.order_id}/diagram")
    assert [(n["notifyType"], n["api"]) for n in body["payment"]["notifications"]] == [
        ("PAYMENT_RESULT", "notifyPayment"),
        ("REFUND_RESULT", "notifyRefund"),
    ]
    assert [a["label"] for a in body["actions"]] == ["Resend notifyPayment", "Resend notifyRefund"]


async def test_a_processing_payments_two_notify_payment_buttons_say_which_is_which(sim, http):
    async with http.post(f"{sim.urls['wallet']}/_sim/outcomes", json={"outcome": "PROCESSING_THEN_SUCCESS"}) as resp:
        assert resp.status == 201
    result = await api_journey(http, sim.urls)
    async with http.post(
        f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}/settle", json={"to": "SUCCESS"}
    ) as resp:
        assert resp.status == 200, await resp.text()

    async def both():
        _, body = await get_json(http, f"{sim.urls['console']}/api/journeys/{result.order_id}/diagram")
        return len(body["payment"]["notifications"]) == 2 and body

    body = await wait_for(both)
    assert [a["label"] for a in body["actions"] if a["id"].startswith("resend-")] == [
        "Resend notifyPayment (PAYMENT_PENDING)",
        "Resend notifyPayment (PAYMENT_RESULT)",
    ]
