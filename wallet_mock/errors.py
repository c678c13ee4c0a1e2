"""Typed wire errors: each carries its Alipay+ ``resultCode``; one middleware turns them
into ``{"result": {...}}`` replies (HTTP 200: business outcomes are not transport faults)."""

from __future__ import annotations

# resultStatus per resultCode: S success, U unknown (retry / inquire), F failed.
_UNKNOWN = {"PAYMENT_IN_PROCESS", "UNKNOWN_EXCEPTION", "REQUEST_TRAFFIC_EXCEED_LIMIT", "REFUND_IN_PROCESS"}

MESSAGES = {
    "SUCCESS": "Success",
    "PAYMENT_IN_PROCESS": "The payment is being processed.",
    "PARAM_ILLEGAL": "Illegal parameters exist.",
    "INVALID_SIGNATURE": "The signature is invalid.",
    "INVALID_CLIENT": "The client is invalid.",
    "KEY_NOT_FOUND": "The key is not found.",
    "MEDIA_TYPE_NOT_ACCEPTABLE": "The media type is not acceptable.",
    "REPEAT_REQ_INCONSISTENT": "The repeated request is inconsistent.",
    "ORDER_NOT_EXIST": "The order does not exist.",
    "ORDER_IS_CLOSED": "The order is closed.",
    "ORDER_IS_CANCELED": "The order is cancelled.",
    "ORDER_STATUS_INVALID": "The order status is invalid.",
    "CANCEL_WINDOW_EXCEED": "The cancellation is beyond the cancellable period.",
    "REFUND_AMOUNT_EXCEED_LIMIT": "The refund amount exceeds the refundable amount.",
    "REFUND_NOT_EXIST": "The refund does not exist.",
    "REFUND_IN_PROCESS": "The refund is being processed.",
    "REFUND_WINDOW_EXCEED": "The refund request is beyond the refund window.",
    "CURRENCY_NOT_SUPPORT": "The currency is not supported.",
    "USER_BALANCE_NOT_ENOUGH": "The user balance is not enough for the payment.",
    "RISK_REJECT": "The request is rejected because of the risk control.",
    "PROCESS_FAIL": "The payment processing failed.",
    "USER_NOT_EXIST": "The user does not exist.",
    "USER_STATUS_ABNORMAL": "The user status is abnormal.",
    "UNKNOWN_EXCEPTION": "An API call has failed, which is caused by unknown reasons.",
    "REQUEST_TRAFFIC_EXCEED_LIMIT": "The request traffic exceeds the limit.",
    "METHOD_NOT_SUPPORTED": "The server does not implement the requested HTTP method.",
    "NO_INTERFACE_DEF": "API is not defined.",
    "ACCESS_DENIED": "Access is denied.",
    # A call on an API profile the merchant does not use (the platform's common codes:
    # "INVALID_API: API is invalid"; docs/wallet-api.md, "API profiles").
    "INVALID_API": "The API is invalid for this client.",
    # The miniprogram profile's token API (applyToken).
    "INVALID_AUTH_CLIENT": "The auth client is invalid.",
    "EXPIRED_CODE": "The authorization code is no longer valid.",
    "USED_REFRESH_TOKEN": "The refresh token has been used.",
}


def result_status(code: str) -> str:
    if code == "SUCCESS":
        return "S"
    return "U" if code in _UNKNOWN else "F"


def result(code: str, message: str | None = None) -> dict[str, str]:
    return {
        "resultCode": code,
        "resultStatus": result_status(code),
        "resultMessage": message or MESSAGES.get(code, code),
    }


class ApiError(Exception):
    """A refusal in Alipay+ terms. ``http_status`` stays 200 except for transport faults."""

    def __init__(self, code: str, message: str | None = None, *, http_status: int = 200, extra: dict | None = None):
        super().__init__(message or MESSAGES.get(code, code))
        self.code = code
        self.message = message or MESSAGES.get(code, code)
        self.http_status = http_status
        self.extra = extra or {}

    def payload(self) -> dict:
        return {"result": result(self.code, self.message), **self.extra}
