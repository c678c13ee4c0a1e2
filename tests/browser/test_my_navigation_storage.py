"""my.navigateTo / redirectTo / navigateBack / reLaunch with the platform's page stack of
10, storage in its sync and async forms, and the device and container information."""

from __future__ import annotations

from my_harness import POLL_MS, call, failed, log_of, open_harness, succeeded

STACK = "JSON.parse(sessionStorage.getItem('__tradepay_sim_page_stack__'))"


async def go(page, run_id: str, api: str, options: dict, expected_path: str) -> list:
    """A navigation: its callbacks (recorded before the page was left) and the new page."""
    async with page.expect_navigation():
        await page.evaluate("([id, api, o]) => start(id, api, o)", [run_id, api, options])
    await page.wait_for_function("typeof window.runOf === 'function'", polling=POLL_MS)
    assert await page.evaluate("location.pathname + location.search") == expected_path
    return await log_of(page, run_id)


async def test_the_page_stack_holds_ten_pages(harness_sim, page):
    await open_harness(page, harness_sim)
    assert await page.evaluate(STACK) == ["/"]
    assert await page.get_by_test_id("mp-back").is_hidden()
    assert await go(page, "to1", "navigateTo", {"url": "/pages/nav?n=1"}, "/pages/nav?n=1") == succeeded({})
    assert await page.get_by_test_id("mp-title").text_content() == "Second page"
    assert await page.get_by_test_id("mp-back").is_visible()
    for n in range(2, 10):  # relative to the current page, like a mini program's paths
        await go(page, f"to{n}", "navigateTo", {"url": f"nav?n={n}"}, f"/pages/nav?n={n}")
    assert len(await page.evaluate(STACK)) == 10
    full = await call(page, "to10", "navigateTo", {"url": "nav?n=10"})
    assert full == failed(3, "the page stack is full (10 pages): use my.redirectTo or my.navigateBack")
    assert await page.evaluate("location.search") == "?n=9"

    # redirectTo replaces the top page; the stack keeps its size.
    assert await go(page, "re", "redirectTo", {"url": "nav?n=r"}, "/pages/nav?n=r") == succeeded({})
    stack = await page.evaluate(STACK)
    assert len(stack) == 10 and stack[-2:] == ["/pages/nav?n=8", "/pages/nav?n=r"]
    assert await go(page, "back3", "navigateBack", {"delta": 3}, "/pages/nav?n=6") == succeeded({})
    assert len(await page.evaluate(STACK)) == 7
    async with page.expect_navigation():
        await page.get_by_test_id("mp-back").click()  # the navigation bar's back
    assert await page.evaluate("location.search") == "?n=5"
    assert await go(page, "far", "navigateBack", {"delta": 99}, "/") == succeeded({})  # never below the first
    assert await page.evaluate(STACK) == ["/"]


async def test_relaunch_starts_a_new_stack_and_other_origins_are_refused(harness_sim, page):
    await open_harness(page, harness_sim)
    await go(page, "a", "navigateTo", {"url": "/pages/nav?n=1"}, "/pages/nav?n=1")
    await go(page, "b", "navigateTo", {"url": "/pages/nav?n=2"}, "/pages/nav?n=2")
    assert await go(page, "home", "reLaunch", {"url": "/?fresh=1"}, "/?fresh=1") == succeeded({})
    assert await page.evaluate(STACK) == ["/?fresh=1"]
    assert await call(page, "first", "navigateBack") == succeeded({})  # nothing below the first page
    wallet = harness_sim.urls["wallet"]
    for api in ("navigateTo", "redirectTo", "reLaunch"):
        assert await call(page, f"x-{api}", api, {"url": wallet + "/"}) == failed(
            2, "url must be a page of this mini program"
        )
        assert await call(page, f"none-{api}", api, {}) == failed(2, "url must be a page of this mini program")
    assert await page.evaluate("location.search") == "?fresh=1"


