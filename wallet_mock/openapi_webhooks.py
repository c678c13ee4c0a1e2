"""The calls the wallet makes to a merchant, ``notifyPayment`` and ``notifyRefund``, as
OpenAPI 3.1 ``webhooks``: what the merchant's notify URL receives, how it is signed, and
the acknowledgement that stops the retries."""

from __future__ import annotations

from typing import Any

from .worker import RETRY_SCHEDULE_SECONDS

_SIGNED = (
    "Signed by the wallet like its replies: headers Client-Id (the merchant's), Request-Time and "
    "Signature (algorithm=RSA256,keyVersion=1,signature=<urlencoded base64>) over "
    '"POST <path>\\n<Client-Id>.<Request-Time>.<raw body>", where <path> is the notify URL\'s path '
    "WITHOUT its query string (a notification to https://shop.example/notify?shop=7 is signed over "
    '"POST /notify\\n..."). Verify it with the wallet\'s public key (GET /_sim/credentials, walletPublicKey). '
    "Acknowledge with HTTP 200 and the body AckResult; anything else is retried after "
    + ", ".join(f"{s // 60} min" if s >= 60 else f"{s} s" for s in RETRY_SCHEDULE_SECONDS)
    + " (divided by --time-scale)."
)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "NotifyPayment": {
        "type": "object",
        "description": "Alipay+ / Antom profile. PAYMENT_RESULT for a final payment (result SUCCESS or the "
        "failure's code); PAYMENT_PENDING for one the buyer has paid that is still processing.",
        "properties": {
            "notifyType": {"enum": ["PAYMENT_RESULT", "PAYMENT_PENDING"]},
            "result": _ref("Result"),
            "paymentRequestId": _ref("Id"),
            "paymentId": _ref("Id"),
            "paymentAmount": _ref("WireAmount"),
            "paymentCreateTime": _ref("Time"),
            "paymentTime": _ref("Time"),
        },
        "required": ["notifyType", "result", "paymentRequestId", "paymentId", "paymentAmount", "paymentCreateTime"],
    },
    "NotifyPaymentV2": {
        "type": "object",
        "description": "Mini program platform profile (v2): sent once the payment is final (success or fail); "
        "nothing while it is processing.",
        "properties": {
            "paymentId": _ref("Id"),
            "paymentRequestId": _ref("Id"),
            "paymentResult": _ref("Result"),
            "paymentAmount": _ref("WireAmount"),
            "paymentCreateTime": _ref("Time"),
            "paymentTime": _ref("Time"),
        },
        "required": ["paymentId", "paymentRequestId", "paymentResult", "paymentAmount", "paymentCreateTime"],
    },
    "NotifyRefund": {
        "type": "object",
        "description": "Alipay+ / Antom profile, for an asynchronous refund once it is final (SUCCESS or "
        "FAIL), to its refundNotifyUrl. Synchronous refunds are not notified.",
        "properties": {
            "notifyType": {"const": "REFUND_RESULT"},
            "result": _ref("Result"),
            "refundStatus": {"enum": ["SUCCESS", "FAIL"]},
            "refundRequestId": _ref("Id"),
            "refundId": _ref("Id"),
            "refundAmount": _ref("WireAmount"),
            "refundTime": _ref("Time"),
        },
        "required": ["notifyType", "result", "refundStatus", "refundRequestId", "refundId", "refundAmount"],
    },
    "AckResult": {
        "type": "object",
        "description": "What stops the retries: result.resultStatus S.",
        "properties": {
            "result": {
                "type": "object",
                "properties": {
                    "resultCode": {"const": "SUCCESS"},
                    "resultStatus": {"const": "S"},
                    "resultMessage": {"type": "string"},
                },
                "required": ["resultStatus"],
            }
        },
        "required": ["result"],
        "example": {"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}},
    },
}


def _webhook(summary: str, body: dict) -> dict:
    return {
        "post": {
            "tags": ["notifications"],
            "summary": summary,
            "description": _SIGNED,
            "security": [{"ClientId": [], "RequestTime": [], "Signature": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {
                "200": {
                    "description": "Acknowledged: no more attempts.",
                    "content": {"application/json": {"schema": _ref("AckResult")}},
                },
                "default": {"description": "Not acknowledged: the wallet retries on its schedule."},
            },
        }
    }


def webhooks(profiles: tuple[str, ...]) -> dict:
    """The webhooks the merchants of ``profiles`` receive."""
    payment = [
        _ref(name) for p, name in (("alipayplus", "NotifyPayment"), ("miniprogram", "NotifyPaymentV2")) if p in profiles
    ]
    hooks = {
        "notifyPayment": _webhook(
            "The payment's result, POSTed to its paymentNotifyUrl (or the merchant's registered notify URL)",
            payment[0] if len(payment) == 1 else {"oneOf": payment},
        )
    }
    if "alipayplus" in profiles:
        hooks["notifyRefund"] = _webhook(
            "An asynchronous refund's result, POSTed to its refundNotifyUrl", _ref("NotifyRefund")
        )
    return hooks
