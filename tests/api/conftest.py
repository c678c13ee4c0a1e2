"""Fixtures of the API tests."""

from __future__ import annotations

import pytest_asyncio
from wallet_helpers import WalletApi, wallet_api


@pytest_asyncio.fixture
async def api(sim, http) -> WalletApi:
    """The wallet's API as the sandbox merchant calls it (signed), with the control plane."""
    return await wallet_api(sim, http)
