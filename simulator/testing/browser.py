"""Find a Chromium for Playwright at run time: an explicit path, a system browser, or
Playwright's own download where there is one. Never hard-coded in tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV = "TRADEPAY_SIM_CHROMIUM"
# Headless runs prefer Chromium's headless shell, as Playwright itself does with its own
# download: the same Blink without the browser around it. On a 2-core machine a page load
# costs it a quarter of the full browser's CPU (the demo shop 0.46 CPU-s against 1.7, a new
# page 0.05 against 0.4), which is most of a browser test suite's time. Debian packages it
# as chromium-headless-shell. Headed runs need the full browser.
HEADLESS_CANDIDATES = ("/usr/lib/chromium/chromium-headless-shell",)
HEADLESS_NAMES = ("chromium-headless-shell", "chrome-headless-shell")
# The real binary starts faster than Debian's /usr/bin/chromium wrapper script.
CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
)
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def _first(candidates: tuple[str, ...], names: tuple[str, ...]) -> str | None:
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def find_chromium(headless: bool = True) -> str | None:
    """A path to a Chromium executable (for a headless run, its headless shell where there
    is one), or None to let Playwright use its own download."""
    explicit = os.environ.get(ENV)
    if explicit:
        if not Path(explicit).exists():
            raise FileNotFoundError(f"{ENV}={explicit} does not exist")
        return explicit
    shell = _first(HEADLESS_CANDIDATES, HEADLESS_NAMES) if headless else None
    return shell or _first(CANDIDATES, NAMES)


def launch_options(**extra) -> dict:
    """Playwright's launch options with a system Chromium: ``launch_options()``, or with
    options of your own (``launch_options(**browser_type_launch_args)`` under
    pytest-playwright, so that ``--headed`` gets the full browser)."""
    options: dict = {"headless": True, **extra}
    if "executable_path" in extra or "channel" in extra:  # a browser chosen by the caller
        return options
    path = find_chromium(headless=options["headless"])
    if path:
        options["executable_path"] = path
    return options


def _apt_install(*packages: str) -> bool:
    """apt-get install, with the package lists as they are first, then updated."""
    import subprocess

    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", *packages]
    if subprocess.run(install, env=env, capture_output=True).returncode == 0:
        return True
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
    return subprocess.run(install, env=env).returncode == 0


def _apt_has(package: str) -> bool:
    """Whether the package lists (as they are, no update) know the package."""
    import subprocess

    done = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True)
    return "Candidate:" in done.stdout and "Candidate: (none)" not in done.stdout


def ensure() -> int:
    """Make sure a Chromium is there: a system one, Debian's packages (as root), or
    Playwright's download. Prints what it found; returns a process exit code."""
    import subprocess
    import sys

    chosen, browser = find_chromium(headless=True), find_chromium(headless=False)
    if chosen and (os.environ.get(ENV) or chosen != browser):  # the variable's, or a headless shell
        print(f"chromium: {chosen}")
        return 0
    as_root_on_debian = hasattr(os, "geteuid") and os.geteuid() == 0 and bool(shutil.which("apt-get"))
    if as_root_on_debian and not browser:
        # The full browser (headed runs) and its headless shell (test runs, see above); the
        # shell is newer in Debian's archive than the browser: without it, the browser alone.
        print("chromium: none found; installing Debian's chromium and chromium-headless-shell", flush=True)
        if not _apt_install("chromium", "chromium-headless-shell", "fonts-noto-color-emoji"):
            _apt_install("chromium", "fonts-noto-color-emoji")
    elif as_root_on_debian and _apt_has("chromium-headless-shell"):
        print("chromium: installing Debian's chromium-headless-shell for headless runs", flush=True)
        _apt_install("chromium-headless-shell")
    path = find_chromium()
    if path:
        print(f"chromium: {path}")
        return 0
    print("chromium: trying Playwright's own browser download", flush=True)
    done = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"])
    if done.returncode == 0:
        print("chromium: Playwright's download")
        return 0
    print(
        "chromium: none found. Install Chromium (Debian: apt-get install chromium chromium-headless-shell) "
        f"or set {ENV} to a Chromium executable.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    import sys

    sys.exit(ensure())
