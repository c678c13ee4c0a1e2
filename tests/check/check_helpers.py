"""Helpers of the conformance-run tests: the time scale their simulator runs at
(conftest.py's scaled_sim), and the config that drives the reference merchant server."""

from __future__ import annotations

# 10: the wallet settles an 8000 payment by itself after 3 s, time enough to read the
# order while it is pending on a loaded machine; a lost notification is waited for 6 s.
TIME_SCALE = 10


def reference_config(merchant_url: str, **extra) -> dict:
    """merchant-check.json for the reference merchant server (docs/check-merchant.md)."""
    return {
        "createOrder": {
            "method": "POST",
            "url": f"{merchant_url}/api/orders",
            "body": {"items": [{"goodsId": "latte", "quantity": 1}]},
            "orderIdPath": "orderId",
            "paymentUrlPath": "paymentUrl",
        },
        "retryPay": {"method": "POST", "url": f"{merchant_url}/api/orders/{{orderId}}/pay"},
        "orderStatus": {
            "method": "GET",
            "url": f"{merchant_url}/api/orders/{{orderId}}?clientResultCode={{resultCode}}",
            "statusPath": "status",
            "paid": ["PAID"],
            "pending": ["CREATED", "PAYING"],
            "failed": ["FAILED", "CANCELLED", "CLOSED"],
            "fulfilmentCountPath": "fulfilled",
        },
        **extra,
    }
