"""The console in headless Chromium: a journey paid in one page draws itself live in the
console open in another page of the same browser, and the list, the detail and the
export work as a person uses them."""

import re

import pytest
from my_harness import POLL_MS

from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json

RECORDED_STEPS = """() => {
  const rows = [...document.querySelectorAll('[data-testid=diagram-row]')];
  return rows.filter(r => r.dataset.kind !== 'pending' && r.dataset.kind !== 'note').map(r => Number(r.dataset.step));
}"""


def first_seen(steps):
    return list(dict.fromkeys(steps))


async def pay_in_the_shop(shop, miniprogram_url):
    """The journey as a person clicks it, in its own page; returns the order id."""
    await shop.goto(miniprogram_url)
    await shop.get_by_test_id("goods-item").first.click()
    await shop.get_by_test_id("pay-button").click()
    cashier = shop.frame_locator("[data-testid=cashier-frame]")
    await cashier.get_by_test_id("cashier-password").fill("111111")
    return cashier


async def test_a_journey_paid_in_another_page_draws_itself_live_in_step_order(sim, page, artifacts):
    await page.goto(sim.urls["console"])
    await page.locator("[data-testid=console-live][data-state=live]").wait_for()
    await page.evaluate("window.__sameDocument = true")
    assert await page.evaluate(RECORDED_STEPS) == [], "no journey yet: the blueprint only"

    shop = await page.context.new_page()
    cashier = await pay_in_the_shop(shop, sim.urls["miniprogram"])
    # Half way (the cashier is open, nobody has paid): steps 1-13 drawn, 14-20 still pending.
    await page.wait_for_function(f"() => ({RECORDED_STEPS})().includes(13)", timeout=10_000, polling=POLL_MS)
    assert 17 not in await page.evaluate(RECORDED_STEPS)
    assert await page.locator('[data-testid=diagram-row][data-step="17"][data-kind=pending]').count() == 1

    await cashier.get_by_test_id("cashier-pay").click()
    await shop.get_by_test_id("result-status").filter(has_text="PAID").wait_for(timeout=10_000)
    order_id = await shop.get_by_test_id("order-id").text_content()
    await page.wait_for_function(f"() => new Set(({RECORDED_STEPS})()).size === 20", timeout=15_000, polling=POLL_MS)

    assert await page.evaluate("window.__sameDocument") is True, "the console never reloaded"
    assert first_seen(await page.evaluate(RECORDED_STEPS)) == list(range(1, 21))
    assert await page.locator("[data-testid=diagram-row][data-kind=pending]").count() == 0
    assert await page.get_by_test_id("journey-title").text_content() == order_id
    await page.get_by_test_id("journey-status").filter(has_text="PAID").wait_for()
    assert await page.get_by_test_id("journey-outcome").text_content() == "9000 · Paid"
    item = page.get_by_test_id("journey-item")
    assert await item.count() == 1 and await item.get_attribute("data-order-id") == order_id

    await page.bring_to_front()
    await page.set_viewport_size({"width": 1440, "height": 1900})  # the whole journey at once
    await page.evaluate("window.scrollTo(0, 0)")
    # the arrows' drawing animations fast-forwarded to their end, not waited out
    await page.screenshot(path=str(artifacts / "console-live.png"), animations="disabled")
    await page.set_viewport_size({"width": 1440, "height": 960})

    pay_row = page.locator('[data-testid=diagram-row][data-step="4"][data-kind=step]')
    await pay_row.locator(".row-main").click()
    request = pay_row.get_by_test_id("http-request")
    assert "Signature" in await request.text_content() and "algorithm=RSA256" in await request.text_content()
    assert "PAYMENT_IN_PROCESS" in await pay_row.get_by_test_id("http-response").text_content()
    assert "PRIVATE KEY" not in await page.content()
    await pay_row.scroll_into_view_if_needed()
    await page.screenshot(path=str(artifacts / "console-detail.png"))


