"""The checkout with Playwright's sync API: pytest-playwright's ``page`` and the same
page helpers as the async suite (``simulator.testing.pages`` runs them at once when
given a sync page)."""

import pytest

from simulator.testing.pages import (
    add_to_cart,
    cancel_in_cashier,
    open_shop,
    pay_in_cashier,
    press_pay,
    result_page,
    wait_for_status,
)


def checkout(page, tradepay_sim, *, password="111111"):
    open_shop(page, tradepay_sim.urls["miniprogram"])
    add_to_cart(page, 0, 1)
    cashier = press_pay(page)
    pay_in_cashier(cashier, password=password)
    return cashier


def test_pay_and_the_merchant_is_notified(page, tradepay_sim):
    checkout(page, tradepay_sim)
    wait_for_status(page, "PAID")
    shown = result_page(page)
    assert shown["resultCode"] == "9000" and shown["status"] == "PAID"
    order = tradepay_sim.order(shown["orderId"])
    assert order["amount"] == {"currency": "USD", "value": "970"}
    assert tradepay_sim.wait_for_notification(order["paymentId"])["status"] == "DELIVERED"


@pytest.mark.parametrize(("outcome", "code"), [("INSUFFICIENT_BALANCE", "4000"), ("RISK_REJECT", "4000")])
def test_forced_outcome(page, tradepay_sim, outcome, code):
    tradepay_sim.force_outcome(outcome)
    checkout(page, tradepay_sim)
    wait_for_status(page, "FAILED")
    assert result_page(page)["resultCode"] == code


def test_a_wrong_password_keeps_the_cashier_open(page, tradepay_sim):
    cashier = checkout(page, tradepay_sim, password="000000")
    error = cashier.get_by_test_id("cashier-error")
    error.wait_for()
    assert "Wrong payment password" in error.text_content()
    cancel_in_cashier(cashier)
    assert result_page(page)["resultCode"] == "6001"
