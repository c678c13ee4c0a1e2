"""The mini program's pages: a developer's own folder first (``--miniprogram-dir``), then
the demo shop, then a readable "no such page" inside the same container; and ``/my.js``."""

from __future__ import annotations

import json

import aiohttp_jinja2
from aiohttp import web

from .config import MiniprogramConfig
from .folder import NO_CACHE, MiniprogramFolder

CONFIG = web.AppKey("config", MiniprogramConfig)
FOLDER = web.AppKey("miniprogram_folder", MiniprogramFolder)
SHIM = web.AppKey("shim", str)
DEMO_PAGES = {"": "index", "pages/index": "index", "pages/result": "result"}


async def page(request: web.Request) -> web.StreamResponse:
    path = request.match_info.get("path", "")
    folder = request.app.get(FOLDER)
    if folder is not None:
        file = folder.find(path)
        if file is not None:
            return await folder.serve(file)
    config = request.app[CONFIG]
    name = DEMO_PAGES.get(path.strip("/"))
    if name is None:
        return aiohttp_jinja2.render_template("miniprogram/not_found.html", request, {"path": "/" + path}, status=404)
    return aiohttp_jinja2.render_template(f"miniprogram/{name}.html", request, {"config": config})


def ext_config(app: web.Application) -> dict:
    """What ``my.getExtConfigSync()`` returns: the simulator's URLs, then the developer's ``ext.json``."""
    folder = app.get(FOLDER)
    return {**app[CONFIG].default_ext(), **(folder.ext if folder is not None else {})}


def shim_prelude(app: web.Application, css: dict[str, str]) -> str:
    """The container's settings in front of the shim (its CSS too, applied without a flash)."""
    settings = {**app[CONFIG].shim_config(), **css, "ext": ext_config(app)}
    # "</" never appears raw, so the settings cannot end a <script> they might be inlined in.
    return "window.__TRADEPAY_SIM_CONFIG__ = " + json.dumps(settings).replace("</", "<\\/") + ";\n"


async def my_js(request: web.Request) -> web.Response:
    """The shim: the container's settings, then its parts (read once at start)."""
    return web.Response(text=request.app[SHIM], content_type="application/javascript", headers=NO_CACHE)
