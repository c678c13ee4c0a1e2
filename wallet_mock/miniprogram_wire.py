"""The mini program platform's reference wallet API (the ``miniprogram`` profile, the
"mpdev" v2 family) on the wire: its request parsers, its replies and its payment
notification. The payments they describe are the one engine's (service.py); only the
field names and shapes differ from Alipay+ (wire.py, parsing.py).

Sources (docs/wallet-api.md, "The miniprogram profile", says which field came from
which page and what was assumed where a page could not be read in full):
miniprogram.alipay.com/docs/miniprogram/mpdev/v2_pay, v2_inquirypayment,
v2_notifypayment, v2_applytoken, .../mpdev/cancel, .../mpdev/openapi_overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from simulator.core import auth_codes, jsonio
from simulator.core.clock import iso

from . import parsing, wire
from .errors import ApiError, result
from .models import InquiredPayment, JournalIds, Payment, PaymentStatus, Refund
from .parsing import PayRequest, identifier, money, obj, text, url
from .wire import payment_result_code

# v2 pay's productCode: "AGREEMENT_PAYMENT, IN_STORE_PAYMENT, CASHIER_PAYMENT"; optional.
PRODUCT_CODES = ("CASHIER_PAYMENT", "AGREEMENT_PAYMENT", "IN_STORE_PAYMENT")
MAX_APP_ID = 32  # appId: "Max. length: 32 characters"
MAX_EXTEND_INFO = 4096  # extendInfo: "Max. length: 4096 characters"

# The top-level fields each request knows (from the reference pages; the assumed ones
# are marked in docs/wallet-api.md). Others are accepted, kept and ignored.
PAY_FIELDS = frozenset(
    {
        "appId",
        "productCode",
        "salesCode",
        "paymentRequestId",
        "paymentAmount",
        "order",
        "paymentNotifyUrl",  # assumed (Alipay+'s name): the page's table could not be read past order
        "paymentRedirectUrl",  # assumed, as above
        "paymentExpiryTime",  # assumed, as above
        "extendInfo",
    }
)
PAYMENT_REFERENCE_FIELDS = frozenset({"paymentId", "paymentRequestId", "extendInfo"})
REFUND_FIELDS = frozenset(
    {"refundRequestId", "paymentId", "paymentRequestId", "refundAmount", "refundReason", "extendInfo"}
)
REFUND_REFERENCE_FIELDS = frozenset({"refundId", "refundRequestId"})
APPLY_TOKEN_FIELDS = frozenset(
    {"appId", "authClientId", "grantType", "customerBelongsTo", "authCode", "refreshToken", "extendInfo"}
)
GRANT_TYPES = ("AUTHORIZATION_CODE", "REFRESH_TOKEN")


def _bad(message: str) -> ApiError:
    return ApiError("PARAM_ILLEGAL", message)


def _app_id(body: dict) -> str:
    """appId: required, "Max. length: 32 characters", "special characters such as @ # ?"
    not allowed (v2_applytoken). The wallet keeps it with the request; it keeps no registry
    of mini programs to check it against."""
    app_id = identifier(body, "appId")
    assert app_id is not None
    if len(app_id) > MAX_APP_ID:
        raise _bad(f"appId is longer than {MAX_APP_ID} characters")
    if any(c in app_id for c in "@#?"):
        raise _bad("appId must not contain special characters such as @ # ?")
    return app_id


def _extend_info(body: dict) -> None:
    """extendInfo: a String of at most 4096 characters by the tables, a JSON object in the
    pages' examples (``{"memo": "memo"}``): both are taken, kept with the request."""
    value = body.get("extendInfo")
    if isinstance(value, dict):
        if len(jsonio.dumps(value)) > MAX_EXTEND_INFO:
            raise _bad(f"extendInfo is longer than {MAX_EXTEND_INFO} characters")
        return
    text(body, "extendInfo", required=False, max_len=MAX_EXTEND_INFO)


# --- pay ----------------------------------------------------------------------------


