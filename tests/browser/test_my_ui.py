"""The container's native UI in Chromium: my.alert, my.confirm, my.prompt, my.showModal,
my.showActionSheet, my.showLoading / my.hideLoading (delay, the mask that takes the page's
taps), my.showToast / my.hideToast (every type, duration), the pull-down refresh.
Screenshots land in test-artifacts/ (my-*.png; the new ones at a phone's 390 px)."""

from __future__ import annotations

import asyncio

import pytest_asyncio
from my_harness import PAGES, call, failed, log_of, open_harness, shot, start, succeeded, wait_done

from simulator.testing.sim import running_sim


@pytest_asyncio.fixture(scope="module")
async def harness_sim(tmp_path_factory, keys_template):
    """One simulator for the module: these tests change no state another test sees."""
    async with running_sim(tmp_path_factory.mktemp("data"), keys_from=keys_template, miniprogram_dir=PAGES) as sim:
        yield sim


async def taps(page) -> int:
    return int(await page.get_by_test_id("taps").text_content())


async def tap_through(page) -> None:
    """A finger on the page's button, whatever lies on top of it."""
    box = await page.get_by_test_id("tap").bounding_box()
    await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


async def test_alert_waits_for_its_button(harness_sim, page, artifacts):
    await open_harness(page, harness_sim)
    await start(
        page,
        "alert",
        "alert",
        {"title": "Order placed", "content": "Your latte will be ready in 5 minutes.", "buttonText": "Got it"},
    )
    dialog = page.get_by_test_id("mp-dialog")
    await dialog.wait_for()
    assert await dialog.locator(".mp-dialog-title").text_content() == "Order placed"
    assert await dialog.locator(".mp-dialog-content").text_content() == "Your latte will be ready in 5 minutes."
    await shot(page, artifacts, "my-alert")
    await asyncio.sleep(0.3)
    assert await log_of(page, "alert") == []  # nothing until the user answers
    await page.get_by_test_id("mp-alert-ok").filter(has_text="Got it").click()
    assert await wait_done(page, "alert") == succeeded({})
    assert await dialog.count() == 0


async def test_confirm_reports_the_users_choice(harness_sim, page, artifacts):
    await open_harness(page, harness_sim)
    await start(
        page,
        "no",
        "confirm",
        {
            "title": "Cancel the order?",
            "content": "The payment has not been made.",
            "confirmButtonText": "Cancel order",
            "cancelButtonText": "Keep it",
        },
    )
    await page.get_by_test_id("mp-dialog").wait_for()
    await shot(page, artifacts, "my-confirm")
    await page.get_by_test_id("mp-confirm-cancel").filter(has_text="Keep it").click()
    assert await wait_done(page, "no") == succeeded({"confirm": False})
    await start(page, "yes", "confirm", {"content": "Pay now?"})
    await page.get_by_test_id("mp-confirm-ok").filter(has_text="OK").click()
    assert await wait_done(page, "yes") == succeeded({"confirm": True})


async def test_loading_appears_after_its_delay_and_its_mask_takes_the_taps(harness_sim, page, artifacts):
    await open_harness(page, harness_sim)
    hud = page.get_by_test_id("mp-loading")
    await start(page, "show", "showLoading", {"content": "Placing your order\u2026", "delay": 1500})
    assert await hud.count() == 0  # not before its delay
    assert await wait_done(page, "show") == succeeded({})
    await hud.wait_for(timeout=5000)
    assert await hud.locator(".mp-hud-text").text_content() == "Placing your order\u2026"
    await shot(page, artifacts, "my-loading")
    await tap_through(page)
    assert await taps(page) == 0  # the mask took it
    assert await call(page, "hide", "hideLoading") == succeeded({})
    assert await hud.count() == 0
    await tap_through(page)
    assert await taps(page) == 1


async def test_loading_hidden_before_its_delay_never_shows(harness_sim, page):
    await open_harness(page, harness_sim)
    await page.evaluate("my.showLoading({content: 'quick', delay: 300}); my.hideLoading();")
    await asyncio.sleep(0.6)
    assert await page.get_by_test_id("mp-loading").count() == 0


