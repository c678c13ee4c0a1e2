"""Where the wallet's signed API lives, spelled once for every party: the wallet serves
these prefixes, the reference merchant and the test kit call them."""

from __future__ import annotations

# Alipay+ (the acquirer-facing API the contract names).
ALIPAYPLUS = "/aps/api/v1/payments"
# Antom's paths, which Alipay's server SDKs call (``SANDBOX_`` client ids the second).
ANTOM = "/ams/api/v1/payments"
ANTOM_SANDBOX = "/ams/sandbox/api/v1/payments"
