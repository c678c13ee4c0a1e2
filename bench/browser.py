"""A browser journey as a user clicks it: from the press of Pay in the shop to the result
page showing PAID (the cashier's password typed and its Pay pressed as soon as they can
be).

Both moments are taken by the page itself, on its own clock: a script added to every
document notes when the Pay button's click event fires and when the result page's
status first reads PAID (a MutationObserver). Timed from Python, the figure also holds
Playwright's own waits. A locator wait that spans a navigation polls the new page after
a back-off, a large part of a journey timed that way; so
``simulator.testing.pages.wait_for_status`` waits for the result page's URL first.
The figure through that helper is still reported, as what a test suite sees.
"""

from __future__ import annotations

import time
from pathlib import Path

from playwright.async_api import async_playwright

from simulator.testing.browser import launch_options
from simulator.testing.pages import add_to_cart, open_shop, pay_in_cashier, wait_for_status

from .stats import summary

# sessionStorage lasts across the tab's navigations (shop page, result page) and is
# per tab: the moments survive the result page's load. Only the first PAID is noted.
STAMPS = """
(() => {
  const PRESSED = "tradepay-bench.pressedAt", PAID = "tradepay-bench.paidAt";
  document.addEventListener("click", (event) => {
    // the demo's pages live in shadow roots: the click's own path, not its retargeted target
    if (event.composedPath().some((n) => n instanceof Element && n.getAttribute("data-testid") === "pay-button")) {
      sessionStorage.setItem(PRESSED, String(performance.timeOrigin + performance.now()));
      sessionStorage.removeItem(PAID);
    }
  }, true);
  const check = (root) => {
    const status = root.querySelector('[data-testid="result-status"]');
    if (status && status.textContent.trim() === "PAID" && !sessionStorage.getItem(PAID)) {
      sessionStorage.setItem(PAID, String(performance.timeOrigin + performance.now()));
    }
  };
  const watch = (root) => new MutationObserver(() => check(root)).observe(root, { subtree: true, childList: true, characterData: true });
  // a mini program project's pages are drawn in shadow roots, which the document's observer does not see
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const root = attachShadow.call(this, init); watch(root); return root; };
  watch(document);
})();
"""

READ_STAMPS = """() => [sessionStorage.getItem("tradepay-bench.pressedAt"),
                        sessionStorage.getItem("tradepay-bench.paidAt")]"""


async def run(miniprogram_url: str, count: int = 10) -> dict:
    in_page, harness = [], []
    async with async_playwright() as pw:
        options = launch_options()
        browser = await pw.chromium.launch(**options)
        page = await browser.new_page(viewport={"width": 1100, "height": 920})
        await page.add_init_script(STAMPS)
        for _ in range(count + 1):
            await open_shop(page, miniprogram_url)
            await add_to_cart(page, 0)
            started = time.perf_counter()
            await page.get_by_test_id("pay-button").click()
            cashier = page.frame_locator("[data-testid=cashier-frame]")
            await pay_in_cashier(cashier)
            await wait_for_status(page, "PAID")
            harness.append((time.perf_counter() - started) * 1000)
            pressed, paid = await page.evaluate(READ_STAMPS)
            if pressed is None or paid is None:
                raise RuntimeError("the page did not note the press of Pay or the PAID status")
            in_page.append(float(paid) - float(pressed))
        await browser.close()
    # The first journey warms the browser's caches.
    executable = Path(options.get("executable_path") or "Playwright's download").name
    return {**summary(in_page[1:]), "harness": summary(harness[1:]), "executable": executable}
