"""The wallet's root URL is an index page like the merchant server's, not a bare 404: what
it answers, where to point a merchant server, the test accounts; readable on a phone."""

import pytest

SHOTS = "/tmp/shots-setups"
SIZES = {"390": {"width": 390, "height": 844}, "1366x768": {"width": 1366, "height": 768}}


@pytest.mark.parametrize("size", SIZES)
async def test_the_wallet_root_is_an_index_page(sim, browser, size):
    context = await browser.new_context(viewport=SIZES[size])
    page = await context.new_page()
    try:
        response = await page.goto(sim.urls["wallet"] + "/")
        assert response.status == 200
        assert await page.title() == "Wallet · tradepay-sim"
        assert await page.get_by_test_id("wallet-base-url").text_content() == sim.urls["wallet"]
        api = await page.get_by_test_id("wallet-api").text_content()
        for path in ("/aps/api/v1/payments/pay", "/aps/api/v1/payments/inquiryPayment", "refund"):
            assert path in api
        assert "buyer@sandbox.test" in await page.get_by_test_id("wallet-accounts").text_content()
        # Nothing secret on it, and nothing wider than the screen.
        html = await page.content()
        assert "PRIVATE KEY" not in html
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"]
        await page.screenshot(path=f"{SHOTS}/wallet-index-{size}.png")
        await page.screenshot(path=f"{SHOTS}/wallet-index-{size}-full.png", full_page=True)
        await page.get_by_role("link", name="/openapi.json").first.click()
        await page.wait_for_url("**/openapi.json")
    finally:
        await context.close()


async def test_other_unknown_paths_are_still_404(sim, http):
    async with http.get(sim.urls["wallet"] + "/no-such-page") as resp:
        assert resp.status == 404