def parse_pay(body: dict[str, Any], now: datetime) -> PayRequest:
    """v2 ``pay``: ``appId`` and ``paymentRequestId`` and ``paymentAmount`` required;
    ``productCode`` optional (CASHIER_PAYMENT is the product served here); ``order``
    optional ("only used to display ..."): without one, the payment's reference is its
    paymentRequestId and the cashier shows no description of its own."""
    _app_id(body)
    product_code = text(body, "productCode", required=False, max_len=32)
    if product_code is not None and product_code not in PRODUCT_CODES:
        raise _bad(f"productCode must be one of {', '.join(PRODUCT_CODES)}")
    if product_code not in (None, "CASHIER_PAYMENT"):
        raise _bad(f"productCode {product_code} is not served here: this pay is Cashier Payment (CASHIER_PAYMENT)")
    text(body, "salesCode", required=False, max_len=32)
    _extend_info(body)
    payment_request_id = identifier(body, "paymentRequestId")
    amount = money(body, "paymentAmount")
    assert payment_request_id is not None and amount is not None
    order = obj(body, "order", required=False) or {}
    reference_order_id = identifier(order, "referenceOrderId", required=False, where="order.")
    description = text(order, "orderDescription", required=False, max_len=256, where="order.")
    order_amount = money(order, "orderAmount", required=False, where="order.")
    if order_amount is not None and order_amount.currency != amount.currency:
        raise ApiError("CURRENCY_NOT_SUPPORT", "order.orderAmount and paymentAmount must share a currency")
    merchant = obj(order, "merchant", required=False, where="order.") or {}
    merchant_name = text(merchant, "merchantName", required=False, max_len=256, where="order.merchant.")
    goods = order.get("goods") or []
    if not isinstance(goods, list) or not all(isinstance(g, dict) for g in goods) or len(goods) > 100:
        raise _bad("order.goods must be a list of at most 100 objects")
    for i, item in enumerate(goods):
        text(item, "goodsName", required=False, max_len=256, where=f"order.goods[{i}].")
        money(item, "goodsUnitAmount", required=False, where=f"order.goods[{i}].")
        parsing.check_quantity(item, f"order.goods[{i}].")
    return PayRequest(
        payment_request_id=payment_request_id,
        amount=amount,
        reference_order_id=reference_order_id or payment_request_id,
        order_description=parsing.shown(description or ""),
        merchant_name=parsing.shown(merchant_name) if merchant_name is not None else None,
        goods=goods,
        notify_url=url(body, "paymentNotifyUrl"),
        redirect_url=url(body, "paymentRedirectUrl"),
        expiry=parsing.parse_expiry(body, now),
        product_code=product_code or "CASHIER_PAYMENT",
        raw=body,
    )


def pay_reply(p: Payment, payment_url: str) -> dict:
    """v2 ``pay``'s reply: the result, the wallet's paymentId, and while the user has not
    paid the cashier page's address as ``redirectActionForm.redirectUrl`` (what the
    merchant hands to my.tradePay as its paymentUrl). The page's response table could
    not be read in full: redirectActionForm is the platform's RedirectActionForm model as
    Alipay+ uses it (assumed; docs/wallet-api.md)."""
    body: dict[str, Any] = {
        "result": result(payment_result_code(p)),
        "paymentId": p.payment_id,
        "paymentRequestId": p.payment_request_id,
        "paymentAmount": p.amount.to_wire(),
        "paymentCreateTime": iso(p.created_at),
    }
    if not p.status.final:
        body["redirectActionForm"] = {"method": "GET", "redirectUrl": payment_url}
    if p.paid_at:
        body["paymentTime"] = iso(p.paid_at)
    return body


# --- inquiryPayment, cancel ------------------------------------------------------------


def parse_payment_reference(body: dict[str, Any], now: datetime | None = None) -> parsing.PaymentReference:
    _extend_info(body)
    return parsing.parse_payment_reference(body)


# paymentStatus as the platform's inquiryPayment names it: "SUCCESS - order is succeeded.
# FAIL - order is failed. PROCESSING - order is not paid or is paid but not finish.
# CANCELLED - order is cancelled." (no PENDING: a paid payment still settling is PROCESSING).
_STATUS = {
    PaymentStatus.INIT: "PROCESSING",
    PaymentStatus.PROCESSING: "PROCESSING",
    PaymentStatus.SUCCESS: "SUCCESS",
    PaymentStatus.FAIL: "FAIL",
    PaymentStatus.CANCELLED: "CANCELLED",
}


def inquiry_reply(inquired: InquiredPayment) -> dict:
    p = inquired.payment
    body: dict[str, Any] = {
        "result": result("SUCCESS"),
        "paymentId": p.payment_id,
        "paymentRequestId": p.payment_request_id,
        "paymentAmount": p.amount.to_wire(),
        "paymentStatus": _STATUS[p.status],
    }
    if p.paid_at:
        body["paymentTime"] = iso(p.paid_at)
    if p.status is PaymentStatus.FAIL:
        body["paymentFailReason"] = p.result_code  # "The fail reason ... when paymentStatus is FAIL"
    return body


def cancel_reply(p: Payment, now: datetime) -> dict:
    """/v2/payments/cancel's reply: result, paymentId, paymentRequestId, cancelTime ("returned
    only when the cancellation succeeds")."""
    return {
        "result": result("SUCCESS"),
        "paymentId": p.payment_id,
        "paymentRequestId": p.payment_request_id,
        "cancelTime": iso(now),
    }


