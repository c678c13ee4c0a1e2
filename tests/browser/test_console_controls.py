"""The console's controls in headless Chromium, through the wallet's control API: the
next outcome, API and notification faults, settling a processing payment, resending a
notification, reset. Each is checked on the wallet itself, not only on the page."""

import pytest_asyncio

from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json, running_sim, wait_for


@pytest_asyncio.fixture
async def fast_sim(tmp_path, keys_template):
    """Notification retries in a fraction of a second (Antom's 2 min / 600)."""
    async with running_sim(tmp_path / "data", keys_from=keys_template, time_scale=600) as running:
        yield running


async def open_controls(page, console_url):
    await page.goto(console_url)
    await page.locator("[data-testid=console-live][data-state=live]").wait_for()
    await page.get_by_test_id("controls-open").click()
    await page.get_by_test_id("controls-drawer").wait_for()


async def test_forcing_the_next_outcome_from_the_console(sim, http, page, artifacts):
    await open_controls(page, sim.urls["console"])
    await page.get_by_test_id("outcome-select").select_option("INSUFFICIENT_BALANCE")
    await page.get_by_test_id("outcome-submit").click()
    await page.get_by_test_id("outcome-queue").filter(has_text="INSUFFICIENT_BALANCE").wait_for()
    _, queued = await get_json(http, f"{sim.urls['wallet']}/_sim/outcomes")
    assert [o["outcome"] for o in queued["outcomes"]] == ["INSUFFICIENT_BALANCE"]

    await page.get_by_test_id("fault-endpoint").select_option("inquiryRefund")
    await page.get_by_test_id("fault-kind").select_option("http_503")
    await page.get_by_test_id("fault-count").fill("2")
    await page.get_by_test_id("fault-submit").click()
    await page.get_by_test_id("fault-list").filter(has_text="http_503 on inquiryRefund · 2 calls").wait_for()
    await page.screenshot(path=str(artifacts / "console-controls.png"))

    result = await api_journey(http, sim.urls)
    assert result.result_code == "4000", "the outcome forced in the console applied"
    await page.get_by_test_id("controls-close").click()
    await page.get_by_test_id("journey-outcome").filter(has_text="4000").wait_for()
    _, faults = await get_json(http, f"{sim.urls['wallet']}/_sim/faults")
    assert [(f["endpoint"], f["kind"], f["remaining"]) for f in faults["faults"]] == [("inquiryRefund", "http_503", 2)]


async def test_a_failed_notification_is_retried_and_marked_in_the_diagram(fast_sim, http, page, artifacts):
    sim = fast_sim
    await open_controls(page, sim.urls["console"])
    await page.get_by_test_id("notify-fault-kind").select_option("fail")
    await page.get_by_test_id("notify-fault-submit").click()
    await page.get_by_test_id("notify-fault-list").filter(has_text="fail").wait_for()
    await page.get_by_test_id("controls-close").click()

    result = await api_journey(http, sim.urls)
    retry = page.locator('[data-testid=diagram-row][data-step="19"][data-kind=retry]')
    await retry.first.wait_for(timeout=15_000)
    assert "attempt 2" in await retry.first.text_content()
    assert "↻ retry" in await retry.first.text_content()
    await page.get_by_test_id("journey-status").filter(has_text="PAID").wait_for()
    assert await page.get_by_test_id("journey-title").text_content() == result.order_id
    await retry.first.scroll_into_view_if_needed()
    await page.screenshot(path=str(artifacts / "console-retry.png"))


async def test_settling_a_processing_payment_and_resending_its_notification(sim, http, page, artifacts):
    await open_controls(page, sim.urls["console"])
    await page.get_by_test_id("outcome-select").select_option("PROCESSING_THEN_SUCCESS")
    await page.get_by_test_id("outcome-submit").click()
    await page.get_by_test_id("outcome-queue").filter(has_text="PROCESSING_THEN_SUCCESS").wait_for()
    await page.get_by_test_id("controls-close").click()

    result = await api_journey(http, sim.urls)
    assert result.result_code == "8000"
    settle = page.locator("[data-testid=action-button][data-action=settle-success]")
    await settle.wait_for()
    await page.get_by_test_id("journey-item").filter(has_text="8000 · Processing").wait_for()
    # the arrows' drawing animations fast-forwarded to their end, not waited out
    await page.screenshot(path=str(artifacts / "console-processing.png"), animations="disabled")
    await settle.click()
    await page.get_by_test_id("payment-status").filter(has_text="SUCCESS").wait_for()
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}")
    assert payment["status"] == "SUCCESS"

    async def delivered():
        _, p = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}")
        # PAYMENT_PENDING went when it was confirmed, PAYMENT_RESULT when it settled
        return len(p["notifications"]) == 2 and p["notifications"][-1]["status"] == "DELIVERED"

    await wait_for(delivered)
    resend = page.locator("[data-testid=action-button][data-action^=resend-]").last  # the result's
    await resend.wait_for()
    await resend.click()
    await page.get_by_test_id("notification-status").filter(has_text="2 attempts").wait_for()
    _, payment = await get_json(http, f"{sim.urls['wallet']}/_sim/payments/{result.payment_id}")
    assert [n["notifyType"] for n in payment["notifications"]] == ["PAYMENT_PENDING", "PAYMENT_RESULT"]
    assert payment["notifications"][-1]["attempts"] == 2
    _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{result.order_id}")
    assert order["status"] == "PAID" and order["fulfilled"] == 1, "a resent notification fulfils nothing twice"


