"""my.tradePay in Chromium: every resultCode produced through the wallet's cashier by its
test accounts, argument failures, one cashier at a time, every callback exactly once,
and results that cannot be forged by any page other than the cashier it opened."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest
from my_harness import call, failed, log_of, open_harness, shot, start, succeeded, wait_done

PASSWORD = "111111"


async def create_order(http, sim, goods: str = "latte") -> dict:
    async with http.post(
        f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": goods, "quantity": 1}]}
    ) as resp:
        assert resp.status == 201, await resp.text()
        return await resp.json()


def cashier(page):
    return page.frame_locator("[data-testid=cashier-frame]")


async def pay_as(page, account: str) -> None:
    frame = cashier(page)
    await frame.get_by_test_id("cashier-account").select_option(account)
    await frame.get_by_test_id("cashier-password").fill(PASSWORD)
    await frame.get_by_test_id("cashier-pay").click()


async def paying(http, sim, page) -> tuple[dict, str]:
    """Run "pay": my.tradePay with its cashier open; the order and the nonce it was given."""
    order = await create_order(http, sim)
    await open_harness(page, sim)
    await start(page, "pay", "tradePay", {"paymentUrl": order["paymentUrl"]})
    await cashier(page).get_by_test_id("cashier-pay").wait_for()
    src = await page.get_attribute("[data-testid=cashier-frame]", "src")
    return order, parse_qs(urlsplit(src).fragment)["nonce"][0]


@pytest.mark.parametrize(
    ("account", "code"),
    [
        ("buyer@sandbox.test", "9000"),
        ("lowbalance@sandbox.test", "4000"),  # USD 4.50 is more than its 1 unit
        ("risk@sandbox.test", "4000"),
        ("slow-success@sandbox.test", "8000"),
        ("offline-before@sandbox.test", "6002"),
        ("offline-after@sandbox.test", "6004"),
    ],
)
async def test_each_test_account_gives_its_result_code(harness_sim, http, page, account, code):
    order = await create_order(http, harness_sim)
    await open_harness(page, harness_sim)
    await start(page, "pay", "tradePay", {"paymentUrl": order["paymentUrl"]})
    await pay_as(page, account)
    assert await wait_done(page, "pay") == succeeded({"resultCode": code})
    assert await page.locator("[data-testid=cashier-frame]").count() == 0  # the cashier is gone


async def test_cancel_in_the_cashier_gives_6001_and_tradeno_opens_the_same_cashier(harness_sim, http, page, artifacts):
    order = await create_order(http, harness_sim)
    await open_harness(page, harness_sim)
    await start(page, "cancel", "tradePay", {"tradeNO": order["paymentId"]})
    await cashier(page).get_by_test_id("cashier-amount").filter(has_text="USD 4.50").wait_for()
    await shot(page, artifacts, "my-tradepay-cashier")
    await cashier(page).get_by_test_id("cashier-cancel").click()
    assert await wait_done(page, "cancel") == succeeded({"resultCode": "6001"})
    # The payment stays open: the same order can still be paid.
    await start(page, "again", "tradePay", {"paymentUrl": order["paymentUrl"]})
    await pay_as(page, "buyer@sandbox.test")
    assert await wait_done(page, "again") == succeeded({"resultCode": "9000"})


async def test_missing_or_malformed_arguments_fail_with_2(harness_sim, http, page):
    order = await create_order(http, harness_sim)
    await open_harness(page, harness_sim)
    merchant = harness_sim.urls["merchant"]
    cases = {
        "none": ({}, "paymentUrl or tradeNO is required"),
        "both": (
            {"paymentUrl": order["paymentUrl"], "tradeNO": order["paymentId"]},
            "pass paymentUrl or tradeNO, not both",
        ),
        "not-url": ({"paymentUrl": "cashier please"}, "paymentUrl is not a valid URL"),
        "not-string": ({"paymentUrl": 42}, "paymentUrl must be a string"),
        "scheme": ({"paymentUrl": "javascript:alert(1)"}, "paymentUrl must be an http(s) URL"),
        "elsewhere": (
            {"paymentUrl": f"{merchant}/cashier/x"},
            f"paymentUrl is not a cashier of this wallet ({merchant})",
        ),
        "trade-no": (
            {"tradeNO": "../../etc"},
            "tradeNO must be the wallet's payment id (letters, digits, _ or -, at most 64)",
        ),
        "order-str": (
            {"orderStr": "app_id=1&biz_content=x"},
            "orderStr is not supported by this wallet: pass paymentUrl or tradeNO",
        ),
    }
    for name, (options, message) in cases.items():
        assert await call(page, name, "tradePay", options) == failed(2, message), name
    assert await page.locator("[data-testid=cashier-frame]").count() == 0


async def test_a_second_call_while_the_cashier_is_open_is_refused(harness_sim, http, page):
    first, second = await create_order(http, harness_sim), await create_order(http, harness_sim)
    await open_harness(page, harness_sim)
    await start(page, "first", "tradePay", {"paymentUrl": first["paymentUrl"]})
    await cashier(page).get_by_test_id("cashier-pay").wait_for()
    assert await call(page, "second", "tradePay", {"paymentUrl": second["paymentUrl"]}) == failed(
        3, "a cashier is already open: wait for its result"
    )
    assert await page.locator("[data-testid=cashier-frame]").count() == 1
    await pay_as(page, "buyer@sandbox.test")
    assert await wait_done(page, "first") == succeeded({"resultCode": "9000"})
    # Once it has closed, the next payment opens.
    await start(page, "third", "tradePay", {"paymentUrl": second["paymentUrl"]})
    await cashier(page).get_by_test_id("cashier-cancel").click()
    assert await wait_done(page, "third") == succeeded({"resultCode": "6001"})


async def test_a_forged_result_is_ignored(harness_sim, http, page):
    """Messages that look like the cashier's result, with the real nonce, from everywhere
    but the cashier frame: another origin's frame, a wallet page that is not the cashier,
    the mini program page itself; and from the cashier frame without the nonce."""
    order, nonce = await paying(http, harness_sim, page)
    forged = {
        "source": "tradepay-sim-cashier",
        "type": "result",
        "resultCode": "9000",
        "nonce": nonce,
        "paymentId": order["paymentId"],
    }

    # A frame of another origin (sandboxed: an opaque origin) and a wallet page that is
    # not the cashier this call opened.
    wallet_page = f"{harness_sim.urls['wallet']}/cashier?tradeNO=NOPE"
    await page.evaluate(
        """(walletPage) => {
        const other = document.createElement('iframe');
        other.setAttribute('sandbox', 'allow-scripts');
        other.srcdoc = '<p>elsewhere</p>';
        other.id = 'elsewhere';
        const wallet = document.createElement('iframe');
        wallet.src = walletPage;
        wallet.id = 'wallet-page';
        document.body.append(other, wallet);
        return Promise.all([other, wallet].map(f => new Promise(r => f.addEventListener('load', r))));
    }""",
        wallet_page,
    )
    # The frames by their elements: Playwright's list of frame URLs can lag their load.
    elsewhere = await (await page.locator("#elsewhere").element_handle()).content_frame()
    wallet_frame = await (await page.locator("#wallet-page").element_handle()).content_frame()
    post_to_parent = "m => parent.postMessage(m, '*')"
    await elsewhere.evaluate(post_to_parent, forged)
    await wallet_frame.evaluate(post_to_parent, forged)
    await page.evaluate("m => window.postMessage(m, '*')", forged)
    cashier_frame = next(f for f in page.frames if f.url.startswith(order["paymentUrl"]))
    await cashier_frame.evaluate(post_to_parent, {**forged, "nonce": None})
    await cashier_frame.evaluate(post_to_parent, {**forged, "nonce": "0" * 32})
    await asyncio.sleep(0.5)
    assert await log_of(page, "pay") == []  # nothing was believed
    assert await page.locator("[data-testid=cashier-frame]").count() == 1

    # The real cashier's answer is the only one the page gets.
    await cashier(page).get_by_test_id("cashier-cancel").click()
    assert await wait_done(page, "pay") == succeeded({"resultCode": "6001"})


async def test_a_cashier_frame_taken_to_another_origin_cannot_answer(harness_sim, http, page):
    """The frame is the one this call opened, but no longer the wallet's page: its
    message, even with the nonce, is not a result."""
    _order, nonce = await paying(http, harness_sim, page)
    script = (
        "<script>parent.postMessage({source: 'tradepay-sim-cashier', type: 'result', resultCode: '9000', "
        f"nonce: '{nonce}'}}, '*'); document.title = 'sent';</script>"
    )
    await page.locator("[data-testid=cashier-frame]").evaluate(
        "(frame, html) => { frame.src = 'data:text/html,' + encodeURIComponent(html); }", script
    )
    hijacked = None
    for _ in range(40):
        hijacked = next((f for f in page.frames if f.url.startswith("data:")), None)
        if hijacked and await hijacked.title() == "sent":
            break
        await asyncio.sleep(0.05)
    assert hijacked is not None and await hijacked.title() == "sent"
    await asyncio.sleep(0.5)
    assert await log_of(page, "pay") == []


async def test_a_cashier_that_never_answers_is_6002(harness_sim, page):
    """A wallet page that never says "ready" (here one the wallet refuses to be framed):
    the container gives up as the app would, with 6002, and closes the frame."""

    async def quick_container(route):
        response = await route.fetch()
        shim = (await response.text()).replace('"cashierReadyTimeoutMs": 10000', '"cashierReadyTimeoutMs": 500', 1)
        await route.fulfill(response=response, body=shim)

    await page.route("**/my.js", quick_container)
    await open_harness(page, harness_sim)
    log = await call(page, "lost", "tradePay", {"paymentUrl": harness_sim.urls["wallet"] + "/_sim/health"})
    assert log == succeeded({"resultCode": "6002"})
    assert await page.locator("[data-testid=cashier-frame]").count() == 0
