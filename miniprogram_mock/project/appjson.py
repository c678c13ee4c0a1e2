"""``app.json`` and the pages' ``.json``: read, checked, and the tab bar's names made one
(the platform's ``items/name/icon/activeIcon/textColor`` and the older, WeChat-style
``list/text/iconPath/selectedIconPath/color`` that projects converted from it carry)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from .errors import CompileError

log = logging.getLogger("tradepay_sim.miniprogram")

# The app.json keys the simulator reads; the platform's other keys are reported once
# (a line in the log) and ignored.
APP_KEYS = {"pages", "window", "tabBar", "usingComponents", "entryPagePath"}
# Documented keys that change nothing a page in the simulator can observe.
QUIET_KEYS = {"networkTimeout", "behavior", "permission", "lazyCodeLoading"}


@dataclass
class AppConfig:
    pages: list[str]
    entry: str
    window: dict
    tab_bar: dict | None
    components: dict[str, str]  # global usingComponents: tag -> path as written
    ignored: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"pages": self.pages, "entry": self.entry, "window": self.window, "tabBar": self.tab_bar}


def load_json(file: str, text: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CompileError.at(file, text, exc.pos, f"not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise CompileError.at(file, text, 0, "must hold a JSON object")
    return data


def position(text: str, value: str) -> int:
    """Where a string value is written in a JSON file (for an error pointing at it)."""
    at = text.find(json.dumps(value))
    return at + 1 if at >= 0 else 0


def parse_app(text: str) -> AppConfig:
    data = load_json("app.json", text)
    pages = data.get("pages")
    if not isinstance(pages, list) or not pages or not all(isinstance(p, str) and p.strip() for p in pages):
        raise CompileError.at("app.json", text, position(text, "pages"), '"pages" must be a list of page paths')
    pages = [p.strip().lstrip("/") for p in pages]
    entry = data.get("entryPagePath", pages[0])
    if not isinstance(entry, str) or entry.lstrip("/") not in pages:
        raise CompileError.at(
            "app.json", text, position(text, "entryPagePath"), '"entryPagePath" must be one of "pages"'
        )
    window = data.get("window", {})
    if not isinstance(window, dict):
        raise CompileError.at("app.json", text, position(text, "window"), '"window" must be an object')
    components = _components("app.json", text, data)
    ignored = sorted(k for k in data if k not in APP_KEYS and k not in QUIET_KEYS)
    tab_bar = _tab_bar(text, data.get("tabBar"), pages) if data.get("tabBar") is not None else None
    return AppConfig(pages, entry.lstrip("/"), window, tab_bar, components, ignored)


def _components(file: str, text: str, data: dict) -> dict[str, str]:
    using = data.get("usingComponents", {})
    if not isinstance(using, dict) or not all(isinstance(v, str) for v in using.values()):
        raise CompileError.at(file, text, position(text, "usingComponents"), '"usingComponents" must map tags to paths')
    return dict(using)


def _tab_bar(text: str, bar: object, pages: list[str]) -> dict:
    if not isinstance(bar, dict):
        raise CompileError.at("app.json", text, position(text, "tabBar"), '"tabBar" must be an object')
    items = bar.get("items", bar.get("list"))
    if not isinstance(items, list) or not items:
        raise CompileError.at("app.json", text, position(text, "tabBar"), '"tabBar" needs "items" (a list)')
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("pagePath"), str):
            raise CompileError.at("app.json", text, position(text, "pagePath"), 'each tab bar item needs "pagePath"')
        path = item["pagePath"].lstrip("/")
        if path not in pages:
            raise CompileError.at(
                "app.json", text, position(text, item["pagePath"]), f'tab bar page "{path}" is not in "pages"'
            )
        out.append(
            {
                "pagePath": path,
                "name": str(item.get("name", item.get("text", ""))),
                "icon": item.get("icon", item.get("iconPath")),
                "activeIcon": item.get("activeIcon", item.get("selectedIconPath")),
            }
        )
    return {
        "textColor": bar.get("textColor", bar.get("color")),
        "selectedColor": bar.get("selectedColor"),
        "backgroundColor": bar.get("backgroundColor"),
        "items": out,
    }


def page_config(file: str, text: str | None) -> tuple[dict, dict[str, str]]:
    """A page's (or component's) ``.json``: its window options and its components."""
    if text is None:
        return {}, {}
    data = load_json(file, text)
    components = _components(file, text, data)
    window = {k: v for k, v in data.items() if k not in ("usingComponents", "component")}
    return window, components