async def test_toasts_of_every_type_then_success_once_gone(harness_sim, page, artifacts):
    await open_harness(page, harness_sim)
    toast = page.get_by_test_id("mp-toast")
    for kind in ("success", "fail", "exception", "loading", "none"):
        await start(page, kind, "showToast", {"type": kind, "content": f"A {kind} toast", "duration": 600})
        # Read while it shows, in one go: on a loaded machine 600 ms can pass between two reads.
        shown = await page.wait_for_function(
            """() => { const t = document.querySelector("mp-device").shadowRoot.querySelector("[data-testid=mp-toast]");
                       return t && [t.dataset.type, t.querySelector(".mp-toast-text").textContent]; }"""
        )
        assert await shown.json_value() == [kind, f"A {kind} toast"]
        await shot(page, artifacts, f"my-toast-{kind}")
        assert await wait_done(page, kind) == succeeded({})
        assert await toast.count() == 0
        assert (await page.evaluate("id => runOf(id).completedAfterMs", kind)) >= 600
    assert await call(page, "bad", "showToast", {"type": "warning"}) == failed(
        2, "type must be one of none, success, fail, exception, loading"
    )


async def test_hide_toast_ends_it_early(harness_sim, page):
    await open_harness(page, harness_sim)
    await start(page, "long", "showToast", {"content": "Saved", "duration": 60_000})
    await page.get_by_test_id("mp-toast").wait_for()
    await tap_through(page)  # a toast never takes taps
    assert await taps(page) == 1
    assert await call(page, "hide", "hideToast") == succeeded({})
    assert await wait_done(page, "long") == succeeded({})
    assert await page.get_by_test_id("mp-toast").count() == 0


@pytest_asyncio.fixture
async def phone(browser):
    """A page at a phone's width (390 px): the device fills the viewport, as on a phone."""
    context = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    await context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


async def test_prompt_returns_what_was_typed(harness_sim, phone, artifacts):
    await open_harness(phone, harness_sim)
    await start(
        phone,
        "coupon",
        "prompt",
        {
            "title": "Coupon",
            "message": "Enter your coupon code",
            "placeholder": "e.g. LATTE10",
            "okButtonText": "Apply",
        },
    )
    dialog = phone.get_by_test_id("mp-dialog")
    await dialog.wait_for()
    assert await dialog.locator(".mp-dialog-content").text_content() == "Enter your coupon code"
    field = phone.get_by_test_id("mp-prompt-input")
    assert await field.get_attribute("placeholder") == "e.g. LATTE10"
    await field.fill("LATTE10")
    await shot(phone, artifacts, "my-prompt")
    await phone.get_by_test_id("mp-prompt-ok").filter(has_text="Apply").click()
    assert await wait_done(phone, "coupon") == succeeded({"ok": True, "inputValue": "LATTE10"})
    await start(phone, "no", "prompt", {"title": "Note"})
    await phone.get_by_test_id("mp-prompt-input").fill("ignored")
    await phone.get_by_test_id("mp-prompt-cancel").filter(has_text="Cancel").click()
    assert await wait_done(phone, "no") == succeeded({"ok": False, "inputValue": "ignored"})


async def test_show_modal_with_and_without_input(harness_sim, phone, artifacts):
    await open_harness(phone, harness_sim)
    await start(
        phone, "plain", "showModal", {"title": "Leave?", "content": "Your cart is kept.", "confirmText": "Leave"}
    )
    await phone.get_by_test_id("mp-dialog").wait_for()
    await phone.get_by_test_id("mp-modal-cancel").click()
    assert await wait_done(phone, "plain") == succeeded({"confirm": False})
    await start(phone, "single", "showModal", {"content": "Saved", "showCancel": False})
    await phone.get_by_test_id("mp-dialog").wait_for()
    assert await phone.get_by_test_id("mp-modal-cancel").count() == 0
    await phone.get_by_test_id("mp-modal-confirm").click()
    assert await wait_done(phone, "single") == succeeded({"confirm": True})
    await start(phone, "edit", "showModal", {"title": "Gift message", "editable": True, "placeholderText": "To..."})
    await phone.get_by_test_id("mp-modal-input").fill("Happy birthday")
    await shot(phone, artifacts, "my-show-modal")
    await phone.get_by_test_id("mp-modal-confirm").click()
    assert await wait_done(phone, "edit") == succeeded({"confirm": True, "content": "Happy birthday"})