async def test_reset_from_the_console_empties_every_app(sim, http, page):
    await api_journey(http, sim.urls)
    await open_controls(page, sim.urls["console"])
    await page.get_by_test_id("journey-item").first.wait_for()
    await page.get_by_test_id("reset-button").click()
    await page.get_by_test_id("reset-confirm").click()
    await page.get_by_test_id("toast").filter(has_text="reset").wait_for()
    await page.get_by_test_id("journey-list-empty").wait_for()
    assert await page.get_by_test_id("journey-item").count() == 0
    _, journeys = await get_json(http, f"{sim.urls['console']}/api/journeys")
    assert journeys["journeys"] == []
    _, orders = await get_json(http, f"{sim.urls['merchant']}/api/orders")
    assert orders["orders"] == []


async def test_scoped_outcomes_are_queued_shown_and_removed_one_by_one(sim, http, page, artifacts):
    wallet = sim.urls["wallet"]
    async with http.post(f"{wallet}/_sim/outcomes", json={"outcome": "RISK_REJECT", "paymentRequestId": "PR-42"}) as r:
        first = await r.json()
    await open_controls(page, sim.urls["console"])
    await page.get_by_test_id("outcome-select").select_option("USER_CANCEL")
    await page.get_by_test_id("outcome-scope").locator("summary").click()
    await page.get_by_test_id("outcome-payment-request-id").fill("PR-42")
    await page.get_by_test_id("outcome-submit").click()
    await page.get_by_test_id("toast").filter(has_text="after 1 entry already queued for it").wait_for()
    entries = page.get_by_test_id("outcome-queue").get_by_test_id("queued-entry")
    cancel = entries.filter(has_text="USER_CANCEL · next 1 payment")
    await cancel.wait_for()
    assert await cancel.locator(".chip-scope").text_content() == "payment PR-42"  # whole, on its own line
    _, queued = await get_json(http, f"{wallet}/_sim/outcomes")
    assert [(o["outcome"], o["paymentRequestId"]) for o in queued["outcomes"]] == [
        ("RISK_REJECT", "PR-42"),
        ("USER_CANCEL", "PR-42"),
    ]
    await page.get_by_test_id("outcome-replace").check()
    await page.get_by_test_id("outcome-select").select_option("SUCCESS")
    await page.get_by_test_id("outcome-submit").click()
    await page.get_by_test_id("toast").filter(has_text="replacing 2 entries").wait_for()
    await entries.filter(has_text="SUCCESS").wait_for()
    assert await entries.count() == 1
    await page.screenshot(path=str(artifacts / "console-scoped-outcome.png"))
    await entries.first.get_by_test_id("queued-remove").click()
    await page.get_by_test_id("outcome-queue").filter(has_text="None").wait_for()
    _, queued = await get_json(http, f"{wallet}/_sim/outcomes")
    assert queued["outcomes"] == [] and first["id"] not in [o["id"] for o in queued["outcomes"]]


async def test_a_locked_account_is_unlocked_from_the_console(sim, http, page):
    from simulator.testing.journey import cashier_action, open_cashier

    async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
        order = await r.json()
    cashier = await open_cashier(http, order["paymentUrl"])
    for _ in range(5):  # five wrong passwords on one payment lock the account for it
        await cashier_action(http, cashier, "confirm", {"account": "risk@sandbox.test", "password": "000000"})
    await open_controls(page, sim.urls["console"])
    row = page.locator("[data-testid=account][data-login='risk@sandbox.test']")
    await row.filter(has_text="locked").wait_for()
    await row.get_by_test_id("account-unlock").click()
    await page.get_by_test_id("toast").filter(has_text="risk@sandbox.test unlocked").wait_for()
    _, accounts = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    risk = next(a for a in accounts["accounts"] if a["loginId"] == "risk@sandbox.test")
    assert risk["locked"] is False and risk["failedPasswordTries"] == 0
    await row.get_by_test_id("account-unlock").wait_for(state="detached")


async def test_what_an_earlier_run_left_queued_is_flagged_in_the_console(tmp_path, keys_template, http, page):
    data = tmp_path / "data"
    async with running_sim(data, keys_from=keys_template) as first:
        fault = {"endpoint": "pay", "kind": "http_500"}
        async with http.post(f"{first.urls['wallet']}/_sim/faults", json=fault) as r:
            assert r.status == 201
    async with running_sim(data, keys_from=keys_template) as second:
        await page.goto(second.urls["console"])
        flag = page.get_by_test_id("left-over")
        await flag.filter(has_text="1 entry queued by an earlier run").wait_for()
        await flag.click()
        entry = page.get_by_test_id("fault-list").get_by_test_id("queued-entry")
        await entry.filter(has_text="earlier run").wait_for()
        assert await entry.get_attribute("data-left-over") == "true"
        await entry.get_by_test_id("queued-remove").click()
        await flag.wait_for(state="hidden")
        _, faults = await get_json(http, f"{second.urls['wallet']}/_sim/faults")
        assert faults["faults"] == []
