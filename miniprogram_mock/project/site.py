"""A mini program project served at the mini program's root: its pages (one document
that runs them all: ``/`` and ``/<page path>``), its modules for the runtime
(``/__mp/modules/<file>.js``) and its other files (pictures and the like) as they are."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web

from simulator.core.paths import STATIC_DIR

from .compiler import Project
from .errors import CompileError

NO_CACHE = {"Cache-Control": "no-cache"}
# The runtime's scripts, in order (static/miniprogram/runtime/); Vue between them.
HEAD_SCRIPTS = ("miniprogram/runtime/errors.js", "miniprogram/runtime/modules.js")
RUNTIME_SCRIPTS = (
    "vendor/vue/vue.global.prod.js",
    "miniprogram/runtime/framework.js",
    "miniprogram/runtime/render.js",
    "miniprogram/runtime/components.js",
    "miniprogram/runtime/router.js",
)
BASE_CSS = "miniprogram/runtime/page.css"


class ProjectSite:
    def __init__(self, root: Path) -> None:
        self.project = Project(root)
        self.base_css = (STATIC_DIR / BASE_CSS).read_text(encoding="utf-8")

    async def page(self, request: web.Request, path: str) -> web.StreamResponse | None:
        """The response for a path of the mini program, or None (not one of its pages)."""
        path = path.strip("/")
        file = self.project.file(path) if path else None
        if file is not None:
            return web.FileResponse(file, headers=NO_CACHE)
        try:
            bundle = await asyncio.to_thread(self.project.bundle)
        except CompileError as exc:
            if path and "." in path.rsplit("/", 1)[-1]:
                return None
            return self._render(request, {"error": exc.as_json(), "title": "Compile error"}, status=500)
        if path and path not in bundle["app"]["pages"]:
            return None
        payload = json.dumps({**bundle, "baseCss": self.base_css}, ensure_ascii=False).replace("</", "<\\/")
        title = bundle["pages"][path or bundle["app"]["entry"]]["config"].get("defaultTitle", "")
        return self._render(request, {"bundle": payload, "modules": bundle["modules"], "title": title})

    def _render(self, request: web.Request, context: dict, status: int = 200) -> web.Response:
        context = {**context, "head_scripts": HEAD_SCRIPTS, "runtime_scripts": RUNTIME_SCRIPTS}
        resp = aiohttp_jinja2.render_template("miniprogram/project.html", request, context, status=status)
        resp.headers.update(NO_CACHE)
        return resp

    async def module(self, request: web.Request) -> web.Response:
        code = await asyncio.to_thread(self.project.module, request.match_info["path"])
        if code is None:
            raise web.HTTPNotFound(text="no such module")
        return web.Response(text=code, content_type="application/javascript", headers=NO_CACHE)
