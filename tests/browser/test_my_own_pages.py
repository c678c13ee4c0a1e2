"""A developer's own mini program (``--miniprogram-dir``): the docs example served with
my.js and the container around it, paid end to end in Chromium; how paths map to files;
and ``run_all.py --miniprogram-dir`` as a user runs it."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import pytest_asyncio
from my_harness import shot

from miniprogram_mock.folder import MiniprogramFolder, inject_shim
from simulator.testing.sim import running_sim

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example-html"


@pytest_asyncio.fixture
async def example_sim(tmp_path, keys_template):
    async with running_sim(tmp_path / "data", keys_from=keys_template, miniprogram_dir=EXAMPLE) as sim:
        yield sim


async def test_the_docs_example_runs_in_the_container_and_pays(example_sim, page, artifacts):
    await page.goto(example_sim.urls["miniprogram"])
    await page.locator("[data-mp-device]").wait_for()
    assert await page.get_by_test_id("mp-title").text_content() == "Latte to go"
    assert await page.locator("script[src='/my.js']").count() == 1  # put in by the container
    await shot(page, artifacts, "my-own-page")
    await page.get_by_test_id("example-pay").click()
    cashier = page.frame_locator("[data-testid=cashier-frame]")
    await cashier.get_by_test_id("cashier-amount").filter(has_text="USD 4.50").wait_for()
    await cashier.get_by_test_id("cashier-password").fill("111111")
    await cashier.get_by_test_id("cashier-pay").click()
    await page.get_by_test_id("example-status").filter(has_text="PAID").wait_for(timeout=10_000)
    assert await page.get_by_test_id("example-code").text_content() == "9000"
    assert await page.evaluate("location.pathname") == "/result"
    await shot(page, artifacts, "my-own-page-result")
    # The page's CSS (style.css: `button { width: 100%; margin-top: 20px }`) stops at the chrome.
    back = await page.get_by_test_id("mp-back").bounding_box()
    assert back["width"] == 40 and back["height"] == 40
    async with page.expect_navigation():
        await page.get_by_test_id("mp-back").click()
    assert (await page.get_by_test_id("example-last").text_content()).startswith("Last order: ")


async def test_paths_map_to_the_folder_and_nothing_else(example_sim, http):
    base = example_sim.urls["miniprogram"]
    async with http.get(f"{base}/result") as resp:  # result.html, extensionless like a mini program path
        page = await resp.text()
        assert resp.status == 200 and "example-status" in page
        assert page.count("/my.js") == 1 and '<head><script src="/my.js"></script>' in page
    async with http.get(f"{base}/style.css") as resp:
        assert resp.status == 200 and resp.content_type == "text/css"
    for path in ("/nope", "/.git/config", "/%2e%2e/README.md", "/..%2fREADME.md", "/ext.json/x"):
        async with http.get(base + path) as resp:
            body = await resp.text()
            assert resp.status == 404, path
            assert "full-stack simulator" not in body and "not in the mini program" in body, path
    async with http.get(f"{base}/pages/result?orderId=x") as resp:  # the demo's pages the folder does not shadow
        assert resp.status == 200
    async with http.get(f"{base}/_sim/request-domains") as resp:  # tradepay-sim.json
        assert (await resp.json())["serverDomains"] == [example_sim.urls["merchant"], "http://127.0.0.1:9000"]
    async with http.get(f"{base}/my.js") as resp:
        shim = await resp.text()
        assert '"shopName": "Latte to go"' in shim and "__TRADEPAY_SIM_CONFIG__" in shim  # ext.json


async def run_all(tmp_path, *extra):
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "run_all.py"),
        "--miniprogram-port",
        "0",
        "--merchant-port",
        "0",
        "--wallet-port",
        "0",
        "--console-port",
        "0",
        "--data-dir",
        str(tmp_path / "data"),
        "--log-level",
        "warning",
        *extra,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=str(tmp_path),
    )


async def test_run_all_serves_your_folder(tmp_path, http):
    proc = await run_all(tmp_path, "--miniprogram-dir", str(EXAMPLE))
    try:
        url = None
        while url is None:
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
            assert line, (await proc.stderr.read()).decode()
            m = re.match(r"\s+mini program\s+(http://\S+)", line)
            url = m.group(1) if m else None
        async with http.get(url + "/") as resp:
            page = await resp.text()
        assert resp.status == 200 and "Caff&egrave; Latte" in page and '<script src="/my.js"></script>' in page
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0


async def test_run_all_says_when_the_folder_is_missing(tmp_path):
    proc = await run_all(tmp_path, "--miniprogram-dir", str(tmp_path / "no-such-folder"))
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert f"--miniprogram-dir {tmp_path / 'no-such-folder'} is not a folder" in err.decode()
    assert b"Traceback" not in err


def test_the_folder_never_serves_outside_itself(tmp_path):
    (tmp_path / "app" / "pages").mkdir(parents=True)
    (tmp_path / "app" / "index.html").write_text("<p>home</p>")
    (tmp_path / "app" / "pages" / "cart.html").write_text("<p>cart</p>")
    (tmp_path / "app" / ".env").write_text("SECRET=1")
    (tmp_path / "secret.txt").write_text("outside")
    (tmp_path / "app" / "link.txt").symlink_to(tmp_path / "secret.txt")
    folder = MiniprogramFolder(tmp_path / "app")
    assert folder.find("") == folder.root / "index.html"
    assert folder.find("pages/cart") == folder.find("pages/cart.html") == folder.root / "pages" / "cart.html"
    for path in ("../secret.txt", "pages/../../secret.txt", ".env", "link.txt", "pages\\..\\..\\secret.txt", "nope"):
        assert folder.find(path) is None, path


def test_the_shim_goes_first_in_the_head_once():
    assert inject_shim("<!doctype html><html><head><title>x</title></head><body></body></html>") == (
        '<!doctype html><html><head><script src="/my.js"></script><title>x</title></head><body></body></html>'
    )
    assert inject_shim("<p>bare</p>") == '<script src="/my.js"></script><p>bare</p>'
    assert inject_shim('<html lang="en"><body>no head</body></html>').startswith(
        '<html lang="en"><script src="/my.js">'
    )
    page = "<head><script src='/my.js'></script></head>"
    assert inject_shim(page) == page