async def test_the_list_opens_the_journey_clicked_and_exports_it(sim, http, page, artifacts):
    paid = await api_journey(http, sim.urls)
    refused = await api_journey(http, sim.urls, account="lowbalance@sandbox.test")
    assert refused.result_code == "4000"
    await page.goto(sim.urls["console"])
    items = page.get_by_test_id("journey-item")
    await items.nth(1).wait_for()
    assert [await items.nth(i).get_attribute("data-order-id") for i in range(2)] == [refused.order_id, paid.order_id]
    # Each card tells when its journey started, on a 24-hour clock (util.js, TPS.time).
    for i in range(2):
        assert re.fullmatch(r"\d{2}:\d{2}:\d{2}", await items.nth(i).locator(".j-time").text_content())
    await page.get_by_test_id("journey-title").filter(has_text=refused.order_id).wait_for()
    assert await page.get_by_test_id("journey-outcome").text_content() == "4000 · Payment failed"

    await items.nth(1).click()
    await page.get_by_test_id("journey-title").filter(has_text=paid.order_id).wait_for()
    assert page.url.endswith(f"/journeys/{paid.order_id}")
    await page.get_by_test_id("journey-status").filter(has_text="PAID").wait_for()
    async with page.expect_download() as download_info:
        await page.get_by_test_id("export-json").click()
    download = await download_info.value
    assert download.suggested_filename == f"journey-{paid.order_id}.json"

    await page.get_by_test_id("order-time").click()
    await page.locator("[data-testid=order-time][aria-pressed=true]").wait_for()
    await page.screenshot(path=str(artifacts / "console-list.png"))

    await page.goto(f"{sim.urls['console']}/journeys/{refused.order_id}")
    await page.get_by_test_id("journey-title").filter(has_text=refused.order_id).wait_for()


async def test_controls_drawer_drives_the_wallet_clock(sim, http, page, artifacts):
    await page.goto(sim.urls["console"])
    await page.get_by_test_id("controls-open").click()
    drawer = page.get_by_test_id("controls-drawer")
    await drawer.wait_for()
    outcomes = await page.get_by_test_id("outcome-select").locator("option").all_text_contents()
    assert "PROCESSING_THEN_SUCCESS" in outcomes and "INSUFFICIENT_BALANCE" in outcomes
    await page.locator('[data-testid=clock-advance][data-seconds="600"]').click()
    await page.get_by_test_id("toast").filter(has_text="Clock advanced").wait_for()
    await page.get_by_test_id("clock-now").filter(has_text="600 s ahead").wait_for()
    _, clock = await get_json(http, f"{sim.urls['wallet']}/_sim/clock")
    assert clock["offsetSeconds"] == 600
    await page.screenshot(path=str(artifacts / "console-controls.png"))


async def test_a_processing_payments_polls_show_as_one_row_with_a_count_that_grows_live(sim, http, page):
    async with http.post(f"{sim.urls['wallet']}/_sim/outcomes", json={"outcome": "PROCESSING_THEN_SUCCESS"}) as r:
        assert r.status == 201
    paid = await api_journey(http, sim.urls, settle_timeout=0)
    order_url = f"{sim.urls['merchant']}/api/orders/{paid.order_id}"

    async def poll():
        status, order = await get_json(http, order_url, params={"clientResultCode": "8000"})
        assert (status, order["status"]) == (200, "PAYING")

    for _ in range(3):
        await poll()
    await page.goto(f"{sim.urls['console']}/journeys/{paid.order_id}")
    polls = page.locator("[data-testid=diagram-row]", has_text="inquiryPayment")
    await polls.get_by_test_id("row-count").filter(has_text="×3").wait_for()
    assert await polls.count() == 1
    text = await polls.inner_text()
    assert "inquiryPayment: payment PENDING (S SUCCESS)" in text and "inquiryPayment: S SUCCESS" not in text
    await page.locator("[data-testid=console-live][data-state=live]").wait_for()
    await poll()  # one more while the page is open: the same row counts it
    await polls.get_by_test_id("row-count").filter(has_text="×4").wait_for(timeout=10_000)
    assert await polls.count() == 1
    await polls.locator(".row-main").click()
    assert "paymentStatus" in await polls.get_by_test_id("http-response").text_content()


RUNNING = (
    "() => document.getAnimations().filter((a) => a.playState === 'running').map((a) => a.animationName || 'other')"
)


@pytest.mark.motion
async def test_an_idle_console_draws_nothing_and_each_event_pulses_the_live_dot_once(sim, http, page):
    """A console left open must not keep the browser drawing: an endless pulse of the live
    dot cost 0.3 CPU-s a second. The dot is steady, and beats once when an event comes."""
    await page.goto(sim.urls["console"])
    await page.locator("[data-testid=console-live][data-state=live]").wait_for()
    # idle: nothing runs
    await page.wait_for_function(f"() => ({RUNNING})().length === 0", timeout=5_000, polling=POLL_MS)
    dot = page.get_by_test_id("console-live").locator(".live-dot")
    assert "beat" not in (await dot.get_attribute("class")).split()

    await api_journey(http, sim.urls)
    await page.locator("[data-testid=console-live] .live-dot.beat").wait_for()  # an event: one beat
    # and idle again
    await page.wait_for_function(f"() => ({RUNNING})().length === 0", timeout=5_000, polling=POLL_MS)
    assert await page.get_by_test_id("console-live").get_attribute("data-state") == "live"
