"""Every resultCode of my.tradePay, reached two ways — forced through the control API,
and by clicking alone (test accounts, the cashier's cancel) — each checked where a user
and a merchant would look: the mini program's result page, the merchant's order and the
account's balance."""

import pytest
import pytest_asyncio

from simulator.core.signed_http import SignedClient
from simulator.testing.pages import (
    add_to_cart,
    cancel_in_cashier,
    open_shop,
    pay_in_cashier,
    press_pay,
    result_page,
    wait_for_status,
)
from simulator.testing.sim import get_json, running_sim

LATTE = 450  # USD 4.50, the first item on the menu

# code, forced outcome, account that reaches it by clicking (None: the cancel button),
# what the merchant ends up saying, whether the account is charged
CASES = [
    ("9000", "SUCCESS", "buyer@sandbox.test", "PAID", True),
    ("8000", "PROCESSING_THEN_SUCCESS", "slow-success@sandbox.test", "PAID", True),
    ("4000", "INSUFFICIENT_BALANCE", "lowbalance@sandbox.test", "FAILED", False),
    ("6001", "USER_CANCEL", None, "PAYING", False),
    ("6002", "NETWORK_LOST_BEFORE_DEBIT", "offline-before@sandbox.test", "PAYING", False),
    ("6004", "NETWORK_LOST_AFTER_DEBIT", "offline-after@sandbox.test", "PAID", True),
]


@pytest_asyncio.fixture
async def fast_sim(tmp_path, keys_template):
    """Waits divided by 60: a processing payment settles in half a second."""
    async with running_sim(tmp_path / "data", keys_from=keys_template, time_scale=60) as sim:
        yield sim


async def balance(http, sim, login):
    _, body = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    return int(next(a for a in body["accounts"] if a["loginId"] == login)["balances"]["USD"])


async def check_outcome(page, http, sim, code, merchant_status, charged, login, before):
    shown = await result_page(page)
    assert shown["resultCode"] == code
    await wait_for_status(page, merchant_status)
    _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{shown['orderId']}")
    assert order["status"] == merchant_status
    assert order["fulfilled"] == (1 if merchant_status == "PAID" else 0)
    assert before - await balance(http, sim, login) == (LATTE if charged else 0)
    return order


@pytest.mark.parametrize(("code", "outcome", "account", "merchant_status", "charged"), CASES, ids=[c[0] for c in CASES])
async def test_forced_through_the_control_api(sim, http, page, code, outcome, account, merchant_status, charged):
    login = "buyer@sandbox.test"
    before = await balance(http, sim, login)
    async with http.post(f"{sim.urls['wallet']}/_sim/outcomes", json={"outcome": outcome}) as resp:
        assert resp.status == 201
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    cashier = await press_pay(page)
    await pay_in_cashier(cashier)  # the default account; the forced outcome decides
    if code == "8000":
        shown = await result_page(page)
        _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{shown['orderId']}")
        async with http.post(f"{sim.urls['wallet']}/_sim/payments/{order['paymentId']}/settle") as resp:
            assert resp.status == 200
    await check_outcome(page, http, sim, code, merchant_status, charged, login, before)


@pytest.mark.parametrize(("code", "outcome", "account", "merchant_status", "charged"), CASES, ids=[c[0] for c in CASES])
async def test_reached_by_clicking_alone(fast_sim, http, page, code, outcome, account, merchant_status, charged):
    login = account or "buyer@sandbox.test"
    before = await balance(http, fast_sim, login)
    await open_shop(page, fast_sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    cashier = await press_pay(page)
    if account is None:
        await cancel_in_cashier(cashier)
    else:
        await pay_in_cashier(cashier, account=account)
    await check_outcome(page, http, fast_sim, code, merchant_status, charged, login, before)


async def test_wrong_password_shows_an_error_allows_retry_and_locks(sim, http, page):
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    cashier = await press_pay(page)
    await pay_in_cashier(cashier, password="123456")
    error = cashier.get_by_test_id("cashier-error")
    await error.filter(has_text="4 tries left").wait_for()
    await pay_in_cashier(cashier)  # the right password still works
    shown = await result_page(page)
    assert shown["resultCode"] == "9000"
    # five wrong tries lock the account
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 1)
    cashier = await press_pay(page)
    for left in (4, 3, 2, 1):
        await pay_in_cashier(cashier, password="000000")
        await error.filter(has_text=f"{left} tries left").wait_for()
    await pay_in_cashier(cashier, password="000000")
    await error.filter(has_text="locked").wait_for()
    _, accounts = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")
    buyer = next(a for a in accounts["accounts"] if a["loginId"] == "buyer@sandbox.test")
    assert buyer["locked"] is True


async def wallet_inquiry(http, sim, payment_request_id):
    """inquiryPayment, signed as the sandbox merchant: what the wallet itself holds."""
    _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
    client = SignedClient(
        http,
        client_id=creds["clientId"],
        private_pem=creds["merchantPrivateKey"],
        peer_public_pem=creds["walletPublicKey"],
    )
    exchange = await client.post(f"{creds['apiBaseUrl']}/inquiryPayment", {"paymentRequestId": payment_request_id})
    assert exchange.response_signature_valid
    return exchange.json()


async def test_wallet_reply_lost_after_pay_gives_a_retry_that_makes_one_payment(sim, http, page):
    # "drop" acts after the wallet has processed the call, by default: the payment is made
    # and the connection dies before the merchant hears of it.
    async with http.post(f"{sim.urls['wallet']}/_sim/faults", json={"endpoint": "pay", "kind": "drop"}) as resp:
        assert resp.status == 201 and (await resp.json())["phase"] == "after"
    await open_shop(page, sim.urls["miniprogram"])
    await add_to_cart(page, 0)
    await page.get_by_test_id("pay-button").click()
    dialog = page.get_by_test_id("mp-dialog")
    await dialog.filter(has_text="Please try again").wait_for()
    _, listed = await get_json(http, f"{sim.urls['merchant']}/api/orders")
    (pending,) = listed["orders"]
    assert pending["paymentId"] is None  # the merchant never heard the reply...
    made = await wallet_inquiry(http, sim, pending["paymentRequestId"])
    assert made["result"]["resultCode"] == "SUCCESS", made  # ...but the wallet made the payment
    await page.get_by_test_id("mp-confirm-ok").click()
    cashier = page.frame_locator("[data-testid=cashier-frame]")
    await pay_in_cashier(cashier)
    shown = await result_page(page)
    await wait_for_status(page, "PAID")
    _, order = await get_json(http, f"{sim.urls['merchant']}/api/orders/{shown['orderId']}")
    _, events = await get_json(
        http, f"{sim.urls['wallet']}/_sim/events", params={"paymentRequestId": order["paymentRequestId"]}
    )
    assert [e["paymentId"] for e in events["events"] if e["step"] == 5] == [order["paymentId"]]
    assert order["paymentId"] == made["paymentId"]  # the retry found the payment the lost call made
