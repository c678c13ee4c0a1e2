"""What a project does wrong, shown the IDE's way: a compile error (AXML syntax, a bad
expression, a missing page file, a JS syntax error) in the phone with file, line and
column, and in the simulator's log; fixing the file and reloading runs the page again
(compiled pages are cached by file modification time)."""

from __future__ import annotations

import logging
import os
import shutil

import pytest_asyncio
from mp_project import EXAMPLE

from simulator.testing.sim import running_sim


@pytest_asyncio.fixture
async def broken(tmp_path, keys_template):
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    async with running_sim(
        tmp_path / "data", keys_from=keys_template, miniprogram_dir=project, apps=("miniprogram",)
    ) as sim:
        yield sim, project


def write(path, text: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))  # a new mtime even within one tick


async def shown_error(page, url: str) -> tuple[str, str]:
    await page.goto(url)
    await page.get_by_test_id("mp-compile-error").wait_for()
    where = await page.get_by_test_id("mp-compile-error-where").text_content()
    message = await page.get_by_test_id("mp-compile-error-message").text_content()
    return where or "", message or ""


async def test_compile_errors_in_the_phone_and_the_log(broken, browser, caplog, artifacts):
    context = await browser.new_context()
    try:
        await check_errors(broken, await context.new_page(), caplog, artifacts)
    finally:
        await context.close()


async def check_errors(broken, page, caplog, artifacts) -> None:
    sim, project = broken
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = sim.urls["miniprogram"]
    axml = project / "pages/index/index.axml"
    good = axml.read_text()
    caplog.set_level(logging.ERROR, logger="tradepay_sim.miniprogram")

    write(axml, '<view class="card">\n  <text>unclosed\n</view>\n')
    assert await shown_error(page, url) == ("pages/index/index.axml:3:1", "</view> does not match <text> opened at 2:3")
    assert await page.locator("[data-mp-device] .mp-compile-error").count() == 1  # inside the phone
    await page.screenshot(path=str(artifacts / "mp-compile-error.png"))
    assert "pages/index/index.axml:3:1: </view> does not match <text>" in caplog.text

    write(axml, "<view>\n  <text>{{ price * }}</text>\n</view>\n")
    where, message = await shown_error(page, url)
    assert where == "pages/index/index.axml:2:20" and message.startswith("unexpected token")

    write(axml, good)
    app_json = project / "app.json"
    write(app_json, app_json.read_text().replace('"pages/result/result"', '"pages/result/result", "pages/cart/cart"'))
    where, message = await shown_error(page, url)
    assert where.startswith("app.json:1:") and message == "page pages/cart/cart: pages/cart/cart.axml not found"

    write(app_json, app_json.read_text().replace(', "pages/cart/cart"', ""))
    js = project / "pages/index/index.js"
    write(js, js.read_text().replace("async pay() {", "async pay() {{"))
    await page.goto(url)
    await page.get_by_test_id("mp-compile-error").wait_for()
    where = await page.get_by_test_id("mp-compile-error-where").text_content()
    assert where == "pages/index/index.js:23:2"  # where V8 finds the stray brace out
    assert errors == ["Unexpected token ')'"]  # the browser's own report of it, as the IDE's console

    write(js, js.read_text().replace("async pay() {{", "async pay() {"))
    await page.goto(url)
    await page.get_by_test_id("pay").wait_for()  # fixed: compiled again
    assert await page.get_by_test_id("mp-compile-error").count() == 0
