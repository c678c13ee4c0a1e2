"""Which Chromium the tests and the page helpers start (simulator.testing.browser): the
headless shell for headless runs where there is one, the full browser for headed runs,
and whatever the caller or TRADEPAY_SIM_CHROMIUM names, untouched."""

import pytest

from simulator.testing import browser


@pytest.fixture
def chromiums(tmp_path, monkeypatch):
    """A machine with both: two executables standing in for Debian's binaries."""
    paths = {}
    for name in ("chromium-headless-shell", "chromium"):
        exe = tmp_path / name
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
        paths[name] = str(exe)
    monkeypatch.delenv(browser.ENV, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(browser, "HEADLESS_CANDIDATES", (paths["chromium-headless-shell"],))
    monkeypatch.setattr(browser, "CANDIDATES", (paths["chromium"],))
    return paths


def test_headless_runs_get_the_shell_and_headed_runs_the_browser(chromiums):
    assert browser.launch_options() == {"headless": True, "executable_path": chromiums["chromium-headless-shell"]}
    # pytest-playwright's --headed: browser_type_launch_args holds headless False
    headed = browser.launch_options(headless=False, slow_mo=200)
    assert headed == {"headless": False, "slow_mo": 200, "executable_path": chromiums["chromium"]}


def test_without_a_shell_headless_runs_get_the_browser(chromiums, monkeypatch):
    monkeypatch.setattr(browser, "HEADLESS_CANDIDATES", ())
    assert browser.launch_options()["executable_path"] == chromiums["chromium"]


def test_a_browser_chosen_by_the_caller_or_the_variable_wins(chromiums, monkeypatch):
    assert browser.launch_options(channel="chrome") == {"headless": True, "channel": "chrome"}
    assert browser.launch_options(executable_path="/opt/x")["executable_path"] == "/opt/x"
    monkeypatch.setenv(browser.ENV, chromiums["chromium"])
    assert browser.launch_options()["executable_path"] == chromiums["chromium"]
    monkeypatch.setenv(browser.ENV, "/nonexistent/chrome")
    with pytest.raises(FileNotFoundError):
        browser.launch_options()