def notify_payment(p: Payment) -> dict | None:
    """v2 ``notifyPayment``: sent "when the payment processing reaches the final state
    (Success/Fail)": paymentId, paymentRequestId, paymentResult (a Result), paymentAmount,
    paymentTime, paymentCreateTime. Nothing is sent for a payment still processing (the
    platform has no PAYMENT_PENDING)."""
    if not p.status.final:
        return None
    body: dict[str, Any] = {
        "paymentId": p.payment_id,
        "paymentRequestId": p.payment_request_id,
        "paymentResult": result(payment_result_code(p)),
        "paymentAmount": p.amount.to_wire(),
        "paymentCreateTime": iso(p.created_at),
    }
    if p.paid_at:
        body["paymentTime"] = iso(p.paid_at)
    return body


# --- refund, inquiryRefund -------------------------------------------------------------


def parse_refund(body: dict[str, Any], now: datetime | None = None) -> parsing.RefundRequest:
    """v2 ``refund`` (assumed: the page was not found; the fields are the Alipay+ ones the
    platform's other v2 pages use, refundRequestId, paymentId or paymentRequestId,
    refundAmount, refundReason, extendInfo)."""
    _extend_info(body)
    return parsing.parse_refund_request(body)


def refund_reply(r: Refund) -> dict:
    """Alipay+'s refund reply (wire.refund_reply: the result by the refund's status, so a
    replay after it settled says so) without paymentId, which v2 refunds do not echo."""
    body = wire.refund_reply(r)
    body.pop("paymentId", None)
    return body


def inquiry_refund_reply(r: Refund) -> dict:
    """inquiryRefund: Alipay+'s (refundId, refundRequestId, refundAmount, refundTime and
    refundStatus PROCESSING, SUCCESS, FAIL) with the refundReason given."""
    body = wire.inquiry_refund_reply(r)
    if r.reason:
        body["refundReason"] = r.reason
    return body


# --- applyToken ----------------------------------------------------------------------

# How long what the token API hands out lives (the wallet's clock). Alipay documents an
# auth code as valid "3 分钟到 24 小时" and single-use; the sandbox takes ten minutes.
AUTH_CODE_TTL = timedelta(minutes=10)
ACCESS_TOKEN_TTL = timedelta(days=1)
REFRESH_TOKEN_TTL = timedelta(days=30)


@dataclass(frozen=True)
class TokenRequest:
    app_id: str
    auth_client_id: str
    grant_type: str
    code: dict | None  # the decoded auth code (AUTHORIZATION_CODE)
    refresh_token: str | None  # (REFRESH_TOKEN)


def parse_apply_token(body: dict[str, Any], now: datetime | None = None) -> TokenRequest:
    """v2 ``applyToken``: appId, authClientId and grantType required; authCode with
    AUTHORIZATION_CODE (a ``my.getAuthCode`` code of this sandbox), refreshToken with
    REFRESH_TOKEN."""
    app_id = _app_id(body)
    auth_client_id = text(body, "authClientId", max_len=128)
    grant_type = text(body, "grantType", max_len=64)
    assert auth_client_id is not None and grant_type is not None
    if grant_type not in GRANT_TYPES:
        raise _bad(f"grantType must be one of {', '.join(GRANT_TYPES)}")
    text(body, "customerBelongsTo", required=False, max_len=64)
    _extend_info(body)
    code = refresh = None
    if grant_type == "AUTHORIZATION_CODE":
        raw_code = text(body, "authCode", max_len=auth_codes.MAX_CODE_LENGTH)
        assert raw_code is not None
        try:
            code = auth_codes.decode(raw_code)
        except ValueError as exc:
            raise _bad(
                f"authCode is not an authorization code of this wallet ({exc}): get one with my.getAuthCode"
            ) from None
    else:
        refresh = identifier(body, "refreshToken")
    return TokenRequest(app_id, auth_client_id, grant_type, code, refresh)


@dataclass(frozen=True)
class TokenGrant:
    """What applyToken hands out: an access token for the user (customerId) and scopes
    the auth code names, and the refresh token that replaces it."""

    access_token: str
    access_token_expiry: datetime
    refresh_token: str
    refresh_token_expiry: datetime
    customer_id: str
    scopes: tuple[str, ...]

    @property
    def journal_ids(self) -> JournalIds | None:
        return None  # no payment: journaled as a note


def apply_token_reply(grant: TokenGrant) -> dict:
    return {
        "result": result("SUCCESS"),
        "accessToken": grant.access_token,
        "accessTokenExpiryTime": iso(grant.access_token_expiry),
        "refreshToken": grant.refresh_token,
        "refreshTokenExpiryTime": iso(grant.refresh_token_expiry),
        "customerId": grant.customer_id,
    }
