"""Find a Chromium for Playwright at run time: an explicit path, a system browser, or
Playwright's own download where there is one. Never hard-coded in tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV = "TRADEPAY_SIM_CHROMIUM"
# The real binary starts faster than Debian's /usr/bin/chromium wrapper script.
CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
)
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str | None:
    """A path to a Chromium executable, or None to let Playwright use its own download."""
    explicit = os.environ.get(ENV)
    if explicit:
        if not Path(explicit).exists():
            raise FileNotFoundError(f"{ENV}={explicit} does not exist")
        return explicit
    for path in CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_options(**extra) -> dict:
    options: dict = {"headless": True}
    path = find_chromium()
    if path:
        options["executable_path"] = path
    options.update(extra)
    return options


def ensure() -> int:
    """Make sure a Chromium is there: a system one, Debian's package (as root), or
    Playwright's download. Prints what it found; returns a process exit code."""
    import subprocess
    import sys

    path = find_chromium()
    if path:
        print(f"chromium: {path}")
        return 0
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("chromium: none found; installing Debian's chromium package", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
        done = subprocess.run(["apt-get", "install", "-y", "-q", "chromium", "fonts-noto-color-emoji"], env=env)
        if done.returncode == 0 and find_chromium():
            print(f"chromium: {find_chromium()}")
            return 0
    print("chromium: trying Playwright's own browser download", flush=True)
    done = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"])
    if done.returncode == 0:
        print("chromium: Playwright's download")
        return 0
    print(
        "chromium: none found. Install Chromium (Debian: apt-get install chromium) or set "
        f"{ENV} to a Chromium executable.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    import sys

    sys.exit(ensure())
