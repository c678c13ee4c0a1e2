"""Fixtures shared by every test: a simulator on free ports with its own data folder,
an HTTP session, and (for browser tests) one headless Chromium for the whole run."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from simulator.core import credentials as sandbox
from simulator.core.apps import APPS
from simulator.testing.sim import running_sim


@pytest.fixture(scope="session")
def keys_template(tmp_path_factory) -> Path:
    """Sandbox keys made once per test run and copied into each test's data folder."""
    folder = tmp_path_factory.mktemp("keys-template")
    sandbox.load_or_create(folder)
    return folder


@pytest_asyncio.fixture
async def sim(request, tmp_path, keys_template):
    """A simulator on free ports with its own data folder: every app, or only those an
    ``apps`` mark on the test or its module names (``pytestmark = pytest.mark.apps("wallet")``
    for tests of the wallet's API, whose calls and notifications need no other app)."""
    mark = request.node.get_closest_marker("apps")
    apps = tuple(mark.args) if mark else APPS
    # A wallet alone would start a signer process on 2 cores or more (--signer auto): per
    # test, that costs more than it saves. Tests of the signer start their own.
    signer = {"signer": "inline"} if apps == ("wallet",) else {}
    async with running_sim(tmp_path / "data", keys_from=keys_template, apps=apps, **signer) as running:
        yield running


@pytest_asyncio.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """make test's second run (``-m netns``) reads only the test modules that name the
    mark: to learn a test's marks pytest imports its module, and importing all of them
    (Playwright, schemathesis, hypothesis...) was half of that run's time."""
    if config.option.markexpr != "netns" or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return "netns" not in collection_path.read_text(encoding="utf-8")
