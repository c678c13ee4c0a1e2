"""The shop and the console at the window sizes people use (issue 20, points 4 and 5):
the shop's checkout bar stays pinned and its last item takes a tap from 320x568 to
1920x1080; the console works at 390 px (a phone), 720 px (beside the shop) and above: nothing
wider than the window, ids on one line, rows that do not overlap, buttons whole."""

import pytest

from simulator.testing.journey import api_journey

SHOP_SIZES = [(320, 568), (390, 844), (1280, 720), (1280, 800), (1366, 768), (1920, 1080)]
CONSOLE_SIZES = [(390, 844), (720, 900), (900, 900), (1366, 768)]

# Whether the centre of an item gets the tap, asked of the page's own (shadow) root.
TAKES_THE_TAP = """(el) => {
  const r = el.getBoundingClientRect();
  const hit = el.getRootNode().elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!hit && el.contains(hit);
}"""


async def pinned(page):
    """Where the checkout bar, the phone and the last item are, and who takes its tap."""
    bar = await page.locator(".checkout").bounding_box()
    device = await page.locator("mp-device").bounding_box()
    last = page.get_by_test_id("goods-item").last
    box = await last.bounding_box()
    return {
        "barTop": bar["y"],
        "barBottom": bar["y"] + bar["height"],
        "barLeft": bar["x"],
        "barRight": bar["x"] + bar["width"],
        "deviceBottom": device["y"] + device["height"],
        "deviceLeft": device["x"],
        "deviceRight": device["x"] + device["width"],
        "lastBottom": box["y"] + box["height"],
        "viewport": page.viewport_size["height"],
        "lastTakesTheTap": await last.evaluate(TAKES_THE_TAP),
    }


@pytest.mark.parametrize(("width", "height"), SHOP_SIZES, ids=[f"{w}x{h}" for w, h in SHOP_SIZES])
async def test_the_checkout_bar_stays_pinned_and_the_last_item_takes_a_tap(sim, browser, width, height, artifacts):
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    try:
        await page.goto(sim.urls["miniprogram"])
        items = page.get_by_test_id("goods-item")
        await items.first.wait_for()
        await items.first.click()  # a full cart: the bar shows its total
        before = await pinned(page)
        await items.last.click(timeout=3000)  # Playwright refuses a click another element would take
        assert await items.last.get_by_test_id("goods-quantity").text_content() == "1"
        after = await pinned(page)
        for state in (before, after):
            assert abs(state["barBottom"] - state["deviceBottom"]) <= 1, state  # pinned to the phone's bottom
            assert state["barBottom"] <= state["viewport"] + 1, state  # on screen
            assert state["deviceLeft"] - 1 <= state["barLeft"] and state["barRight"] <= state["deviceRight"] + 1, state
        assert after["lastTakesTheTap"] and after["lastBottom"] <= after["barTop"] + 1, after
        await page.screenshot(path=str(artifacts / f"shop-last-item-{width}x{height}.png"))
    finally:
        await context.close()