async def test_action_sheet_gives_the_index_chosen_or_minus_one(harness_sim, phone, artifacts):
    await open_harness(phone, harness_sim)
    options = {
        "title": "Pay with",
        "items": ["Wallet balance", "Bank card", "Remove saved card"],
        "destructiveBtnIndex": 2,
        "badges": [{"index": 0, "type": "text", "text": "New"}, {"index": 1, "type": "point"}],
    }
    await start(phone, "pick", "showActionSheet", options)
    sheet = phone.get_by_test_id("mp-action-sheet")
    await sheet.wait_for()
    items = phone.get_by_test_id("mp-action-sheet-item")
    assert await items.all_text_contents() == ["Wallet balanceNew", "Bank card", "Remove saved card"]
    assert "destructive" in await items.nth(2).get_attribute("class")
    assert await items.nth(1).locator("[data-badge=point]").count() == 1
    await shot(phone, artifacts, "my-action-sheet")
    await asyncio.sleep(0.2)
    assert await log_of(phone, "pick") == []
    await items.nth(1).click()
    assert await wait_done(phone, "pick") == succeeded({"index": 1, "success": True})
    await start(phone, "cancel", "showActionSheet", {"items": ["A"], "cancelButtonText": "Never mind"})
    await phone.get_by_test_id("mp-action-sheet-cancel").filter(has_text="Never mind").click()
    assert await wait_done(phone, "cancel") == succeeded({"index": -1, "success": True})
    await start(phone, "outside", "showActionSheet", {"items": ["A"]})
    await sheet.wait_for()
    await phone.mouse.click(195, 200)  # beside the sheet, on its mask
    assert await wait_done(phone, "outside") == succeeded({"index": -1, "success": True})
    assert await call(phone, "bad", "showActionSheet", {"items": "A"}) == failed(
        2, "items must be a non-empty array of strings"
    )


async def test_pull_down_refresh_shows_until_stopped_and_tells_the_runtime(harness_sim, phone, artifacts):
    await open_harness(phone, harness_sim)
    await phone.evaluate(
        "() => { window.__started = 0; __tradepaySimShim.pullDownRefresh.onStart = () => __started++; }"
    )
    tap_before = await phone.get_by_test_id("tap").bounding_box()
    assert await call(phone, "start", "startPullDownRefresh") == succeeded({"success": True})
    indicator = phone.locator("[data-testid=mp-pull-refresh]")
    await indicator.wait_for()
    assert await phone.evaluate("window.__started") == 1
    await phone.wait_for_function(  # in the device's shadow root, once its opening is done
        "() => document.querySelector('mp-device').shadowRoot.querySelector('.mp-refresh').offsetHeight === 52"
    )
    tap_during = await phone.get_by_test_id("tap").bounding_box()
    assert tap_during["y"] == tap_before["y"] + 52  # the page is pushed down, as when pulled
    await shot(phone, artifacts, "my-pull-refresh")
    assert await call(phone, "stop", "stopPullDownRefresh") == succeeded({})
    assert await indicator.count() == 0
    # The runtime shows it for a user's pull; stop hides it the same way.
    await phone.evaluate("__tradepaySimShim.pullDownRefresh.show()")
    await indicator.wait_for()
    assert await phone.evaluate("window.__started") == 1  # a pull is the runtime's to report
    assert await call(phone, "stop2", "stopPullDownRefresh") == succeeded({})
    assert await indicator.count() == 0
