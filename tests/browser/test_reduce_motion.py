"""Reduce Motion, as a user sets it on their system (prefers-reduced-motion: reduce): the
cashier's sheet, the container's dialogs and toasts appear without rising, popping or
fading; without the setting they animate. A spinner keeps turning either way: it says
"working"."""

from __future__ import annotations

import pytest
from my_harness import open_harness, start

from simulator.testing.pages import add_to_cart, open_shop, press_pay

ANIMATION = "el => getComputedStyle(el).animationName"
SETTINGS = ["no-preference", "reduce"]


@pytest.mark.parametrize("motion", SETTINGS)
async def test_the_cashier_rises_over_the_mini_program_unless_motion_is_reduced(sim, page, motion):
    await page.emulate_media(reduced_motion=motion)
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    cashier = await press_pay(page)
    sheet = await cashier.get_by_test_id("cashier").evaluate(ANIMATION)
    backdrop = await cashier.locator(".backdrop").evaluate(ANIMATION)
    assert (sheet, backdrop) == (("rise", "fade") if motion == "no-preference" else ("none", "none"))


@pytest.mark.parametrize("motion", SETTINGS)
async def test_the_containers_dialogs_and_toasts_appear_still_but_spinners_turn(harness_sim, page, motion):
    await page.emulate_media(reduced_motion=motion)
    await open_harness(page, harness_sim)
    await start(page, "toast", "showToast", {"content": "Saved", "type": "success", "duration": 60_000})
    toast = await page.get_by_test_id("mp-toast").evaluate(ANIMATION)
    await start(page, "loading", "showLoading", {"content": "Placing your order", "delay": 0})
    spinner = await page.get_by_test_id("mp-loading").locator(".mp-spinner").evaluate(ANIMATION)
    await start(page, "alert", "alert", {"title": "Order placed"})
    dialog = page.get_by_test_id("mp-dialog")
    await dialog.wait_for()
    pop = await dialog.evaluate(ANIMATION)
    fade = await dialog.locator("xpath=..").evaluate(ANIMATION)  # its mask
    if motion == "no-preference":
        assert (toast, pop, fade) == ("mp-fade", "mp-pop", "mp-fade")
    else:
        assert (toast, pop, fade) == ("none", "none", "none")
    assert spinner == "mp-spin"
