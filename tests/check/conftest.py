"""Fixtures of the conformance-run tests: a simulator whose waits are compressed."""

from __future__ import annotations

import pytest_asyncio
from check_helpers import TIME_SCALE

from simulator.testing.sim import running_sim


@pytest_asyncio.fixture
async def scaled_sim(tmp_path, keys_template):
    async with running_sim(tmp_path / "data", keys_from=keys_template, time_scale=TIME_SCALE) as running:
        yield running
