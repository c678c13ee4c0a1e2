"""pytest-playwright gives ``page`` (sync API); this tells it which Chromium to start.
``launch_options()`` finds a system Chromium (``TRADEPAY_SIM_CHROMIUM``, Debian's headless
shell for headless runs, its browser, or one on the PATH) and returns ``{"headless": True,
"executable_path": ...}``; without one, Playwright's own download is used (``playwright
install chromium``)."""

import pytest

from simulator.testing.browser import launch_options


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # pytest-playwright's own (--headed, --slowmo, --browser-channel) win over ours: headed
    # runs get the full browser, headless ones its headless shell where there is one.
    return launch_options(**browser_type_launch_args)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Reduce Motion: the cashier's sheet is there at once (docs/plugin.md).
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "reduced_motion": "reduce"}
