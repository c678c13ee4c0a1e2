"""A second machine on a network of its own, for tests that need a caller that is not
loopback: a network namespace joined to this one by a veth pair, made by the test (as
root) and removed after it. Traffic goes only to the two addresses of the pair.

Adding and removing the pair changes this machine's interfaces, and Chromium fails the
loads it has in flight at that moment with net::ERR_NETWORK_CHANGED (a browser test's
page then misses a script: the harness stall of stop 27, caught by the page's network
log). So these tests are marked ``netns`` and run apart: make test runs them in a pytest
run of their own after the parallel one, and a parallel run (pytest-xdist) skips them."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

# What runs inside the namespace: each request of a JSON list, with urllib (no proxies,
# no redirects followed); prints the answers as JSON.
_CLIENT = r"""
import json, sys, urllib.request, urllib.error
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
out = []
for method, url, headers, body in json.load(sys.stdin):
    req = urllib.request.Request(url, data=body.encode() if body is not None else None, method=method, headers=headers)
    try:
        with opener.open(req, timeout=10) as resp:
            out.append([resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")])
    except urllib.error.HTTPError as exc:
        out.append([exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")])
    except Exception as exc:
        out.append([None, {}, repr(exc)])
print(json.dumps(out))
"""


@dataclass
class Neighbour:
    """The namespace: ``host_address`` is this side of the pair (bind the simulator
    there), ``address`` the neighbour's."""

    name: str
    host_address: str
    address: str

    def requests(self, calls: list[tuple[str, str, dict, str | None]]) -> list[tuple[int | None, dict, str]]:
        """Send ``(method, url, headers, body)`` from inside the namespace (blocking: run
        it in a thread while the simulator answers on the loop)."""
        done = subprocess.run(
            ["ip", "netns", "exec", self.name, sys.executable, "-c", _CLIENT],
            input=json.dumps(calls),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return [tuple(answer) for answer in json.loads(done.stdout)]  # type: ignore[misc]


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=20)


@contextmanager
def neighbour() -> Iterator[Neighbour]:
    """Make the namespace and the pair, or skip saying why the machine cannot."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("changes this machine's interfaces, which fails a browser test's loads: run apart (make test does)")
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("a network namespace needs root and iproute2's ip (a non-loopback caller cannot be made here)")
    tag = secrets.token_hex(3)
    name, here, there = f"tpsim-{tag}", f"tp{tag}a", f"tp{tag}b"
    octet = int(tag[:2], 16) % 250 + 1
    host_address, address = f"10.213.{octet}.1", f"10.213.{octet}.2"
    try:
        _run("ip", "netns", "add", name)
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"cannot make a network namespace here: {getattr(exc, 'stderr', b'') or exc}")
    try:
        _run("ip", "link", "add", here, "type", "veth", "peer", "name", there)
        _run("ip", "link", "set", there, "netns", name)
        _run("ip", "addr", "add", f"{host_address}/30", "dev", here)
        _run("ip", "link", "set", here, "up")
        _run("ip", "netns", "exec", name, "ip", "addr", "add", f"{address}/30", "dev", there)
        _run("ip", "netns", "exec", name, "ip", "link", "set", there, "up")
        _run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
        yield Neighbour(name, host_address, address)
    finally:
        subprocess.run(["ip", "link", "del", here], capture_output=True, timeout=20)
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=20)
