"""The wallet's pay API with real signatures: accepted when signed right, refused in
Alipay+ terms when not, replies always signed."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from yarl import URL

from simulator.core import signing
from simulator.core.signed_http import SignedClient
from simulator.testing.sim import get_json

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")


@pytest.fixture
async def creds(sim, http):
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    return body


def pay_body(prid=None, value="1234"):
    return {
        "paymentRequestId": prid or f"PR-{uuid.uuid4().hex}",
        "paymentAmount": {"currency": "USD", "value": value},
        "order": {
            "referenceOrderId": f"ORD-{uuid.uuid4().hex[:10]}",
            "orderDescription": "Test order",
            "orderAmount": {"currency": "USD", "value": value},
            "env": {"terminalType": "WEB"},
        },
        "paymentNotifyUrl": "http://127.0.0.1:9/notify",
    }


def client(http, creds, **over):
    args = {
        "client_id": creds["clientId"],
        "private_pem": creds["merchantPrivateKey"],
        "peer_public_pem": creds["walletPublicKey"],
    }
    args.update(over)
    return SignedClient(http, **args)


async def test_signed_pay_returns_a_signed_payment_url(sim, http, creds):
    ex = await client(http, creds).post(f"{creds['apiBaseUrl']}/pay", pay_body())
    reply = ex.json()
    assert ex.status == 200 and ex.response_signature_valid is True
    assert reply["result"] == {
        "resultCode": "PAYMENT_IN_PROCESS",
        "resultStatus": "U",
        "resultMessage": "The payment is being processed.",
    }
    assert reply["normalUrl"].startswith(sim.urls["wallet"] + "/cashier/")
    assert reply["paymentAmount"] == {"currency": "USD", "value": "1234"}
    for header in ("client-id", "response-time", "signature"):
        assert header in ex.response_headers
    async with http.post(f"{creds['apiBaseUrl']}/pay", data=b"{}") as resp:
        raw_names = [k.decode() for k, _ in resp.raw_headers]
    assert {"client-id", "response-time", "signature"} <= set(raw_names)  # lower case on the wire


async def test_indented_json_as_sdks_send_it(sim, http, creds):
    body = json.dumps(pay_body(), indent=3).encode()
    ex = await client(http, creds).post(f"{creds['apiBaseUrl']}/pay", body)
    assert ex.json()["result"]["resultCode"] == "PAYMENT_IN_PROCESS"


async def test_tampered_body_is_invalid_signature_and_writes_nothing(sim, http, creds):
    c = client(http, creds)
    body = pay_body()
    ex = c.prepare(f"{creds['apiBaseUrl']}/pay", body)
    tampered = ex.request_body.replace(b'"1234"', b'"1"')
    async with http.post(ex.url, data=tampered, headers=ex.request_headers) as resp:
        reply = await resp.json()
    assert resp.status == 200 and reply["result"]["resultCode"] == "INVALID_SIGNATURE"
    inquiry = await c.post(f"{creds['apiBaseUrl']}/inquiryPayment", {"paymentRequestId": body["paymentRequestId"]})
    assert inquiry.json()["result"]["resultCode"] == "ORDER_NOT_EXIST"


async def test_wrong_key_and_missing_headers(sim, http, creds):
    other = signing.generate_key_pair()
    ex = await client(http, creds, private_pem=other.private_pem).post(f"{creds['apiBaseUrl']}/pay", pay_body())
    assert ex.json()["result"]["resultCode"] == "INVALID_SIGNATURE"
    async with http.post(f"{creds['apiBaseUrl']}/pay", json=pay_body()) as resp:
        assert (await resp.json())["result"]["resultCode"] == "INVALID_SIGNATURE"


async def test_unknown_client_is_invalid_client(sim, http, creds):
    ex = await client(http, creds, client_id="NOBODY").post(f"{creds['apiBaseUrl']}/pay", pay_body())
    assert ex.json()["result"] == {
        "resultCode": "INVALID_CLIENT",
        "resultStatus": "F",
        "resultMessage": "client id 'NOBODY' is not registered",
    }


async def post_signed_at(http, creds, url, body: dict, moment: datetime | str):
    """A request signed correctly, but with the Request-Time given."""
    raw = json.dumps(body).encode()
    sent = moment if isinstance(moment, str) else signing.format_time(moment)
    sig = signing.sign(creds["merchantPrivateKey"], "POST", URL(url).raw_path, creds["clientId"], sent, raw)
    headers = {
        "Content-Type": "application/json",
        "Client-Id": creds["clientId"],
        "Request-Time": sent,
        "Signature": signing.signature_header(sig),
    }
    async with http.post(url, data=raw, headers=headers) as resp:
        return resp.status, await resp.json()


async def test_request_time_must_be_within_five_minutes(sim, http, creds):
    now = datetime.now(UTC)
    url = f"{creds['apiBaseUrl']}/pay"
    for stale in (now - timedelta(minutes=5, seconds=30), now + timedelta(minutes=5, seconds=30)):
        body = pay_body()
        status, reply = await post_signed_at(http, creds, url, body, stale)
        assert status == 200 and reply["result"]["resultCode"] == "INVALID_SIGNATURE", reply
        assert "Request-Time" in reply["result"]["resultMessage"]
        _, found = await post_signed_at(
            http, creds, f"{creds['apiBaseUrl']}/inquiryPayment", {"paymentRequestId": body["paymentRequestId"]}, now
        )
        assert found["result"]["resultCode"] == "ORDER_NOT_EXIST"  # the old request wrote nothing
    # within the window, in each form Request-Time comes in: UTC, an offset (the SDK's
    # isoformat), epoch milliseconds
    for fresh in (
        now - timedelta(minutes=4),
        now.astimezone(timezone(timedelta(hours=8))).isoformat(timespec="seconds"),
        str(int(now.timestamp() * 1000)),
    ):
        status, reply = await post_signed_at(http, creds, url, pay_body(), fresh)
        assert reply["result"]["resultCode"] == "PAYMENT_IN_PROCESS", (fresh, reply)
    _, reply = await post_signed_at(http, creds, url, pay_body(), "yesterday")
    assert reply["result"]["resultCode"] == "INVALID_SIGNATURE"


async def test_the_signature_covers_the_path(sim, http, creds):
    c = client(http, creds)
    ex = c.prepare(f"{creds['apiBaseUrl']}/inquiryPayment", {"paymentRequestId": "PR-x"})
    async with http.post(
        f"{creds['apiBaseUrl']}/cancelPayment", data=ex.request_body, headers=ex.request_headers
    ) as resp:
        assert (await resp.json())["result"]["resultCode"] == "INVALID_SIGNATURE"


async def test_with_a_signer_process_replies_and_notifications_are_signed_by_it(tmp_path, keys_template, http):
    """``--signer process``: the pay reply and the notification are signed in the signer
    process (a journey reaches PAID only if the merchant verified both), and the child
    ends with the wallet."""
    from simulator.testing.journey import api_journey
    from simulator.testing.sim import running_sim
    from wallet_mock.api import SIGNER

    async with running_sim(tmp_path / "data", keys_from=keys_template, signer="process") as sim:
        signer = sim.app("wallet")[SIGNER]
        assert signer.running
        child = signer._proc
        _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
        replies = await asyncio.gather(
            *(client(http, creds).post(f"{creds['apiBaseUrl']}/pay", pay_body()) for _ in range(20))
        )
        assert all(ex.status == 200 and ex.response_signature_valid is True for ex in replies)
        assert len({ex.json()["paymentId"] for ex in replies}) == 20
        result = await api_journey(http, sim.urls)
        assert result.result_code == "9000" and result.order["status"] == "PAID"
        assert signer.running and signer._proc is child  # every signature came from the one child
    assert child.returncode == 0
