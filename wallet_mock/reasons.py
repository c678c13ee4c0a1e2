"""Why a payment did not go through, in the buyer's words: what the cashier shows after
a refusal and when a closed payment is opened again. One line per Alipay+ result code,
so insufficient balance, risk control, expiry and the merchant's cancellation never
read alike (a wallet app tells them apart; "Payment failed" alone does not)."""

from __future__ import annotations

from typing import NamedTuple

from .models import Payment, PaymentStatus


class Reason(NamedTuple):
    code: str  # the payment's Alipay+ resultCode
    title: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "title": self.title, "message": self.message}


_NOTHING_TAKEN = "No money was taken."
REASONS = {
    "USER_BALANCE_NOT_ENOUGH": (
        "Insufficient balance",
        f"The account you chose does not have enough money for this payment. {_NOTHING_TAKEN}"
        " Top up or choose another account, then pay again from the shop.",
    ),
    "RISK_REJECT": (
        "Declined by risk control",
        f"SimPay's risk control declined this payment to protect your account. {_NOTHING_TAKEN}"
        " Topping up will not help: use another payment method or contact SimPay.",
    ),
    "ORDER_IS_CLOSED": (
        "Payment expired",
        f"This payment expired before it was completed and can no longer be paid. {_NOTHING_TAKEN} Start a new payment from the shop.",
    ),
    "ORDER_IS_CANCELED": (
        "Cancelled by the merchant",
        f"The merchant cancelled this payment. {_NOTHING_TAKEN}",
    ),
    "PROCESS_FAIL": (
        "Payment failed",
        f"The payment could not be completed after processing. {_NOTHING_TAKEN}",
    ),
}


def reason_for(p: Payment) -> Reason | None:
    """Why ``p`` cannot be paid (any more), or None while it can or once it is paid."""
    if p.status is PaymentStatus.SUCCESS:
        return Reason("SUCCESS", "Already paid", "This order has already been paid. Nothing more is due.")
    if p.status not in (PaymentStatus.FAIL, PaymentStatus.CANCELLED):
        return None
    code = p.result_code or ("ORDER_IS_CANCELED" if p.status is PaymentStatus.CANCELLED else "ORDER_IS_CLOSED")
    title, message = REASONS.get(
        code, ("Payment closed", f"This payment is closed and can no longer be paid. {_NOTHING_TAKEN}")
    )
    return Reason(code, title, message)
