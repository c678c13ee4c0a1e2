"""The container's native UI in Chromium: my.alert, my.confirm, my.showLoading /
my.hideLoading (delay, the mask that takes the page's taps), my.showToast / my.hideToast
(every type, duration). Screenshots land in test-artifacts/ (my-*.png)."""

from __future__ import annotations

import asyncio

from my_harness import call, failed, log_of, open_harness, shot, start, succeeded, wait_done


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
        await toast.wait_for()
        assert await toast.get_attribute("data-type") == kind
        assert await toast.locator(".mp-toast-text").text_content() == f"A {kind} toast"
        await shot(page, artifacts, f"my-toast-{kind}")
        await tap_through(page)  # a toast never takes taps
        assert await wait_done(page, kind) == succeeded({})
        assert await toast.count() == 0
        assert (await page.evaluate("id => runOf(id).completedAfterMs", kind)) >= 600
    assert await taps(page) == 5
    assert await call(page, "bad", "showToast", {"type": "warning"}) == failed(
        2, "type must be one of none, success, fail, exception, loading"
    )


async def test_hide_toast_ends_it_early(harness_sim, page):
    await open_harness(page, harness_sim)
    await start(page, "long", "showToast", {"content": "Saved", "duration": 60_000})
    await page.get_by_test_id("mp-toast").wait_for()
    assert await call(page, "hide", "hideToast") == succeeded({})
    assert await wait_done(page, "long") == succeeded({})
    assert await page.get_by_test_id("mp-toast").count() == 0
