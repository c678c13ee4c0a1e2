"""The conformance run against the reference merchant server: every rule holds, the report
says so in all three forms, and the sandbox is left as it was found."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from check_helpers import TIME_SCALE, reference_config

from simulator.check import SCENARIO_NAMES, parse, run_check
from simulator.check.rules import RULES
from simulator.testing.sim import get_json, running_sim


async def queued(http, wallet: str) -> dict:
    out = {}
    for path in ("/_sim/outcomes", "/_sim/faults", "/_sim/notifications/faults"):
        _, body = await get_json(http, wallet + path)
        out[path] = body.get("outcomes", body.get("faults"))
    return out


async def test_the_reference_merchant_passes_every_rule_and_the_sandbox_is_left_as_found(scaled_sim, http):
    urls = scaled_sim.urls
    # Something of someone else's is queued before the run: it must still be there after.
    async with http.post(
        f"{urls['wallet']}/_sim/outcomes", json={"outcome": "RISK_REJECT", "paymentRequestId": "not-ours"}
    ) as r:
        assert r.status == 201
    before = await queued(http, urls["wallet"])
    report = await run_check(
        parse(reference_config(urls["merchant"])), wallet_url=urls["wallet"], console_url=urls["console"]
    )
    failed = [(f.scenario, f.rule, f.verdict, f.happened) for f in report.findings if f.verdict != "pass"]
    assert failed == []
    assert report.ok
    assert {f.rule for f in report.findings} == set(RULES)  # every rule was judged
    assert list(dict.fromkeys(f.scenario for f in report.findings)) == list(SCENARIO_NAMES)
    assert await queued(http, urls["wallet"]) == before
    # Links to each journey in the console, which knows it.
    link = next(f.journey for f in report.findings if f.rule == "paid-after-success")
    assert link.startswith(f"{urls['console']}/journeys/")
    status, journey = await get_json(http, link.replace("/journeys/", "/api/journeys/"))
    assert status == 200 and journey["summary"]["status"] == "PAID"
    # The three forms say the same.
    table = report.table()
    assert f"{len(report.findings)} passed, 0 failed, 0 not seen, 0 errors" in table
    suite = ET.fromstring(report.junit())
    assert suite.get("tests") == str(len(report.findings)) and suite.get("failures") == "0"
    assert {c.get("name") for c in suite.iter("testcase")} == set(RULES)
    data = report.to_json()
    assert data["ok"] is True and data["counts"]["pass"] == len(report.findings)
    assert all(f["sources"] for f in data["findings"])


async def test_without_a_fulfilment_count_it_says_not_seen_rather_than_guess(scaled_sim):
    config = reference_config(scaled_sim.urls["merchant"], scenarios=["success", "notification-repeated"])
    del config["orderStatus"]["fulfilmentCountPath"]
    report = await run_check(parse(config), wallet_url=scaled_sim.urls["wallet"])
    verdicts = {(f.scenario, f.rule): f.verdict for f in report.findings}
    assert verdicts == {
        ("success", "paid-after-success"): "pass",
        ("success", "fulfilled-once"): "not seen",
        ("notification-repeated", "repeat-acknowledged"): "pass",
        ("notification-repeated", "fulfilled-once"): "not seen",
    }
    assert report.ok
    assert "Not seen from outside" in report.table()


async def run_cli(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator.launch.cli",
        "check-merchant",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, out.decode(), err.decode()


async def test_the_command_prints_the_table_and_writes_junit_and_json(scaled_sim, tmp_path):
    urls = scaled_sim.urls
    config = tmp_path / "merchant-check.json"
    config.write_text(json.dumps(reference_config(urls["merchant"], scenarios=["success", "client-claims-success"])))
    code, out, err = await run_cli(
        "--config",
        str(config),
        "--wallet-url",
        urls["wallet"],
        "--console-url",
        urls["console"],
        "--junit",
        str(tmp_path / "check.xml"),
        "--json",
        str(tmp_path / "check.json"),
    )
    assert code == 0, err
    assert "paid-after-success" in out and "3 passed, 0 failed" in out
    assert ET.parse(tmp_path / "check.xml").getroot().get("tests") == "3"
    assert json.loads((tmp_path / "check.json").read_text())["ok"] is True


async def test_a_config_it_cannot_use_is_refused_with_the_field_named(tmp_path):
    config = tmp_path / "merchant-check.json"
    config.write_text(json.dumps({"createOrder": {"url": "http://127.0.0.1:9/orders", "orderIdPath": "id"}}))
    code, _, err = await run_cli("--config", str(config), "--wallet-url", "http://127.0.0.1:9")
    assert code == 2 and "createOrder needs paymentUrlPath" in err and "Traceback" not in err
    code, _, err = await run_cli("--config", str(tmp_path / "missing.json"))
    assert code == 2 and "no config file" in err


async def test_a_merchant_that_does_not_answer_gets_errors_saying_so_and_a_clean_sandbox(scaled_sim, http):
    urls = scaled_sim.urls
    before = await queued(http, urls["wallet"])
    down = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused
    report = await run_check(parse(reference_config(down)), wallet_url=urls["wallet"])
    verdicts = {(f.scenario, f.rule): f.verdict for f in report.findings}
    assert verdicts.pop(("every-delivery", "acknowledgement-format")) == "not seen"
    assert set(verdicts.values()) == {"error"}
    assert {f.rule for f in report.findings} == set(RULES)
    assert all("creating an order failed" in f.happened for f in report.findings if f.verdict == "error")
    assert not report.ok and report.seconds < 30
    assert await queued(http, urls["wallet"]) == before


def test_the_config_in_the_docs_is_one_the_run_accepts():
    page = (Path(__file__).resolve().parents[2] / "docs" / "check-merchant.md").read_text()
    block = page.split("## The config", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    config = parse(json.loads(block))
    assert config.order_id_path == "orderId" and config.fulfilment_path == "fulfilled"
    assert config.scenarios is not None and set(config.scenarios) <= set(SCENARIO_NAMES)
    # Every scenario and rule is in the page's table.
    for name in SCENARIO_NAMES:
        assert f"`{name}`" in page
    for rule in RULES:
        assert f"`{rule}`" in page


async def test_the_reference_merchant_on_the_miniprogram_profile_passes_too(tmp_path, keys_template):
    """The run knows the merchant only through its own API and notifications: the
    platform's v2 wallet API (no PAYMENT_PENDING, paymentResult) changes nothing."""
    async with running_sim(
        tmp_path / "data", keys_from=keys_template, time_scale=TIME_SCALE, wallet_api="miniprogram"
    ) as sim:
        report = await run_check(parse(reference_config(sim.urls["merchant"])), wallet_url=sim.urls["wallet"])
    assert [(f.scenario, f.rule, f.verdict, f.happened) for f in report.findings if f.verdict != "pass"] == []
    assert {f.rule for f in report.findings} == set(RULES)
