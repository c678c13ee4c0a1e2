"""Fixtures of the API tests."""

from __future__ import annotations

import pytest_asyncio
from wallet_helpers import WalletApi, wallet_api


@pytest_asyncio.fixture
async def api(sim, http) -> WalletApi:
    """Signed calls to the wallet's API, each checked against its ``/openapi.json``."""
    return await wallet_api(sim, http)
