"""The wallet APIs the reference merchant speaks (``--merchant-api``), as data: where each
operation lives, how a ``pay`` request is written, and where a reply or a notification
keeps what the merchant needs (the paymentUrl, the payment's status and result). The
order logic (service.py) is the same whichever the wallet speaks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.core import api_paths

if TYPE_CHECKING:
    from .config import MerchantConfig
    from .models import Order

# The shop's merchant category code (ISO 18245: eating places and restaurants).
MERCHANT_MCC = "5812"
# The shop's mini program app ID on the mini program platform (the demo's own).
APP_ID = "3333010071465913"


@dataclass(frozen=True)
class WalletApi:
    name: str
    prefix: str  # under the wallet's URL
    paths: dict[str, str]  # operation -> its path under ``prefix``
    pay_request: Callable[[MerchantConfig, Order], dict[str, Any]]
    payment_url: Callable[[dict], str | None]  # of a pay reply
    result_code: Callable[[dict], str | None]  # of an inquiryPayment reply, the payment's own result
    notified_result: Callable[[dict], dict]  # of a notifyPayment body, the payment's result


def _merchant(config: MerchantConfig) -> dict:
    return {
        "referenceMerchantId": config.client_id,
        "merchantMCC": MERCHANT_MCC,
        "merchantName": config.merchant_name,
        "merchantDisplayName": config.merchant_name,
    }


def _goods(order: Order) -> list[dict]:
    return [
        {
            "referenceGoodsId": line["goodsId"],
            "goodsName": line["name"],
            "goodsUnitAmount": line["unitPrice"],
            "goodsQuantity": str(line["quantity"]),
        }
        for line in order.lines
    ]


def alipayplus_pay(config: MerchantConfig, order: Order) -> dict[str, Any]:
    """The Alipay+ pay (Cashier Payment) as a production merchant sends it, in the shape
    Alipay's Alipay+ SDK builds: env and merchant inside order, paymentMethod
    CONNECT_WALLET, paymentFactor.isCashierPayment, no productCode."""
    return {
        "paymentRequestId": order.payment_request_id,
        "order": {
            "referenceOrderId": order.order_id,
            "orderDescription": order.description,
            "orderAmount": order.amount.to_wire(),
            "merchant": _merchant(config),
            "goods": _goods(order),
            "env": {"terminalType": "MINI_APP"},
        },
        "paymentAmount": order.amount.to_wire(),
        "paymentMethod": {"paymentMethodType": "CONNECT_WALLET"},
        "paymentRedirectUrl": f"{config.public_url}/api/orders/{order.order_id}",
        "paymentNotifyUrl": config.notify_url,
        "paymentFactor": {"isCashierPayment": True},
        "settlementStrategy": {"settlementCurrency": order.amount.currency},
    }


def miniprogram_pay(config: MerchantConfig, order: Order) -> dict[str, Any]:
    """The mini program platform's v2 pay: appId, productCode CASHIER_PAYMENT, the order
    for display (docs/wallet-api.md, "The miniprogram profile")."""
    return {
        "appId": APP_ID,
        "productCode": "CASHIER_PAYMENT",
        "paymentRequestId": order.payment_request_id,
        "paymentAmount": order.amount.to_wire(),
        "order": {
            "referenceOrderId": order.order_id,
            "orderDescription": order.description,
            "orderAmount": order.amount.to_wire(),
            "merchant": _merchant(config),
            "goods": _goods(order),
        },
        "paymentNotifyUrl": config.notify_url,
        "paymentRedirectUrl": f"{config.public_url}/api/orders/{order.order_id}",
    }


def _redirect_url(reply: dict) -> str | None:
    form = reply.get("redirectActionForm")
    return form.get("redirectUrl") if isinstance(form, dict) else None


def _object(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


WALLET_APIS: dict[str, WalletApi] = {
    api.name: api
    for api in (
        WalletApi(
            "alipayplus",
            api_paths.ALIPAYPLUS,
            {"pay": "pay", "inquiryPayment": "inquiryPayment"},
            alipayplus_pay,
            payment_url=lambda reply: reply.get("normalUrl"),
            result_code=lambda reply: reply.get("paymentResultCode"),
            notified_result=lambda body: _object(body.get("result")),
        ),
        WalletApi(
            "miniprogram",
            api_paths.MINIPROGRAM,
            {"pay": "payments/pay", "inquiryPayment": "payments/inquiryPayment"},
            miniprogram_pay,
            payment_url=_redirect_url,
            result_code=lambda reply: reply.get("paymentFailReason") or reply.get("paymentStatus"),
            notified_result=lambda body: _object(body.get("paymentResult")),
        ),
    )
}
assert set(WALLET_APIS) == set(api_paths.PROFILES)
