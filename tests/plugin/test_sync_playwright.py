"""The page helpers from Playwright's sync API, as most suites use it: pytest-playwright's
``page`` fixture. docs/example-suite-sync is such a suite; it runs as a pytest process of
its own (the sync API marks the thread's loop as running, which would break this run's
async tests), exactly as its README tells a user to run it."""

import subprocess
import sys
from pathlib import Path

SUITE = Path(__file__).resolve().parents[2] / "docs" / "example-suite-sync"


def test_the_sync_example_suite_passes_with_pytest_playwrights_page():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:schemathesis", "-p", "no:hypothesispytest", "-q", "-rA"],
        cwd=SUITE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    # pytest-playwright's page ran each test (its [chromium] parametrization), and all passed.
    passed = [line for line in done.stdout.splitlines() if line.startswith("PASSED") and "[chromium" in line]
    assert len(passed) == 4, done.stdout[-4000:]
