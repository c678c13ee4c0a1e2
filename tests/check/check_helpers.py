"""Helpers of the conformance-run tests: a simulator whose waits are compressed (the
time scale), and the config that drives the reference merchant server."""

from __future__ import annotations

import pytest_asyncio

from simulator.testing.sim import running_sim

# 10: the wallet settles an 8000 payment by itself after 3 s, time enough to read the
# order while it is pending on a loaded machine; a lost notification is waited for 6 s.
TIME_SCALE = 10


@pytest_asyncio.fixture
async def scaled_sim(tmp_path, keys_template):
    async with running_sim(tmp_path / "data", keys_from=keys_template, time_scale=TIME_SCALE) as running:
        yield running


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
