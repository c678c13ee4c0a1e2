"""A journey works from whatever address the user reached the shop by, when the simulator
serves it (``localhost``, ``127.0.0.1``, the ``--public-host``), and an address it does not
serve is told at once what to do instead of a blank frame and a late 6002 (issue 20,
points 1 and 2)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from yarl import URL

from simulator.testing import pages
from simulator.testing.sim import get_json, running_sim

SHOTS = Path("/tmp/shots-setups")
SIZES = {"390": {"width": 390, "height": 844}, "1366x768": {"width": 1366, "height": 768}}


def _at(url: str, host: str) -> str:
    return str(URL(url).with_host(host))


async def _pay_from(page, shop_url: str, shot: str | None = None) -> dict:
    await pages.open_shop(page, shop_url)
    await pages.add_to_cart(page, 0)
    cashier = await pages.press_pay(page)
    if shot:
        await page.wait_for_timeout(500)  # the sheet's slide-in, for the picture only
        await page.screenshot(path=str(SHOTS / f"{shot}.png"))
    await pages.pay_in_cashier(cashier)
    await pages.wait_for_status(page, "PAID")
    return await pages.result_page(page)


@pytest.mark.parametrize("size", SIZES)
async def test_the_journey_works_from_localhost(sim, http, browser, size):
    """The shop opened at http://localhost:PORT frames the cashier (served from the
    127.0.0.1 paymentUrl) and pays: frame-ancestors and postMessage accept the origin."""
    SHOTS.mkdir(exist_ok=True)
    context = await browser.new_context(viewport=SIZES[size])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        result = await _pay_from(page, _at(sim.urls["miniprogram"], "localhost"), f"cashier-from-localhost-{size}")
        assert result["resultCode"] == "9000"
        assert URL(page.url).host == "localhost"
        _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{result['orderId']}")
        assert order["status"] == "PAID"
        await page.screenshot(path=str(SHOTS / f"result-from-localhost-{size}.png"))
    finally:
        await context.close()
    assert errors == []


async def test_the_public_host_is_in_every_url_and_the_journey_runs_there(tmp_path, keys_template, http, page):
    """--host 0.0.0.0 --public-host 127.0.0.2: a second loopback address stands for the
    phone's view of the machine. Every URL handed out names it, and the journey runs
    from it."""
    async with running_sim(
        tmp_path / "data", keys_from=keys_template, host="0.0.0.0", public_host="127.0.0.2"
    ) as running:
        assert {URL(u).host for u in running.urls.values()} == {"127.0.0.2"}
        async with http.post(f"{running.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as r:
            order = await r.json()
        assert URL(order["paymentUrl"]).host == "127.0.0.2"
        _, creds = await get_json(http, f"{running.urls['wallet']}/_sim/credentials")
        assert URL(creds["apiBaseUrl"]).host == "127.0.0.2"
        _, merchants = await get_json(http, f"{running.urls['wallet']}/_sim/merchants")
        assert {URL(m["notifyUrl"]).host for m in merchants["merchants"] if m.get("notifyUrl")} == {"127.0.0.2"}
        async with http.get(f"{running.urls['miniprogram']}/my.js") as r:
            shim = await r.text()
        assert f'"walletUrl":"{running.urls["wallet"]}"' in shim.replace(" ", "")

        async with http.get(running.urls["console"]) as r:
            console = await r.text()
        assert running.urls["wallet"] in console and "127.0.0.1" not in console  # the console's links

        result = await _pay_from(page, running.urls["miniprogram"])
        assert result["resultCode"] == "9000"
        _, journey = await get_json(http, f"{running.urls['console']}/api/journeys/{result['orderId']}")
        assert journey["summary"]["status"] == "PAID"


async def test_an_address_not_served_is_told_at_once_what_to_do(tmp_path, keys_template, page):
    """The shop reached at 127.0.0.3 (say, a port forward the simulator was not told
    of): the container says so at once, names the address to use and the option, and
    the call ends with 6002 when the notice is closed, long before the 10 s a lost
    cashier takes."""
    async with running_sim(
        tmp_path / "data", keys_from=keys_template, host="0.0.0.0", public_host="127.0.0.2"
    ) as running:
        shop = _at(running.urls["miniprogram"], "127.0.0.3")
        await pages.open_shop(page, shop)
        await pages.add_to_cart(page, 0)
        started = time.monotonic()
        await page.get_by_test_id("pay-button").click()
        notice = page.get_by_test_id("mp-dialog")
        await notice.wait_for(timeout=5_000)
        assert time.monotonic() - started < 5
        text = await notice.text_content()
        assert (
            "http://127.0.0.3:" in text and running.urls["miniprogram"] in text and "--allowed-hosts 127.0.0.3" in text
        )
        assert await page.locator("[data-testid=cashier-frame]").count() == 0
        SHOTS.mkdir(exist_ok=True)
        await page.wait_for_timeout(400)  # the notice's fade-in, for the picture only
        await page.screenshot(path=str(SHOTS / "address-not-served.png"))
        await page.get_by_test_id("mp-dialog-ok").click()
        await page.wait_for_url(pages.RESULT_PAGE, timeout=10_000)
        assert await page.get_by_test_id("result-code").text_content() == "6002"
        await asyncio.sleep(0)


async def test_a_name_given_with_allowed_hosts_frames_the_cashier_too(tmp_path, keys_template, page):
    """--allowed-hosts adds a name the simulator answers by (trust's Host allowlist): a
    shop reached by it pays like one reached by the public host."""
    async with running_sim(
        tmp_path / "data",
        keys_from=keys_template,
        host="0.0.0.0",
        public_host="127.0.0.2",
        allowed_hosts=("127.0.0.3",),
    ) as running:
        result = await _pay_from(page, _at(running.urls["miniprogram"], "127.0.0.3"))
        assert result["resultCode"] == "9000"
