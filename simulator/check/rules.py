"""The rules a merchant server is checked against: what each requires, where the flow or
Antom says so, and what to fix when it does not hold. docs/check-merchant.md lists them."""

from __future__ import annotations

from dataclasses import dataclass

FLOW = "the flow, step 20 (SPEC: the merchant trusts the notification or inquiryPayment, never the client's resultCode)"
NOTIFY = "Antom notifyPayment: https://docs.antom.com/ac/ams/paymentrn_online"
INQUIRY = "Antom inquiryPayment: https://docs.antom.com/ac/ams/paymentri_online"
SIGNATURE = "Antom signatures: https://docs.antom.com/ac/ams/digital_signature"
TRADEPAY = "my.tradePay resultCodes: https://opendocs.alipay.com/mini/api/openapi-pay"
PAY = "Alipay+ pay, paymentRequestId idempotency: https://docs.alipayplus.com/alipayplus/alipayplus/api_acq_ns/pay_cashier"


@dataclass(frozen=True)
class Rule:
    id: str
    requires: str
    sources: tuple[str, ...]
    fix: str  # what the merchant's developer should change when it fails


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "paid-after-success",
            "after 9000 and the wallet's PAYMENT_RESULT (S) notification, the order is paid",
            (NOTIFY, FLOW),
            "mark the order paid when a verified notifyPayment says resultStatus S, or when inquiryPayment "
            "says paymentStatus SUCCESS",
        ),
        Rule(
            "not-paid-after-cancel",
            "after 6001 (the user closed the cashier) the order is not paid",
            (TRADEPAY, FLOW),
            "6001 means the user cancelled: keep the order unpaid (payable again) until the wallet says otherwise",
        ),
        Rule(
            "not-paid-after-refusal",
            "after 4000 and PAYMENT_RESULT F (USER_BALANCE_NOT_ENOUGH) the order is not paid",
            (NOTIFY, TRADEPAY),
            "a notification with resultStatus F is a failed payment: never mark such an order paid",
        ),
        Rule(
            "pending-while-processing",
            "after 8000 and PAYMENT_PENDING, the order is neither paid nor failed until the wallet's final word",
            (NOTIFY, TRADEPAY, INQUIRY),
            "8000 and PAYMENT_PENDING mean 'wait': keep the order pending; only PAYMENT_RESULT (or inquiryPayment "
            "SUCCESS / FAIL) decides it",
        ),
        Rule(
            "paid-after-processing-success",
            "a processing payment that settles to SUCCESS makes the order paid",
            (NOTIFY, INQUIRY),
            "after PAYMENT_PENDING, keep listening: the later PAYMENT_RESULT S (or inquiryPayment SUCCESS) pays it",
        ),
        Rule(
            "failed-after-processing-failure",
            "a processing payment that settles to FAIL leaves the order not paid",
            (NOTIFY, INQUIRY),
            "a PAYMENT_RESULT F after PAYMENT_PENDING fails the order: do not treat 8000 as paid",
        ),
        Rule(
            "paid-after-6004",
            "after 6004 (charged, the client was not told) the order ends paid, through the notification or inquiry",
            (TRADEPAY, NOTIFY, INQUIRY),
            "6004 means 'unknown, ask': do not fail the order on it; wait for the notification or call inquiryPayment",
        ),
        Rule(
            "inquiry-when-notification-lost",
            "when the notification is lost, the order still ends paid within the stated time, through inquiryPayment",
            (INQUIRY, NOTIFY, FLOW),
            "when a paying order has no notification after a while, call inquiryPayment (a reconciliation job, or "
            "on the result page's request) and apply its paymentStatus",
        ),
        Rule(
            "repeat-acknowledged",
            "a repeated or resent notification is acknowledged again and leaves the order paid",
            (NOTIFY,),
            "notifications come more than once: answer every copy with the acknowledgement and apply it only once",
        ),
        Rule(
            "fulfilled-once",
            "a paid order is fulfilled exactly once, however many notifications and inquiries arrive",
            (NOTIFY,),
            "make 'mark paid and fulfil' one conditional update (… WHERE status = 'PAYING'): only the call that "
            "wins it fulfils",
        ),
        Rule(
            "forged-other-key-refused",
            "a notification signed with another key is refused (not acknowledged with S) and pays nothing",
            (SIGNATURE, NOTIFY),
            "verify every notification's Signature with the wallet's public key before reading it; refuse it otherwise",
        ),
        Rule(
            "forged-tampered-refused",
            "a notification whose body was changed after the wallet signed it is refused and pays nothing",
            (SIGNATURE, NOTIFY),
            "verify the signature over the exact bytes received (method, path, Client-Id, Request-Time, body)",
        ),
        Rule(
            "client-code-not-proof",
            "a client that reports 9000 without paying does not make the order paid",
            (FLOW, TRADEPAY),
            "the client's resultCode is a hint: confirm with inquiryPayment (or wait for the notification) before "
            "marking an order paid",
        ),
        Rule(
            "not-paid-after-expiry",
            "a payment that expired unpaid (PAYMENT_RESULT F, ORDER_IS_CLOSED) leaves the order not paid",
            (NOTIFY, INQUIRY),
            "an expired payment is a failed one: close the order, never mark it paid",
        ),
        Rule(
            "one-payment-on-retry",
            "a pay call retried after a lost reply makes one payment: the same paymentRequestId, seen in the "
            "wallet's records",
            (PAY,),
            "keep the paymentRequestId of an order and send the same one when you retry pay; a new one is a new "
            "payment (the buyer may pay twice)",
        ),
        Rule(
            "acknowledgement-format",
            'every delivery is answered HTTP 200 with {"result": {"resultCode": "SUCCESS", "resultStatus": "S", '
            '"resultMessage": "success"}}',
            (NOTIFY,),
            "answer the notification with exactly the documented acknowledgement; anything else makes the wallet "
            "retry it for 24 h",
        ),
    )
}
