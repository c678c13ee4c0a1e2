"""How the wallet writes payments and refunds on the Alipay+ wire: the replies to pay,
inquiryPayment, refund and inquiryRefund, and the notifyPayment and notifyRefund bodies. One place, so a
reply and the notification can never disagree about a payment."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from simulator.core.clock import iso

from .errors import result
from .models import InquiredPayment, Payment, PaymentStatus, Refund, RefundStatus

# The simulated wallet app, as an app link and a scheme name it: what a merchant's app
# would open on a phone where "SimPay" is installed (nothing on this machine opens them).
APP_IDENTIFIER = "com.tradepaysim.simpay"
APP_SCHEME = "simpay"


def payment_result_code(p: Payment) -> str:
    """The resultCode that describes where the payment stands."""
    if p.status is PaymentStatus.SUCCESS:
        return "SUCCESS"
    if p.status in (PaymentStatus.INIT, PaymentStatus.PROCESSING):
        return "PAYMENT_IN_PROCESS"
    if p.status is PaymentStatus.CANCELLED:
        return "ORDER_IS_CANCELED"
    return p.result_code  # FAIL keeps its reason: USER_BALANCE_NOT_ENOUGH, RISK_REJECT, ORDER_IS_CLOSED


def pay_reply(p: Payment, payment_url: str) -> dict:
    """The reply to ``pay``: U/PAYMENT_IN_PROCESS with the paymentUrl while the user has
    not paid; the final result once there is one (idempotent replays)."""
    body = {
        "result": result(payment_result_code(p)),
        "paymentRequestId": p.payment_request_id,
        "paymentId": p.payment_id,
        "paymentAmount": p.amount.to_wire(),
        "paymentCreateTime": iso(p.created_at),
        "paymentExpiryTime": iso(p.expires_at),
    }
    if not p.status.final:
        body["normalUrl"] = payment_url
        body.update(_app_urls(p.terminal_type, payment_url))
        # Deprecated by Antom (April 2023) but still parsed by older SDKs; harmless.
        body["redirectActionForm"] = {"method": "GET", "redirectUrl": payment_url}
    if p.paid_at:
        body["paymentTime"] = iso(p.paid_at)
    return body


def _app_urls(terminal_type: str | None, payment_url: str) -> dict:
    """The continuation URLs besides normalUrl, by the terminal type the payment was made
    for (Antom's pay reply: "at least one of schemeUrl, applinkUrl and normalUrl";
    appIdentifier "when terminalType is APP or WAP"). WEB and MINI_APP get normalUrl
    alone: a mini program hands it to my.tradePay. applinkUrl opens the wallet app where
    it is installed and this same WAP cashier where it is not."""
    if terminal_type == "WAP":
        return {"applinkUrl": payment_url, "appIdentifier": APP_IDENTIFIER}
    if terminal_type == "APP":
        return {
            "schemeUrl": f"{APP_SCHEME}://pay?paymentUrl={quote(payment_url, safe='')}",
            "applinkUrl": payment_url,
            "appIdentifier": APP_IDENTIFIER,
        }
    return {}


def inquiry_reply(inquired: InquiredPayment) -> dict:
    p = inquired.payment
    code = payment_result_code(p)
    body = {
        "result": result("SUCCESS"),
        "paymentStatus": p.status.wire,
        "paymentResultCode": code,
        "paymentResultMessage": result(code)["resultMessage"],
        **_payment_fields(p),
    }
    transactions = [_refund_transaction(r) for r in inquired.refunds]
    if p.status is PaymentStatus.CANCELLED and p.paid_at:
        transactions.append(_cancel_transaction(p))
    if transactions:
        body["transactions"] = transactions
    return body


def _refund_transaction(r: Refund) -> dict:
    """A refund as an item of inquiryPayment's transactions (the SDK's Transaction)."""
    out = {
        "transactionResult": result(r.result_code),
        "transactionId": r.refund_id,
        "transactionType": "REFUND",
        "transactionStatus": r.status.value,
        "transactionAmount": r.amount.to_wire(),
        "transactionRequestId": r.refund_request_id,
        "transactionTime": iso(r.refunded_at or r.created_at),
    }
    return out


def _cancel_transaction(p: Payment) -> dict:
    """A paid payment given back by cancelPayment, as a CANCEL transaction (it has no
    id or request id of its own: the payment's)."""
    return {
        "transactionResult": result("SUCCESS"),
        "transactionId": p.payment_id,
        "transactionType": "CANCEL",
        "transactionStatus": "SUCCESS",
        "transactionAmount": p.amount.to_wire(),
        "transactionRequestId": p.payment_request_id,
        "transactionTime": iso(p.updated_at or p.created_at),
    }


def notify_payment_body(p: Payment) -> dict:
    """``notifyPayment`` as Antom sends it: PAYMENT_RESULT for a final payment,
    PAYMENT_PENDING ("the user has completed the payment, wait for the final result")
    for one the user has paid that is still processing."""
    if p.status is PaymentStatus.PROCESSING:
        return {"notifyType": "PAYMENT_PENDING", "result": result("PAYMENT_IN_PROCESS"), **_payment_fields(p)}
    return {"notifyType": "PAYMENT_RESULT", "result": result(payment_result_code(p)), **_payment_fields(p)}


def _payment_fields(p: Payment) -> dict:
    """The ids, amount and times every description of a payment carries."""
    fields = {
        "paymentRequestId": p.payment_request_id,
        "paymentId": p.payment_id,
        "paymentAmount": p.amount.to_wire(),
        "paymentCreateTime": iso(p.created_at),
    }
    if p.paid_at:
        fields["paymentTime"] = iso(p.paid_at)
    return fields


def refund_reply(r: Refund) -> dict:
    """The reply to ``refund``: the refund's ids, amount and time on SUCCESS; its ids and
    U / REFUND_IN_PROCESS while an asynchronous one is processing; the refusal alone on
    FAIL (the same answer every time that refundRequestId comes back)."""
    if r.status is RefundStatus.FAIL:
        return {"result": result(r.result_code)}
    body: dict[str, Any] = {
        "result": result("SUCCESS" if r.status is RefundStatus.SUCCESS else "REFUND_IN_PROCESS"),
        "refundRequestId": r.refund_request_id,
        "refundId": r.refund_id,
        "paymentId": r.payment_id,
        "refundAmount": r.amount.to_wire(),
    }
    if r.refunded_at:
        body["refundTime"] = iso(r.refunded_at)
    return body


# The merchant-side API each kind of outbox row calls (its notifyType -> its name).
NOTIFY_APIS = {"PAYMENT_RESULT": "notifyPayment", "PAYMENT_PENDING": "notifyPayment", "REFUND_RESULT": "notifyRefund"}


def notify_refund_body(r: Refund) -> dict:
    """``notifyRefund`` as Antom sends it once an asynchronous refund has reached a final
    state, SUCCESS or FAIL (refundTime only for a success)."""
    body: dict[str, Any] = {
        "notifyType": "REFUND_RESULT",
        "result": result(r.result_code),
        "refundStatus": r.status.value,
        "refundRequestId": r.refund_request_id,
        "refundId": r.refund_id,
        "refundAmount": r.amount.to_wire(),
    }
    if r.refunded_at:
        body["refundTime"] = iso(r.refunded_at)
    return body


def inquiry_refund_reply(r: Refund) -> dict:
    body: dict[str, Any] = {
        "result": result("SUCCESS"),
        "refundId": r.refund_id,
        "refundRequestId": r.refund_request_id,
        "refundAmount": r.amount.to_wire(),
        "refundStatus": r.status.value,
    }
    if r.refunded_at:
        body["refundTime"] = iso(r.refunded_at)
    return body
