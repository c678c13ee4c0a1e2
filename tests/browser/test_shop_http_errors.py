"""The demo shop's pages with my.request failing on an HTTP error status (error 19
carrying the merchant's reply): an unknown order on the result page, and a merchant
that answers 500 to the menu. (The 502 "Try again" is in test_outcomes_browser.py.)"""

from __future__ import annotations

import json

from aiohttp import web
from aiohttp.test_utils import TestServer

from simulator.testing.sim import running_sim


async def test_an_unknown_order_reads_as_not_found(sim, page):
    await page.goto(f"{sim.urls['miniprogram']}/pages/result?orderId=ORD-NOPE&resultCode=9000")
    await page.locator(".headline").filter(has_text="Order not found").wait_for()
    assert await page.get_by_test_id("result-status").text_content() == "UNKNOWN"
    assert await page.get_by_test_id("result-code").text_content() == "9000"


async def test_a_merchant_answering_500_shows_the_menu_error(tmp_path, keys_template, page):
    """The shop's merchant URL comes from ext config: a merchant that fails every call."""

    async def broken(request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "BOOM", "message": "down"}}, status=500)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", broken)
    merchant = TestServer(app, host="127.0.0.1", port=0)
    await merchant.start_server()
    try:
        folder = tmp_path / "project"
        folder.mkdir()
        url = str(merchant.make_url("")).rstrip("/")
        (folder / "ext.json").write_text(json.dumps({"ext": {"merchantUrl": url}}))
        (folder / "tradepay-sim.json").write_text(json.dumps({"serverDomains": [url]}))
        async with running_sim(tmp_path / "data", keys_from=keys_template, miniprogram_dir=folder) as sim:
            await page.goto(sim.urls["miniprogram"] + "/pages/index")
            await page.locator(".empty").filter(has_text="The menu could not be loaded.").wait_for()
            toast = page.get_by_test_id("mp-toast")
            await toast.wait_for()
            assert await toast.get_attribute("data-type") == "fail"
    finally:
        await merchant.close()
