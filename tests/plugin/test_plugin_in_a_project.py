"""The plugin in somebody else's project: its own folder and pytest.ini, pytest-asyncio's
default (function) loop scope, a settings override in its conftest, sync and async tests
in one session; a fresh sandbox for each test, and the journeys of a failed test in its
report. Run as a separate pytest process, as that project would run it."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

EXAMPLE_PROJECT = Path(__file__).resolve().parents[2] / "docs" / "example-miniprogram"

CONFTEST = """
import pytest

@pytest.fixture(scope="session")
def tradepay_sim_settings():
    return {"time_scale": 60, "apps": ("miniprogram", "merchant", "wallet")}
"""

TESTS = """
import aiohttp

def test_1_pays(tradepay_sim):
    journey = tradepay_sim.journey()
    assert journey.result_code == "9000" and journey.order["status"] == "PAID"

def test_2_starts_from_a_fresh_sandbox(tradepay_sim):
    assert tradepay_sim.order_ids() == [] and tradepay_sim.events() == []
    assert "console" not in tradepay_sim.apps

async def test_3_async_with_the_default_loop_scope(tradepay_sim):
    journey = await tradepay_sim.aio.journey(outcome="INSUFFICIENT_BALANCE")
    assert journey.result_code == "4000"
    async with aiohttp.ClientSession() as http:  # the test's own loop, beside the simulator's
        async with http.get(tradepay_sim.urls["wallet"] + "/_sim/clock") as resp:
            assert (await resp.json())["timeScale"] == 60

def test_4_fails_and_shows_its_journey(tradepay_sim):
    tradepay_sim.journey(outcome="RISK_REJECT")
    assert False, "failing on purpose"
"""


def run_pytest(tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:schemathesis",
            "-p",
            "no:hypothesispytest",
            "-rA",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_project_of_its_own(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    (tmp_path / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    (tmp_path / "test_shop.py").write_text(textwrap.dedent(TESTS))
    done = run_pytest(tmp_path)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "1 failed, 3 passed" in out, out
    assert "failing on purpose" in out
    section = out.split("tradepay-sim journeys", 1)[1]
    assert "Journey ORD" in section and "success(4000)" in section and "RISK_REJECT" in section, section
    assert section.count("Journey ORD") == 1  # only the failed test's own journey: the others were reset away


MINIPROGRAM_CONFTEST = """
import pytest

@pytest.fixture(scope="session")
def tradepay_sim_settings():
    return {"time_scale": 60, "miniprogram_dir": "my_miniprogram"}
"""

MINIPROGRAM_TESTS = """
import urllib.request

def get(url):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read().decode()

def test_the_project_is_the_mini_program(tradepay_sim):
    base = tradepay_sim.urls["miniprogram"]
    code = get(base + "/__mp/modules/pages/index/index.js")
    assert "One latte: the merchant server makes the order" in code
    assert "<title>Latte to go</title>" in get(base + "/")  # app.json's window.defaultTitle

def test_and_the_journey_still_pays(tradepay_sim):
    assert tradepay_sim.journey().result_code == "9000"
"""


def test_a_mini_program_project_given_by_a_relative_miniprogram_dir(tmp_path):
    """The route a QA suite takes for its own mini program: ``miniprogram_dir`` in the
    settings fixture, relative to the project, pointing at a folder holding app.json."""
    shutil.copytree(EXAMPLE_PROJECT, tmp_path / "my_miniprogram")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(textwrap.dedent(MINIPROGRAM_CONFTEST))
    (tmp_path / "test_mine.py").write_text(textwrap.dedent(MINIPROGRAM_TESTS))
    done = run_pytest(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout, done.stdout