async def test_storage_sync_and_async_forms(harness_sim, page):
    await open_harness(page, harness_sim)
    cart = {"items": [{"goodsId": "latte", "quantity": 2}], "note": "oat milk"}
    assert await page.evaluate("c => my.setStorageSync({key: 'cart', data: c})", cart) == {"success": True}
    assert await page.evaluate("my.getStorageSync({key: 'cart'})") == {"data": cart}
    assert await page.evaluate("my.getStorageSync({key: 'missing'})") == {"data": None}
    assert await call(page, "set", "setStorage", {"key": "user", "data": "u-1"}) == succeeded({})
    assert await call(page, "get", "getStorage", {"key": "user"}) == succeeded({"data": "u-1"})
    info = await call(page, "info", "getStorageInfo")
    assert sorted(info[0][1]["keys"]) == ["cart", "user"] and info[0][1]["limitSize"] == 10240
    assert info[0][1]["currentSize"] >= 1
    await page.reload()  # storage outlives the page
    await page.wait_for_function("typeof window.start === 'function'", polling=POLL_MS)
    assert await page.evaluate("my.getStorageSync({key: 'cart'}).data.note") == "oat milk"
    assert await call(page, "rm", "removeStorage", {"key": "user"}) == succeeded({"success": True})
    assert await page.evaluate("my.getStorageInfoSync().keys") == ["cart"]
    assert await page.evaluate("my.removeStorageSync({key: 'cart'})") == {"success": True}
    await page.evaluate("my.setStorageSync({key: 'a', data: 1})")
    assert await call(page, "clear", "clearStorage") == succeeded({"success": True})
    assert await page.evaluate("my.getStorageInfoSync().keys") == []
    assert await call(page, "bad", "getStorage", {"key": 7}) == failed(2, "key must be a string")
    too_big = await page.evaluate("my.setStorageSync({key: 'big', data: 'x'.repeat(210 * 1024)})")
    assert too_big == {"success": False, "error": 2, "errorMessage": "data is larger than 200 KB"}
    assert await page.evaluate("my.getStorageSync({key: 'big'})") == {"data": None}


async def test_system_info_ext_config_and_can_i_use(harness_sim, page):
    await open_harness(page, harness_sim)
    info = await page.evaluate("my.getSystemInfoSync()")
    assert info["platform"] == "iOS" and info["screenWidth"] == info["windowWidth"] == 390
    assert info["screenHeight"] == 844 and info["windowHeight"] == 844 - 44 - 44
    assert info["statusBarHeight"] == 44 and info["titleBarHeight"] == 44 and info["pixelRatio"] >= 1
    for key in ("app", "brand", "model", "system", "version", "language", "screen", "storage", "currentBattery"):
        assert key in info, key
    assert (await call(page, "sys", "getSystemInfo"))[0] == ("success", info)
    ext = await page.evaluate("my.getExtConfigSync()")
    assert ext == {
        "merchantUrl": harness_sim.urls["merchant"],
        "walletUrl": harness_sim.urls["wallet"],
        "shopName": "Conformance Shop",
    }  # tests/browser/pages/ext.json
    assert await call(page, "ext", "getExtConfig") == succeeded({"data": ext, "extConfig": ext})
    assert await page.evaluate("[my.canIUse('tradePay'), my.canIUse('request'), my.canIUse('scan')]") == [
        True,
        True,
        False,
    ]


async def test_a_throwing_callback_surfaces_and_complete_still_runs(harness_sim, browser):
    context = await browser.new_context()
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await open_harness(page, harness_sim)
        await page.evaluate("""() => new Promise(done => my.setStorage({key: 'k', data: 1,
            success() { throw new Error('boom in success'); },
            complete(r) { window.completed = r; done(); }}))""")
        assert await page.evaluate("window.completed") == {}
        await page.wait_for_timeout(100)
        assert any("boom in success" in e for e in errors), errors
    finally:
        await context.close()
