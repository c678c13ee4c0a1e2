"""A developer's own mini program: the folder given by ``--miniprogram-dir``.

Its files are served at the mini program's root (``/`` is ``index.html``; ``/pages/cart``
is ``pages/cart.html`` or ``pages/cart/index.html``), every HTML page with ``/my.js``
put in its ``<head>``, as a container gives every page its ``my``. Two optional files
configure the container, read once at start like a published version's settings:

- ``ext.json`` (Alipay's own format, ``{"ext": {...}}``): what ``my.getExtConfigSync()``
  returns, over ``merchantUrl`` and ``walletUrl``, which the simulator fills in.
- ``tradepay-sim.json``: ``{"serverDomains": ["http://127.0.0.1:9000"]}``, more origins
  for the my.request allow-list (the merchant server is always on it).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from aiohttp import web

from simulator.core.apps import StartupError

from .domains import DomainError, parse_origin

EXT_FILE = "ext.json"
SETTINGS_FILE = "tradepay-sim.json"
SHIM_TAG = '<script src="/my.js"></script>'
NO_CACHE = {"Cache-Control": "no-cache"}
_HAS_SHIM = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?/my\.js\b""", re.I)
_OPENING = (
    re.compile(r"<head\b[^>]*>", re.I),
    re.compile(r"<html\b[^>]*>", re.I),
    re.compile(r"<!doctype\b[^>]*>", re.I),
)


def inject_shim(html: str) -> str:
    """The page with ``/my.js`` loaded first (unless the page already loads it)."""
    if _HAS_SHIM.search(html):
        return html
    for pattern in _OPENING:
        match = pattern.search(html)
        if match:
            return html[: match.end()] + SHIM_TAG + html[match.end() :]
    return SHIM_TAG + html


def _read_json_object(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StartupError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise StartupError(f"{path} must hold a JSON object")
    return data


class MiniprogramFolder:
    """The developer's folder: its files, its ext config, its server domains."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise StartupError(f"--miniprogram-dir {root} is not a folder")
        ext = _read_json_object(self.root / EXT_FILE).get("ext", {})
        if not isinstance(ext, dict):
            raise StartupError(f'{self.root / EXT_FILE}: "ext" must be a JSON object')
        self.ext: dict = ext
        domains = _read_json_object(self.root / SETTINGS_FILE).get("serverDomains", [])
        try:
            if not isinstance(domains, list):
                raise DomainError('"serverDomains" must be a list of origins')
            self.server_domains = [parse_origin(d) for d in domains]
        except DomainError as exc:
            raise StartupError(f"{self.root / SETTINGS_FILE}: {exc}") from None

    def find(self, path: str) -> Path | None:
        """The file behind a URL path, never outside the folder nor a hidden file."""
        parts = [p for p in path.split("/") if p]
        if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
            return None
        base = self.root.joinpath(*parts)
        candidates = [base, base / "index.html"]
        if parts:
            candidates.append(base.with_name(base.name + ".html"))
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_file() and resolved.is_relative_to(self.root):
                return resolved
        return None

    async def serve(self, file: Path) -> web.StreamResponse:
        if file.suffix.lower() in (".html", ".htm"):
            text = await asyncio.to_thread(file.read_text, encoding="utf-8", errors="replace")
            return web.Response(text=inject_shim(text), content_type="text/html", headers=NO_CACHE)
        return web.FileResponse(file, headers=NO_CACHE)
