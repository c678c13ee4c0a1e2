"""A mini program project's page in headless Chromium: the first render of a page whose
AXML has a 1,000-row ``a:for``, and a ``setData`` on one row of it.

Timed by the page itself, on its own clock: ``onLoad`` sets the 1,000 rows and
``onReady`` (after the first render) notes the time; the first render is the time between
them, and the page's load (navigation start to ``onReady``) is reported beside it, as it
holds the runtime's start (Vue, the compile of the templates). A ``setData`` of
``'rows[500].done'`` is timed from the call to its callback, which the runtime runs after
the view has been updated (Alipay's setData callback). Each load is a fresh page.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from simulator.testing.browser import launch_options
from simulator.testing.sim import running_sim

from .stats import summary

ROWS = 1000
LOADS = 12
UPDATES = 25

AXML = """<view class="head">{{rows.length}} rows, {{doneCount}} done</view>
<view a:for="{{rows}}" a:key="id" class="row {{item.done ? 'done' : ''}}" data-id="{{item.id}}" onTap="toggle">
  <text class="n">{{index + 1}}</text><text class="title">{{item.title}}</text>
  <text class="state">{{item.done ? 'done' : 'open'}}</text>
</view>
"""
JS = """Page({
  data: { rows: [], doneCount: 0 },
  onLoad() {
    window.__bench = { loadAt: performance.now() };
    const rows = [];
    for (let i = 0; i < __ROWS__; i++) rows.push({ id: "r" + i, title: "Row number " + i, done: i % 7 === 0 });
    this.setData({ rows, doneCount: rows.filter((r) => r.done).length });
  },
  onReady() { window.__bench.readyAt = performance.now(); },
  toggle(e) { this.setData({ ["rows[" + Number(e.currentTarget.dataset.id.slice(1)) + "].done"]: true }); },
  update(i) {
    return new Promise((resolve) => {
      const start = performance.now();
      this.setData({ ["rows[500].done"]: i % 2 === 0, ["rows[500].title"]: "Row 500 #" + i }, () => resolve(performance.now() - start));
    });
  }
});
""".replace("__ROWS__", str(ROWS))
ACSS = ".row { display: flex; gap: 16rpx; padding: 16rpx 24rpx; border-bottom: 1px solid #eee; } .done .title { text-decoration: line-through; }"


def make_project(folder: Path) -> Path:
    (folder / "pages/list").mkdir(parents=True)
    (folder / "app.json").write_text(
        json.dumps({"pages": ["pages/list/list"], "window": {"defaultTitle": "1,000 rows"}})
    )
    (folder / "pages/list/list.axml").write_text(AXML)
    (folder / "pages/list/list.js").write_text(JS)
    (folder / "pages/list/list.acss").write_text(ACSS)
    return folder


async def run(loads: int = LOADS, updates: int = UPDATES) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp) / "project")
        sim_context = running_sim(Path(tmp) / "data", miniprogram_dir=project, apps=("miniprogram",))
        async with sim_context as sim, async_playwright() as pw:
            browser = await pw.chromium.launch(**launch_options())
            page = await browser.new_page(viewport={"width": 1100, "height": 920})
            renders, ready, changes = [], [], []
            for n in range(loads + 1):  # the first load warms the server's compile cache
                await page.goto(sim.urls["miniprogram"])
                await page.wait_for_function("window.__bench && window.__bench.readyAt")
                stamps = await page.evaluate("window.__bench")
                rows = await page.locator("mp-page-host page view.row").count()
                assert rows == ROWS, rows
                if n == 0:
                    continue
                renders.append(stamps["readyAt"] - stamps["loadAt"])
                ready.append(stamps["readyAt"])
                for i in range(updates):
                    changes.append(await page.evaluate("i => getCurrentPages()[0].update(i)", i))
                title = await page.locator("mp-page-host page view.row").nth(500).locator(".title").text_content()
                assert title == f"Row 500 #{updates - 1}", title
            await browser.close()
    return {
        "rows": ROWS,
        "loads": loads,
        "first_render_ms": summary(renders),
        "load_to_ready_ms": summary(ready),
        "set_data_one_row_ms": summary(changes),
    }