LAYOUT = """() => {
  const vw = document.documentElement.clientWidth;
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const problems = [];
  if (document.documentElement.scrollWidth > vw) problems.push('page wider than the window: ' + document.documentElement.scrollWidth + ' > ' + vw);
  // ids on one line: an id is cut with an ellipsis where it must be, never broken
  document.querySelectorAll('[data-testid=journey-title], .ids dd, .j-id').forEach((el) => {
    if (!visible(el)) return;
    const line = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.5;
    if (el.getBoundingClientRect().height > line * 1.5) problems.push('id on two lines: ' + el.textContent);
  });
  // buttons whole: inside the window and their text not clipped
  document.querySelectorAll('button, .btn').forEach((el) => {
    if (!visible(el) || el.closest('[hidden]') || el.closest('.drawer')) return;
    const r = el.getBoundingClientRect();
    const scroller = el.closest('.journey-list');
    if (!scroller && (r.left < -1 || r.right > vw + 1)) problems.push('button outside the window: ' + el.textContent.trim());
    if (el.scrollWidth > el.clientWidth + 1) problems.push('button text cut: ' + el.textContent.trim());
  });
  // rows do not overlap one another
  const rows = [...document.querySelectorAll('[data-testid=diagram-row] .row-main')].map((el) => el.getBoundingClientRect());
  for (let i = 1; i < rows.length; i++) if (rows[i].top < rows[i - 1].bottom - 1) problems.push('rows ' + i + ' and ' + (i + 1) + ' overlap');
  // a row's texts stay in the diagram's box
  const box = document.querySelector('[data-testid=diagram]').getBoundingClientRect();
  document.querySelectorAll('[data-testid=diagram-row] .label, [data-testid=diagram-row] .sub, [data-testid=diagram-row] .route, [data-testid=diagram-row] .note').forEach((el) => {
    if (!visible(el)) return;
    const r = el.getBoundingClientRect();
    if (r.left < box.left - 1 || r.right > box.right + 1) problems.push('text out of the diagram: ' + el.textContent.slice(0, 40));
  });
  return problems;
}"""


@pytest.mark.parametrize(("width", "height"), CONSOLE_SIZES, ids=[f"{w}" for w, _ in CONSOLE_SIZES])
async def test_the_console_fits_a_phone_and_half_a_laptop(sim, http, browser, width, height, artifacts):
    paid = await api_journey(http, sim.urls)
    refused = await api_journey(http, sim.urls, account="lowbalance@sandbox.test")
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    try:
        await page.goto(f"{sim.urls['console']}/journeys/{paid.order_id}")
        await page.locator("[data-testid=diagram-row][data-step='20'][data-kind=step]").wait_for()
        assert await page.evaluate(LAYOUT) == []
        row = page.locator("[data-testid=diagram-row][data-step='4'][data-kind=step]")
        await row.locator(".row-main").click()  # an open row with its HTTP exchange fits too
        await row.get_by_test_id("http-request").wait_for()
        assert await page.evaluate(LAYOUT) == []
        await page.get_by_test_id("controls-open").click()
        await page.get_by_test_id("controls-drawer").evaluate("(el) => el.getAnimations().forEach((a) => a.finish())")
        drawer = await page.get_by_test_id("controls-drawer").bounding_box()
        assert drawer["x"] >= -1 and drawer["x"] + drawer["width"] <= width + 1
        await page.get_by_test_id("controls-close").click()
        await page.locator(f"[data-testid=journey-item][data-order-id='{refused.order_id}']").click()
        await page.get_by_test_id("journey-title").filter(has_text=refused.order_id).wait_for()  # the list still works
        assert await page.evaluate(LAYOUT) == []
        await page.screenshot(path=str(artifacts / f"console-{width}.png"), full_page=True)
    finally:
        await context.close()


@pytest.mark.parametrize(("width", "height"), [(320, 568), (390, 844), (1366, 768)], ids=["320", "390", "1366"])
async def test_the_result_page_shows_its_ids_whole_on_one_line(sim, browser, width, height):
    from simulator.testing.pages import add_to_cart, open_shop, pay_in_cashier, press_pay, wait_for_status

    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    try:
        await open_shop(page, sim.urls["miniprogram"])
        await add_to_cart(page, 0)
        await pay_in_cashier(await press_pay(page))
        await wait_for_status(page, "PAID")
        for testid in ("order-id", "payment-id"):
            shown = page.get_by_test_id(testid)
            one_line = await shown.evaluate(
                "(el) => el.getClientRects().length === 1 && el.scrollWidth <= el.clientWidth + 1"
                " && el.getBoundingClientRect().height < parseFloat(getComputedStyle(el).fontSize) * 2"
            )
            assert one_line, f"{testid} broken or cut: {await shown.text_content()}"
    finally:
        await context.close()
