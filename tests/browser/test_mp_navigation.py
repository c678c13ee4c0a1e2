"""A mini program project's app and page lifecycle, navigation (navigateTo, redirectTo,
navigateBack, reLaunch, switchTab, the 10-page stack), the title bar and the tab bar from
app.json, pull-down refresh and onReachBottom; and a payment journey driven through an
AXML page. One simulator serves the fixture project for the module."""

from __future__ import annotations

import pytest_asyncio
from mp_project import EXAMPLE, PROJECTS, app_log, open_page, text

from simulator.testing.pages import pay_in_cashier
from simulator.testing.sim import running_sim


@pytest_asyncio.fixture(scope="module")
async def mp_sim(tmp_path_factory, keys_template):
    data = tmp_path_factory.mktemp("mp-navigation")
    async with running_sim(
        data, keys_from=keys_template, miniprogram_dir=PROJECTS / "features", apps=("miniprogram",)
    ) as sim:
        yield sim


async def title(page) -> str:
    return await page.get_by_test_id("mp-title").text_content() or ""


async def test_launch_order_and_navigate_to_with_query(mp_sim, page):
    await page.goto(mp_sim.urls["miniprogram"])
    await page.get_by_test_id("home").wait_for()
    assert page.url.rstrip("/") == mp_sim.urls["miniprogram"]  # the first page is at /
    assert await app_log(page) == ["App.onLaunch", "App.onShow", "home.onLoad {}", "home.onShow", "home.onReady"]
    assert await page.evaluate("getApp().globalData.launch.path") == "pages/home/home"
    assert await title(page) == "Features"
    await page.get_by_test_id("nav-lifecycle").click()
    await page.wait_for_url("**/pages/lifecycle/lifecycle?from=home&n=1")
    assert await text(page, "query") == '{"from":"home","n":"1"}'
    assert await text(page, "route") == "pages/lifecycle/lifecycle"  # this.route
    assert (await app_log(page))[5:] == [
        "home.onHide",
        'lifecycle.onLoad {"from":"home","n":"1"}',
        "lifecycle.onShow",
        "lifecycle.onReady",
    ]
    assert await title(page) == "Lifecycle"  # the page's .json over app.json's window
    assert await page.get_by_test_id("mp-back").is_visible()
    assert await page.get_by_test_id("mp-tabbar").is_hidden()  # not a tab page
    assert await page.evaluate("getCurrentPages().map(p => p.route)") == [
        "pages/home/home",
        "pages/lifecycle/lifecycle",
    ]


async def test_navigate_back_redirect_and_relaunch(mp_sim, page):
    await open_page(page, mp_sim, "pages/lifecycle/lifecycle")
    await page.get_by_test_id("go-next").click()
    await page.get_by_test_id("second-query").filter(has_text="x").wait_for()
    assert await text(page, "second-query") == '{"x":"1","y":"中"}'  # decoded
    await page.get_by_test_id("bad-navigate").click()
    await page.get_by_test_id("nav-error").filter(has_text=":").wait_for()
    assert await text(page, "nav-error") == "2:2"  # a tab page, then a page not in app.json
    await page.evaluate("getApp().globalData.log.length = 0")
    await page.get_by_test_id("mp-back").click()  # the container's back button
    await page.get_by_test_id("query").wait_for()
    assert await app_log(page) == ["lifecycle2.onUnload", "lifecycle.onShow"]
    assert await page.get_by_test_id("mp-back").is_hidden()
    await page.get_by_test_id("go-next").click()
    await page.get_by_test_id("redirect").click()
    await page.get_by_test_id("expr-arith").wait_for()
    assert await page.evaluate("getCurrentPages().map(p => p.route)") == [
        "pages/lifecycle/lifecycle",
        "pages/directives/directives",
    ]
    await page.evaluate("getApp().globalData.log.length = 0")
    await page.evaluate("my.reLaunch({url: '/pages/lifecycle2/lifecycle2?r=2'})")
    await page.get_by_test_id("second-query").filter(has_text="r").wait_for()
    assert await page.evaluate("getCurrentPages().map(p => p.route)") == ["pages/lifecycle2/lifecycle2"]
    assert (await app_log(page))[0] == "lifecycle.onUnload"


async def test_stack_holds_ten_pages(mp_sim, page):
    await open_page(page, mp_sim, "pages/lifecycle/lifecycle")
    result = await page.evaluate(
        """async () => {
            for (let i = 0; i < 9; i++) await my.navigateTo({url: '/pages/lifecycle2/lifecycle2?i=' + i});
            try { await my.navigateTo({url: '/pages/lifecycle2/lifecycle2'}); return 'opened'; }
            catch (e) { return [getCurrentPages().length, e.error]; }
        }"""
    )
    assert result == [10, 3]
    await page.evaluate("my.navigateBack({delta: 20})")  # too far: the first page
    await page.get_by_test_id("query").wait_for()
    assert await page.evaluate("getCurrentPages().length") == 1


