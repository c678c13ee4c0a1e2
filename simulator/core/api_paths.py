"""Where the wallet's signed API lives, spelled once for every party: the wallet serves
these prefixes, the reference merchant and the test kit call them."""

from __future__ import annotations

# Alipay+ (the acquirer-facing API the contract names).
ALIPAYPLUS = "/aps/api/v1/payments"
# Antom's paths, which Alipay's server SDKs call (``SANDBOX_`` client ids the second).
ANTOM = "/ams/api/v1/payments"
ANTOM_SANDBOX = "/ams/sandbox/api/v1/payments"
# The mini program platform's reference wallet API ("mpdev" v2): its overview gives the
# request URL as https://{domainName}/api/open/{restfulPath}, restfulPath /v2/payments/pay,
# /v2/authorizations/applyToken... (docs/wallet-api.md, "The miniprogram profile").
MINIPROGRAM = "/api/open/v2"

# The wallet's API profiles, by name (wallet_mock/operations.py declares each; the
# reference merchant speaks each, merchant_server/wallet_apis.py). The first is the default.
PROFILES = ("alipayplus", "miniprogram")
# Where a merchant of each profile sends its calls (its documented base path).
BASE_PATH = {"alipayplus": ALIPAYPLUS, "miniprogram": MINIPROGRAM}
