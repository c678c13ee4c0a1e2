"""docs/example-suite (async, the plugin's tradepay_sim fixture with Playwright's async
API) and docs/example-suite-sync (pytest-playwright's sync ``page``): projects of their
own, each run as a pytest process of its own in its folder, exactly as its README tells a
user to run it (the sync API marks the thread's loop as running, which would break this
run's async tests). Run here, side by side with the rest of the suite, not after it."""

import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
# Schemathesis's plugin is not needed there, and importing it alone takes seconds.
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:schemathesis", "-p", "no:hypothesispytest", "-q", "-rA"]


def run_suite(folder: str, *args: str) -> list[str]:
    """The suite's PASSED lines; fails with its output unless every test passed."""
    done = subprocess.run([*PYTEST, *args], cwd=DOCS / folder, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if line.startswith("PASSED")]


@pytest.mark.slow
def test_the_async_example_suite_passes():
    passed = run_suite("example-suite", "-p", "no:playwright")
    names = {line.split("::")[-1] for line in passed}
    assert {"test_pay_and_the_merchant_is_notified", "test_wallet_drops_the_reply_and_the_shop_retries"} <= names
    assert any(name.startswith("test_forced_outcome") for name in names)


@pytest.mark.slow
def test_the_sync_example_suite_passes_with_pytest_playwrights_page():
    passed = run_suite("example-suite-sync")
    # pytest-playwright's page ran each test (its [chromium] parametrization), and all passed.
    assert len([line for line in passed if "[chromium" in line]) == 4, passed
