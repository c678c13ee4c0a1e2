"""pytest plugin: a running tradepay-sim for your own test suite.

Installed with the package (entry point ``pytest11``), so ``pip install tradepay-sim``
is all it takes. A test asks for ``tradepay_sim``::

    def test_insufficient_balance(tradepay_sim):
        tradepay_sim.force_outcome("INSUFFICIENT_BALANCE")
        journey = tradepay_sim.journey()
        assert journey.result_code == "4000" and journey.order["status"] == "FAILED"

One simulator serves the whole session (free ports, a temporary data folder), in its own
thread with its own event loop, so it works the same from sync tests, async tests of any
pytest-asyncio loop scope, and Playwright. It is reset before each test that uses it; a
test that fails gets the journeys it made, step by step, in its report.

Override ``tradepay_sim_settings`` in your ``conftest.py`` to start it differently::

    @pytest.fixture(scope="session")
    def tradepay_sim_settings():
        return {"time_scale": 60, "miniprogram_dir": "my_pages/"}
"""

from __future__ import annotations

from typing import Any

import pytest

SECTION = "tradepay-sim journeys"


@pytest.fixture(scope="session")
def tradepay_sim_settings() -> dict[str, Any]:
    """How the session's simulator starts: ``Settings`` fields (``apps``, ``time_scale``,
    ``miniprogram_dir``, ``merchant_wallet_timeout``, ...). Override it to change them."""
    return {}


@pytest.fixture(scope="session")
def tradepay_sim_session(tmp_path_factory, tradepay_sim_settings):
    """The session's simulator, not reset between tests (use ``tradepay_sim`` for that)."""
    from simulator.testing.client import TradepaySim

    sim = TradepaySim.start(tmp_path_factory.mktemp("tradepay-sim"), **tradepay_sim_settings)
    yield sim
    sim.stop()


@pytest.fixture
def tradepay_sim(tradepay_sim_session):
    """A running simulator, reset to a fresh sandbox for this test: ``.urls``,
    ``.credentials``, ``.journey()``, ``.force_outcome()``, ``.fault()``,
    ``.wait_for_notification()``, ``.events()``, ``.trace()``... (``.aio.*`` to await)."""
    tradepay_sim_session.reset()
    return tradepay_sim_session


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that used the simulator shows its journeys as ``tradepay-sim trace``."""
    outcome = yield
    report = outcome.get_result()
    sim = getattr(item, "funcargs", {}).get("tradepay_sim")
    if sim is None or report.when != "call" or not report.failed:
        return
    try:
        traces = [sim.trace(order_id) for order_id in sim.order_ids()]
    except Exception as exc:  # the report must not hide the test's own failure
        traces = [f"(could not read the journal: {exc})"]
    report.sections.append((SECTION, "\n\n".join(traces) or "no journey was recorded"))
