"""How the wallet writes payments and refunds on the Alipay+ wire: the replies to pay,
inquiryPayment, refund and inquiryRefund, and the notifyPayment and notifyRefund bodies. One place, so a
reply and the notification can never disagree about a payment."""

from __future__ import annotations

from simulator.core.clock import iso

from .errors import result
from .models import Payment, PaymentStatus, Refund, RefundStatus


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
        body["redirectActionForm"] = {"method": "GET", "redirectUrl": payment_url}
    if p.paid_at:
        body["paymentTime"] = iso(p.paid_at)
    return body


def inquiry_reply(p: Payment) -> dict:
    code = payment_result_code(p)
    return {
        "result": result("SUCCESS"),
        "paymentStatus": p.status.wire,
        "paymentResultCode": code,
        "paymentResultMessage": result(code)["resultMessage"],
        **_payment_fields(p),
    }


def notify_payment_body(p: Payment) -> dict:
    """``notifyPayment`` as Antom sends it for a final payment."""
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
    """The reply to ``refund``: the refund's ids, amount and time on SUCCESS; the refusal
    alone on FAIL (the same answer every time that refundRequestId comes back)."""
    if r.status is not RefundStatus.SUCCESS:
        return {"result": result(r.result_code)}
    return {
        "result": result("SUCCESS"),
        "refundRequestId": r.refund_request_id,
        "refundId": r.refund_id,
        "paymentId": r.payment_id,
        "refundAmount": r.amount.to_wire(),
        "refundTime": iso(r.refunded_at),
    }


# The merchant-side API each kind of outbox row calls (its notifyType -> its name).
NOTIFY_APIS = {"PAYMENT_RESULT": "notifyPayment", "REFUND_RESULT": "notifyRefund"}


def notify_refund_body(r: Refund) -> dict:
    """``notifyRefund`` as Antom sends it once a refund has reached a final state. Refunds
    here succeed at once, or are refused in the reply itself and never accepted: only a
    successful one is notified."""
    return {
        "notifyType": "REFUND_RESULT",
        "result": result("SUCCESS"),
        "refundStatus": r.status.value,
        "refundRequestId": r.refund_request_id,
        "refundId": r.refund_id,
        "refundAmount": r.amount.to_wire(),
        "refundTime": iso(r.refunded_at),
    }


def inquiry_refund_reply(r: Refund) -> dict:
    body = {
        "result": result("SUCCESS"),
        "refundId": r.refund_id,
        "refundRequestId": r.refund_request_id,
        "refundAmount": r.amount.to_wire(),
        "refundStatus": r.status.value,
    }
    if r.refunded_at:
        body["refundTime"] = iso(r.refunded_at)
    return body
