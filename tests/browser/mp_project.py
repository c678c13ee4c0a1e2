"""Helpers for the mini program project tests: a simulator serving a fixture project
(tests/browser/projects/), shared by a module's tests (they change no server state),
and reads of what a page of the project shows."""

from __future__ import annotations

from pathlib import Path

PROJECTS = Path(__file__).resolve().parent / "projects"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-miniprogram"  # the docs' small project


async def open_page(page, sim, route: str, query: str = "") -> None:
    """Opens a page of the project by its path (as a reload of it would)."""
    await page.goto(sim.urls["miniprogram"] + "/" + route + (f"?{query}" if query else ""))
    await page.locator(f"mp-page-host[data-route='{route}']:not([hidden]) page *").first.wait_for()


async def text(page, testid: str) -> str:
    return await page.get_by_test_id(testid).first.text_content() or ""


async def app_log(page) -> list[str]:
    return await page.evaluate("getApp().globalData.log")


async def style(page, testid: str, prop: str) -> str:
    return await page.get_by_test_id(testid).first.evaluate(f"e => getComputedStyle(e)[{prop!r}]")
