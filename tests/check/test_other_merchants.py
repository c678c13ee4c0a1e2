"""The conformance run against merchant servers that are not ours: a careless one fails
exactly the rules its mistakes break, each with a message saying what to fix; a small
standalone one (cryptography alone, its own key and API shape) passes."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from merchants import Keys, careless, careless_config, serving, standalone, standalone_config

from simulator.check import parse, run_check
from simulator.check.rules import RULES
from simulator.testing.sim import get_json

# The careless merchant's four mistakes and the findings each must produce.
CARELESS_FAILS = {
    ("client-claims-success", "client-code-not-proof"),  # trusts the client's resultCode
    ("forged-notification", "forged-other-key-refused"),  # skips the signature check
    ("forged-notification", "forged-tampered-refused"),
    ("notification-repeated", "fulfilled-once"),  # fulfils on every notification
    ("notification-lost", "inquiry-when-notification-lost"),  # never inquires
}


async def test_a_careless_merchant_fails_exactly_the_rules_its_mistakes_break(scaled_sim, http):
    urls = scaled_sim.urls
    _, credentials = await get_json(http, f"{urls['wallet']}/_sim/credentials")
    public_url: list[str] = []
    async with serving(careless(urls["wallet"], credentials, public_url)) as url:
        public_url.append(url)
        report = await run_check(parse(careless_config(url)), wallet_url=urls["wallet"], console_url=urls["console"])
    verdicts = {(f.scenario, f.rule): f.verdict for f in report.findings}
    failed = {key for key, verdict in verdicts.items() if verdict != "pass"}
    assert failed == CARELESS_FAILS, report.table()
    assert all(verdicts[key] == "fail" for key in CARELESS_FAILS)
    assert not report.ok
    # Each failure tells its developer what happened, what is required and what to fix.
    table = report.table()
    for scenario, rule in CARELESS_FAILS:
        assert f"FAIL {scenario} / {rule}" in table
        assert RULES[rule].fix[:60] in " ".join(table.split())
    finding = {(f.scenario, f.rule): f for f in report.findings}
    assert "answered HTTP 200 resultStatus 'S'" in finding[("forged-notification", "forged-other-key-refused")].happened
    assert "0 inquiryPayment calls" in finding[("notification-lost", "inquiry-when-notification-lost")].happened
    assert "fulfilment count 4 (expected 1)" in finding[("notification-repeated", "fulfilled-once")].happened
    assert finding[("client-claims-success", "client-code-not-proof")].journey.startswith(urls["console"])
    data = report.to_json()
    fixes = [f for f in data["findings"] if f["verdict"] == "fail"]
    assert len(fixes) == len(CARELESS_FAILS) and all(f["fix"] and f["sources"] for f in fixes)


@pytest.mark.parametrize(
    ("mistake", "scenarios", "fails"),
    [
        ("new-request-id", ["pay-retried"], {("pay-retried", "one-payment-on-retry")}),
        (
            "text-ack",
            ["success", "notification-repeated", "every-delivery"],
            {
                ("notification-repeated", "repeat-acknowledged"),
                ("every-delivery", "acknowledgement-format"),
                ("notification-repeated", "fulfilled-once"),  # its first mistake, still there
            },
        ),
        (
            "8000-is-paid",
            ["processing-then-failure"],
            {
                ("processing-then-failure", "pending-while-processing"),
                ("processing-then-failure", "failed-after-processing-failure"),
            },
        ),
    ],
)
async def test_each_further_mistake_fails_its_own_rule(scaled_sim, http, mistake, scenarios, fails):
    urls = scaled_sim.urls
    _, credentials = await get_json(http, f"{urls['wallet']}/_sim/credentials")
    public_url: list[str] = []
    async with serving(careless(urls["wallet"], credentials, public_url, frozenset({mistake}))) as url:
        public_url.append(url)
        config = {**careless_config(url), "scenarios": scenarios}
        report = await run_check(parse(config), wallet_url=urls["wallet"])
    failed = {(f.scenario, f.rule) for f in report.findings if f.verdict == "fail"}
    assert failed == fails, report.table()
    assert all(f.verdict in ("pass", "fail") for f in report.findings)


async def test_a_standalone_merchant_with_its_own_key_and_api_shape_passes(scaled_sim, http):
    urls = scaled_sim.urls
    keys = Keys()
    public_url: list[str] = []
    app = standalone(urls["wallet"], "MY_SHOP", keys, public_url)
    async with serving(app) as url:
        public_url.append(url)
        async with http.post(
            f"{urls['wallet']}/_sim/merchants",
            json={
                "clientId": "MY_SHOP",
                "name": "My Shop",
                "publicKey": keys.public_pem,
                "notifyUrl": f"{url}/hooks/alipay",
            },
        ) as resp:
            assert resp.status == 201
            keys.wallet_public = serialization.load_pem_public_key((await resp.json())["walletPublicKey"].encode())
        report = await run_check(parse(standalone_config(url, "MY_SHOP")), wallet_url=urls["wallet"])
    not_passed = [(f.scenario, f.rule, f.verdict, f.happened) for f in report.findings if f.verdict != "pass"]
    assert not_passed == []
    assert {f.rule for f in report.findings} == set(RULES)