async def test_switch_tab_and_the_tab_bar(mp_sim, page):
    await page.goto(mp_sim.urls["miniprogram"])
    await page.get_by_test_id("home").wait_for()
    tabs = page.get_by_test_id("mp-tab")
    assert await tabs.all_text_contents() == ["Home", "Second"]
    assert await tabs.nth(0).get_attribute("aria-selected") == "true"
    assert await tabs.nth(0).evaluate("e => getComputedStyle(e).color") == "rgb(255, 85, 0)"  # selectedColor
    assert await tabs.nth(0).locator("img").evaluate("e => e.complete && e.naturalWidth") == 40
    navbar = "e => getComputedStyle(e.shadowRoot.querySelector('.mp-navbar')).backgroundColor"
    assert await page.locator("[data-mp-device]").evaluate(navbar) == "rgb(255, 238, 204)"  # titleBarColor
    await page.get_by_test_id("nav-second").click()  # a navigator with open-type="switchTab"
    await page.get_by_test_id("second").wait_for()
    await page.wait_for_url("**/pages/second/second")
    assert await title(page) == "Second"
    assert await page.locator("[data-mp-device]").evaluate(navbar) == "rgb(204, 221, 238)"
    assert await tabs.nth(1).get_attribute("aria-selected") == "true"
    await tabs.nth(0).click()
    await page.get_by_test_id("home").wait_for()
    await tabs.nth(1).click()
    await page.get_by_test_id("second").wait_for()
    assert await text(page, "second") == "Second tab, loaded 1 time(s)"  # a tab page stays loaded
    log = (await app_log(page))[5:]
    assert log == [
        "home.onHide",
        "second.onLoad {}",
        "second.onShow",
        "second.onReady",
        "second.onHide",
        "home.onShow",
        "home.onHide",
        "second.onShow",
        "second.onTabItemTap user 1",
    ]
    failed = await page.evaluate("my.switchTab({url: '/pages/lifecycle/lifecycle'}).catch(e => e.error)")
    assert failed == 2


async def test_pull_down_refresh_and_reach_bottom(mp_sim, page):
    await open_page(page, mp_sim, "pages/lifecycle/lifecycle")
    host = await page.locator("mp-page-host:not([hidden])").bounding_box()
    x = host["x"] + host["width"] / 2
    await page.mouse.move(x, host["y"] + 20)
    await page.mouse.down()
    await page.mouse.move(x, host["y"] + 150, steps=5)
    await page.mouse.up()
    await page.get_by_test_id("refreshes").filter(has_text="1|manual").wait_for()
    assert await page.get_by_test_id("mp-pull-refresh").is_visible()
    await page.get_by_test_id("stop-refresh").click()
    await page.get_by_test_id("mp-pull-refresh").wait_for(state="detached")
    await page.evaluate("my.startPullDownRefresh()")
    await page.get_by_test_id("refreshes").filter(has_text="2|code").wait_for()
    await page.evaluate("my.stopPullDownRefresh()")
    scroller = "h => { const s = h.shadowRoot.querySelector('.mp-scroller'); s.scrollTo(0, s.scrollHeight); }"
    await page.locator("mp-page-host:not([hidden])").evaluate(scroller)
    await page.get_by_test_id("bottoms").filter(has_text="1").wait_for()


async def test_a_payment_journey_through_an_axml_page(tmp_path, keys_template, page):
    async with running_sim(tmp_path / "data", keys_from=keys_template, miniprogram_dir=EXAMPLE) as sim:
        await page.goto(sim.urls["miniprogram"])
        await page.get_by_test_id("pay").click()  # my.request POST /api/orders, then my.tradePay
        cashier = page.frame_locator("[data-testid=cashier-frame]")
        await cashier.get_by_test_id("cashier-amount").filter(has_text="USD 4.50").wait_for()
        await pay_in_cashier(cashier)
        await page.wait_for_url("**/pages/result/result?**")
        await page.get_by_test_id("result-status").filter(has_text="PAID").wait_for(timeout=15_000)
        assert await text(page, "result-code") == "9000"
        assert await title(page) == "Payment result"
        order_id = await text(page, "order-id")
        reply = await page.context.request.get(f"{sim.urls['merchant']}/api/orders/{order_id}")
        assert (await reply.json())["status"] == "PAID"
