"""The mini program's pages: a developer's own project or folder first
(``--miniprogram-dir``), then the demo shop (itself a mini program project,
miniprogram_mock/demo/), then a readable "no such page" inside the same container; and
``/my.js``."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from simulator.core.paths import STATIC_DIR

from .config import MiniprogramConfig
from .folder import NO_CACHE, MiniprogramFolder
from .project.site import ProjectSite

CONFIG = web.AppKey("config", MiniprogramConfig)
FOLDER = web.AppKey("miniprogram_folder", MiniprogramFolder)
PROJECT = web.AppKey("miniprogram_project", ProjectSite)
DEMO = web.AppKey("miniprogram_demo", ProjectSite)
DEMO_DIR = Path(__file__).resolve().parent / "demo"
SHIM = web.AppKey("shim", str)
# /my.js is these files of static/, in this order: the core (callbacks, the `my`
# object), then one file per family of APIs. Each is a standalone script.
SHIM_PARTS = (
    "my.js",
    "miniprogram/my/chrome.js",
    "miniprogram/my/request.js",
    "miniprogram/my/tradepay.js",
    "miniprogram/my/ui.js",
    "miniprogram/my/dialogs.js",
    "miniprogram/my/auth.js",
    "miniprogram/my/navigation.js",
    "miniprogram/my/storage.js",
    "miniprogram/my/system.js",
    "miniprogram/my/declared.js",
)
SHIM_CSS = (("documentCss", "miniprogram/container.css"), ("chromeCss", "miniprogram/chrome.css"))


async def page(request: web.Request) -> web.StreamResponse:
    path = request.match_info.get("path", "")
    project = request.app.get(PROJECT)
    if project is not None:
        found = await project.page(request, path)
        if found is not None:
            return found
        return not_found(request, path)
    folder = request.app.get(FOLDER)
    if folder is not None:
        file = folder.find(path)
        if file is not None:
            return await folder.serve(file)
    found = await request.app[DEMO].page(request, path)
    return found if found is not None else not_found(request, path)


def not_found(request: web.Request, path: str) -> web.Response:
    return aiohttp_jinja2.render_template("miniprogram/not_found.html", request, {"path": "/" + path}, status=404)


async def module(request: web.Request) -> web.Response:
    """A module of the project being run: the developer's, or the demo's."""
    return await request.app.get(PROJECT, request.app[DEMO]).module(request)


def ext_config(app: web.Application) -> dict:
    """What ``my.getExtConfigSync()`` returns: the simulator's URLs, then the developer's ``ext.json``."""
    folder = app.get(FOLDER)
    return {**app[CONFIG].default_ext(), **(folder.ext if folder is not None else {})}


def build_shim(app: web.Application) -> str:
    """``/my.js``: the container's settings (its CSS too, applied without a flash), then
    the shim's parts. A page that loads it twice keeps its first ``my``."""

    def read(name: str) -> str:
        return (STATIC_DIR / name).read_text(encoding="utf-8")

    settings = {**app[CONFIG].shim_config(), **{key: read(name) for key, name in SHIM_CSS}, "ext": ext_config(app)}
    # "</" never appears raw, so the settings cannot end a <script> they might be inlined in.
    prelude = "window.__TRADEPAY_SIM_CONFIG__ = " + json.dumps(settings).replace("</", "<\\/") + ";\n"
    parts = "\n".join(read(name) for name in SHIM_PARTS)
    return prelude + "if (!(window.my && window.my.__tradepaySim)) {\n" + parts + "\n}\n"


async def my_js(request: web.Request) -> web.Response:
    """The shim: the container's settings, then its parts (read once at start)."""
    return web.Response(text=request.app[SHIM], content_type="application/javascript", headers=NO_CACHE)
